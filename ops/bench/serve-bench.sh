#!/usr/bin/env bash
# Serving benchmark: distvault's serving layer against nginx (sendfile on), same files, same run.
# The whole server (catalog, metrics, admin API, offline misses) is measured by server-bench.sh,
# which also runs this serving layer as its "layer" contender; this script is the quick check of
# the HTTP layer alone.
#
#   ops/bench/serve-bench.sh            (from anywhere; needs java, mvn, nginx, curl, wrk)
#
# Generates a corpus in a temp dir (4 x 256 MiB, 200 files of 4-64 KiB), serves it with nginx
# (a generated config; pid, logs and temp paths under ops/bench/out/serve/, never the system
# config) and with org.distvault.bench.ServeDirectoryMain (from ops/bench's jar), both on 127.0.0.1 only, checks
# both return the right bytes, then measures, alternating the two servers in every round:
#   large: 4 parallel curl downloads of the 4 big files to /dev/null, wall time -> MB/s
#   small: wrk with keep-alive, a Lua script rotating over the 200 small files -> requests/s
# Each figure is the median of ROUNDS (3) runs; the script prints ratios ours/nginx against the
# goals (>= 0.9 large, >= 0.7 small) and the machine's conditions, and writes them to
# ops/bench/out/serve/results.txt. Every load loop is bounded (fixed counts, wrk -d).
#
# Environment: ROUNDS (3), WRK_SECONDS (10), WRK_THREADS (2), WRK_CONNECTIONS (32),
# JAVA_OPTS (none), KEEP_CORPUS=1 to keep the temp corpus.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=ops/bench/nginx.sh
. "$repo/ops/bench/nginx.sh"
# shellcheck source=ops/bench/listening.sh
. "$repo/ops/bench/listening.sh"
# shellcheck source=ops/bench/common.sh
. "$repo/ops/bench/common.sh" # median, free_port
# shellcheck source=ops/bench/cpu.sh
. "$repo/ops/bench/cpu.sh" # cpu_ticks
out="$repo/ops/bench/out/serve"
rounds=${ROUNDS:-3}
wrk_seconds=${WRK_SECONDS:-10}
wrk_threads=${WRK_THREADS:-2}
wrk_connections=${WRK_CONNECTIONS:-32}
big_count=4
big_mib=256
small_count=200

need=()
for tool in java mvn nginx curl wrk python3; do
  command -v "$tool" >/dev/null 2>&1 || need+=("$tool")
done
if [ "${#need[@]}" -gt 0 ]; then
  echo "missing: ${need[*]} (Debian: apt-get install -y nginx curl wrk python3 maven openjdk-17-jdk-headless)" >&2
  exit 2
fi

mkdir -p "$out"
corpus=$(mktemp -d "${TMPDIR:-/tmp}/serve-bench-corpus.XXXXXX")
chmod 755 "$corpus"   # nginx workers run as another user when started as root
nginx_pid=""
ours_pid=""
cleanup() {
  # Only the processes this script started, by their pid.
  if [ -n "$ours_pid" ]; then kill "$ours_pid" 2>/dev/null || true; wait "$ours_pid" 2>/dev/null || true; fi
  if [ -n "$nginx_pid" ]; then kill "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; fi
  if [ "${KEEP_CORPUS:-0}" != 1 ]; then rm -rf "$corpus"; fi
}
trap cleanup EXIT

echo "== build"
# The benchmark jar carries the server's HTTP layer and ServeDirectoryMain (which the production
# jar does not).
(cd "$repo" && mvn -B -q -pl ops/bench -am package -DskipTests)
bench_jar="$repo/ops/bench/target/distvault-bench.jar"
[ -f "$bench_jar" ] || { echo "missing $bench_jar (build failed?)" >&2; exit 2; }

echo "== corpus in $corpus"
mkdir -p "$corpus/big" "$corpus/small"
for i in $(seq 1 $big_count); do
  head -c $((big_mib << 20)) /dev/urandom > "$corpus/big/big-$i.bin"
done
: > "$out/small-paths.txt"
for i in $(seq 1 $small_count); do
  size=$((4096 + (i * 7919) % (61440 + 1)))   # spread over 4-64 KiB, deterministic
  name=$(printf 'small-%03d.bin' "$i")
  head -c "$size" /dev/urandom > "$corpus/small/$name"
  echo "/distfiles/small/$name" >> "$out/small-paths.txt"
done
cat "$corpus"/big/* "$corpus"/small/* > /dev/null   # both servers start with a warm page cache

echo "== nginx"
nginx_port=$(free_port)
start_nginx "$out" "$nginx_port" "$corpus" /distfiles/

echo "== distvault serving layer"
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
java ${JAVA_OPTS:-} -cp "$bench_jar" org.distvault.bench.ServeDirectoryMain "$corpus" 127.0.0.1:0 \
  > "$out/ours.out" 2> "$out/ours.err" &
ours_pid=$!
# Hashing 1 GiB at start-up takes a few seconds.
ours_url=$(wait_listening "$out/ours.out" "$out/ours.err" "$ours_pid" 120 "our server")
nginx_url="http://127.0.0.1:$nginx_port"
for _ in $(seq 1 40); do
  curl -fsS -o /dev/null "$nginx_url/distfiles/small/small-001.bin" 2>/dev/null && break
  sleep 0.25
done

echo "== correctness: both servers return the exact bytes"
for url in "$nginx_url" "$ours_url"; do
  curl -fsS "$url/distfiles/big/big-1.bin" | cmp - "$corpus/big/big-1.bin"
  curl -fsS -r 1000-2000999 "$url/distfiles/big/big-2.bin" | cmp - <(tail -c +1001 "$corpus/big/big-2.bin" | head -c 2000000)
  curl -fsS "$url/distfiles/small/small-100.bin" | cmp - "$corpus/small/small-100.bin"
done

nginx_pids() { echo "$nginx_pid" $(pgrep -P "$nginx_pid"); }
ticks_per_second=$(getconf CLK_TCK)

large_run() { # base URL -> MB/s for 4 parallel whole downloads
  local start end pids=()
  start=$(date +%s.%N)
  for i in $(seq 1 $big_count); do
    curl -fsS -o /dev/null "$1/distfiles/big/big-$i.bin" & pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  end=$(date +%s.%N)
  python3 -c "print(f'{$big_count * $big_mib * 1048576 / ($end - $start) / 1e6:.0f}')"
}

lua="$out/rotate.lua"
{
  echo "-- Generated by serve-bench.sh: rotate over the small files (each wrk thread keeps its own index)."
  echo "local paths = {"
  sed 's/.*/  "&",/' "$out/small-paths.txt"
  echo "}"
  echo "local i = 0"
  echo "request = function() i = i % #paths + 1; return wrk.format(\"GET\", paths[i]) end"
} > "$lua"

small_run() { # base URL -> requests/s
  local report
  report=$(wrk -t"$wrk_threads" -c"$wrk_connections" -d"${wrk_seconds}s" -s "$lua" "$1")
  if grep -q 'Non-2xx' <<<"$report"; then echo "wrk saw errors against $1:" >&2; echo "$report" >&2; exit 1; fi
  awk '/^Requests\/sec:/{printf "%.0f\n", $2}' <<<"$report"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
large_nginx=(); large_ours=(); small_nginx=(); small_ours=()
large_run "$nginx_url" > /dev/null; large_run "$ours_url" > /dev/null   # warm-up (JIT, caches)
nginx_cpu=0; ours_cpu=0
for r in $(seq 1 "$rounds"); do
  before=$(cpu_ticks $(nginx_pids)); large_nginx+=("$(large_run "$nginx_url")")
  nginx_cpu=$((nginx_cpu + $(cpu_ticks $(nginx_pids)) - before))
  before=$(cpu_ticks "$ours_pid"); large_ours+=("$(large_run "$ours_url")")
  ours_cpu=$((ours_cpu + $(cpu_ticks "$ours_pid") - before))
  echo "round $r large MB/s: nginx ${large_nginx[-1]}  ours ${large_ours[-1]}"
done
gib_sent=$((rounds * big_count * big_mib / 1024))
small_run "$ours_url" > /dev/null   # warm-up
for r in $(seq 1 "$rounds"); do
  small_nginx+=("$(small_run "$nginx_url")"); small_ours+=("$(small_run "$ours_url")")
  echo "round $r small req/s: nginx ${small_nginx[-1]}  ours ${small_ours[-1]}"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

ln=$(median "${large_nginx[@]}"); lo=$(median "${large_ours[@]}")
sn=$(median "${small_nginx[@]}"); so=$(median "${small_ours[@]}")
{
  echo "serve-bench $(date -u +%Y-%m-%dT%H:%M:%SZ)  rounds=$rounds (median)"
  echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo); load avg before: $load_before, after: $load_after"
  echo "java: $(java -version 2>&1 | head -1); $(nginx -v 2>&1); wrk -t$wrk_threads -c$wrk_connections -d${wrk_seconds}s; JAVA_OPTS='${JAVA_OPTS:-}'"
  printf '%-44s %10s %10s %8s %6s\n' "" nginx ours ratio goal
  printf '%-44s %10s %10s %8s %6s\n' "large: 4 x 256 MiB in parallel, MB/s" "$ln" "$lo" "$(python3 -c "print(f'{$lo/$ln:.2f}')")" ">=0.9"
  printf '%-44s %10s %10s %8s %6s\n' "small: 200 files 4-64 KiB, keep-alive, req/s" "$sn" "$so" "$(python3 -c "print(f'{$so/$sn:.2f}')")" ">=0.7"
  python3 -c "print(f'server CPU per GiB sent (large runs): nginx {$nginx_cpu / $ticks_per_second / $gib_sent:.2f} s, ours {$ours_cpu / $ticks_per_second / $gib_sent:.2f} s')"
  echo "all runs: large nginx ${large_nginx[*]} | ours ${large_ours[*]}; small nginx ${small_nginx[*]} | ours ${small_ours[*]}"
} | tee "$out/results.txt"
