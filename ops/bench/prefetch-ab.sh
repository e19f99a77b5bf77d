#!/usr/bin/env bash
# Prefetch of many small files, two jars interleaved: which side of a prefetch got slower or faster.
#
#   ops/bench/prefetch-ab.sh A.jar B.jar [client|server|both|launcher]     (from anywhere; needs java, curl, python3)
#
# "client" (default): both runs use A's server and each jar's own prefetch client; "server": both
# runs use A's client and each jar's own server; "both": each jar's own server and client;
# "launcher": both runs use A's server and A's client, run by plain `java $JAVA_OPTS -jar` in A's
# runs and through ops/bin/distvault (its JVM options for client subcommands) in B's (B.jar is
# not used). The client runs as CLIENT says: "launcher" (default; ops/bin/distvault with
# DISTVAULT_JAR set to the jar, as operators run it) or "java" (`java $JAVA_OPTS -jar`); the
# servers always run as `java -jar JAR serve`. A corpus
# of COUNT (2000) random files of 1-16 KiB, MEDIUM_COUNT (0) of 256 KiB-4 MiB and LARGE_COUNT (0)
# of LARGE_MIB (128) MiB, and its distinfo (SHA512, Size), are made once; each of ROUNDS (6) rounds runs A then B
# against a fresh data directory, with the files taken from a file:// mirror (no HTTP upstream),
# and prints the wall time of `distvault prefetch`. Loopback only; bounded loops; the work dir is
# removed at the end.
set -euo pipefail
a=$(readlink -f "$1"); b=$(readlink -f "$2"); side=${3:-client}
count=${COUNT:-2000}; rounds=${ROUNDS:-6}
medium=${MEDIUM_COUNT:-0}; large=${LARGE_COUNT:-0}; large_mib=${LARGE_MIB:-128}
client=${CLIENT:-launcher}
launcher=$(cd "$(dirname "$0")/../bin" && pwd)/distvault
case $client in launcher|java) ;; *) echo "prefetch-ab: CLIENT must be launcher or java, not '$client'" >&2; exit 2 ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT # each run() stops its own server (pid lives in its subshell; kill 0 would hit our process group)
cd "$work"
mkdir -p mirror distinfo/bench/ab
python3 - "$count" "$medium" "$large" "$large_mib" <<'PY'
import hashlib, os, random, sys
rng = random.Random(5)
small, medium, large, large_mib = (int(a) for a in sys.argv[1:5])
files = [("s-%05d.bin" % i, rng.randint(1024, 16384)) for i in range(small)]
files += [("m-%04d.bin" % i, rng.randint(256 << 10, 4 << 20)) for i in range(medium)]
files += [("l-%02d.bin" % i, large_mib << 20) for i in range(large)]
with open("distinfo/bench/ab/distinfo", "w") as d:
    d.write("$NetBSD$\n\n")
    for name, size in files:
        h = hashlib.sha512()
        with open("mirror/" + name, "wb") as f:
            left = size
            while left:
                chunk = os.urandom(min(left, 1 << 20))
                f.write(chunk); h.update(chunk); left -= len(chunk)
        d.write("SHA512 (%s) = %s\nSize (%s) = %d bytes\n" % (name, h.hexdigest(), name, size))
PY
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# Runs the client subcommand "$3..." of jar $2 by way $1 (launcher or java).
client_run() {
  local how=$1 cjar=$2
  shift 2
  if [ "$how" = launcher ]; then
    DISTVAULT_JAR=$cjar "$launcher" "$@"
  else
    # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
    java ${JAVA_OPTS:-} -jar "$cjar" "$@"
  fi
}
run() { # $1 server jar, $2 client jar[, $3 the client's way: launcher or java; default CLIENT] -> seconds
  rm -rf data
  java -jar "$1" serve --data ./data --listen "127.0.0.1:$port" >/dev/null 2>&1 & pid=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  local t0 t1
  t0=$(date +%s.%N)
  client_run "${3:-$client}" "$2" prefetch --server "http://127.0.0.1:$port/" --token-file data/admin.token --distinfo distinfo \
    --site "file://$work/mirror/" --jobs 8 --per-host 8 >/dev/null 2>&1 || echo "prefetch failed" >&2
  t1=$(date +%s.%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  python3 -c "print('%.2f' % ($t1 - $t0))"
}
case "$side" in
  launcher) how="client of A: java -jar (A) against ops/bin/distvault (B)" ;;
  *) how="clients run by: $([ "$client" = launcher ] && echo ops/bin/distvault || echo "java -jar")" ;;
esac
echo "prefetch-ab: $count small, $medium medium, $large large files, $rounds rounds, $side side differs; A=$a B=$b; $how"
for r in $(seq "$rounds"); do
  case "$side" in
    client) ta=$(run "$a" "$a"); tb=$(run "$a" "$b") ;;
    server) ta=$(run "$a" "$a"); tb=$(run "$b" "$a") ;;
    both) ta=$(run "$a" "$a"); tb=$(run "$b" "$b") ;;
    launcher) ta=$(run "$a" "$a" java); tb=$(run "$a" "$a" launcher) ;;
    *) echo "prefetch-ab: side must be client, server, both or launcher, not '$side'" >&2; exit 2 ;;
  esac
  echo "round $r: A $ta s, B $tb s"
done
