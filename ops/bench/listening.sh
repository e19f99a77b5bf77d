# shellcheck shell=bash
# Sourced by the benchmark scripts: waiting for a Java server of ours to print where it listens.
#
# wait_listening OUT ERR PID SECONDS WHAT
#   polls the server's stdout file OUT for its "listening URL ..." line every half second, for at
#   most SECONDS; prints the URL without its trailing slash. Exits the script, with ERR shown,
#   when process PID dies first or the line does not come in time; WHAT names the server there.
wait_listening() {
  local out=$1 err=$2 pid=$3 seconds=$4 what=$5 url="" _
  for _ in $(seq 1 $((seconds * 2))); do
    url=$(awk '/^listening /{print $2}' "$out")
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || { echo "$what died:" >&2; cat "$err" >&2; exit 1; }
    sleep 0.5
  done
  [ -n "$url" ] || { echo "$what did not start in $seconds s" >&2; exit 1; }
  echo "${url%/}"
}
