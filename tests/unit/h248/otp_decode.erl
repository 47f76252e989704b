%% SPDX-License-Identifier: BSD-3-Clause
%% Decodes every DIR/*.txt with Erlang/OTP megaco's text decoders (compact for
%% *.compact.txt, pretty otherwise); prints the failures and a count, halts 1 if any failed.
-module(otp_decode).
-export([main/1]).

main([Dir]) ->
    Files = filelib:wildcard(filename:join(Dir, "*.txt")),
    Bad = [F || F <- Files, not decodes(F)],
    io:format("otp megaco: ~w decoded, ~w refused~n",
              [length(Files) - length(Bad), length(Bad)]),
    halt(case {Files, Bad} of {[_ | _], []} -> 0; _ -> 1 end).

decodes(File) ->
    {ok, Bin} = file:read_file(File),
    Mod = case lists:suffix(".compact.txt", File) of
              true -> megaco_compact_text_encoder;
              false -> megaco_pretty_text_encoder
          end,
    case catch Mod:decode_message([], dynamic, Bin) of
        {ok, _} -> true;
        Other -> io:format("~s: ~p~n", [File, Other]), false
    end.
