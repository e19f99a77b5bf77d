#!/usr/bin/env bash
# Ingest throughput of distvault's BlobStore against openssl on the same file.
#
# Generates a random file (1 GiB by default; in /dev/shm when it has room, so that the disk is
# out of the picture), then, RUNS times each and reporting medians:
#   - openssl dgst -blake2s256 FILE, then openssl dgst -sha512 FILE (one algorithm per pass:
#     given several digest flags, openssl dgst uses only the last one; checked below);
#   - the same two openssl commands started together (the parallel reference);
#   (the openssl runs happen RUNS times before and RUNS times after the java runs)
#   - BlobStore.ingest of the file with the modern distinfo expectation (Size + BLAKE2s + SHA512;
#     the store also computes SHA256 for /by-hash/) in both hashing modes.
# Prints the ratios java/openssl and writes everything to ops/bench/out/.
#
# Usage: ops/bench/ingest-bench.sh            (env: RUNS=5 SIZE_MIB=1024 SKIP_BUILD=1 DATA_ON_DISK=1)
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=${RUNS:-5}
SIZE_MIB=${SIZE_MIB:-1024}
JAR=ops/bench/target/distvault-bench.jar
OUT=ops/bench/out
mkdir -p "$OUT"
REPORT="$OUT/ingest-bench-$(date +%Y%m%d-%H%M%S).txt"

if [ -z "${SKIP_BUILD:-}" ]; then
  mvn -q -pl ops/bench -am package -DskipTests
fi
[ -f "$JAR" ] || { echo "missing $JAR (build it first)" >&2; exit 2; }

# The file and the data directory together need about 2 x SIZE (the blob is a copy).
need_kib=$(( SIZE_MIB * 1024 * 5 / 2 ))
shm_free_kib=$(df -Pk /dev/shm 2>/dev/null | awk 'NR==2 {print $4}' || echo 0)
if [ "${shm_free_kib:-0}" -gt "$need_kib" ]; then
  WORK=$(mktemp -d /dev/shm/distvault-ingest-bench.XXXXXX)
else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/distvault-ingest-bench.XXXXXX")
fi
trap 'rm -rf "$WORK" "${DISK_DATA:-}"' EXIT
FILE="$WORK/input.bin"
DATA="$WORK/data"
if [ -n "${DATA_ON_DISK:-}" ]; then
  DISK_DATA=$(mktemp -d "${TMPDIR:-/tmp}/distvault-ingest-data.XXXXXX")
  DATA="$DISK_DATA"
fi

log() { echo "$*" | tee -a "$REPORT"; }

median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

# Wall time of a command in seconds, output discarded.
timed() {
  local t0=$EPOCHREALTIME
  "$@" >/dev/null
  awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.3f\n", b - a}'
}

both_at_once() {
  openssl dgst -blake2s256 "$FILE" >/dev/null & local p1=$!
  openssl dgst -sha512 "$FILE" >/dev/null & local p2=$!
  wait "$p1" "$p2"
}

log "# ingest-bench $(date -Is)"
log "host: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
log "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
log "java: $(java -version 2>&1 | head -1); openssl: $(openssl version)"
log "file: $FILE ($SIZE_MIB MiB, random); blob data dir: $DATA; runs: $RUNS"

head -c $(( SIZE_MIB * 1024 * 1024 )) /dev/urandom > "$FILE"
SIZE=$(stat -c %s "$FILE")

# What openssl dgst does with two digest flags: it computes only one (the last named).
tiny="$WORK/tiny"; printf 'abc' > "$tiny"
log "openssl dgst -sha512 -blake2s256 prints: $(openssl dgst -sha512 -blake2s256 "$tiny" | cut -d'(' -f1 | tr '\n' ' ')(one algorithm per pass)"

b2=(); s5=(); sum=(); par=()
openssl_runs() {  # $1 = label; appends to the arrays above
  local i tb ts tp
  for i in $(seq 1 "$RUNS"); do
    tb=$(timed openssl dgst -blake2s256 "$FILE")
    ts=$(timed openssl dgst -sha512 "$FILE")
    tp=$(timed both_at_once)
    b2+=("$tb"); s5+=("$ts"); par+=("$tp")
    sum+=("$(awk -v a="$tb" -v b="$ts" 'BEGIN {printf "%.3f", a + b}')")
    log "openssl $1 run $i: blake2s256 ${tb}s sha512 ${ts}s sequential-sum ${sum[-1]}s both-at-once ${tp}s"
  done
}

# openssl runs bracket the java runs (before and after), so that load drifting during the
# benchmark affects both sides alike; the medians are taken over all of them.
openssl dgst -blake2s256 "$FILE" >/dev/null  # warm the page cache
openssl_runs before

JAVA_OUT="$WORK/java.out"
java -Xmx512m -cp "$JAR" org.distvault.bench.IngestBench "$FILE" "$DATA" "$RUNS" \
  THREAD_PER_ALGORITHM SINGLE_THREAD 2> >(grep -v "^SLF4J" >&2) | tee "$JAVA_OUT" | while read -r line; do log "java $line"; done

openssl_runs after

# The digests the store verified must be openssl's.
ob2=$(openssl dgst -blake2s256 -r "$FILE" | cut -d' ' -f1)
os5=$(openssl dgst -sha512 -r "$FILE" | cut -d' ' -f1)
grep -q "^digest blake2s $ob2\$" "$JAVA_OUT" || { log "BLAKE2s differs from openssl"; exit 1; }
grep -q "^digest sha512 $os5\$" "$JAVA_OUT" || { log "SHA512 differs from openssl"; exit 1; }
log "digests agree with openssl"

mbps() { awk -v s="$SIZE" -v t="$1" 'BEGIN {printf "%.0f", s / t / 1e6}'; }
m_b2=$(printf '%s\n' "${b2[@]}" | median)
m_s5=$(printf '%s\n' "${s5[@]}" | median)
m_seq=$(printf '%s\n' "${sum[@]}" | median)
m_par=$(printf '%s\n' "${par[@]}" | median)
m_tpa=$(awk '$1 == "run" && $2 == "THREAD_PER_ALGORITHM" {print $4}' "$JAVA_OUT" | median)
m_st=$(awk '$1 == "run" && $2 == "SINGLE_THREAD" {print $4}' "$JAVA_OUT" | median)

log ""
log "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
log "medians over $RUNS java runs per mode and $(( 2 * RUNS )) openssl runs (MB = 10^6 bytes; ratio = java throughput / reference throughput):"
log "$(printf '  %-44s %7ss %6s MB/s' 'openssl dgst -blake2s256' "$m_b2" "$(mbps "$m_b2")")"
log "$(printf '  %-44s %7ss %6s MB/s' 'openssl dgst -sha512' "$m_s5" "$(mbps "$m_s5")")"
log "$(printf '  %-44s %7ss %6s MB/s' 'openssl blake2s256 then sha512 (reference)' "$m_seq" "$(mbps "$m_seq")")"
log "$(printf '  %-44s %7ss %6s MB/s' 'openssl both at once' "$m_par" "$(mbps "$m_par")")"
for row in "ingest THREAD_PER_ALGORITHM:$m_tpa" "ingest SINGLE_THREAD:$m_st"; do
  name=${row%%:*}; t=${row##*:}
  log "$(printf '  %-44s %7ss %6s MB/s   vs sequential openssl %.2fx, vs both-at-once %.2fx' \
    "$name" "$t" "$(mbps "$t")" "$(awk -v a="$m_seq" -v b="$t" 'BEGIN {print a / b}')" \
    "$(awk -v a="$m_par" -v b="$t" 'BEGIN {print a / b}')")"
done
log "report: $REPORT"
