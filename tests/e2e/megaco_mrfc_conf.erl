%% The second half of tests/e2e/megaco_mrfc.erl (Erlang/OTP megaco as an independent MGC
%% driving mrfpd over Mp, in H.248 version 3):
%%
%% conference/3 (role first, after the bilateral call):
%%   - a group-keyed mix (mrfp/keys=group, mrfp/rekey=join, mrfp/rekeywin=200): Add G1 with
%%     the group key the MRFC chose (MKI 1) and Events = 31 { mrfp/grekey }; Add G2 (a join,
%%     SendOnly, Local inline:$): its Local names the key set in use; mrfpd's Notify
%%     mrfp/grekey { reason=join } must come with RequestID 31, and megaco answers it with
%%     ImmAckRequired ({handle_ack, ...}): mrfpd's TransactionResponseAck must reach megaco
%%     (handle_trans_ack with ok); G1's participant is the shell's ffmpeg talker (--talker),
%%     which starts sending once the rekey is done (DIR/call3.info) and keeps on through the
%%     restart; then the make-before-break group rekey on the leg the Notify
%%     named: Local {K1, K2}, {K2, K1}, {K2}, each accepted (the reply echoes no key the MRFC
%%     stated), and after each a Local inline:$ on the other leg (a restatement: it changes
%%     nothing) names exactly that set, the key in use first;
%%   - a switched conference (mrfp/media=switch, mrfp/select=all): S1 SendRecv with
%%     mrfp/latch=strict, S2 RecvOnly; an Events descriptor without body disarms their events;
%%   - it/ito: Modify = ROOT { Events = 41 { it/ito { mit = 100 } } } (1 s), then silence: the
%%     Notify ROOT it/ito with RequestID 41 must come after about 1 s and is answered; an
%%     Events descriptor without body disarms it, and no it/ito comes after that;
%%   - the view the MGC built (contexts with the properties it stated, legs with mrfpd's
%%     address and port, the participant's address and port, codec, mode and latch; never a
%%     key) goes to DIR/view.expect (0600 in the 0700 test directory) and the MGC stops with
%%     both conferences up.
%%
%% rebuild/2 (role rebuild): a restarted MGC on the same address and port that knows only
%% mrfpd's mId and address: it connects in version 3, audits
%% Context = * { AuditValue = * { Audit { Media } } }, rebuilds its view from the reply alone
%% (no key in it), compares it with DIR/view.expect, checks the talker's leg received all
%% along (AuditValue Statistics: more than when the first MGC stopped, and still growing),
%% then Subtract = * in every context (Statistics for every leg) and audits again: nothing is
%% left (431).
-module(megaco_mrfc_conf).

-include_lib("megaco/include/megaco.hrl").
-include_lib("megaco/include/megaco_message_v3.hrl").

-export([conference/4, rebuild/2]).

-import(megaco_mrfc, [check/2, log/2, abort/2, call/2, pp/2, tid/1, tid_str/1, key/0, media/4,
                      action/2, modify_cmd/2, command_replies/1, local_sdp/1, stats/1,
                      stats_str/1, err_str/1, has_error/2, stream_parms/1, remote/2,
                      wait_notify/2, get_default/2, version_checks/1, handoff/4, audit_value/3]).

-define(SUITE, "AES_CM_128_HMAC_SHA1_80").
-define(V, 3).
-define(GREKEY_RID, 31).
-define(ITO_RID, 41).
-define(ITO_MIT, 100).          % 10 ms units: 1 s
-define(MRFP_IP, "10.77.0.1").
-define(VIEW, "view.expect").

%% ------------------------------------------------------------------------------------------
%% building blocks

lc(Mode, Props) ->
    #'LocalControlDescriptor'{streamMode = Mode, propertyParms = [pp(N, V) || {N, V} <- Props]}.

%% Local: mrfpd's address and port CHOOSE; the keys the MRFC states ([{Key, Mki}], the first
%% the one to send with, lifetime 2^31, 1-byte MKI), or inline:$ (choose).
local_keys(Keys) ->
    Crypto = case Keys of
                 choose -> [pp("a", "crypto:1 " ?SUITE " inline:$")];
                 _ -> [pp("a", lists:flatten(io_lib:format("crypto:~B ~s inline:~s|2^31|~B:1",
                                                           [I, ?SUITE, K, Mki])))
                       || {I, {K, Mki}} <- lists:zip(lists:seq(1, length(Keys)), Keys)]
             end,
    #'LocalRemoteDescriptor'{propGrps = [[pp("v", "0"), pp("c", "IN IP4 $"),
                                          pp("m", "audio $ RTP/SAVP 0") | Crypto]]}.

%% Add = $ with Stream 1 { LocalControl, Local, Remote } and an Events descriptor.
add(LC, Local, Remote, Events) ->
    #'CommandRequest'{command = {addReq, #'AmmRequest'{
                                            terminationID = [tid("$")],
                                            descriptors = [media(multi, LC, Local, Remote),
                                                           {eventsDescriptor, Events}]}}}.

events(Rid, Names) ->
    #'EventsDescriptor'{requestID = Rid,
                        eventList = [#'RequestedEvent'{pkgdName = N} || N <- Names]}.

%% "Events" without RequestID and body: every event disarmed.
no_events() -> #'EventsDescriptor'{requestID = asn1_NOVALUE, eventList = []}.

sdp_of(#'LocalRemoteDescriptor'{propGrps = [G | _]}) ->
    [{N, V} || #'PropertyParm'{name = N, value = [V | _]} <- G];
sdp_of(_) -> [].

%% The a=crypto keys of a Local SDP, in order: [{Key, Mki}] (Mki none without one).
crypto_keys(Sdp) ->
    [{K, mki(Rest)} || {"a", V} <- Sdp, lists:prefix("crypto:", V),
                       [_, ?SUITE, "inline:" ++ KP | _] <- [string:lexemes(V, " ")],
                       [K | Rest] <- [string:split(KP, "|", all)]].

mki([_Life, M]) -> list_to_integer(hd(string:split(M, ":")));
mki([M]) -> case string:find(M, ":") of nomatch -> none; _ -> list_to_integer(hd(string:split(M, ":"))) end;
mki(_) -> none.

%% What a view holds of an SDP: address, port, transport, payload types, rtpmap lines.
%% Never a key (a=crypto is left out; the audit must not have one at all).
sdp_view(Sdp) ->
    {Port, Proto, Fmts} = case [string:lexemes(V, " ") || {"m", V} <- Sdp] of
                              [["audio", P, Pr | F] | _] -> {list_to_integer(P), Pr, F};
                              _ -> {undefined, undefined, []}
                          end,
    Addr = case [string:lexemes(V, " ") || {"c", V} <- Sdp] of
               [["IN", "IP4", A] | _] -> A;
               _ -> undefined
           end,
    #{addr => Addr, port => Port, proto => Proto, fmts => Fmts,
      rtpmap => lists:sort([R || {"a", "rtpmap:" ++ R} <- Sdp])}.

view_str(#{addr := A, port := P, fmts := F, rtpmap := R}) ->
    io_lib:format("~s:~p ~s ~s", [A, P, lists:join(",", F), lists:join(",", R)]);
view_str(_) -> "(none)".

fmt_keys(Set, Names) ->
    lists:join(", ", [proplists:get_value(K, Names, "?") ++ io_lib:format(" (MKI ~p)", [M])
                      || {K, M} <- Set]).

%% ------------------------------------------------------------------------------------------
%% role first: the conferences, it/ito, the view

conference(CH, Dir, Talker, Deadline) ->
    {CG, GLegs, KT} = group_conference(CH, Talker),
    %% the talker: the shell's ffmpeg sends to G1 (its Remote key, no MKI) from Talker, from
    %% now on and through the restart
    [#{tid := G1, local := #{addr := MrfpIp, port := GPort}} | _] = GLegs,
    R3 = handoff(Dir, "call3", [{"MRFP_IP", MrfpIp}, {"G_PORT", integer_to_list(GPort)},
                                {"G_UP", KT}], Deadline),
    log("shell: talker ~s", [R3]),
    {Pr0, Waited} = first_packets(CH, CG, G1, 0),
    check(Pr0 > 0, io_lib:format("the talker's packets reach ~s (rtp/pr ~B, ~.1f s after the "
                                 "shell started ffmpeg)", [G1, Pr0, Waited / 1000])),
    {CS, SLegs} = switched_conference(CH),
    inactivity(CH),
    Pr1 = maps:get("rtp/pr", stats(audit_value(CH, CG, G1)), 0),
    GProps = group_props(), SProps = switch_props(),
    View = [#{ctx => CG, props => GProps, legs => GLegs, talker => G1, pr_before => Pr1},
            #{ctx => CS, props => SProps, legs => SLegs}],
    write_view(Dir, View),
    log("view handed over (~B contexts, ~B legs; ~s had received ~B packets); the MGC stops "
        "with both conferences up", [length(View), length(GLegs) + length(SLegs), G1, Pr1]),
    ok.

%% AuditValue Statistics every 500 ms until the leg has received (ffmpeg takes a while to
%% start on a loaded machine), at most 10 s: {rtp/pr, ms waited}.
first_packets(CH, C, T, Waited) ->
    timer:sleep(500),
    case maps:get("rtp/pr", stats(audit_value(CH, C, T)), 0) of
        0 when Waited < 9500 -> first_packets(CH, C, T, Waited + 500);
        Pr -> {Pr, Waited + 500}
    end.

group_props() -> [{"mrfp/keys", "group"}, {"mrfp/rekey", "join"}, {"mrfp/rekeywin", "200"}].
switch_props() -> [{"mrfp/media", "switch"}, {"mrfp/select", "all"}].

%% the expected view of one leg
leg(Tid, Mode, Latch, LocalSdp, {Ip, Port}) ->
    RemoteSdp = sdp_of(remote({Ip, Port}, "")),
    #{tid => Tid, mode => Mode, latch => Latch, local => sdp_view(LocalSdp),
      remote => sdp_view([X || {N, V} = X <- RemoteSdp, not (N =:= "a" andalso lists:prefix("crypto:", V))])}.

group_conference(CH, Talker) ->
    K1 = key(), K2 = key(), KT = key(),
    Names = [{K1, "K1"}, {K2, "K2"}],
    P1 = Talker, P2 = {{10, 77, 0, 21}, 6010},
    Ev = events(?GREKEY_RID, ["mrfp/grekey"]),
    LC1 = lc(sendRecv, group_props() ++ [{"mrfp/latch", "off"}]),
    R1 = call(CH, [action(?megaco_choose_context_id, [add(LC1, local_keys([{K1, 1}]), remote(P1, KT), Ev)])]),
    {CG, G1, L1} = case command_replies(R1) of
                       [{C1, addReply, T1, Au1}] -> {C1, T1, local_sdp(Au1)};
                       _ -> abort("group conference: Add G1 (Context = $): ~s", [err_str(R1)])
                   end,
    check(crypto_keys(L1) =:= [{K1, 1}],
          io_lib:format("group conference: Add ~s in new context ~p (mrfp/keys=group, rekey=join, "
                        "Events = ~B { mrfp/grekey }): its Local names the group key the MRFC "
                        "chose, K1 (MKI 1)", [G1, CG, ?GREKEY_RID])),
    %% the join: the Notify it brings is answered with ImmAckRequired
    persistent_term:put({megaco_mrfc, imm_ack}, grekey),
    LC2 = lc(sendOnly, []),
    R2 = call(CH, [action(CG, [add(LC2, local_keys(choose), remote(P2, key()), Ev)])]),
    {G2, L2} = case command_replies(R2) of
                   [{CG, addReply, T2, Au2}] -> {T2, local_sdp(Au2)};
                   _ -> abort("group conference: Add G2 into context ~p: ~s", [CG, err_str(R2)])
               end,
    check(crypto_keys(L2) =:= [{K1, 1}],
          io_lib:format("Add ~s (a join: SendOnly, Local inline:$): its Local names the key set "
                        "in use, K1 (MKI 1)", [G2])),
    Leg = case wait_notify(fun({notify, _, C, _, _, Evs, _}) ->
                                   C =:= CG andalso lists:keymember("mrfp/grekey", 1, Evs)
                           end, 5000) of
              {ok, {notify, PV, CG, [T], Rid, Evs, Ack}, Ms} ->
                  Reason = proplists:get_value("reason", proplists:get_value("mrfp/grekey", Evs)),
                  check(PV =:= ?V andalso Rid =:= ?GREKEY_RID andalso Reason =:= "join"
                        andalso lists:member(tid_str(T), [G1, G2]),
                        io_lib:format("Notify ~s mrfp/grekey { reason=~s } in MEGACO/~p with the "
                                      "MGC's RequestID ~p, ~B ms after the join (rekeywin 200)",
                                      [tid_str(T), Reason, PV, Rid, Ms])),
                  check(Ack =:= grekey, "megaco answered the Notify with ImmAckRequired"),
                  lists:flatten(tid_str(T));
              timeout ->
                  check(false, "no Notify mrfp/grekey within 5 s of the join"),
                  persistent_term:put({megaco_mrfc, imm_ack}, false),
                  G1
          end,
    receive
        {trans_ack, APV, AckStatus, grekey} ->
            check(AckStatus =:= ok, io_lib:format("mrfpd's TransactionResponseAck for the "
                                                  "ImmAckRequired reply reached megaco "
                                                  "(handle_trans_ack: ~p, MEGACO/~p)",
                                                  [AckStatus, APV]))
    after 3000 ->
            check(false, "no TransactionResponseAck from mrfpd within 3 s of the ImmAckRequired reply")
    end,
    %% make-before-break on the leg the Notify named. mrfpd does not echo keys the MRFC
    %% stated: each step's reply has no key; the set in use (the key sent with first) is what
    %% a Local inline:$ on the other leg names (a restatement: it changes nothing).
    Other = hd([G || G <- [G1, G2], G =/= Leg]),
    lists:foreach(
      fun({Set, What}) ->
              M = call(CH, [action(CG, [modify_cmd(Leg, [media(multi, asn1_NOVALUE, local_keys(Set),
                                                               asn1_NOVALUE)])])]),
              Echo = case command_replies(M) of
                         [{CG, modReply, Leg, Au}] -> crypto_keys(local_sdp(Au));
                         _ -> error
                     end,
              Q = call(CH, [action(CG, [modify_cmd(Other, [media(multi, asn1_NOVALUE,
                                                                 local_keys(choose), asn1_NOVALUE)])])]),
              InUse = case command_replies(Q) of
                          [{CG, modReply, Other, AuQ}] -> crypto_keys(local_sdp(AuQ));
                          _ -> error
                      end,
              check(Echo =:= [] andalso InUse =:= Set,
                    io_lib:format("group rekey, Modify ~s Local {~s} (~s): accepted~s; Modify ~s "
                                  "Local inline:$ names the set in use: {~s}",
                                  [Leg, fmt_keys(Set, Names), What,
                                   case Echo of
                                       [] -> ", the reply echoes no key";
                                       error -> ": " ++ err_str(M);
                                       _ -> io_lib:format(", the reply echoes {~s}", [fmt_keys(Echo, Names)])
                                   end, Other,
                                   case InUse of error -> err_str(Q); _ -> fmt_keys(InUse, Names) end]))
      end,
      [{[{K1, 1}, {K2, 2}], "K2 installed beside K1"},
       {[{K2, 2}, {K1, 1}], "the group sends under K2"},
       {[{K2, 2}], "K1 retired"}]),
    {CG, [leg(G1, sendRecv, "off", L1, P1), leg(G2, sendOnly, "on", L2, P2)], KT}.

switched_conference(CH) ->
    P3 = {{10, 77, 0, 30}, 6100}, P4 = {{10, 77, 0, 31}, 6110},
    LC3 = lc(sendRecv, switch_props() ++ [{"mrfp/latch", "strict"}]),
    R3 = call(CH, [action(?megaco_choose_context_id,
                          [add(LC3, local_keys(choose), remote(P3, key()), no_events())])]),
    {CS, S1, L3} = case command_replies(R3) of
                       [{C, addReply, T, Au}] -> {C, T, local_sdp(Au)};
                       _ -> abort("switched conference: Add S1 (Context = $): ~s", [err_str(R3)])
                   end,
    R4 = call(CH, [action(CS, [add(lc(recvOnly, []), local_keys(choose), remote(P4, key()),
                                   no_events())])]),
    {S2, L4} = case command_replies(R4) of
                   [{CS, addReply, T4, Au4}] -> {T4, local_sdp(Au4)};
                   _ -> abort("switched conference: Add S2 into context ~p: ~s", [CS, err_str(R4)])
               end,
    V3 = sdp_view(L3), V4 = sdp_view(L4),
    check(maps:get(addr, V3) =:= ?MRFP_IP andalso maps:get(addr, V4) =:= ?MRFP_IP
          andalso is_integer(maps:get(port, V3)) andalso is_integer(maps:get(port, V4))
          andalso maps:get(port, V3) =/= maps:get(port, V4),
          io_lib:format("switched conference: context ~p, ~s SendRecv (latch strict) and ~s "
                        "RecvOnly (events disarmed), each on a port of its own", [CS, S1, S2])),
    {CS, [leg(S1, sendRecv, "strict", L3, P3), leg(S2, recvOnly, "on", L4, P4)]}.

root_modify(CH, Events) ->
    call(CH, [action(?megaco_null_context_id, [modify_cmd("root", [{eventsDescriptor, Events}])])]).

inactivity(CH) ->
    Ito = #'EventsDescriptor'{requestID = ?ITO_RID,
                              eventList = [#'RequestedEvent'{
                                              pkgdName = "it/ito",
                                              evParList = [#'EventParameter'{
                                                              eventParameterName = "mit",
                                                              value = [integer_to_list(?ITO_MIT)]}]}]},
    RI = root_modify(CH, Ito),
    check(ok_reply(RI), "Modify = ROOT { Events = 41 { it/ito { mit = 100 } } } accepted" ++
              case ok_reply(RI) of true -> ""; false -> ": " ++ err_str(RI) end),
    IsIto = fun({notify, _, C, _, _, Evs, _}) ->
                    C =:= ?megaco_null_context_id andalso lists:keymember("it/ito", 1, Evs)
            end,
    case wait_notify(IsIto, 5000) of
        {ok, {notify, PV, _, [T], Rid, _, _}, Ms} ->
            check(PV =:= ?V andalso Rid =:= ?ITO_RID andalso string:lowercase(tid_str(T)) =:= "root"
                  andalso Ms >= ?ITO_MIT * 10 - 100 andalso Ms < ?ITO_MIT * 10 + 3000,
                  io_lib:format("after ~B ms of MGC silence: Notify ~s it/ito in MEGACO/~p with the "
                                "MGC's RequestID ~p (mit = 1 s), answered",
                                [Ms, tid_str(T), PV, Rid]));
        timeout -> check(false, "no Notify ROOT it/ito within 5 s of arming it (mit = 1 s)")
    end,
    RD = root_modify(CH, no_events()),
    check(ok_reply(RD), "Modify = ROOT { Events } (no body) accepted: it/ito disarmed" ++
              case ok_reply(RD) of true -> ""; false -> ": " ++ err_str(RD) end),
    check(wait_notify(IsIto, 2500) =:= timeout,
          "no it/ito in 2.5 s of silence once disarmed").

ok_reply({ok, ARs}) -> [E || #'ActionReply'{errorDescriptor = E} <- ARs, E =/= asn1_NOVALUE] =:= [];
ok_reply(_) -> false.

write_view(Dir, View) ->
    Tmp = filename:join(Dir, ?VIEW ++ ".tmp"),
    {ok, F} = file:open(Tmp, [write, exclusive, raw]),
    ok = file:change_mode(Tmp, 8#600),
    ok = file:write(F, io_lib:format("~p.~n", [View])),
    ok = file:close(F),
    ok = file:rename(Tmp, filename:join(Dir, ?VIEW)).

%% ------------------------------------------------------------------------------------------
%% role rebuild: a restarted MGC that knows nothing but where mrfpd is

rebuild(A, _Deadline) ->
    Dir = maps:get(dir, A),
    MgcPort = maps:get(mgc_port, A),
    [Ip, P] = string:split(maps:get(mg, A), ":", trailing),
    {ok, MgIp} = inet:parse_ipv4strict_address(Ip),
    MgPort = list_to_integer(P),
    Mid = {ip4Address, #'IP4Address'{address = [127, 0, 0, 1], portNumber = MgcPort}},
    MgMid = {ip4Address, #'IP4Address'{address = tuple_to_list(MgIp), portNumber = MgPort}},
    ok = logger:set_primary_config(level, error),
    %% A restarted MGC takes TransactionIds from a range of its own: mrfpd keeps every reply
    %% for LONG-TIMER (30 s) by MGC and TransactionId, and the MGC that went had used 1, 2, ...
    {SH, Ctrl} = megaco_mrfc:start_mgc(Mid, MgcPort, [{protocol_version, ?V},
                                                      {min_trans_id, 1000000}]),
    RH = megaco:user_info(Mid, receive_handle),
    SendH = megaco_udp:create_send_handle(SH, MgIp, MgPort),
    {ok, CH} = megaco:connect(RH, MgMid, SendH, Ctrl),
    log("restarted MGC on 127.0.0.1:~B, connected to mrfpd ~s:~B in version ~p; it audits",
        [MgcPort, inet:ntoa(MgIp), MgPort, megaco:conn_info(CH, protocol_version)]),
    {ok, [Expect]} = file:consult(filename:join(Dir, ?VIEW)),
    All = #megaco_term_id{contains_wildcards = true, id = [[?megaco_all]]},
    AuditAll = fun() ->
                       call(CH, [action(?megaco_all_context_id,
                                        [#'CommandRequest'{command = {auditValueRequest,
                                                                      #'AuditRequest'{terminationID = All,
                                                                                      auditDescriptor = #'AuditDescriptor'{auditToken = [mediaToken]}}}}])])
               end,
    R = AuditAll(),
    Got = case R of
              {ok, ARs} -> [context_view(AR) || #'ActionReply'{contextId = C} = AR <- ARs,
                                                C =/= ?megaco_null_context_id];
              _ -> abort("Context = * { AuditValue = * { Audit { Media } } }: ~s", [err_str(R)])
          end,
    check(lists:all(fun(#{error := E}) -> E =:= none end, Got),
          "Context = * { AuditValue = * { Audit { Media } } }: one block per context, no error" ++
              [io_lib:format(" (context ~p: ~s)", [C, E]) || #{ctx := C, error := E} <- Got, E =/= none]),
    Crypto = lists:sum([N || #{legs := Ls} <- Got, #{crypto := N} <- Ls]),
    check(Crypto =:= 0, io_lib:format("no a=crypto in any audited Local or Remote (~B found)", [Crypto])),
    check(lists:sort([C || #{ctx := C} <- Got]) =:= lists:sort([C || #{ctx := C} <- Expect]),
          io_lib:format("the audit names exactly the contexts the first MGC created (~w)",
                        [[C || #{ctx := C} <- Got]])),
    lists:foreach(fun(E) -> compare_context(E, Got) end, Expect),
    %% mid-call: the talker has kept sending to its leg all along
    lists:foreach(
      fun(#{ctx := C, talker := T, pr_before := Pr1}) ->
              PrA = maps:get("rtp/pr", stats(audit_value(CH, C, T)), 0),
              timer:sleep(1000),
              PrB = maps:get("rtp/pr", stats(audit_value(CH, C, T)), 0),
              check(PrA > Pr1 andalso PrB > PrA,
                    io_lib:format("mid-call: ~s kept receiving the talker through the restart "
                                  "(rtp/pr ~B when the first MGC stopped, ~B at the rebuild, ~B "
                                  "a second later)", [T, Pr1, PrA, PrB]));
         (_) -> ok
      end, Expect),
    %% every leg goes: Subtract = * per context, Statistics for each
    lists:foreach(
      fun(#{ctx := C, legs := Ls}) ->
              RS = call(CH, [action(C, [#'CommandRequest'{command = {subtractReq,
                                                                      #'SubtractRequest'{terminationID = [All]}}}])]),
              Subs = command_replies(RS),
              Tids = lists:sort([lists:flatten(T) || {_, subtractReply, T, _} <- Subs]),
              check(Tids =:= lists:sort([T || #{tid := T} <- Ls]),
                    io_lib:format("rebuilt MGC: Context = ~p { Subtract = * } removes ~s~s",
                                  [C, lists:join(" ", Tids),
                                   case Subs of [] -> ": " ++ err_str(RS); _ -> "" end])),
              lists:foreach(
                fun({_, subtractReply, T, Au}) ->
                        S = stats(Au),
                        check(lists:all(fun(K) -> maps:is_key(K, S) end,
                                        ["nt/os", "nt/or", "nt/dur", "rtp/ps", "rtp/pr", "rtp/pl", "rtp/jit"]),
                              io_lib:format("Subtract ~s: Statistics (~s)", [T, stats_str(S)]));
                   (_) -> ok
                end, Subs)
      end, Got),
    check(has_error(AuditAll(), [431]),
          "after that, Context = * { AuditValue = * } finds nothing (431)"),
    megaco_mrfc:drain_messages(),
    version_checks("rebuilt MGC"),
    megaco_mrfc:finish(case get_default(failures, 0) of 0 -> 0; _ -> 1 end).

%% One Context = N block of the audit reply: its legs' views and the conference properties.
context_view(#'ActionReply'{contextId = C, errorDescriptor = ED, commandReply = CRs}) ->
    Legs = [leg_view(lists:flatten(tid_str(T)), TA)
            || {auditValueReply, {auditResult, #'AuditResult'{terminationID = T,
                                                             terminationAuditResult = TA}}} <- CRs],
    Others = [X || X <- CRs, element(1, X) =/= auditValueReply orelse
                                 element(1, element(2, X)) =/= auditResult],
    Props = lists:usort([lists:sort(Ps) || #{props := Ps} <- Legs]),
    #{ctx => C, legs => Legs,
      props => case Props of [Ps] -> Ps; _ -> {differ, Props} end,
      error => case {ED, Others} of
                   {asn1_NOVALUE, []} -> none;
                   {asn1_NOVALUE, _} -> io_lib:format("~B replies that are no audit result", [length(Others)]);
                   _ -> err_str({ok, [#'ActionReply'{contextId = C, errorDescriptor = ED}]})
               end}.

leg_view(Tid, TA) ->
    SPs = [SP || {mediaDescriptor, #'MediaDescriptor'{streams = S}} <- TA, SP <- stream_parms(S)],
    case SPs of
        [#'StreamParms'{localControlDescriptor = LC, localDescriptor = L, remoteDescriptor = R}] ->
            {Mode, Props} = case LC of
                                #'LocalControlDescriptor'{streamMode = M, propertyParms = PPs} ->
                                    {M, [{N, V} || #'PropertyParm'{name = N, value = [V | _]} <- PPs]};
                                _ -> {undefined, []}
                            end,
            LS = sdp_of(L), RS = sdp_of(R),
            Crypto = length([x || {"a", "crypto:" ++ _} <- LS ++ RS]),
            #{tid => Tid, mode => Mode, latch => proplists:get_value("mrfp/latch", Props),
              props => [X || {N, _} = X <- Props, N =/= "mrfp/latch"],
              local => sdp_view(LS), remote => sdp_view(RS), crypto => Crypto};
        _ ->
            #{tid => Tid, mode => undefined, latch => undefined, props => [], local => #{},
              remote => #{}, crypto => 0}
    end.

compare_context(#{ctx := C, props := EP, legs := ELegs}, Got) ->
    case [G || #{ctx := GC} = G <- Got, GC =:= C] of
        [#{props := GP, legs := GLegs}] ->
            Missing = [X || X <- EP, not (is_list(GP) andalso lists:member(X, GP))],
            check(Missing =:= [],
                  io_lib:format("context ~p: the conference properties the first MGC stated (~s) "
                                "come back on every leg (audited: ~s)",
                                [C, props_str(EP), case GP of {differ, _} -> "differing between legs";
                                                        _ -> props_str(GP) end])),
            check(lists:sort([T || #{tid := T} <- GLegs]) =:= lists:sort([T || #{tid := T} <- ELegs]),
                  io_lib:format("context ~p: the same terminations (~s)",
                                [C, lists:join(" ", [T || #{tid := T} <- GLegs])])),
            lists:foreach(
              fun(#{tid := T} = EL) ->
                      case [GL || #{tid := GT} = GL <- GLegs, GT =:= T] of
                          [GL] -> compare_leg(C, EL, GL);
                          _ -> ok
                      end
              end, ELegs);
        _ -> check(false, io_lib:format("context ~p is not in the audit", [C]))
    end.

compare_leg(C, #{tid := T} = E, G) ->
    Diff = [K || K <- [mode, latch, local, remote], maps:get(K, E) =/= maps:get(K, G)],
    check(Diff =:= [],
          io_lib:format("context ~p ~s rebuilt: mode ~p, latch ~s, mrfpd ~s, participant ~s~s",
                        [C, T, maps:get(mode, G), maps:get(latch, G),
                         view_str(maps:get(local, G)), view_str(maps:get(remote, G)),
                         case Diff of
                             [] -> "";
                             _ -> [io_lib:format("; ~p expected ~p", [K, maps:get(K, E)]) || K <- Diff]
                         end])).

props_str(Ps) -> lists:join(" ", [N ++ "=" ++ V || {N, V} <- Ps]).
