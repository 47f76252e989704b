%% Erlang/OTP megaco as an independent MGC (MRFC) driving mrfpd over Mp (H.248.1 text over
%% UDP). Used by tests/e2e/megaco_mp.sh with megaco_mrfc_conf.erl (the group conference, it/ito,
%% the restart); needs erlang-base, erlang-megaco, erlang-crypto and, to compile, erlang-dev
%% (megaco's header files).
%%
%%   erlc -o DIR megaco_mrfc.erl megaco_mrfc_conf.erl
%%   erl -noshell -pa DIR -s megaco_mrfc main -extra --mg 127.0.0.1:2944 --mgc-port 2945 \
%%       --dir DIR [--participants 10.77.0.2:5002,10.77.0.3:5012] [--deadline 80] \
%%       [--talker 10.77.0.2:5000] [--role first|rebuild|drain]
%%
%% Role first (the default), in H.248 version 3 once negotiated:
%% (1) accepts mrfpd's ServiceChange Restart 901 (MEGACO/1, offering ServiceChangeVersion 3)
%% with a reply stating ServiceChangeVersion = 3 and turns the connection to version 3 (megaco's
%% strict_version stays on: a message in another version would be refused with 406), (2) Adds
%% participant A (Context = $, Add = $, Stream = 1, LocalControl mrfp/keys=bilateral) and B
%% into the returned context (Media without Stream, the oneStream form), each with a CHOOSE
%% Local SDP (c=IN IP4 $, m=audio $, a=crypto inline:$) and a Remote SDP carrying the
%% participant's symmetric address and send key (generated here), (3) hands the shell the
%% media parameters and keys through DIR/call1.info (mode 0600, in the test's own 0700
%% directory; the shell deletes it on reading) and waits for DIR/call1.done, (4) AuditValue
%% on ROOT and on A (statistics, mode), Modify A with only Local inline:$ and then with Local
%% inline:$ + Remote (each reply must carry a new key), hands the last key over
%% (DIR/call2.info, waits for DIR/call2.done), (5) sends one Add twice with the same
%% TransactionId from a second socket on the MGC's address (megaco's own encoder) and checks
%% both answers are the same reply and the next Add gets the very next termination, (6)
%% Subtracts A and B in one transaction and checks the Statistics, then that the context is
%% gone, (7) megaco_mrfc_conf:conference/4: a group-keyed conference with mrfp/rekey=join whose
%% join brings Notify mrfp/grekey (answered with ImmAckRequired: mrfpd's TransactionResponseAck
%% must come), a make-before-break group rekey, a talker (the shell's ffmpeg at --talker) sending
%% into it from then on, through the restart, a switched conference, it/ito armed on ROOT and
%% its Notify, then (8) writes the view it built (DIR/view.expect: contexts, legs, ports,
%% addresses, codecs, modes, properties; never a key) and stops, leaving both conferences up.
%% Role rebuild: a restarted MGC that knows nothing but mrfpd's address audits
%% (Context = * { AuditValue = * { Audit { Media } } }), rebuilds its view, compares it with
%% DIR/view.expect and subtracts every leg (megaco_mrfc_conf:rebuild/3).
%% Role drain (after the other two; mrfpd runs with --drain-timeout): a third megaco MGC,
%% in version 3, tells the shell it is up (DIR/drain.info), which sends mrfpd SIGTERM; megaco
%% receives mrfpd's ServiceChange Graceful on ROOT (905, Delay = the drain timeout) and then
%% Forced, answers both; once the shell saw mrfpd exit (DIR/drained.info/.done) it drops the
%% connection and takes version 1 again (a new mrfpd registers in MEGACO/1), asks the shell to
%% start mrfpd again (DIR/restart.info; with --max-legs-per-worker 2 on one worker) and receives
%% its ServiceChange Restart 901; then congestion: a conference of two legs fills the worker,
%% a third leg is refused with 510, Notify ROOT mrfp/overload {state=on} comes; a Subtract
%% brings state=off.
%% All roles check that nothing but version 3 crosses after the negotiation and that no 406
%% goes either way (megaco's handle_syntax_error / handle_message_error / error replies).
%% Every check prints one line "ok   ..." or "FAIL ..."; keys and SDP bodies are never
%% printed. Exit status: 0 every check passed, 1 some failed, 2 the run could not complete
%% (deadline, no registration, a crash).
-module(megaco_mrfc).
-behaviour(megaco_user).

-include_lib("megaco/include/megaco.hrl").
-include_lib("megaco/include/megaco_message_v3.hrl").

-export([main/0]).
%% for megaco_mrfc_conf
-export([check/2, log/2, abort/2, call/2, pp/2, start_mgc/3, finish/1, drain_messages/0, tid/1, tid_str/1, key/0, media/4,
         action/2, modify_cmd/2, sub_cmd/1, command_replies/1, local_sdp/1, sdp_media/1, stats/1,
         stats_str/1, err_str/1, has_error/2, stream_parms/1, remote/2, note/1, wait_notify/2,
         audit_value/3, ip_port/1,
         get_default/2, version_checks/1, handoff/4]).
-export([handle_connect/3, handle_disconnect/4, handle_syntax_error/4,
         handle_message_error/4, handle_trans_request/4, handle_trans_long_request/4,
         handle_trans_reply/5, handle_trans_ack/5, handle_unexpected_trans/4,
         handle_trans_request_abort/5, handle_segment_reply/6]).

-define(SUITE, "AES_CM_128_HMAC_SHA1_80").
-define(DUP_TID, 900001).
-define(V, 3).                  % the version the MGC negotiates
-define(TAB, megaco_mrfc_seen). % what megaco's callbacks saw (version, errors), for the checks

%% ------------------------------------------------------------------------------------------
%% megaco_user callbacks (run in megaco's processes; they report to the driver, and note what
%% they saw in the ?TAB table: the version of every message and every error, for the checks)

note(What) -> catch ets:insert(?TAB, {erlang:unique_integer([monotonic]), What}), ok.

ed_code(#'ErrorDescriptor'{errorCode = C, errorText = T}) ->
    {C, case T of asn1_NOVALUE -> ""; _ -> T end};
ed_code(_) -> {undefined, ""}.

handle_connect(CH, PV, Driver) ->
    Driver ! {connected, CH, PV},
    ok.

handle_disconnect(_CH, _PV, Reason, Driver) ->
    Driver ! {disconnected, Reason},
    ok.

%% megaco could not take a message of mrfpd's (undecodable, or in another version than the
%% negotiated one: 406 "Not negotiated version"); megaco answers it with that error.
handle_syntax_error(_RH, PV, ED, Driver) ->
    {C, T} = ed_code(ED),
    note({syntax_error, PV, C, T}),
    Driver ! {syntax_error, ED},
    reply.

%% mrfpd answered a message of ours with a message-level Error (e.g. 406).
handle_message_error(_CH, PV, ED, Driver) ->
    {C, T} = ed_code(ED),
    note({message_error, PV, C, T}),
    Driver ! {message_error, ED},
    no_reply.

%% mrfpd's ServiceChange: accepted with a plain "ServiceChange = ROOT" (no MgcIdToTry: that
%% would redirect it) stating ServiceChangeVersion = 3; from then on the connection is in
%% version 3 (the reply itself is in the version of the request, MEGACO/1). megaco encodes and
%% sends the reply, and answers retransmissions from its reply cache. The registration
%% arrives in MEGACO/1, parsed into version 1 records: its ServiceChangeParm is read by
%% position (method, version and reason are fields 1, 3 and 5 in every version).
%% A Notify is reported and acknowledged; when the driver asked for it (persistent_term
%% {?MODULE, imm_ack}), the reply carries ImmAckRequired and megaco calls handle_trans_ack
%% once mrfpd's TransactionResponseAck arrives (or the reply timer runs out).
handle_trans_request(CH, PV, ARs, Driver) ->
    Cmds = [{Ctx, Cmd} || #'ActionRequest'{contextId = Ctx, commandRequests = CRs} <- ARs,
                          #'CommandRequest'{command = Cmd} <- CRs],
    case Cmds of
        [{?megaco_null_context_id, {serviceChangeReq, {'ServiceChangeRequest', [Tid], P}}}] ->
            %% Delay (field 6 of ServiceChangeParm in every version), for the drain role
            persistent_term:put({?MODULE, sc_delay}, element(7, P)),
            Driver ! {service_change, PV, Tid, element(2, P), element(4, P), element(6, P)},
            %% the version is negotiated once; a later ServiceChange (Graceful, Forced) is
            %% answered with empty ServiceChangeResParms
            Res = case megaco:conn_info(CH, protocol_version) of
                      ?V -> note({request, PV}),
                            {serviceChangeResParms, #'ServiceChangeResParm'{}};
                      _ -> note({registration, PV}),
                           ok = megaco:update_conn_info(CH, protocol_version, ?V),
                           {serviceChangeResParms,
                            #'ServiceChangeResParm'{serviceChangeVersion = ?V}}
                  end,
            Reply = {serviceChangeReply,
                     #'ServiceChangeReply'{terminationID = [Tid], serviceChangeResult = Res}},
            {discard_ack, [#'ActionReply'{contextId = ?megaco_null_context_id,
                                          commandReply = [Reply]}]};
        [{Ctx, {notifyReq, #'NotifyRequest'{terminationID = Tids,
                                            observedEventsDescriptor = OED}}}] ->
            note({request, PV}),
            {Rid, Evs} = observed(OED),
            Ack = persistent_term:get({?MODULE, imm_ack}, false),
            Driver ! {notify, PV, Ctx, Tids, Rid, Evs, Ack},
            Replies = [#'ActionReply'{contextId = Ctx,
                                      commandReply = [{notifyReply,
                                                       #'NotifyReply'{terminationID = Tids}}]}],
            case Ack of
                false -> {discard_ack, Replies};
                _ -> persistent_term:put({?MODULE, imm_ack}, false),
                     {{handle_ack, Ack}, Replies}
            end;
        _ ->
            note({request, PV}),
            Driver ! {unexpected_request, length(ARs)},
            ED = #'ErrorDescriptor'{errorCode = ?megaco_not_implemented,
                                    errorText = "only ServiceChange and Notify are expected"},
            {discard_ack, ED}
    end.

%% ObservedEvents = RequestID { name { p=v } ... } as {RequestID, [{Name, [{P, V}]}]}.
observed(#'ObservedEventsDescriptor'{requestId = Rid, observedEventLst = Evs}) ->
    {Rid, [{N, [{PN, PV} || #'EventParameter'{eventParameterName = PN, value = [PV | _]} <- Ps]}
           || #'ObservedEvent'{eventName = N, eventParList = Ps} <- Evs]};
observed(_) -> {undefined, []}.

handle_trans_long_request(_CH, _PV, _ReqData, _Driver) ->
    ED = #'ErrorDescriptor'{errorCode = ?megaco_not_implemented, errorText = "long request"},
    {discard_ack, ED}.

handle_trans_reply(_CH, _PV, _UserReply, _ReplyData, _Driver) -> ok.
%% mrfpd's TransactionResponseAck for a reply of ours that had ImmAckRequired (AckStatus ok),
%% or the reply timer ran out without one ({error, timeout}).
handle_trans_ack(_CH, PV, AckStatus, AckData, Driver) ->
    note({ack, PV}),
    Driver ! {trans_ack, PV, AckStatus, AckData},
    ok.
handle_unexpected_trans(_CH, _PV, _Trans, Driver) ->
    Driver ! unexpected_trans,
    ok.
handle_trans_request_abort(_CH, _PV, _TransNo, _Pid, _Driver) -> ok.
handle_segment_reply(_CH, _PV, _TransNo, _SegNo, _SegCompl, _Driver) -> ok.

%% ------------------------------------------------------------------------------------------
%% checks

check(Cond, What) ->
    N = get_default(checks, 0),
    put(checks, N + 1),
    case Cond of
        true -> io:format("ok   ~s~n", [What]);
        _ -> io:format("FAIL ~s~n", [What]),
             put(failures, get_default(failures, 0) + 1)
    end,
    Cond =:= true.

get_default(K, D) -> case get(K) of undefined -> D; V -> V end.

log(Fmt, Args) -> io:format("[mgc ~s] " ++ Fmt ++ "~n", [time_str() | Args]).

time_str() ->
    {H, M, S} = time(),
    io_lib:format("~2..0B:~2..0B:~2..0B", [H, M, S]).

finish(Code) ->
    io:format("megaco_mrfc: ~B checks, ~B failed~n",
              [get_default(checks, 0), get_default(failures, 0)]),
    erlang:halt(Code, [{flush, true}]).

abort(Fmt, Args) ->
    io:format("FAIL " ++ Fmt ++ "~n", Args),
    put(failures, get_default(failures, 0) + 1),
    finish(2).

%% ------------------------------------------------------------------------------------------
%% arguments

args() ->
    parse_args(init:get_plain_arguments(),
               #{mg => "127.0.0.1:2944", mgc_port => 2945, dir => undefined,
                 participants => "10.77.0.2:5002,10.77.0.3:5012", deadline => 80,
                 talker => "10.77.0.2:5000", role => "first"}).

parse_args(["--mg", V | T], M) -> parse_args(T, M#{mg => V});
parse_args(["--mgc-port", V | T], M) -> parse_args(T, M#{mgc_port => list_to_integer(V)});
parse_args(["--dir", V | T], M) -> parse_args(T, M#{dir => V});
parse_args(["--participants", V | T], M) -> parse_args(T, M#{participants => V});
parse_args(["--talker", V | T], M) -> parse_args(T, M#{talker => V});
parse_args(["--deadline", V | T], M) -> parse_args(T, M#{deadline => list_to_integer(V)});
parse_args(["--role", V | T], M) when V =:= "first"; V =:= "rebuild"; V =:= "drain" ->
    parse_args(T, M#{role => V});
parse_args([], M) -> M;
parse_args([X | _], _) -> abort("megaco_mrfc: unknown argument ~s", [X]).

ip_port(S) ->
    [A, P] = string:split(S, ":", trailing),
    {ok, Ip} = inet:parse_ipv4strict_address(A),
    {Ip, list_to_integer(P)}.

%% ------------------------------------------------------------------------------------------
%% H.248 building blocks

pp(Name, Value) -> #'PropertyParm'{name = Name, value = [Value]}.

tid(Name) -> #megaco_term_id{id = string:split(Name, "/", all)}.

tid_str(#megaco_term_id{id = Ids}) -> lists:flatten(lists:join("/", Ids));
tid_str(Other) -> io_lib:format("~p", [Other]).

key() -> binary_to_list(base64:encode(crypto:strong_rand_bytes(30))).

%% Local: everything CHOOSE (mrfpd picks address, port and its send key).
local_choose() ->
    #'LocalRemoteDescriptor'{propGrps = [[pp("v", "0"), pp("c", "IN IP4 $"),
                                          pp("m", "audio $ RTP/SAVP 0"),
                                          pp("a", "crypto:1 " ?SUITE " inline:$")]]}.

%% Remote: the participant (where mrfpd sends, and the key the participant sends with).
remote({Ip, Port}, Key) ->
    #'LocalRemoteDescriptor'{
       propGrps = [[pp("v", "0"), pp("o", "- 1 1 IN IP4 " ++ inet:ntoa(Ip)), pp("s", "-"),
                    pp("c", "IN IP4 " ++ inet:ntoa(Ip)), pp("t", "0 0"),
                    pp("m", "audio " ++ integer_to_list(Port) ++ " RTP/SAVP 0"),
                    pp("a", "rtpmap:0 PCMU/8000"),
                    pp("a", "crypto:1 " ?SUITE " inline:" ++ Key)]]}.

%% Stream = 1 {...} (multiStream) or the stream parameters directly in Media (oneStream).
media(Form, LC, Local, Remote) ->
    SP = #'StreamParms'{localControlDescriptor = LC, localDescriptor = Local,
                        remoteDescriptor = Remote},
    Streams = case Form of
                  one -> {oneStream, SP};
                  multi -> {multiStream, [#'StreamDescriptor'{streamID = 1, streamParms = SP}]}
              end,
    {mediaDescriptor, #'MediaDescriptor'{streams = Streams}}.

add_cmd(Form, LC, Participant, Key) ->
    #'CommandRequest'{command = {addReq, #'AmmRequest'{
                                            terminationID = [tid("$")],
                                            descriptors = [media(Form, LC, local_choose(),
                                                                 remote(Participant, Key))]}}}.

action(Ctx, Cmds) -> #'ActionRequest'{contextId = Ctx, commandRequests = Cmds}.

%% A request through megaco: sent, resent after 1 s and 2 s, given up after 7 s. When megaco
%% could not decode what came back, the reason is megaco's syntax error.
call(CH, Actions) ->
    R = megaco:call(CH, Actions, [{request_timer, #megaco_incr_timer{wait_for = 1000,
                                                                     factor = 2, incr = 0,
                                                                     max_retries = 2}}]),
    case R of
        {PV0, _} -> note({reply, PV0});
        _ -> ok
    end,
    case R of
        {_PV, {ok, Replies}} ->
            [note({error_reply, C}) || #'ActionReply'{errorDescriptor =
                                                          #'ErrorDescriptor'{errorCode = C}} <- Replies],
            {ok, Replies};
        {_PV, {error, #'ErrorDescriptor'{errorCode = C}} = E} ->
            note({error_reply, C}),
            E;
        {_PV, {error, timeout}} ->
            receive
                {syntax_error, #'ErrorDescriptor'{errorText = T}} ->
                    flush_syntax_errors(),
                    {error, {undecodable_reply, T}}
            after 0 -> {error, timeout}
            end;
        {_PV, {error, Reason}} -> {error, Reason};
        Other -> {error, Other}
    end.

%% Everything megaco's callbacks noted (?TAB): the version of every request and reply from
%% mrfpd after the negotiation, every error either way. Who: "role first" or "rebuild".
version_checks(Who) ->
    Seen = [W || {_, W} <- lists:sort(ets:tab2list(?TAB))],
    Vs = lists:usort([V || {K, V} <- Seen, lists:member(K, [request, reply, ack])]),
    check(Vs =:= [?V], io_lib:format("~s: mrfpd's requests, replies and TransactionResponseAcks "
                                     "(the registration aside) all in MEGACO/~B (seen: ~w, ~B messages)",
                                     [Who, ?V, Vs, length([x || {K, _} <- Seen,
                                                                lists:member(K, [request, reply, ack])])])),
    E406 = [W || W <- Seen, element(1, W) =/= request, element(1, W) =/= reply,
                 element(1, W) =/= ack, lists:member(406, tuple_to_list(W))],
    check(E406 =:= [], io_lib:format("~s: no 406 either way (megaco refused none of mrfpd's "
                                     "messages, mrfpd refused none of megaco's)~s",
                                     [Who, case E406 of [] -> ""; _ -> io_lib:format(": ~p", [E406]) end])),
    Errs = [W || W <- Seen, lists:member(element(1, W), [syntax_error, message_error])],
    check(Errs =:= [], io_lib:format("~s: megaco's handle_syntax_error / handle_message_error "
                                     "never called~s",
                                     [Who, case Errs of [] -> ""; _ -> io_lib:format(": ~p", [Errs]) end])).

flush_syntax_errors() ->
    receive {syntax_error, _} -> flush_syntax_errors() after 0 -> ok end.

%% Reply error text without anything else of the message.
err_str({error, #'ErrorDescriptor'{errorCode = C, errorText = T}}) ->
    io_lib:format("Error = ~p \"~s\"", [C, case T of asn1_NOVALUE -> ""; _ -> T end]);
err_str({error, {send_message_failed, _} = R}) -> io_lib:format("~p", [R]);
err_str({error, timeout}) -> "no reply (timeout)";
err_str({error, {undecodable_reply, T}}) ->
    io_lib:format("megaco cannot decode mrfpd's reply (answered it with Error 400 \"~s\")", [T]);
err_str({error, R}) -> io_lib:format("~P", [R, 12]);
err_str({ok, ARs}) ->
    Errs = [E || #'ActionReply'{errorDescriptor = E} <- ARs, E =/= asn1_NOVALUE] ++
        [E || #'ActionReply'{commandReply = CRs} <- ARs, {_, #'AmmsReply'{terminationAudit = TA}} <- CRs,
              is_list(TA), {errorDescriptor, E} <- TA],
    case Errs of
        [] -> "reply without the expected contents";
        [#'ErrorDescriptor'{errorCode = C, errorText = T} | _] ->
            io_lib:format("Error = ~p \"~s\"", [C, case T of asn1_NOVALUE -> ""; _ -> T end])
    end.

%% The single command reply of a one-action reply: {Ctx, Tag, TermIdString, Audit}.
command_replies({ok, ARs}) ->
    [{Ctx, Tag, tid_str(hd(TIDs)), audit_of(R)}
     || #'ActionReply'{contextId = Ctx, errorDescriptor = asn1_NOVALUE, commandReply = CRs} <- ARs,
        {Tag, R} <- CRs, TIDs <- [tids_of(R)], TIDs =/= []];
command_replies(_) -> [].

tids_of(#'AmmsReply'{terminationID = T}) -> T;
tids_of(_) -> [].

audit_of(#'AmmsReply'{terminationAudit = TA}) when is_list(TA) -> TA;
audit_of(_) -> [].

%% The Local SDP of a reply's Media descriptor as a list of {Name, Value}.
local_sdp(Audit) ->
    case [SP || {mediaDescriptor, #'MediaDescriptor'{streams = S}} <- Audit,
                SP <- stream_parms(S)] of
        [#'StreamParms'{localDescriptor = #'LocalRemoteDescriptor'{propGrps = [G | _]}} | _] ->
            [{N, V} || #'PropertyParm'{name = N, value = [V | _]} <- G];
        _ -> []
    end.

stream_parms({oneStream, SP}) -> [SP];
stream_parms({multiStream, SDs}) -> [SP || #'StreamDescriptor'{streamParms = SP} <- SDs];
stream_parms(_) -> [].

%% mrfpd's media address, port and a=crypto key from a Local SDP.
sdp_media(Sdp) ->
    Addr = case [string:lexemes(V, " ") || {"c", V} <- Sdp] of
               [["IN", "IP4", A] | _] -> A;
               _ -> undefined
           end,
    Port = case [string:lexemes(V, " ") || {"m", V} <- Sdp] of
               [["audio", P | _] | _] -> list_to_integer(P);
               _ -> undefined
           end,
    Keys = [K || {"a", V} <- Sdp, lists:prefix("crypto:", V),
                 [_, Suite, "inline:" ++ KP | _] <- [string:lexemes(V, " ")],
                 Suite =:= ?SUITE, K <- [hd(string:split(KP, "|"))]],
    {Addr, Port, Keys}.

stats(Audit) ->
    maps:from_list([{N, list_to_integer(V)}
                    || {statisticsDescriptor, SPs} <- Audit,
                       #'StatisticsParameter'{statName = N, statValue = [V | _]} <- SPs,
                       is_integer(catch list_to_integer(V))]).

stats_str(M) ->
    lists:join(" ", [io_lib:format("~s=~B", [K, V]) || {K, V} <- lists:sort(maps:to_list(M))]).

term_num(T) ->
    case string:split(T, "/") of
        ["rtp", N] -> list_to_integer(N);
        _ -> -1
    end.

%% ------------------------------------------------------------------------------------------
%% hand-over to the shell: a 0600 file in the test's own 0700 directory; the shell reads it,
%% deletes it and answers with NAME.done when its part (a call) is over.

handoff(Dir, Name, Lines, Deadline) ->
    Tmp = filename:join(Dir, Name ++ ".tmp"),
    {ok, F} = file:open(Tmp, [write, exclusive, raw]),
    ok = file:change_mode(Tmp, 8#600),
    ok = file:write(F, [[K, " ", V, "\n"] || {K, V} <- Lines]),
    ok = file:close(F),
    ok = file:rename(Tmp, filename:join(Dir, Name ++ ".info")),
    log("handed ~s to the shell; waiting for ~s.done", [Name, Name]),
    Done = filename:join(Dir, Name ++ ".done"),
    wait_file(Done, Deadline),
    {ok, Bin} = file:read_file(Done),
    string:trim(binary_to_list(Bin)).

wait_file(Path, Deadline) ->
    case filelib:is_regular(Path) of
        true -> ok;
        false ->
            case erlang:monotonic_time(millisecond) > Deadline of
                true -> abort("the shell did not answer (~s)", [filename:basename(Path)]);
                false -> timer:sleep(100), wait_file(Path, Deadline)
            end
    end.

%% ------------------------------------------------------------------------------------------
%% the run

main() ->
    A = args(),
    Deadline = erlang:monotonic_time(millisecond) + maps:get(deadline, A) * 1000,
    Self = self(),
    spawn(fun() -> timer:sleep(maps:get(deadline, A) * 1000),
                   io:format("FAIL megaco_mrfc: overall deadline of ~Bs reached~n",
                             [maps:get(deadline, A)]),
                   erlang:halt(2, [{flush, true}]), Self ! stop end),
    case maps:get(dir, A) of
        undefined -> abort("megaco_mrfc: --dir is required", []);
        _ -> ok
    end,
    ?TAB = ets:new(?TAB, [named_table, public, ordered_set]),
    try case maps:get(role, A) of
            "first" -> run(A, Deadline);
            "rebuild" -> megaco_mrfc_conf:rebuild(A, Deadline);
            "drain" -> drain_role(A, Deadline)
        end
    catch C:R:St ->
            %% the reason's shape and the call chain only: terms here may hold keys
            Where = [io_lib:format("~p:~p/~p(line ~p)",
                                   [M, F, if is_list(Ar) -> length(Ar); true -> Ar end,
                                    proplists:get_value(line, L)]) || {M, F, Ar, L} <- St],
            abort("megaco_mrfc crashed: ~p:~p in ~s", [C, shape(R), lists:join(" < ", Where)])
    end.

shape(R) when is_tuple(R), tuple_size(R) > 0, is_atom(element(1, R)) -> element(1, R);
shape(R) when is_atom(R) -> R;
shape(_) -> term.

run(A, Deadline) ->
    Dir = maps:get(dir, A),
    MgcPort = maps:get(mgc_port, A),
    {MgIp, MgPort} = ip_port(maps:get(mg, A)),
    [PA, PB] = [ip_port(P) || P <- string:split(maps:get(participants, A), ",", all)],
    Mid = {ip4Address, #'IP4Address'{address = [127, 0, 0, 1], portNumber = MgcPort}},
    {ok, _} = application:ensure_all_started(crypto),
    ok = logger:set_primary_config(level, error),
    %% a new connection starts in version 1 (megaco's default, what mrfpd registers in);
    %% strict_version (megaco's default, stated here): a message in any other version than the
    %% connection's is refused with 406
    {_SH, _Ctrl} = start_mgc(Mid, MgcPort, [{protocol_version, 1}]),
    log("MGC listening on 127.0.0.1:~B (megaco ~s), MG expected at ~s:~B",
        [MgcPort, element(2, application:get_key(megaco, vsn)), inet:ntoa(MgIp), MgPort]),

    %% (1) registration: mrfpd offers version 3 in MEGACO/1, megaco answers with version 3
    {CH, {PV0, Method, Offered, Reason}} = wait_registration(undefined, undefined, 15000),
    check(Method =:= restart andalso lists:any(fun(R) -> string:find(R, "901") =/= nomatch end,
                                               Reason),
          "mrfpd registered: ServiceChange Restart 901 on ROOT, answered by megaco"),
    check(PV0 =:= 1 andalso Offered =:= ?V,
          io_lib:format("the registration came in MEGACO/~p offering ServiceChangeVersion = ~p",
                        [PV0, Offered])),
    timer:sleep(300), % mrfpd sees the reply and stops retransmitting
    check(megaco:conn_info(CH, protocol_version) =:= ?V andalso
              megaco:conn_info(CH, strict_version) =:= true,
          "megaco answered ServiceChangeVersion = 3: the connection is in version 3, strict"),

    %% (2) two participants in one new context
    KeyA = key(), KeyB = key(),
    LC = #'LocalControlDescriptor'{streamMode = sendRecv,
                                   propertyParms = [pp("mrfp/keys", "bilateral")]},
    RA = call(CH, [action(?megaco_choose_context_id, [add_cmd(multi, LC, PA, KeyA)])]),
    {Ctx, TermA, SdpA} =
        case command_replies(RA) of
            [{C1, addReply, T1, Au1}] -> {C1, T1, local_sdp(Au1)};
            _ -> abort("Add A (Context = $, Add = $): ~s", [err_str(RA)])
        end,
    check(is_integer(Ctx) andalso Ctx > 0 andalso Ctx < ?megaco_choose_context_id
          andalso term_num(TermA) > 0,
          io_lib:format("Add A: context ~p, termination ~s (CHOOSE for both)", [Ctx, TermA])),
    {AddrA, PortA, KeysA} = sdp_media(SdpA),
    check(AddrA =:= "10.77.0.1", "Add A: Local c= is mrfpd's media address (CHOOSE)"),
    check(is_integer(PortA) andalso PortA rem 2 =:= 0, "Add A: Local m= has an even port"),
    check(length(KeysA) =:= 1 andalso KeysA =/= [KeyA] andalso length(hd(KeysA)) =:= 40,
          "Add A: Local a=crypto carries a key generated by mrfpd (not the Remote key)"),

    LCB = #'LocalControlDescriptor'{streamMode = sendRecv},
    RB = call(CH, [action(Ctx, [add_cmd(one, LCB, PB, KeyB)])]),
    {TermB, SdpB} =
        case command_replies(RB) of
            [{Ctx, addReply, T2, Au2}] -> {T2, local_sdp(Au2)};
            _ -> abort("Add B into context ~p: ~s", [Ctx, err_str(RB)])
        end,
    check(term_num(TermB) =:= term_num(TermA) + 1,
          io_lib:format("Add B into context ~p: termination ~s", [Ctx, TermB])),
    {AddrB, PortB, KeysB} = sdp_media(SdpB),
    check(AddrB =:= "10.77.0.1" andalso is_integer(PortB) andalso PortB =/= PortA,
          "Add B: Local address and a port of its own"),
    check(length(KeysB) =:= 1 andalso KeysB =/= KeysA,
          "Add B: bilateral keys: its own Local key, not A's"),
    [MkA] = KeysA, [MkB] = KeysB,

    %% (3) the call between ffmpeg participants (the shell runs it)
    R1 = handoff(Dir, "call1",
                 [{"MRFP_IP", AddrA}, {"A_PORT", integer_to_list(PortA)},
                  {"B_PORT", integer_to_list(PortB)}, {"A_UP", KeyA}, {"A_DOWN", MkA},
                  {"B_UP", KeyB}, {"B_DOWN", MkB}], Deadline),
    log("shell: call 1 ~s", [R1]),

    %% (4) AuditValue, Modify with a new Local key
    RR = call(CH, [action(?megaco_null_context_id,
                          [#'CommandRequest'{command = {auditValueRequest,
                                                        #'AuditRequest'{terminationID = ?megaco_root_termination_id,
                                                                        auditDescriptor = #'AuditDescriptor'{auditToken = [packagesToken]}}}}])]),
    RootOk = case RR of
                 {ok, [#'ActionReply'{errorDescriptor = asn1_NOVALUE,
                                      commandReply = [{auditValueReply, {auditResult, _}}]}]} -> true;
                 _ -> false
             end,
    check(RootOk, "AuditValue on ROOT (lower-case root from megaco) answered with an audit result"
          ++ case RootOk of true -> ""; false -> ": " ++ err_str(RR) end),
    AvA = audit_value(CH, Ctx, TermA),
    SA = av_stats(AvA),
    check(maps:get("rtp/pr", SA, 0) > 0 andalso maps:get("nt/or", SA, 0) > 0
          andalso maps:get("rtp/ps", SA, 0) > 0,
          io_lib:format("AuditValue ~s after the call: statistics (~s)", [TermA, stats_str(SA)])),
    check(av_mode(AvA) =:= sendRecv, "AuditValue " ++ TermA ++ ": LocalControl Mode = SendReceive"),


    %% Modify with only a Local descriptor asking for a new key ($): H.248.77 rekey
    LocalRekey = #'LocalRemoteDescriptor'{propGrps = [[pp("v", "0"), pp("c", "IN IP4 $"),
                                                       pp("m", "audio $ RTP/SAVP 0"),
                                                       pp("a", "crypto:1 " ?SUITE " inline:$")]]},
    M1 = call(CH, [action(Ctx, [modify_cmd(TermA, [media(multi, asn1_NOVALUE, LocalRekey,
                                                          asn1_NOVALUE)])])]),
    K1 = case command_replies(M1) of
             [{Ctx, modReply, TermA, Au3}] -> element(3, sdp_media(local_sdp(Au3)));
             _ -> error
         end,
    check(K1 =/= error, "Modify " ++ TermA ++ " { Local inline:$ } accepted" ++
              case K1 of error -> ": " ++ err_str(M1); _ -> "" end),
    check(is_list(K1) andalso length(K1) =:= 1 andalso K1 =/= [MkA],
          "Modify " ++ TermA ++ " with only Local (inline:$): the reply returns the new key"),
    %% the same with the Remote repeated (mrfpd then writes the Local SDP of the reply)
    M2 = call(CH, [action(Ctx, [modify_cmd(TermA, [media(multi, asn1_NOVALUE, LocalRekey,
                                                          remote(PA, KeyA))])])]),
    {_, PortA2, KeysA2} = case command_replies(M2) of
                              [{Ctx, modReply, TermA, Au4}] -> sdp_media(local_sdp(Au4));
                              _ -> {undefined, undefined, []}
                          end,
    NewKey = length(KeysA2) =:= 1 andalso KeysA2 =/= [MkA] andalso KeysA2 =/= K1,
    check(NewKey, "Modify " ++ TermA ++ " { Local inline:$, Remote }: a new Local key in the reply"
          ++ case NewKey of true -> ""; false -> ": " ++ err_str(M2) end),
    check(PortA2 =:= PortA, "Modify: the leg keeps its port"),
    R2 = case NewKey of
             true -> handoff(Dir, "call2", [{"A_DOWN2", hd(KeysA2)}], Deadline);
             false -> handoff(Dir, "call2", [{"SKIP", "no-new-key"}], Deadline)
         end,
    log("shell: call 2 (after rekey) ~s", [R2]),

    %% (5) the same transaction twice (raw UDP from the MGC's address): executed once
    dup_check({MgIp, MgPort}, CH, Ctx, TermB),

    %% (6) Subtract A and B in one transaction: Statistics in both replies, context gone
    RS = call(CH, [action(Ctx, [sub_cmd(TermA), sub_cmd(TermB)])]),
    Subs = command_replies(RS),
    check(length(Subs) =:= 2, "Subtract A and B in one transaction: two replies " ++
              case Subs of [_, _] -> ""; _ -> err_str(RS) end),
    lists:foreach(
      fun({_, subtractReply, T, Au}) ->
              S = stats(Au),
              check(maps:get("nt/os", S, 0) > 0 andalso maps:get("nt/or", S, 0) > 0
                    andalso maps:get("rtp/pr", S, 0) > 0 andalso maps:get("rtp/ps", S, 0) > 0
                    andalso maps:is_key("nt/dur", S) andalso maps:is_key("rtp/pl", S)
                    andalso maps:is_key("rtp/jit", S),
                    io_lib:format("Subtract ~s: Statistics (~s)", [T, stats_str(S)]));
         (Other) -> check(false, io_lib:format("Subtract reply ~P", [Other, 8]))
      end, Subs),
    RG = call(CH, [action(Ctx, [#'CommandRequest'{command = {auditValueRequest,
                                                             #'AuditRequest'{terminationID = tid(TermA),
                                                                             auditDescriptor = #'AuditDescriptor'{auditToken = [mediaToken]}}}}])]),
    check(has_error(RG, [411, 430]), "after the last Subtract the context is gone (411/430)"),
    drain_messages(),

    %% (7) a group-keyed and a switched conference, it/ito; (8) the view, left up for the restart
    megaco_mrfc_conf:conference(CH, Dir, ip_port(maps:get(talker, A)), Deadline),
    drain_messages(),
    version_checks("first MGC"),
    %% the MGC goes away as if it crashed: nothing is torn down, mrfpd keeps every leg
    finish(case get_default(failures, 0) of 0 -> 0; _ -> 1 end).

%% ------------------------------------------------------------------------------------------
%% role drain: mrfpd's Graceful and Forced, its restart, its congestion Notify

%% The next ServiceChange from mrfpd within T ms: {CH, PV, Method, Reason, Delay}; connections
%% megaco makes on the way are noted.
wait_sc(CH, T) ->
    T0 = erlang:monotonic_time(millisecond),
    receive
        {connected, CH1, PV} ->
            log("megaco: connection from mrfpd (protocol version ~p)", [PV]),
            wait_sc(CH1, left(T, T0));
        {disconnected, _} -> wait_sc(CH, left(T, T0));
        {service_change, PV, Tid, Method, _Offered, Reason} ->
            Delay = persistent_term:get({?MODULE, sc_delay}, asn1_NOVALUE),
            log("ServiceChange from mrfpd on ~s: method ~p, MEGACO/~p, reason ~s, delay ~p",
                [tid_str(Tid), Method, PV, lists:join(" ", Reason), Delay]),
            {CH, PV, Method, Reason, Delay};
        {syntax_error, ED} ->
            check(false, io_lib:format("megaco could not decode a message from mrfpd: ~P", [ED, 10])),
            wait_sc(CH, left(T, T0));
        {message_error, ED} ->
            check(false, io_lib:format("megaco reported a message error: ~P", [ED, 10])),
            wait_sc(CH, left(T, T0));
        Other ->
            log("while waiting for a ServiceChange: ~P", [Other, 8]),
            wait_sc(CH, left(T, T0))
    after max(T, 0) -> timeout
    end.

reason_has(Reason, Code) ->
    lists:any(fun(R) -> string:find(R, Code) =/= nomatch end, Reason).

overload_is(State) ->
    fun({notify, _PV, _Ctx, _Tids, _Rid, Evs, _}) ->
            lists:any(fun({N, Ps}) -> N =:= "mrfp/overload" andalso
                                          lists:member({"state", State}, Ps) end, Evs);
       (_) -> false
    end.

drain_role(A, Deadline) ->
    Dir = maps:get(dir, A),
    MgcPort = maps:get(mgc_port, A),
    [PA, PB] = [ip_port(P) || P <- string:split(maps:get(participants, A), ",", all)],
    Mid = {ip4Address, #'IP4Address'{address = [127, 0, 0, 1], portNumber = MgcPort}},
    {ok, _} = application:ensure_all_started(crypto),
    ok = logger:set_primary_config(level, error),
    %% mrfpd speaks version 3 on Mp now: megaco's connection (made when mrfpd's first message
    %% comes) starts in it; TransactionIds of its own range (the MGCs before used theirs)
    {SH, Ctrl} = start_mgc(Mid, MgcPort, [{protocol_version, ?V}, {min_trans_id, 2000000}]),
    {MgIp, MgPort} = ip_port(maps:get(mg, A)),
    MgMid = {ip4Address, #'IP4Address'{address = tuple_to_list(MgIp), portNumber = MgPort}},
    SendH = megaco_udp:create_send_handle(SH, MgIp, MgPort),
    {ok, CH} = megaco:connect(megaco:user_info(Mid, receive_handle), MgMid, SendH, Ctrl),
    %% a call up through the drain: Forced comes when the delay is over
    LC = #'LocalControlDescriptor'{streamMode = sendRecv,
                                   propertyParms = [pp("mrfp/keys", "bilateral")]},
    R0 = call(CH, [action(?megaco_choose_context_id, [add_cmd(multi, LC, PA, key())])]),
    {Ctx0, Term0} = case command_replies(R0) of
                        [{C0, addReply, T0, _}] -> {C0, T0};
                        _ -> abort("drain: Add (Context = $): ~s", [err_str(R0)])
                    end,
    log("drain MGC on 127.0.0.1:~B (version ~B), a call up (context ~p, ~s); the shell sends "
        "mrfpd SIGTERM", [MgcPort, ?V, Ctx0, Term0]),
    "sigterm" = handoff(Dir, "drain", [{"MGC", "up"}], Deadline),
    G = case wait_sc(CH, 10000) of
            timeout -> abort("no ServiceChange Graceful from mrfpd within 10 s of SIGTERM", []);
            {_, PVg, Mg, Rg, Dg} -> {PVg, Mg, Rg, Dg}
        end,
    T0g = erlang:monotonic_time(millisecond),
    {PVg2, Mg2, Rg2, Dg2} = G,
    check(Mg2 =:= graceful andalso reason_has(Rg2, "905") andalso PVg2 =:= ?V,
          io_lib:format("SIGTERM: megaco receives mrfpd's ServiceChange Graceful on ROOT, 905, "
                        "in MEGACO/~p, and answers it", [PVg2])),
    RN = call(CH, [action(Ctx0, [add_cmd(one, #'LocalControlDescriptor'{streamMode = sendRecv},
                                         PB, key())])]),
    check(has_error(RN, [503]), "draining: a new leg is refused with 503 (" ++ err_str(RN) ++ ")"),
    AV = audit_value(CH, Ctx0, Term0),
    check(AV =/= [], "draining: the call goes on (AuditValue " ++ Term0 ++ " answered)"),
    check(Dg2 =:= 4, io_lib:format("Graceful's Delay is the drain timeout, 4 s (~p)", [Dg2])),
    case wait_sc(CH, 8000) of
        timeout -> check(false, "no ServiceChange Forced after the Graceful");
        {_, PVf, Mf, Rf, _} ->
            Ms = erlang:monotonic_time(millisecond) - T0g,
            check(Mf =:= forced andalso PVf =:= ?V andalso Ms >= 3000,
                  io_lib:format("the delay over, the call still up: ServiceChange Forced on ROOT "
                                "(MEGACO/~p, ~s, ~B ms after the Graceful), answered",
                                [PVf, lists:join(" ", Rf), Ms]))
    end,
    R1 = handoff(Dir, "drained", [{"FORCED", "answered"}], Deadline),
    log("shell: ~s", [R1]),
    check(R1 =:= "exited 0", "mrfpd exits 0 once megaco answered its Forced (" ++ R1 ++ ")"),
    %% the next mrfpd registers in MEGACO/1 offering version 3, as the first one did
    _ = (catch megaco:disconnect(CH, mrfpd_stopped)),
    ok = megaco:update_user_info(Mid, protocol_version, 1),
    "started" = handoff(Dir, "restart", [{"MGC", "ready"}], Deadline),
    {CH2, PVr, Mr, Rr} = case wait_sc(undefined, 20000) of
                             timeout -> abort("the restarted mrfpd did not register within 20 s", []);
                             {C2, P2, M2, Re2, _} -> {C2, P2, M2, Re2}
                         end,
    check(Mr =:= restart andalso reason_has(Rr, "901") andalso PVr =:= 1,
          io_lib:format("started again, mrfpd registers: ServiceChange Restart 901 (MEGACO/~p), "
                        "answered", [PVr])),
    timer:sleep(300),
    check(megaco:conn_info(CH2, protocol_version) =:= ?V,
          "the new connection is in version 3 again"),
    overload(CH2, PA, PB),
    drain_messages(),
    version_checks("role drain"),
    finish(case get_default(failures, 0) of 0 -> 0; _ -> 1 end).

%% mrfpd runs with --max-legs-per-worker 2 on one worker: two legs fill it.
overload(CH, PA, PB) ->
    LC = #'LocalControlDescriptor'{streamMode = sendRecv,
                                   propertyParms = [pp("mrfp/keys", "bilateral")]},
    RA = call(CH, [action(?megaco_choose_context_id, [add_cmd(multi, LC, PA, key())])]),
    {Ctx, TermA} = case command_replies(RA) of
                       [{C1, addReply, T1, _}] -> {C1, T1};
                       _ -> abort("overload: Add (Context = $): ~s", [err_str(RA)])
                   end,
    LCB = #'LocalControlDescriptor'{streamMode = sendRecv},
    RB = call(CH, [action(Ctx, [add_cmd(one, LCB, PB, key())])]),
    TermB = case command_replies(RB) of
                [{Ctx, addReply, T2, _}] -> T2;
                _ -> abort("overload: Add into context ~p: ~s", [Ctx, err_str(RB)])
            end,
    RC = call(CH, [action(?megaco_choose_context_id, [add_cmd(multi, LC, PB, key())])]),
    check(has_error(RC, [510]),
          "two legs fill the worker: a new conference is refused with 510 (" ++ err_str(RC) ++ ")"),
    case wait_notify(overload_is("on"), 4000) of
        {ok, {notify, PV, _, Tids, Rid, _, _}, Ms} ->
            check(PV =:= ?V andalso lists:member(string:to_lower(lists:flatten(
                                                   [tid_str(T) || T <- Tids])), ["root"]), io_lib:format("megaco receives Notify ~s mrfp/overload {state=on} "
                                           "(RequestID ~p, MEGACO/~p, ~B ms after the 510), answers it",
                                           [lists:join(" ", [tid_str(T) || T <- Tids]), Rid, PV, Ms]));
        timeout -> check(false, "no Notify ROOT mrfp/overload {state=on} within 4 s of the 510")
    end,
    RS = call(CH, [action(Ctx, [sub_cmd(TermB)])]),
    check(command_replies(RS) =/= [], "Subtract " ++ TermB ++ ": room on the worker again"),
    case wait_notify(overload_is("off"), 4000) of
        {ok, {notify, PV2, _, _, _, _, _}, Ms2} ->
            check(PV2 =:= ?V, io_lib:format("then Notify ROOT mrfp/overload {state=off} (~B ms after "
                                            "the Subtract), answered", [Ms2]));
        timeout -> check(false, "no Notify ROOT mrfp/overload {state=off} within 4 s of the Subtract")
    end,
    RD = call(CH, [action(Ctx, [sub_cmd(TermA)])]),
    check(command_replies(RD) =/= [], "Subtract " ++ TermA ++ ": the conference is gone").

%% megaco, a user for our mId and its UDP transport on 127.0.0.1:MgcPort.
start_mgc(Mid, MgcPort, Extra) ->
    ok = megaco:start(),
    ok = megaco:start_user(Mid, [{user_mod, ?MODULE}, {user_args, [self()]},
                                 {send_mod, megaco_udp},
                                 {encoding_mod, megaco_pretty_text_encoder},
                                 {encoding_config, []},
                                 {strict_version, true},
                                 {long_request_timer, 10000},
                                 {reply_timer, 30000} | Extra]),
    RH = megaco:user_info(Mid, receive_handle),
    {ok, Sup} = megaco_udp:start_transport(),
    {ok, SH, Ctrl} = megaco_udp:open(Sup, [{port, MgcPort}, {receive_handle, RH},
                                            {udp_options, [{ip, {127, 0, 0, 1}}]}]),
    {SH, Ctrl}.

wait_registration(CH, SC, T) when CH =/= undefined, SC =/= undefined, T >= 0 -> {CH, SC};
wait_registration(CH, SC, T) ->
    T0 = erlang:monotonic_time(millisecond),
    receive
        {connected, CH1, PV} ->
            log("megaco: connection from mrfpd (protocol version ~p)", [PV]),
            wait_registration(CH1, SC, left(T, T0));
        {service_change, PV, Tid, Method, Offered, Reason} ->
            log("ServiceChange on ~s, method ~p, MEGACO/~p, ServiceChangeVersion ~p",
                [tid_str(Tid), Method, PV, Offered]),
            wait_registration(CH, {PV, Method, Offered, Reason}, left(T, T0));
        {syntax_error, ED} ->
            abort("megaco could not decode a message from mrfpd: ~P", [ED, 10]);
        Other ->
            log("while waiting for registration: ~P", [Other, 8]),
            wait_registration(CH, SC, left(T, T0))
    after max(T, 0) ->
            abort("no ServiceChange from mrfpd within 15 s", [])
    end.

left(T, T0) -> T - (erlang:monotonic_time(millisecond) - T0).

%% The first Notify from mrfpd that Pred accepts, within T ms: {ok, Msg, Ms} (Ms: how long it
%% took) or timeout. Other Notifies are logged and acknowledged (megaco did), nothing else.
wait_notify(Pred, T) ->
    T0 = erlang:monotonic_time(millisecond),
    wait_notify(Pred, T, T0).

wait_notify(Pred, T, T0) ->
    receive
        {notify, PV, Ctx, Tids, Rid, Evs, _} = N ->
            case Pred(N) of
                true -> {ok, N, erlang:monotonic_time(millisecond) - T0};
                false ->
                    log("Notify from mrfpd (MEGACO/~p) in context ~p for ~s: RequestID ~p, ~s",
                        [PV, Ctx, lists:join(" ", [tid_str(X) || X <- Tids]), Rid,
                         lists:join(" ", [E || {E, _} <- Evs])]),
                    wait_notify(Pred, T, T0)
            end
    after max(0, T - (erlang:monotonic_time(millisecond) - T0)) -> timeout
    end.

drain_messages() ->
    receive
        {notify, PV, Ctx, Tids, Rid, Evs, _} ->
            log("Notify from mrfpd (MEGACO/~p) in context ~p for ~s: RequestID ~p, ~s (acknowledged)",
                [PV, Ctx, lists:join(" ", [tid_str(T) || T <- Tids]), Rid,
                 lists:join(" ", [N || {N, _} <- Evs])]),
            drain_messages();
        {service_change, _PV, Tid, Method, _, _} ->
            check(false, io_lib:format("a second ServiceChange from mrfpd on ~s (~p)",
                                       [tid_str(Tid), Method])),
            drain_messages();
        {syntax_error, ED} ->
            check(false, io_lib:format("megaco reported a syntax error in a message from mrfpd: ~P", [ED, 10])),
            drain_messages();
        {message_error, ED} ->
            check(false, io_lib:format("megaco reported a message error: ~P", [ED, 10])),
            drain_messages();
        _ -> drain_messages()
    after 0 -> ok
    end.

modify_cmd(Term, Descs) ->
    #'CommandRequest'{command = {modReq, #'AmmRequest'{terminationID = [tid(Term)],
                                                       descriptors = Descs}}}.

sub_cmd(Term) ->
    #'CommandRequest'{command = {subtractReq, #'SubtractRequest'{terminationID = [tid(Term)]}}}.

audit_value(CH, Ctx, Term) ->
    R = call(CH, [action(Ctx, [#'CommandRequest'{
                                  command = {auditValueRequest,
                                             #'AuditRequest'{terminationID = tid(Term),
                                                             auditDescriptor = #'AuditDescriptor'{auditToken = [mediaToken, statsToken]}}}}])]),
    case R of
        {ok, [#'ActionReply'{errorDescriptor = asn1_NOVALUE,
                             commandReply = [{auditValueReply, {auditResult, #'AuditResult'{terminationAuditResult = TA}}}]}]} ->
            TA;
        _ ->
            check(false, "AuditValue " ++ Term ++ ": " ++ err_str(R)),
            []
    end.

av_stats(TA) -> stats(TA).

av_mode(TA) ->
    case [LC || {mediaDescriptor, #'MediaDescriptor'{streams = S}} <- TA,
                #'StreamParms'{localControlDescriptor = LC} <- stream_parms(S)] of
        [#'LocalControlDescriptor'{streamMode = M} | _] -> M;
        _ -> undefined
    end.

has_error(R, Codes) ->
    case R of
        {ok, ARs} ->
            lists:any(fun(#'ActionReply'{errorDescriptor = #'ErrorDescriptor'{errorCode = C}}) ->
                              lists:member(C, Codes);
                         (_) -> false
                      end, ARs);
        {error, #'ErrorDescriptor'{errorCode = C}} -> lists:member(C, Codes);
        _ -> false
    end.

%% One Add (participant C, inactive) encoded by megaco's own text encoder, sent twice with the
%% same TransactionId from a second socket on the MGC's address. Both answers must be the same
%% reply, and the next Add through megaco must get the very next termination number.
dup_check({MgIp, MgPort}, CH, Ctx, TermB) ->
    {ok, S} = gen_udp:open(0, [binary, {ip, {127, 0, 0, 1}}, {active, false}]),
    {ok, LPort} = inet:port(S),
    LC = #'LocalControlDescriptor'{streamMode = inactive},
    TR = #'TransactionRequest'{transactionId = ?DUP_TID,
                               actions = [action(Ctx, [add_cmd(multi, LC, {{10, 77, 0, 40}, 5040}, key())])]},
    Msg = #'MegacoMessage'{mess = #'Message'{version = ?V,
                                             mId = {ip4Address, #'IP4Address'{address = [127, 0, 0, 1],
                                                                              portNumber = LPort}},
                                             messageBody = {transactions, [{transactionRequest, TR}]}}},
    {ok, Bin} = megaco_pretty_text_encoder:encode_message([], Msg),
    ok = gen_udp:send(S, MgIp, MgPort, Bin),
    R1 = gen_udp:recv(S, 65535, 3000),
    ok = gen_udp:send(S, MgIp, MgPort, Bin),
    R2 = gen_udp:recv(S, 65535, 3000),
    gen_udp:close(S),
    case {R1, R2} of
        {{ok, {_, _, B1}}, {ok, {_, _, B2}}} ->
            check(B1 =:= B2, "the same TransactionId sent twice: the second answer is the cached reply (identical)"),
            TermC = case megaco_pretty_text_encoder:decode_message([], B1) of
                        {ok, #'MegacoMessage'{mess = #'Message'{version = ?V, messageBody = {transactions, [{transactionReply, #'TransactionReply'{transactionId = ?DUP_TID, transactionResult = {actionReplies, ARs}}}]}}}} ->
                            case command_replies({ok, ARs}) of
                                [{Ctx, addReply, TC, _}] -> TC;
                                _ -> undefined
                            end;
                        Other ->
                            log("reply to the raw Add: ~P", [Other, 6]),
                            undefined
                    end,
            check(TermC =/= undefined andalso term_num(TermC) =:= term_num(TermB) + 1,
                  io_lib:format("raw Add in MEGACO/3 (TransactionId ~B), reply in MEGACO/3 decoded by megaco: termination ~s",
                                [?DUP_TID, TermC])),
            RD = call(CH, [action(Ctx, [add_cmd(multi, LC, {{10, 77, 0, 41}, 5050}, key())])]),
            case command_replies(RD) of
                [{Ctx, addReply, TD, _}] ->
                    check(term_num(TD) =:= term_num(TermC) + 1,
                          io_lib:format("next Add gets ~s: the duplicate was executed once", [TD])),
                    RS = call(CH, [action(Ctx, [sub_cmd(TermC), sub_cmd(TD)])]),
                    check(length(command_replies(RS)) =:= 2, "Subtract the two extra legs");
                _ -> check(false, "Add after the duplicate: " ++ err_str(RD))
            end;
        _ ->
            check(false, io_lib:format("raw duplicate Add: answers ~p / ~p",
                                       [element(1, R1), element(1, R2)]))
    end.
