#!/usr/bin/env bash
# client-start-bench.sh: what the class archive (`distvault class-archive`) saves at each start of a
# client subcommand. One server (a fresh data directory, loopback), and the launcher run against it
# with two copies of the same jar, one with the class archive beside it and one without, alternating
# in every round: `distvault mode` (an admin call: start-up is nearly all of it) and `distvault
# prefetch --plan-only` of a generated manifest of PLAN_ENTRIES (1,000) entries whose URLs nobody
# serves (start-up, upload, plan). Each run's wall time and CPU (user + system, /usr/bin/time) are
# recorded; the script prints medians and the ratios with/without, and writes them to
# ops/bench/out/client-start/results.txt. Every loop is bounded; loopback only.
#
# Environment: ROUNDS (5), PLAN_ENTRIES (1000), SKIP_BUILD=1 to reuse server/target/distvault.jar,
# JAVA_OPTS (none; for the clients, after the launcher's own options).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=ops/bench/listening.sh
. "$repo/ops/bench/listening.sh"
# shellcheck source=ops/bench/common.sh
. "$repo/ops/bench/common.sh" # median, free_port
out="$repo/ops/bench/out/client-start"
rounds=${ROUNDS:-5}
plan_entries=${PLAN_ENTRIES:-1000}
for tool in java mvn python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "missing: $tool" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "missing: /usr/bin/time (Debian: apt-get install -y time)" >&2; exit 2; }

if [ -z "${SKIP_BUILD:-}" ]; then
  echo "== build"
  (cd "$repo" && mvn -B -q -pl server -am package -DskipTests)
fi
jar="$repo/server/target/distvault.jar"
[ -f "$jar" ] || { echo "client-start-bench: $jar is missing (build failed?)" >&2; exit 1; }

mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/client-start-bench.XXXXXX")
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The two arms: the same bytes, one jar with its archive and one without.
mkdir -p "$work/with" "$work/without"
cp "$jar" "$work/with/distvault.jar"
cp "$jar" "$work/without/distvault.jar"
DISTVAULT_JAR="$work/with/distvault.jar" "$repo/ops/bin/distvault" class-archive
[ -f "$work/with/distvault.jsa" ] || { echo "client-start-bench: no class archive was written" >&2; exit 1; }

dead_port=$(free_port)
python3 - "$work/plan.jsonl" "$plan_entries" "$dead_port" <<'EOF'
import hashlib, json, sys
path, n, port = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, "w") as f:
    for i in range(n):
        name = f"start-{i:06d}.tar.gz"
        f.write(json.dumps({"name": name, "pkgpaths": [f"bench/start{i % 100:03d}"], "size": 1000 + i,
                            "digests": {"sha512": hashlib.sha512(name.encode()).hexdigest(),
                                        "blake2s": hashlib.blake2s(name.encode()).hexdigest()},
                            "urls": [f"http://127.0.0.1:{port}/distfiles/{name}"]}) + "\n")
EOF

java -jar "$jar" serve --data "$work/data" --listen 127.0.0.1:0 --no-upstream > "$work/serve.out" 2> "$work/serve.err" &
server_pid=$!
url=$(wait_listening "$work/serve.out" "$work/serve.err" "$server_pid" 60 serve)
token="$work/data/admin.token"

declare -A walls=() cpus=()
# One run of arm $1, command $2 -> appends its wall and CPU seconds.
one() {
  local arm=$1 what=$2 args
  case $what in
    mode) args=(mode --server "$url" --token-file "$token") ;;
    plan) args=(prefetch --server "$url" --token-file "$token" --manifest "$work/plan.jsonl" --plan-only) ;;
  esac
  DISTVAULT_JAR="$work/$arm/distvault.jar" /usr/bin/time -f "%e %U %S" -o "$work/time" \
    "$repo/ops/bin/distvault" "${args[@]}" > /dev/null 2> "$work/client.err" || {
      echo "client-start-bench: $arm $what failed:" >&2; cat "$work/client.err" >&2; exit 1; }
  read -r wall user sys < "$work/time"
  walls[$arm-$what]="${walls[$arm-$what]:-} $wall"
  cpus[$arm-$what]="${cpus[$arm-$what]:-} $(python3 -c "print(f'{$user + $sys:.2f}')")"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
one with mode; one without mode   # not timed: the server's first requests, the page cache
for r in $(seq 1 "$rounds"); do
  arms=(with without)
  [ $((r % 2)) = 0 ] && arms=(without with)
  for what in mode plan; do
    for arm in "${arms[@]}"; do
      one "$arm" "$what"
    done
  done
done
# The untimed first pair went into the records too: drop it.
for arm in with without; do
  read -r -a w <<< "${walls[$arm-mode]}"; walls[$arm-mode]=" ${w[*]:1}"
  read -r -a c <<< "${cpus[$arm-mode]}"; cpus[$arm-mode]=" ${c[*]:1}"
done
{
  echo "client-start-bench $(date -u +%Y-%m-%dT%H:%M:%SZ)  rounds=$rounds (median), arms alternating"
  echo "machine: $(nproc) cores; load avg before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java: $(java -version 2>&1 | head -1); JAVA_OPTS='${JAVA_OPTS:-}'; class archive: $(du -m "$work/with/distvault.jsa" | cut -f1) MB"
  for what in mode plan; do
    label=$what
    [ "$what" = plan ] && label="plan-only $plan_entries"
    # shellcheck disable=SC2086 # the recorded times are space-separated lists
    ww=$(median ${walls[with-$what]}); wo=$(median ${walls[without-$what]})
    # shellcheck disable=SC2086
    cw=$(median ${cpus[with-$what]}); co=$(median ${cpus[without-$what]})
    printf '%-16s wall with %5s s, without %5s s (%s);  CPU with %5s s, without %5s s (%s)\n' "$label" \
      "$ww" "$wo" "$(python3 -c "print(f'{$ww / $wo:.2f}')")" "$cw" "$co" "$(python3 -c "print(f'{$cw / $co:.2f}')")"
    echo "  runs: wall with:${walls[with-$what]}; without:${walls[without-$what]}"
  done
} | tee "$out/results.txt"
