#!/usr/bin/env bash
# Measures other layouts of the BLAKE2s rounds against the committed one, side by side in one JVM.
#
# Usage (from anywhere):  ops/bench/blake2s-layouts.sh
# Environment:
#   ROUNDS=20      timed slices per layout, taken in turn in a rotating order
#   SLICE_MS=100   CPU milliseconds per slice
#   JAVA=java      the java binary, e.g. /usr/lib/jvm/temurin-25-jdk-amd64/bin/java
#   SKIP_BUILD=1   reuse ops/bench/target/distvault-bench.jar
#
# ops/bench/blake2s-rounds.py --variant writes each alternative as a renamed copy of Blake2s.java
# (see its --help); Blake2sLayouts checks that every one gives the committed class's digests,
# then reports the median MB per CPU second and the median per-round ratio to the committed
# layout. The ratios are what the class Javadoc of Blake2s quotes. Generated sources, classes and
# the table go to ops/bench/out/blake2s-layouts-<time>/ (gitignored).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

ROUNDS=${ROUNDS:-20}
SLICE_MS=${SLICE_MS:-100}
JAVA=${JAVA:-java}
jar=ops/bench/target/distvault-bench.jar
out=ops/bench/out/blake2s-layouts-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out/src" "$out/classes"

if [[ -z ${SKIP_BUILD:-} ]]; then
  mvn -q -B -pl ops/bench -am package -DskipTests
fi
[[ -f $jar ]] || { echo "blake2s-layouts: $jar is missing (build failed?)" >&2; exit 1; }

# "<class> <options of blake2s-rounds.py>", one alternative per line; each differs from the
# committed layout (locals, a fence per round, a + m + b, two methods) in one respect, except the
# first, which is the layout used before this one.
variants=(
  "FieldsFencedHalfRounds --words fields --fence half --order abm"
  "AddBPlusM --order abm"
  "FenceEveryHalfRound --fence half"
  "NoFence --fence none"
  "FenceEveryTwoRounds --fence two-rounds"
  "OneMethod --methods 1"
  "FiveMethods --methods 5"
)
names=(Blake2s)
for v in "${variants[@]}"; do
  read -r name options <<<"$v"
  # shellcheck disable=SC2086 # options is a list of flags
  python3 ops/bench/blake2s-rounds.py --variant "$name" --out "$out/src" $options
  names+=("$name")
done
javac -nowarn -d "$out/classes" "$out/src"/*.java

{
  echo "cpus: $(nproc); $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
  echo "java: $("$JAVA" -version 2>&1 | head -2 | tail -1)"
  echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  printf '%s\n' "${variants[@]}"
} >"$out/machine.txt"

"$JAVA" -cp "$jar:$out/classes" org.distvault.bench.Blake2sLayouts \
  --rounds "$ROUNDS" --slice-ms "$SLICE_MS" "${names[@]}" >"$out/table.txt"
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"

cat "$out/machine.txt"
echo
cat "$out/table.txt"
echo "(medians of $ROUNDS slices of $SLICE_MS CPU ms on 16 KiB inputs; raw: $out)"
