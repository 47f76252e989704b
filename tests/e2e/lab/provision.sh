# shellcheck shell=bash
# Part of tests/e2e/lab.sh, which sources it (never source it alone): the legs of a conference:
# over Mp (mrfpctl in the MGC's namespace; mrfpd's ports and keys from its replies) or as lab
# lines on mrfpd's stdin; switch and mixed conferences.

# ------------------------------------------------------------------------------------------
# Mp: mrfpctl, in mrfpd's namespace, as its MGC

# Keys out of text that is logged: JSON "key" fields, inline:/..._key= values, and anything
# shaped like a base64 key.
lab_redact() {
  sed -E 's/("key":")[^"]*"/\1<redacted>"/g; s/(inline:|_key=)[^ "|]*/\1<redacted>/g;
          s#[A-Za-z0-9+/]{38,}={0,2}#<redacted>#g'
}

# lab_mp_cmd ARGS...: one mrfpctl command (--json) from the MGC's address. Its stdin is the
# caller's (a participant's key for --remote-key -: a pipe, never a file or an argument).
# Sets LAB_MP_OUT to the JSON reply, which may hold a key mrfpd generated: it stays in this
# shell; what is logged is redacted. Returns mrfpctl's exit code (0 ok, 2 H.248 error, 3 no
# answer) and logs the failure.
lab_mp_cmd() {
  local rc out line what="$*"
  out=$(timeout -k 2 20 ip netns exec "${LAB_NS_MGC:-$LAB_NS_DP}" "$LAB_MRFPCTL" \
    --mp "$LAB_MP_ADDR:$LAB_MP_PORT" --local "$LAB_MGC_ADDR:$LAB_MGC_PORT" --json "$@" 2>&1)
  rc=$?
  LAB_MP_OUT=""
  while IFS= read -r line; do
    [[ $line == "{"* ]] && LAB_MP_OUT=$line
  done < <(printf '%s\n' "$out")   # a pipe: a here-string may be a temporary file
  if [ $rc -ne 0 ] || [ -z "$LAB_MP_OUT" ]; then
    lab_die "mrfpctl $what -> exit $rc: $(printf '%s' "$out" | lab_redact | tr '\n' ' ')"
    out=""
    [ $rc -ne 0 ] && return $rc
    return 1
  fi
  [ "$LAB_VERBOSE" = 1 ] && lab_log "mrfpctl $what -> $(printf '%s' "$LAB_MP_OUT" | lab_redact)"
  out=""
  return 0
}

# lab_mp_conf_opts "k=v ...": lab conference options (LAB_CONF_OPTS, LAB_MIX_CONF_OPTS) as
# mrfpctl's (mrfp package properties) in LAB_MP_OPTS; those Mp has no property for fail.
lab_mp_conf_opts() {
  local o k
  local -A v=()
  local order=()
  for o in $1; do   # a later k=v overrides an earlier one
    k=${o%%=*}
    case $k in
      media | keys | select | roles | ptime | speakers) ;;
      *) lab_die "conference option '$o' has no Mp (mrfp package) equivalent"; return 1 ;;
    esac
    [ -n "${v[$k]+x}" ] || order+=("$k")
    v[$k]=${o#*=}
  done
  LAB_MP_OPTS=()
  for k in "${order[@]}"; do LAB_MP_OPTS+=("--$k" "${v[$k]}"); done
}

# lab_mp_leg_add I CONF MODE [CONFERENCE OPTIONS...]: Add of participant I's leg to lab
# conference CONF (the first leg creates the H.248 context, with the options: mrfpctl's
# --media, --keys ...). Remote: the participant's address and send key (on mrfpctl's stdin);
# Local: `$` for mrfpd's address, port and key. Sets LAB_CTX[CONF], LAB_LEG_TERM[I],
# LAB_LEG_PORT[I], LAB_MP_KEY (mrfpd's send key to I: tag 1) and LAB_MP_KEY2 (tag 2: hybrid's
# group key, else empty).
lab_mp_leg_add() {
  local i=$1 conf=$2 mode=$3 where fp
  shift 3
  if [ -n "${LAB_CTX[conf]:-}" ]; then where=(--conf "${LAB_CTX[conf]}"); else where=(--conf new "$@"); fi
  LAB_MP_KEY=""; LAB_MP_KEY2=""
  lab_mp_cmd leg add "${where[@]}" --remote "$(lab_ip "$i"):$(lab_rx_port "$i")" --remote-key - \
    --codec PCMU --suite "$LAB_SUITE" --mode "$mode" < <(printf '%s\n' "${LAB_KEY_UP[i]}") ||
    return 1
  local re_ctx='"ctx":([0-9]+)' re_term='"term":"([^"]+)"' re_addr='"addr":"([^"]+)"'
  local re_port='"port":([0-9]+)' re_key='"key":"([A-Za-z0-9+/=]+)"' re_fp='"key_fp":"([0-9a-f]+)"'
  local re_key2='"tag":2,"suite":"[^"]*","key":"([A-Za-z0-9+/=]+)"'
  if ! [[ $LAB_MP_OUT =~ $re_ctx ]]; then lab_die "Mp: no context in the reply"; return 1; fi
  LAB_CTX[conf]=${BASH_REMATCH[1]}
  [[ $LAB_MP_OUT =~ $re_term ]] && LAB_LEG_TERM[i]=${BASH_REMATCH[1]}
  if ! [[ $LAB_MP_OUT =~ $re_addr ]] || [ "${BASH_REMATCH[1]}" != "$LAB_MEDIA_IP" ]; then
    lab_die "Mp: leg $(lab_name "$i"): mrfpd's address is not $LAB_MEDIA_IP"; return 1
  fi
  [[ $LAB_MP_OUT =~ $re_port ]] && LAB_LEG_PORT[i]=${BASH_REMATCH[1]}
  [[ $LAB_MP_OUT =~ $re_key ]] && LAB_MP_KEY=${BASH_REMATCH[1]}
  [[ $LAB_MP_OUT =~ $re_key2 ]] && LAB_MP_KEY2=${BASH_REMATCH[1]}
  [[ $LAB_MP_OUT =~ $re_fp ]] && fp=${BASH_REMATCH[1]}
  LAB_MP_OUT=""
  if [ -z "${LAB_LEG_TERM[i]:-}" ] || [ -z "${LAB_LEG_PORT[i]:-}" ] || [ -z "$LAB_MP_KEY" ]; then
    lab_die "Mp: leg $(lab_name "$i"): the reply lacks the termination, port or Local key"; return 1
  fi
  LAB_SEEN_KEYS+=("${LAB_KEY_UP[i]}" "$LAB_MP_KEY" ${LAB_MP_KEY2:+"$LAB_MP_KEY2"})
  lab_log "Mp: $(lab_name "$i") ($mode) = ${LAB_LEG_TERM[i]} in context ${LAB_CTX[conf]}: mrfpd $LAB_MEDIA_IP:${LAB_LEG_PORT[i]}, Local key fp ${fp:-?}${LAB_MP_KEY2:+ + a group key}"
}

# lab_conf_remove CONF: the lab conference and its legs (Mp: Subtract = *, whose statistics go
# to $LAB_DIR/conf-delete.json).
lab_conf_remove() {
  local conf=$1
  if [ "$LAB_PROV" != mp ]; then lab_ctl "conf remove $conf"; return; fi
  [ -n "${LAB_CTX[conf]:-}" ] || { lab_die "Mp: no context for conference $conf"; return 1; }
  lab_mp_cmd conf delete --conf "${LAB_CTX[conf]}" || return 1
  printf '%s\n' "$LAB_MP_OUT" | lab_redact >"$LAB_DIR/conf-delete.json"
  unset "LAB_CTX[$conf]"
}

# lab_provision N: one conference (lab number 1), one leg per participant. stdin: `conf add`
# (a switch conference by default) and `leg add` lines; mp: Adds through mrfpctl (mrfp/media
# switch, bilateral keys), mrfpd's keys and ports from the replies.
lab_provision() {
  local n=$1 i
  # LAB_CONF_OPTS: extra "conf add" options, e.g. "media=switch keys=bilateral".
  if [ "$LAB_PROV" = mp ]; then
    lab_mp_conf_opts "media=switch keys=bilateral${LAB_CONF_OPTS:+ $LAB_CONF_OPTS}" || return 1
    unset "LAB_CTX[1]"
    LAB_LEG_PORT=(); LAB_LEG_TERM=()
    for ((i = 0; i < n; i++)); do
      lab_mp_leg_add "$i" 1 sendrecv "${LAB_MP_OPTS[@]}" || return 1
      LAB_KEY_DOWN[i]=$LAB_MP_KEY
      LAB_MP_KEY=""; LAB_MP_KEY2=""
    done
    return 0
  fi
  lab_ctl "conf add 1${LAB_CONF_OPTS:+ $LAB_CONF_OPTS}" 30 || return 1
  for ((i = 0; i < n; i++)); do
    lab_ctl "leg add 1 $((i + 1)) local_port=$(lab_leg_port "$i") remote=$(lab_ip "$i"):$(lab_rx_port "$i") suite=$LAB_SUITE rx_key=${LAB_KEY_UP[i]} tx_key=${LAB_KEY_DOWN[i]} latch=off" || return 1
  done
}

# lab_mix_provision_mp CONF: the legs through Mp: the first Add creates the context with
# mrfp/media=mix, mrfp/keys, mrfp/ptime=20 (and LAB_MIX_CONF_OPTS); talkers sendrecv, listeners
# sendonly. What each receiver decrypts with comes from mrfpd: bilateral: the leg's Local key;
# group: the Local key, which must be the same on every leg (the group key); hybrid (the Mp key
# model, docs/mp.md): a listener's reply Local names the group key set (its first line, the
# participant's tag: the group key in use), a talker's names its own key (static roles: only
# that; roles=dynamic: then the group key set). Every talker's key differs from every other's
# and from the group key; every listener gets the same group key. (A reply of the older model,
# own key then the group key on every leg, gives the same keys to the receivers: a leg's
# second line is taken as the group key then.)
lab_mix_provision_mp() {
  local conf=$1 n=$((LAB_TALKERS + LAB_LISTENERS)) i mode g
  lab_mp_conf_opts "media=mix keys=$LAB_KEYS_MODE ptime=20${LAB_MIX_CONF_OPTS:+ $LAB_MIX_CONF_OPTS}" ||
    return 1
  unset "LAB_CTX[$conf]"
  LAB_LEG_PORT=(); LAB_LEG_TERM=(); LAB_GROUP_KEY=""
  for ((i = 0; i < n; i++)); do
    mode=sendrecv; lab_is_talker "$i" || mode=sendonly
    lab_mp_leg_add "$i" "$conf" "$mode" "${LAB_MP_OPTS[@]}" || return 1
    LAB_KEY_DOWN[i]=$LAB_MP_KEY
    case $LAB_KEYS_MODE in
      bilateral) LAB_RX_KEY[i]=$LAB_MP_KEY ;;
      group)
        [ -z "$LAB_GROUP_KEY" ] && LAB_GROUP_KEY=$LAB_MP_KEY
        [ "$LAB_MP_KEY" = "$LAB_GROUP_KEY" ] ||
          { lab_die "Mp: group keys: leg $(lab_name "$i")'s Local key is not the group key"; return 1; }
        LAB_RX_KEY[i]=$LAB_MP_KEY ;;
      hybrid)
        # the group key this reply names: a listener's first line (older model: its second),
        # a talker's second line if any (roles=dynamic; older model)
        g=$LAB_MP_KEY2
        if ! lab_is_talker "$i"; then [ -n "$g" ] || g=$LAB_MP_KEY; fi
        if [ -n "$g" ]; then
          [ -z "$LAB_GROUP_KEY" ] && LAB_GROUP_KEY=$g
          [ "$g" = "$LAB_GROUP_KEY" ] ||
            { lab_die "Mp: hybrid keys: leg $(lab_name "$i") has another group key"; return 1; }
        fi
        if lab_is_talker "$i"; then LAB_RX_KEY[i]=$LAB_MP_KEY; else LAB_RX_KEY[i]=$g; fi ;;
    esac
    LAB_MP_KEY=""; LAB_MP_KEY2=""
  done
  local uniq
  if [ "$LAB_KEYS_MODE" = bilateral ]; then   # per-leg keys: all different
    uniq=$(printf '%s\n' "${LAB_KEY_DOWN[@]}" | sort -u | wc -l)
    [ "$uniq" -eq "$n" ] || { lab_die "Mp: bilateral keys: mrfpd gave two legs the same key"; return 1; }
  elif [ "$LAB_KEYS_MODE" = hybrid ]; then     # talkers' keys and the group key: all different
    uniq=$(printf '%s\n' "${LAB_KEY_DOWN[@]:0:LAB_TALKERS}" ${LAB_GROUP_KEY:+"$LAB_GROUP_KEY"} |
      sort -u | wc -l)
    [ "$uniq" -eq $((LAB_TALKERS + (${#LAB_GROUP_KEY} > 0))) ] || {
      lab_die "Mp: hybrid keys: two talkers share a key, or a talker's key is the group key"
      return 1
    }
  fi
}

# lab_mix_provision CONF: the conference and its legs (stdin: leg ids CONF*10+1...). In group
# mode no tx_key is given (mrfpd must use the group key for everything).
lab_mix_provision() {
  local conf=$1 n=$((LAB_TALKERS + LAB_LISTENERS)) i opts="" tx mode
  if [ "$LAB_PROV" = mp ]; then lab_mix_provision_mp "$conf"; return; fi
  [ "$LAB_KEYS_MODE" = bilateral ] || opts=" suite=$LAB_SUITE group_key=$LAB_GROUP_KEY"
  lab_ctl "conf add $conf media=mix keys=$LAB_KEYS_MODE ptime=20$opts${LAB_MIX_CONF_OPTS:+ $LAB_MIX_CONF_OPTS}" 30 || return 1
  for ((i = 0; i < n; i++)); do
    tx=" tx_key=${LAB_KEY_DOWN[i]}"; [ "$LAB_KEYS_MODE" = group ] && tx=""
    mode=sendrecv; lab_is_talker "$i" || mode=sendonly
    lab_ctl "leg add $conf $((conf * 10 + i + 1)) local_port=$(lab_leg_port "$i") remote=$(lab_ip "$i"):$(lab_rx_port "$i") suite=$LAB_SUITE rx_key=${LAB_KEY_UP[i]}$tx mode=$mode latch=off codec=PCMU" || return 1
  done
}
