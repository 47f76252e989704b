# shellcheck shell=bash
# Part of tests/e2e/lab.sh, which sources it (never source it alone): the keys of a call (the
# participants' send keys; mrfpd's too with stdin provisioning) and the check that none of them
# reached a file of the lab.

# lab_keys N [mock]: LAB_KEY_UP[i] (participant i sends with it, mrfpd rx_key / Remote key)
# and LAB_KEY_DOWN[i] (mrfpd sends to participant i with it, tx_key / Local key: with Mp
# mrfpd generates it and lab_mp_leg_add fills it in). The mock relay cannot re-encrypt, so in
# mock mode (2 participants) each one's down key is the other's up key.
lab_keys() {
  local n=$1 mode=${2:-} i
  LAB_KEY_UP=(); LAB_KEY_DOWN=(); LAB_RX_KEY=(); LAB_GROUP_KEY=""
  for ((i = 0; i < n; i++)); do
    LAB_KEY_UP[i]=$(openssl rand -base64 30) || return 1
    [ "$LAB_PROV" = mp ] && continue
    LAB_KEY_DOWN[i]=$(openssl rand -base64 30) || return 1
  done
  if [ "$mode" = mock ]; then
    [ "$n" -eq 2 ] || { lab_die "mock mode supports 2 participants"; return 1; }
    LAB_KEY_DOWN[0]=${LAB_KEY_UP[1]}
    LAB_KEY_DOWN[1]=${LAB_KEY_UP[0]}
  fi
}

# lab_keys_check: no key of this lab (the participants', mrfpd's, group keys, every call so far)
# in any file under LAB_ROOT. The key list reaches grep on a pipe.
lab_keys_check() {
  local k found
  for k in "${LAB_KEY_UP[@]}" "${LAB_KEY_DOWN[@]}" "${LAB_RX_KEY[@]}" "${LAB_GROUP_KEY:-}"; do
    [ -n "$k" ] && LAB_SEEN_KEYS+=("$k")
  done
  [ "${#LAB_SEEN_KEYS[@]}" -gt 0 ] || return 0
  found=$(grep -rlF -f <(printf '%s\n' "${LAB_SEEN_KEYS[@]}") "$LAB_ROOT" 2>/dev/null)
  if [ -n "$found" ]; then
    lab_die "keys found in: $(echo "$found" | tr '\n' ' ')"
    return 1
  fi
  [ "$LAB_VERBOSE" = 1 ] &&
    lab_log "keys: none of $(printf '%s\n' "${LAB_SEEN_KEYS[@]}" | sort -u | wc -l) in any file of $LAB_ROOT"
  return 0
}
