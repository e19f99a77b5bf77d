#!/usr/bin/env bash
# Measures distvault's BLAKE2s against OpenSSL, Bouncy Castle and the JDK's SHA-512 on this machine.
#
# Usage (from anywhere):  ops/bench/digest-bench.sh
# Environment:
#   RUNS=5          rounds; each runs openssl and Java by the wall clock, then both by CPU time
#   JAVA=java       the java binary that runs the benchmark, e.g. /usr/lib/jvm/temurin-25-jdk-amd64/bin/java
#   OPENSSL_SECS=3  seconds per openssl measurement
#   JMH_ARGS=...    JMH options (default: 1 fork, 3 x 1 s warm-up, 5 x 1 s measurement)
#   CPU_SLICES=9    half-second slices per digest in the CPU-time measurement
#   SKIP_BUILD=1    reuse ops/bench/target/distvault-bench.jar
#
# Two clocks, each applied to both sides:
#   wall: JMH (DigestBench) against `openssl speed -elapsed`.
#   cpu:  DigestCpuTime (thread CPU time) against plain `openssl speed`, which divides by its CPU
#         user time. On a loaded machine this is the steadier figure: the wall clock also counts the
#         time a process waited for a core.
# Rounds alternate between openssl and Java so that both see the same load. The table reports the
# median over rounds; the ratio column is the median of the per-round ratios to openssl at 16384
# bytes. MB/s means 10^6 bytes per second, as openssl counts. Raw outputs and the table go to
# ops/bench/out/digest-<time>/ (gitignored).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

RUNS=${RUNS:-5}
JAVA=${JAVA:-java}
OPENSSL_SECS=${OPENSSL_SECS:-3}
JMH_ARGS=${JMH_ARGS:--f 1 -wi 3 -w 1s -i 5 -r 1s}
CPU_SLICES=${CPU_SLICES:-9}
jar=ops/bench/target/distvault-bench.jar
out=ops/bench/out/digest-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"

if [[ -z ${SKIP_BUILD:-} ]]; then
  mvn -q -B -pl ops/bench -am package -DskipTests
fi
[[ -f $jar ]] || { echo "digest-bench: $jar is missing (build failed?)" >&2; exit 1; }

# Prints the bytes per second that `openssl speed -mr` reported for algorithm $2 in file $1.
# The machine-readable line is "+F:<index>:<algorithm>:<bytes per second for each -bytes size>".
openssl_bps() {
  local bps
  bps=$(awk -F: -v alg="$2" '$1 == "+F" && $3 == alg { print $4; exit }' "$1")
  if [[ -z $bps ]]; then
    echo "digest-bench: no '+F:...:$2:' line in $1; openssl said:" >&2
    cat "$1" >&2
    exit 1
  fi
  echo "$bps"
}

# Runs openssl speed for one algorithm by clock $3; appends "<round> <clock> <name> <MB/s>" to results.
run_openssl() {
  local round=$1 alg=$2 clock=$3 file="$out/openssl-$2-$3-$1.txt" elapsed=() bps
  if [[ $clock == wall ]]; then elapsed=(-elapsed); fi
  openssl speed "${elapsed[@]}" -mr -seconds "$OPENSSL_SECS" -bytes 16384 -evp "$alg" >"$file" 2>&1 || {
    echo "digest-bench: openssl speed -evp $alg failed:" >&2; cat "$file" >&2; exit 1; }
  bps=$(openssl_bps "$file" "$alg")
  awk -v r="$round" -v c="$clock" -v n="openssl-$alg" -v bps="$bps" \
    'BEGIN { printf "%s %s %s-16384 %.1f\n", r, c, n, bps / 1e6 }' >>"$out/results.txt"
}

# Runs the JMH benchmark; appends "<round> wall <benchmark>-<size> <MB/s>" for each line of its CSV.
run_jmh() {
  local round=$1 csv="$out/jmh-$1.csv"
  # shellcheck disable=SC2086 # JMH_ARGS is a list of options
  "$JAVA" -jar "$jar" DigestBench $JMH_ARGS -rf csv -rff "$csv" >"$out/jmh-$round.log" 2>&1 || {
    echo "digest-bench: JMH failed, see $out/jmh-$round.log" >&2; tail -20 "$out/jmh-$round.log" >&2; exit 1; }
  # CSV (CRLF line ends) columns: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit","Param: size"
  awk -F, -v r="$round" 'NR > 1 {
      gsub(/["\r]/, ""); name = $1; sub(/.*\./, "", name)
      if ($7 != "ops/s") { print "digest-bench: unexpected JMH unit " $7 > "/dev/stderr"; exit 1 }
      printf "%s wall %s-%s %.1f\n", r, name, $8, $5 * $8 / 1e6 }' "$csv" >>"$out/results.txt"
}

# Runs the CPU-time benchmark; its lines are "<benchmark>-<size> <MB per CPU second>".
run_cpu() {
  local round=$1 file="$out/cpu-$1.txt"
  "$JAVA" -cp "$jar" org.distvault.bench.DigestCpuTime "$CPU_SLICES" >"$file" 2>"$out/cpu-$round.log" || {
    echo "digest-bench: DigestCpuTime failed, see $out/cpu-$round.log" >&2; cat "$out/cpu-$round.log" >&2; exit 1; }
  awk -v r="$round" '{ printf "%s cpu %s %s\n", r, $1, $2 }' "$file" >>"$out/results.txt"
}

{
  echo "cpus: $(nproc); $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
  echo "java: $("$JAVA" -version 2>&1 | head -2 | tail -1)"
  echo "openssl: $(openssl version)"
  echo "jmh: $JMH_ARGS; cpu slices: $CPU_SLICES; openssl: -seconds $OPENSSL_SECS -bytes 16384"
} >"$out/machine.txt"

: >"$out/results.txt"
for round in $(seq 1 "$RUNS"); do
  echo "round $round/$RUNS start: load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/load.txt"
  run_openssl "$round" blake2s256 wall
  run_openssl "$round" sha512 wall
  run_jmh "$round"
  run_openssl "$round" blake2s256 cpu
  run_openssl "$round" sha512 cpu
  run_cpu "$round"
  echo "round $round/$RUNS end:   load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/load.txt"
done

# The table: per clock, the median MB/s per benchmark over rounds and the median per-round ratio.
awk -v runs="$RUNS" '
  function median(list,   a, n, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { v[$2, $3, $1] = $4 }
  END {
    split("openssl-blake2s256-16384 blake2sOurs-16384 blake2sBouncyCastle-16384 blake2sOurs-1048576 " \
          "blake2sBouncyCastle-1048576 openssl-sha512-16384 sha512Jdk-16384 sha512Jdk-1048576", order, " ")
    split("wall cpu", clocks, " ")
    printf "%-5s %-28s %10s %12s %18s\n", "clock", "digest-bytes", "MB/s", "min..max", "ratio to openssl"
    for (c = 1; c in clocks; c++) {
      clock = clocks[c]
      for (k = 1; k in order; k++) {
        n = order[k]
        ref = n ~ /^blake2s/ ? "openssl-blake2s256-16384" : n ~ /^sha512/ ? "openssl-sha512-16384" : ""
        list = ""; rl = ""; lo = ""; hi = ""
        for (r = 1; r <= runs; r++) {
          if (!((clock, n, r) in v)) continue
          x = v[clock, n, r]; list = list " " x
          if (lo == "" || x + 0 < lo + 0) lo = x
          if (hi == "" || x + 0 > hi + 0) hi = x
          if (ref != "" && (clock, ref, r) in v) rl = rl " " x / v[clock, ref, r]
        }
        if (list == "") continue
        ratio = rl == "" ? "" : sprintf("%.3f", median(rl))
        printf "%-5s %-28s %10.1f %12s %18s\n", clock, n, median(list), sprintf("%.0f..%.0f", lo, hi), ratio
      }
    }
    printf "(medians of %d rounds; a ratio is the median of the per-round ratios to openssl at 16384 bytes)\n", runs
  }' "$out/results.txt" >"$out/table.txt"

echo
cat "$out/machine.txt"
cat "$out/load.txt"
echo
cat "$out/table.txt"
echo "raw results: $out"
