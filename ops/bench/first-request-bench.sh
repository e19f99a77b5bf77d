#!/usr/bin/env bash
# What verifying a blob file before its first service costs: the time of the first GET of a blob in
# a server process (the file is hashed whole before its headers) against the next GETs of it (known
# good: zero-copy), for one large and one small blob, over ROUNDS fresh server processes.
#
#   ops/bench/first-request-bench.sh     (from anywhere; needs java, mvn, curl, sha512sum)
#
# Environment: BIG_MIB (256), ROUNDS (3), SKIP_BUILD=1 to reuse server/target/distvault.jar.
# Loopback only; every loop is bounded; the work dir is removed at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
jar=$root/server/target/distvault.jar
big_mib=${BIG_MIB:-256}
rounds=${ROUNDS:-3}
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  (cd "$root" && mvn -B -q -DskipTests -pl server -am package)
fi
work=$(mktemp -d)
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
mkdir -p mirror distinfo/bench/first
head -c $((big_mib << 20)) /dev/urandom > mirror/big-1.0.tar.gz
head -c 16384 /dev/urandom > mirror/small-1.0.tar.gz
entry() {
  echo "SHA512 ($1) = $(sha512sum "mirror/$1" | cut -d' ' -f1)"
  echo "Size ($1) = $(wc -c < "mirror/$1") bytes"
}
{ printf '$NetBSD$\n\n'; entry big-1.0.tar.gz; entry small-1.0.tar.gz; } > distinfo/bench/first/distinfo
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start() {
  java -jar "$jar" serve --data ./data --listen "127.0.0.1:$port" >/dev/null 2>>serve.log & pid=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.2; done
  echo "server did not start" >&2; exit 1
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; }
start
java -jar "$jar" prefetch --server "http://127.0.0.1:$port/" --token-file data/admin.token \
  --distinfo distinfo --site "file://$work/mirror/" >/dev/null 2>&1
stop
get() { curl -fs -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port/distfiles/$1"; }
echo "first-request-bench: ${big_mib} MiB and 16 KiB blobs, $rounds fresh server processes; seconds per GET"
for r in $(seq "$rounds"); do
  start
  for f in big-1.0.tar.gz small-1.0.tar.gz; do
    echo "round $r $f: first $(get $f), then $(get $f) $(get $f) $(get $f)"
  done
  stop
done
