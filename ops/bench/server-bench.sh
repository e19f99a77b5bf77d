#!/usr/bin/env bash
# Whole-server benchmark: the real distvault server (java -jar server/target/distvault.jar serve)
# against nginx (sendfile on) serving the same files, plus the rate of durable offline violations.
#
#   ops/bench/server-bench.sh         (from anywhere; needs java, mvn, nginx, curl, wrk, python3)
#
# Set-up (not timed):
#   - a corpus in a temp dir: BIG_COUNT (4) files of BIG_MIB (256) MiB and SMALL_COUNT (200) files
#     of 4-64 KiB, random bytes; SHA-512 and BLAKE2s of each computed by python3;
#   - distvault on a fresh temp data dir (127.0.0.1, free port, --no-upstream), filled only through
#     the admin API: PUT /api/v1/blobs/sha512/<hex> per file, POST /api/v1/manifest (all files,
#     PKGPATH bench/files), POST /api/v1/outcomes (status ok, binding each name to its blob);
#   - nginx from a generated config (loopback, pid/logs/temp under the run's output dir, never the
#     system config) serving the corpus under the same URLs: /pkg/bench/files/<name> and
#     /distfiles/<name>;
#   - with OPEN_FILE_CACHE=1 (default) a second nginx, "nginx_ofc", with open_file_cache on
#     (max=1000 inactive=60s, valid 60s): it keeps file descriptors open between requests as our
#     server keeps small blob files open, so the small-file ratio is given against both nginx's;
#   - with LAYER=1 (default) another contender, "layer": the server's serving layer alone
#     (org.distvault.bench.ServeDirectoryMain from ops/bench/target/distvault-bench.jar, which
#     carries the same server code, over the corpus: routes, responder and
#     zero-copy transfer over an in-memory index; no catalog, no metrics, no admin API), so the
#     gap to nginx splits into what the HTTP layer costs and what the rest of the server adds;
#   - every server checked to return the exact bytes (whole, a range, both routes);
#   - warm-up, not counted: one large round and two passes of WARMUP_SECONDS (10) of small requests
#     each, and one as long of misses, so that the JIT has compiled the hot paths (the JIT's CPU in
#     the second pass is logged).
# Measured, the contenders taking turns in every round (the first one rotates too):
#   (a) small: wrk with keep-alive, a Lua script rotating over the small files via /pkg/ -> req/s;
#       each contender's WRK_SECONDS of a round are SMALL_SLICES interleaved wrk runs (new
#       connections each), so that one draw (of nginx's split of connections over its workers, or
#       of outside load) does not decide a round
#   (b) large: BIG_COUNT parallel `curl -o /dev/null` of the big files via /pkg/, done LARGE_REPEAT
#       (5) times back to back (one pass takes well under a second: alone it is mostly noise),
#       total bytes over total wall time -> MB/s
#   (c) misses: PUT /api/v1/mode offline, then wrk (MISS_CONNECTIONS=64, MISS_SECONDS=10) asking
#       distinct names that are in no manifest under /pkg/bench/missing/; every 404 promises a
#       violation written durably before the answer. Afterwards the violations are paged through
#       GET /api/v1/violations and compared with /api/v1/stats and with wrk's count of 404s.
# Each figure is the median of ROUNDS (3); the ratios ours/nginx are checked against the goals
# of issue 18 (>= 0.95 large, >= 0.8 small; >= 25,000 durable misses/s on 2 cores). The load average (uptime) is
# logged before and after every measurement, and each server's own CPU time (/proc/PID/stat, user
# + system) per measurement, for the JVMs also per thread group (Undertow I/O threads, workers,
# catalog log committer, JIT, GC). Raw outputs go to ops/bench/out/server-bench/<time>/ (gitignored),
# the table also to stdout. Everything binds 127.0.0.1; every load loop is bounded (counts, wrk -d).
#
# Environment: ROUNDS (3), BIG_COUNT (4), BIG_MIB (256), LARGE_REPEAT (5), SMALL_COUNT (200), WRK_SECONDS (10),
# SMALL_SLICES (4; at most WRK_SECONDS),
# WRK_THREADS (2), WRK_CONNECTIONS (32), MISS_SECONDS (10), MISS_CONNECTIONS (64), WARMUP_SECONDS (10),
# OPEN_FILE_CACHE (1; 0 leaves nginx_ofc out), LAYER (1; 0 leaves the serving layer out),
# JAVA_OPTS (none, for both JVMs), PROFILE=1 (a JFR recording of our server, settings=profile, to
# ours.jfr in the output dir; `jfr print --events jdk.ExecutionSample` reads it), SERVE_OPTS (none: more flags for our serve, split at spaces, e.g.
# "--access-log /tmp/access.log" to measure what the access log costs),
# SKIP_BUILD=1 to reuse server/target/distvault.jar and ops/bench/target/distvault-bench.jar (JAR=path
# takes our server from another jar, e.g. a copy that a rebuild meanwhile cannot change),
# KEEP=1 to keep the corpus and data dir.
set -euo pipefail
shopt -s inherit_errexit   # a failing measurement inside $(...) stops the script

repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=ops/bench/nginx.sh
. "$repo/ops/bench/nginx.sh"
# shellcheck source=ops/bench/listening.sh
. "$repo/ops/bench/listening.sh"
# shellcheck source=ops/bench/common.sh
. "$repo/ops/bench/common.sh"
# shellcheck source=ops/bench/cpu.sh
. "$repo/ops/bench/cpu.sh" # cpu_ticks
rounds=${ROUNDS:-3}
big_count=${BIG_COUNT:-4}
large_repeat=${LARGE_REPEAT:-5}
big_mib=${BIG_MIB:-256}
small_count=${SMALL_COUNT:-200}
wrk_seconds=${WRK_SECONDS:-10}
wrk_threads=${WRK_THREADS:-2}
wrk_connections=${WRK_CONNECTIONS:-32}
miss_seconds=${MISS_SECONDS:-10}
miss_connections=${MISS_CONNECTIONS:-64}
warmup_seconds=${WARMUP_SECONDS:-10}
contenders=(nginx ours)
if [ "${OPEN_FILE_CACHE:-1}" = 1 ]; then contenders+=(nginx_ofc); fi
if [ "${LAYER:-1}" = 1 ]; then contenders+=(layer); fi
jar=${JAR:-$repo/server/target/distvault.jar}   # JAR=...: another build of the server, e.g. a copy kept aside
bench_jar="$repo/ops/bench/target/distvault-bench.jar"   # the layer contender; not in the production jar
pkgpath=bench/files

need=()
for tool in java mvn nginx curl wrk python3; do
  command -v "$tool" >/dev/null 2>&1 || need+=("$tool")
done
if [ "${#need[@]}" -gt 0 ]; then
  echo "missing: ${need[*]} (Debian: apt-get install -y nginx curl wrk python3 maven openjdk-17-jdk-headless)" >&2
  exit 2
fi

out="$repo/ops/bench/out/server-bench/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
ln -sfn "$out" "$repo/ops/bench/out/server-bench/latest"
work=$(mktemp -d "${TMPDIR:-/tmp}/server-bench.XXXXXX")
chmod 755 "$work"   # nginx workers run as another user when started as root
corpus="$work/corpus"
data="$work/data"
nginx_pid=""
ofc_pid=""
ours_pid=""
layer_pid=""
cleanup() {
  # Only the processes this script started, by their pid.
  if [ -n "$ours_pid" ]; then kill "$ours_pid" 2>/dev/null || true; wait "$ours_pid" 2>/dev/null || true; fi
  if [ -n "$layer_pid" ]; then kill "$layer_pid" 2>/dev/null || true; wait "$layer_pid" 2>/dev/null || true; fi
  if [ -n "$nginx_pid" ]; then kill "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; fi
  if [ -n "$ofc_pid" ]; then kill "$ofc_pid" 2>/dev/null || true; wait "$ofc_pid" 2>/dev/null || true; fi
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

server_pids() { # contender -> its pids
  case $1 in
    nginx) echo "$nginx_pid" $(pgrep -P "$nginx_pid") ;;
    nginx_ofc) echo "$ofc_pid" $(pgrep -P "$ofc_pid") ;;
    ours) echo "$ours_pid" ;;
    layer) echo "$layer_pid" ;;
  esac
}
url_of() {
  case $1 in
    nginx) echo "$nginx_url" ;; nginx_ofc) echo "$ofc_url" ;; ours) echo "$ours_url" ;; layer) echo "$layer_url" ;;
  esac
}

say "== server-bench $(date -u +%Y-%m-%dT%H:%M:%SZ), output $out"
say "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
say "work dir $work on $(df -P "$work" | awk 'NR==2{print $1}') ($(stat -f -c %T "$work"))"
mark start

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  say "== build"
  (cd "$repo" && mvn -B -q -pl server,ops/bench -am package -DskipTests)
fi
[ -f "$jar" ] || { echo "missing $jar (build it, or drop SKIP_BUILD)" >&2; exit 2; }
if [[ " ${contenders[*]} " == *" layer "* ]] && [ ! -f "$bench_jar" ]; then
  echo "missing $bench_jar (build it, drop SKIP_BUILD, or set LAYER=0)" >&2; exit 2
fi

say "== corpus: $big_count x $big_mib MiB, $small_count x 4-64 KiB in $corpus"
make_corpus "$corpus" "$out" "$big_count" "$big_mib" "$small_count" "$pkgpath"
ls "$corpus" | grep '^small-' | sed "s|^|/pkg/$pkgpath/|" > "$out/small-paths.txt"

say "== distvault: java -jar $jar serve (data $data)"
profile_opts=""
if [ "${PROFILE:-0}" = 1 ]; then profile_opts="-XX:StartFlightRecording=filename=$out/ours.jfr,settings=profile"; fi
# shellcheck disable=SC2086 # JAVA_OPTS, profile_opts and SERVE_OPTS are lists of options
java ${JAVA_OPTS:-} $profile_opts -jar "$jar" serve --data "$data" --listen 127.0.0.1:0 --mode online \
  --admin-token-file "$data/admin.token" --no-upstream ${SERVE_OPTS:-} > "$out/ours.out" 2> "$out/ours.err" &
ours_pid=$!
ours_url=$(wait_listening "$out/ours.out" "$out/ours.err" "$ours_pid" 60 "our server")
# The token goes to curl and python through a file, not their command lines (visible in ps).
auth_header="$work/auth-header"
(umask 077; echo "Authorization: Bearer $(head -1 "$data/admin.token")" > "$auth_header")
admin() { # METHOD PATH [curl args...] -> body on stdout; fails on an HTTP error
  local method=$1 path=$2; shift 2
  curl -fsS -X "$method" -H @"$auth_header" "$@" "$ours_url$path"
}

say "== fill through the admin API"
t0=$EPOCHREALTIME
while read -r sha b2s name; do
  # The expected BLAKE2s goes along (as the prefetch tool sends it), so that the server hashes
  # with it too and the outcome can bind the manifest's BLAKE2s + SHA512 variant to the blob.
  admin PUT "/api/v1/blobs/sha512/$sha" -H "X-Distvault-Digests: blake2s=$b2s" -T "$corpus/$name" -o /dev/null
done < "$out/blobs.txt"
admin POST /api/v1/manifest -H 'Content-Type: application/x-ndjson' --data-binary @"$out/manifest.jsonl" > "$out/manifest-answer.json"
admin POST /api/v1/outcomes -H 'Content-Type: application/x-ndjson' --data-binary @"$out/outcomes.jsonl" > "$out/outcomes-answer.json"
admin GET /api/v1/stats > "$out/stats-filled.json"
say "filled in $(calc "round($EPOCHREALTIME - $t0, 1)") s: manifest $(cat "$out/manifest-answer.json"); outcomes $(cat "$out/outcomes-answer.json")"
say "stats: $(cat "$out/stats-filled.json")"
python3 - "$out/stats-filled.json" "$((big_count + small_count))" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1])); n = int(sys.argv[2])
assert s["blobs"] == n and s["distfiles"]["present"] == n, f"expected {n} blobs and present distfiles: {s}"
EOF

wait_nginx() { # base URL
  for _ in $(seq 1 40); do
    curl -fsS -o /dev/null "$1/distfiles/small-001.bin" 2>/dev/null && return
    sleep 0.25
  done
}
ofc_url=""
if [[ " ${contenders[*]} " == *" nginx_ofc "* ]]; then
  say "== nginx with open_file_cache"
  ofc_port=$(free_port)
  NGINX_HTTP_EXTRA="open_file_cache max=1000 inactive=60s; open_file_cache_valid 60s;" \
    start_nginx "$out/nginx-ofc" "$ofc_port" "$corpus" "/pkg/$pkgpath/" /distfiles/
  ofc_pid=$nginx_pid
  ofc_url="http://127.0.0.1:$ofc_port"
  wait_nginx "$ofc_url"
fi
say "== nginx"
nginx_port=$(free_port)
start_nginx "$out" "$nginx_port" "$corpus" "/pkg/$pkgpath/" /distfiles/
nginx_url="http://127.0.0.1:$nginx_port"
wait_nginx "$nginx_url"

layer_url=""
if [[ " ${contenders[*]} " == *" layer "* ]]; then
  say "== serving layer alone: ServeDirectoryMain over the corpus (hashes it at start-up)"
  # The server's HTTP layer (routes, responder, zero-copy transfer) over an in-memory index of
  # the corpus: no catalog, no metrics. The gap between it and ours is what the rest costs.
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  java ${JAVA_OPTS:-} -cp "$bench_jar" org.distvault.bench.ServeDirectoryMain "$corpus" 127.0.0.1:0 \
    > "$out/layer.out" 2> "$out/layer.err" &
  layer_pid=$!
  layer_url=$(wait_listening "$out/layer.out" "$out/layer.err" "$layer_pid" 120 "the serving layer")
fi

say "== correctness: every server returns the exact bytes on both routes"
for who in "${contenders[@]}"; do
  url=$(url_of "$who")
  curl -fsS "$url/pkg/$pkgpath/big-1.bin" | cmp - "$corpus/big-1.bin"
  curl -fsS "$url/distfiles/big-2.bin" | cmp - "$corpus/big-2.bin"
  curl -fsS -r 1000-2000999 "$url/pkg/$pkgpath/big-2.bin" | cmp - <(tail -c +1001 "$corpus/big-2.bin" | head -c 2000000)
  last_small=$(printf 'small-%03d.bin' "$small_count")
  curl -fsS "$url/pkg/$pkgpath/$last_small" | cmp - "$corpus/$last_small"
  curl -fsS "$url/distfiles/small-001.bin" | cmp - "$corpus/small-001.bin"
done
cat "$corpus"/* > /dev/null   # the blobs were just written; this warms the corpus nginx serves

ticks_per_second=$(getconf CLK_TCK)
# A JVM's CPU ticks per thread group, as "group=ticks ..." (thread names: Undertow's "XNIO-1 I/O-n"
# and "XNIO-1 task-n", the catalog's "catalog-log-committer", the JIT and GC threads).
thread_ticks() {
  python3 - "$1" <<'EOF'
import os, sys
pid, groups = sys.argv[1], {}
for tid in os.listdir(f"/proc/{pid}/task"):
    try:
        comm = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
        fields = open(f"/proc/{pid}/task/{tid}/stat").read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        continue  # the thread ended in between
    g = ("io" if "I/O" in comm else "workers" if "task" in comm else "log-committer" if "catalog-log" in comm
         else "jit" if "Compiler" in comm else "gc" if "GC" in comm or "G1" in comm else "other")
    groups[g] = groups.get(g, 0) + int(fields[11]) + int(fields[12])
print(" ".join(f"{k}={v}" for k, v in sorted(groups.items())))
EOF
}
ticks_diff() { # before after -> "group=seconds ..." for the groups that used CPU
  python3 - "$1" "$2" "$ticks_per_second" <<'EOF'
import sys
a = dict(kv.split("=") for kv in sys.argv[1].split()); b = dict(kv.split("=") for kv in sys.argv[2].split())
hz = int(sys.argv[3])
d = {k: (int(v) - int(a.get(k, 0))) / hz for k, v in b.items()}
print(" ".join(f"{k}={v:.2f}" for k, v in sorted(d.items(), key=lambda kv: -kv[1]) if v > 0))
EOF
}
# Runs "$@" (which prints a figure) against contender $1 for measurement $2 with the load and the
# server's CPU logged (per thread group for the JVMs, in threads.txt); prints "figure cpu_seconds".
measure() {
  local who=$1 label=$2; shift 2
  local before after figure threads_before=""
  mark "$label $who before"
  [[ "$who" == nginx* ]] || threads_before=$(thread_ticks "$(server_pids "$who")")
  before=$(cpu_ticks $(server_pids "$who"))
  figure=$("$@")
  after=$(cpu_ticks $(server_pids "$who"))
  [[ "$who" == nginx* ]] || echo "$label $who: $(ticks_diff "$threads_before" "$(thread_ticks "$(server_pids "$who")")")" >> "$out/threads.txt"
  mark "$label $who after"
  echo "$figure $(calc "round(($after - $before) / $ticks_per_second, 2)")"
}

large_run() { # base URL [passes] -> MB/s of BIG_COUNT parallel whole downloads, LARGE_REPEAT times
  parallel_downloads "$1/pkg/$pkgpath" "$big_count" "$big_mib" "${2:-$large_repeat}"
}

rotate_lua="$out/rotate.lua"
write_rotate_lua "$rotate_lua" "$out/small-paths.txt" server-bench.sh

small_run() { # base URL, raw output file -> requests/s of one slice (wrk's own CPU time goes to RAW.time)
  local TIMEFORMAT='%U %S'
  { time wrk -t"$wrk_threads" -c"$wrk_connections" -d"${slice_seconds}s" -s "$rotate_lua" "$1" > "$2"; } 2> "${2%.txt}.time"
  if grep -q -e 'Non-2xx' -e 'Socket errors' "$2"; then echo "wrk saw errors against $1:" >&2; cat "$2" >&2; exit 1; fi
  awk '/^Requests\/sec:/{printf "%.0f\n", $2}' "$2"
}

# Warm-up, the same for every contender: one large pass, then two passes of WARMUP_SECONDS of
# small requests each. A fresh JVM spends most of the first pass compiling (it served 13-18k req/s
# there against 26-36k in the rounds, and its JIT threads still took 0.5-0.9 s of CPU in the first
# counted rounds after a single pass of 8 s); the JIT CPU of each JVM in the second pass is logged
# to show it has settled. nginx does not need it, and gets the same turns.
say "== warm-up (not counted; 2 x ${warmup_seconds} s of small requests each, so the JVMs compile their hot paths)"
for pass in 1 2; do
  for who in "${contenders[@]}"; do
    [ "$pass" = 2 ] || large_run "$(url_of "$who")" 1 > /dev/null
    [[ "$who" == nginx* ]] || jit_before=$(thread_ticks "$(server_pids "$who")")
    wrk -t"$wrk_threads" -c"$wrk_connections" -d"${warmup_seconds}s" -s "$rotate_lua" "$(url_of "$who")" > "$out/wrk-warmup-$who-$pass.txt"
    warm="warm-up pass $pass $who: $(awk '/^Requests\/sec:/{printf "%.0f", $2}' "$out/wrk-warmup-$who-$pass.txt") req/s"
    [[ "$who" == nginx* ]] || warm+=" (CPU by thread group: $(ticks_diff "$jit_before" "$(thread_ticks "$(server_pids "$who")")"))"
    say "$warm"
  done
done

order() { # round -> the contenders, rotated by one each round
  local n=${#contenders[@]} i
  for i in $(seq 0 $((n - 1))); do printf '%s ' "${contenders[$(( (i + $1 - 1) % n ))]}"; done
}
declare -A large small large_cpu small_cpu small_requests small_client
for who in "${contenders[@]}"; do
  large[$who]=""; small[$who]=""; large_cpu[$who]=0; small_cpu[$who]=0; small_requests[$who]=0; small_client[$who]=0
done
client_cpu() { awk '{print $1 + $2}' "${1%.txt}.time"; } # raw wrk output -> wrk's CPU seconds
# server CPU, client CPU, seconds -> the share of all cores the two got: the rest went to whatever
# else runs on the machine (on a shared machine, the figures scale with this)
share() { calc "f'{($1 + $2) / ($(nproc) * $3):.0%}'"; }
loads=()
# Small first: the large figure, a few seconds of wall time each, is the one a JIT still compiling
# would move most.
# Each round's WRK_SECONDS per contender are run as SMALL_SLICES (4) interleaved slices (nginx,
# ours, ..., nginx, ours, ...; the order rotated every round), each a new wrk run with new
# connections; a round's figure is its slices' requests over their seconds. Why: one 8 s run per
# contender and round let a single draw decide a round. nginx's two workers share the 32
# connections as the kernel's accept wake-ups fall (seen: 16/16, 27/5, 0/32 in runs one after the
# other), and its rate and its CPU per request moved with the split (30,597 to 43,674 req/s at the
# same 8 s of CPU in the evening's quiet runs); load from outside moves whoever runs at that moment.
# Slices re-draw the split and spread both contenders over the same stretch of time.
slices=${SMALL_SLICES:-4}
if [ "$slices" -lt 1 ] || [ "$slices" -gt "$wrk_seconds" ]; then
  echo "SMALL_SLICES ($slices) must be 1 to WRK_SECONDS ($wrk_seconds)" >&2; exit 2
fi
# wrk takes whole seconds: WRK_SECONDS shared out, the first slices one second longer if need be
slice_length() { echo $((wrk_seconds / slices + ($1 <= wrk_seconds % slices ? 1 : 0))); }
declare -A round_requests round_seconds round_cpu round_client
for r in $(seq 1 "$rounds"); do
  for who in "${contenders[@]}"; do
    round_requests[$who]=0; round_seconds[$who]=0; round_cpu[$who]=0; round_client[$who]=0
  done
  loads+=("$(load1)")
  for slice in $(seq 1 "$slices"); do
    slice_seconds=$(slice_length "$slice")
    for who in $(order "$r"); do
      raw="$out/wrk-small-$who-$r-$slice.txt"
      res=$(measure "$who" "round $r small" small_run "$(url_of "$who")" "$raw"); read -r _ cpu <<<"$res"
      read -r n secs <<<"$(wrk_count "$raw")"
      round_requests[$who]=$((round_requests[$who] + n)); round_seconds[$who]=$(calc "${round_seconds[$who]} + $secs")
      round_cpu[$who]=$(calc "round(${round_cpu[$who]} + $cpu, 2)"); round_client[$who]=$(calc "round(${round_client[$who]} + $(client_cpu "$raw"), 3)")
    done
  done
  for who in $(order "$r"); do
    fig=$(calc "round(${round_requests[$who]} / ${round_seconds[$who]})"); cpu=${round_cpu[$who]}; client=${round_client[$who]}
    small[$who]+=" $fig"; small_cpu[$who]=$(calc "${small_cpu[$who]} + $cpu")
    small_requests[$who]=$((small_requests[$who] + round_requests[$who]))
    small_client[$who]=$(calc "${small_client[$who]} + $client")
    say "round $r small $who: $fig req/s over $slices slices (server CPU $cpu s, wrk CPU $client s: $(share "$cpu" "$client" "${round_seconds[$who]}") of the machine; load $(load1))"
  done
done
for r in $(seq 1 "$rounds"); do
  for who in $(order "$r"); do
    loads+=("$(load1)")
    res=$(measure "$who" "round $r large" large_run "$(url_of "$who")"); read -r fig cpu <<<"$res"
    large[$who]+=" $fig"; large_cpu[$who]=$(calc "${large_cpu[$who]} + $cpu")
    say "round $r large $who: $fig MB/s (server CPU $cpu s, load $(load1))"
  done
done

say "== offline misses"
admin PUT /api/v1/mode -H 'Content-Type: application/json' --data '{"mode":"offline","reason":"server-bench"}' > "$out/mode-offline.json"
say "mode: $(cat "$out/mode-offline.json")"
miss_lua="$out/misses.lua"
cat > "$miss_lua" <<'EOF'
-- Generated by server-bench.sh: every request asks a distinct name that is in no manifest
-- (thread id and a per-thread counter; args[1] tags the run), and each thread counts the
-- statuses it got. done() prints the totals for the script to compare with the server's log.
local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  tag = args[1] or "x"
  n, got404, other = 0, 0, 0
end
function request()
  n = n + 1
  return wrk.format("GET", string.format("/pkg/bench/missing/miss-%s-%d-%d.tar.gz", tag, id, n))
end
function response(status, headers, body)
  if status == 404 then got404 = got404 + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local a, b = 0, 0
  for _, t in ipairs(threads) do a = a + t:get("got404"); b = b + t:get("other") end
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d status404=%d status_other=%d "
    .. "errors_connect=%d errors_read=%d errors_write=%d errors_timeout=%d errors_status=%d\n",
    summary.requests, summary.duration, a, b, e.connect, e.read, e.write, e.timeout, e.status))
end
EOF
violations_total() { admin GET /api/v1/stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["violations"])'; }
# Waits (at most 10 s) until the violation count stops moving: when wrk stops at its deadline,
# requests it gave up on may still be finishing on the server. Prints the count.
settle() {
  local last now
  last=$(violations_total)
  for _ in $(seq 1 20); do
    sleep 0.5
    now=$(violations_total)
    [ "$now" = "$last" ] && break
    last=$now
  done
  echo "$last"
}
# Pages through GET /api/v1/violations after a cursor; prints "count distinct_paths bad" and
# writes the first unexpected entries (not from this round, or not as requested) to file $3.
page_violations() {
  python3 - "$ours_url" "$auth_header" "$1" "$2" "$3" <<'EOF'
import json, sys, urllib.request
url, since, tag, unexpected = sys.argv[1], int(sys.argv[3]), sys.argv[4], sys.argv[5]
name, _, value = open(sys.argv[2]).read().strip().partition(": ")
samples = []
count, paths, bad = 0, set(), 0
for _ in range(100000):  # bounded: 10,000 per page
    req = urllib.request.Request(f"{url}/api/v1/violations?since={since}&limit=10000",
                                 headers={name: value})
    page = json.load(urllib.request.urlopen(req, timeout=60))
    if not page["violations"]:
        break
    for v in page["violations"]:
        count += 1
        paths.add(v["path"])
        ok = (v["kind"] == "unknown" and v["path"].startswith(f"/pkg/bench/missing/miss-{tag}-")
              and v["pkgpath"] == "bench/missing" and v["method"] == "GET" and v["client"] == "127.0.0.1")
        if not ok:
            bad += 1
            if len(samples) < 20:
                samples.append(json.dumps(v))
    since = page["next"]
with open(unexpected, "w") as f:
    f.write("".join(line + "\n" for line in samples))
print(count, len(paths), bad)
EOF
}
# The durable rate is bounded by how long the disk takes to sync and how many violations share a
# sync: the probe times fdatasync on the data dir's file system (what else runs on the machine
# moves it a lot), and perf, when it can, counts the server's fdatasync calls during each round.
fsync_probe() { # -> "median_ms p90_ms" of 100 x (512-byte append + fdatasync) in the work dir
  python3 - "$work/fsync-probe" <<'EOF'
import os, sys, time
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
times = []
for _ in range(100):
    t = time.perf_counter(); os.write(fd, b"x" * 512); os.fdatasync(fd); times.append(time.perf_counter() - t)
os.close(fd); os.unlink(sys.argv[1])
times.sort()
print(f"{times[50] * 1e3:.2f} {times[90] * 1e3:.2f}")
EOF
}
use_perf=0
if [ "${PERF:-1}" = 1 ] && command -v perf >/dev/null 2>&1 \
   && perf stat -e syscalls:sys_enter_fdatasync -p "$ours_pid" -o /dev/null -- sleep 0.1 2>/dev/null; then
  use_perf=1
fi
miss_run() { # tag, raw output file -> misses/s (404s per second of wrk's run)
  local perf_pid=""
  if [ "$use_perf" = 1 ]; then
    perf stat -x, -e syscalls:sys_enter_fdatasync -p "$ours_pid" -o "${2%.txt}.perf" -- sleep "$miss_seconds" &
    perf_pid=$!
  fi
  local TIMEFORMAT='%U %S'
  { time wrk -t"$wrk_threads" -c"$miss_connections" -d"${miss_seconds}s" -s "$miss_lua" "$ours_url" -- "$1" > "$2"; } 2> "${2%.txt}.time"
  [ -z "$perf_pid" ] || wait "$perf_pid"
  awk '/^RESULT/{for (i = 2; i <= NF; i++) {split($i, kv, "="); v[kv[1]] = kv[2]}
       printf "%.0f\n", v["status404"] / (v["duration_us"] / 1e6)}' "$2"
}
# warm-up of the miss path (not counted; its violations are before the first counted cursor)
wrk -t"$wrk_threads" -c"$miss_connections" -d"${warmup_seconds}s" -s "$miss_lua" "$ours_url" -- warmup > "$out/wrk-misses-warmup.txt"
settle > /dev/null
misses=""; miss_cpu=0; miss_client=0; miss_404_total=0; miss_checks=(); fsyncs=()
for r in $(seq 1 "$rounds"); do
  loads+=("$(load1)")
  raw="$out/wrk-misses-$r.txt"
  read -r sync_median sync_p90 <<<"$(fsync_probe)"
  since=$(settle)
  res=$(measure ours "round $r misses" miss_run "r$r" "$raw"); read -r fig cpu <<<"$res"
  until_=$(settle)
  res=$(awk '/^RESULT/{for (i = 2; i <= NF; i++) {split($i, kv, "="); v[kv[1]] = kv[2]}
       print v["status404"], v["status_other"], v["errors_status"]}' "$raw"); read -r got404 other errors_status <<<"$res"
  res=$(page_violations "$since" "r$r" "$out/unexpected-violations-$r.jsonl"); read -r paged distinct bad <<<"$res"
  recorded=$((until_ - since))
  per_sync=""
  if [ -s "${raw%.txt}.perf" ]; then
    syncs=$(awk -F, '/fdatasync/{print $1}' "${raw%.txt}.perf")
    per_sync=", server fdatasync calls $syncs ($(calc "round($recorded / max(1, $syncs), 1)") violations per sync)"
  fi
  fsyncs+=("round $r: probe fdatasync median $sync_median ms, p90 $sync_p90 ms$per_sync")
  misses+=" $fig"; miss_cpu=$(calc "$miss_cpu + $cpu"); miss_404_total=$((miss_404_total + got404))
  client=$(client_cpu "$raw"); miss_client=$(calc "$miss_client + $client")
  machine_share="server CPU $cpu s, wrk CPU $client s: $(share "$cpu" "$client" "$miss_seconds") of the machine"
  # wrk stops with requests in flight: the server may have recorded (and answered) a few that wrk
  # no longer counts, never fewer. So: 0 <= recorded - 404s <= connections, and paging agrees.
  check=ok
  if [ "$other" != 0 ] || [ "$paged" != "$recorded" ] || [ "$distinct" != "$recorded" ] || [ "$bad" != 0 ] \
     || [ "$recorded" -lt "$got404" ] || [ "$recorded" -gt $((got404 + miss_connections)) ]; then
    check=MISMATCH
  fi
  miss_checks+=("round $r: 404s $got404, other statuses $other, recorded (stats) $recorded, paged $paged, distinct paths $distinct, unexpected entries $bad$([ "$bad" = 0 ] || echo " (see unexpected-violations-$r.jsonl)") -> $check")
  say "round $r misses: $fig misses/s ($machine_share; load $(load1)); ${miss_checks[-1]}; ${fsyncs[-1]}"
done
admin GET /api/v1/stats > "$out/stats-end.json"
curl -fsS "$ours_url/metrics" > "$out/metrics-end.txt"
violations_file_lines=$(wc -l < "$data/log/violations.jsonl")
mark end

ln=$(median ${large[nginx]}); lo=$(median ${large[ours]})
sn=$(median ${small[nginx]}); so=$(median ${small[ours]})
mm=$(median $misses)
gib_sent=$(calc "$rounds * $large_repeat * $big_count * $big_mib / 1024")
verdict() { if python3 -c "import sys; sys.exit(0 if $1 >= $2 else 1)"; then echo ok; else echo BELOW; fi; }
lratio=$(calc "round($lo / $ln, 2)"); sratio=$(calc "round($so / $sn, 2)")
ll=-; llr=-; sl=-; slr=-
if [ -n "$layer_url" ]; then
  ll=$(median ${large[layer]}); llr=$(calc "round($ll / $ln, 2)")
  sl=$(median ${small[layer]}); slr=$(calc "round($sl / $sn, 2)")
fi
lc=-; lcr=-; sc=-; scr=-
if [ -n "$ofc_url" ]; then
  lc=$(median ${large[nginx_ofc]}); lcr=$(calc "round($lo / $lc, 2)")
  sc=$(median ${small[nginx_ofc]}); scr=$(calc "round($so / $sc, 2)")
fi
cpu_per_gib() { calc "round(${large_cpu[$1]} / $gib_sent, 2)"; }
cpu_per_request() { calc "round(${small_cpu[$1]} * 1e6 / ${small_requests[$1]})"; }
# Sums threads.txt per measurement kind and contender: where the JVMs spent their CPU.
thread_summary() {
  python3 - "$out/threads.txt" <<'EOF'
import collections, sys
sums = collections.defaultdict(collections.Counter)
for line in open(sys.argv[1]):
    head, _, groups = line.partition(": ")
    _, _, kind, who = head.split()
    for kv in groups.split():
        k, v = kv.split("="); sums[f"{kind} {who}"][k] += float(v)
for key, c in sums.items():
    print(f"  {key:13s} " + " ".join(f"{k}={v:.1f}s" for k, v in c.most_common()))
EOF
}
{
  echo "server-bench $(date -u +%Y-%m-%dT%H:%M:%SZ)  rounds=$rounds (median), contenders rotated every round: ${contenders[*]}"
  echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo); load1 at measurement starts: $(printf '%s ' "${loads[@]}")"
  echo "uptime at start -> end: $(head -1 "$out/load.txt" | sed 's/.*load average/load average/') -> $(tail -1 "$out/load.txt" | sed 's/.*load average/load average/') (every measurement: $out/load.txt)"
  echo "java: $(java -version 2>&1 | head -1); JAVA_OPTS='${JAVA_OPTS:-}'; $(nginx -v 2>&1); data dir on $(stat -f -c %T "$work")"
  echo "small: wrk -t$wrk_threads -c$wrk_connections, ${wrk_seconds} s per contender and round in $slices interleaved slices; misses: wrk -t$wrk_threads -c$miss_connections -d${miss_seconds}s"
  row() { printf '%-46s %8s %8s %6s %10s %8s %6s %9s %6s\n' "$@"; }
  row "" nginx ours ratio goal layer ratio nginx_ofc ratio
  row "large: $big_count x $big_mib MiB in parallel x$large_repeat, MB/s" "$ln" "$lo" "$lratio" ">=0.95 $(verdict "$lratio" 0.95)" "$ll" "$llr" "$lc" "$lcr"
  row "small: $small_count files 4-64 KiB, keep-alive, req/s" "$sn" "$so" "$sratio" ">=0.8 $(verdict "$sratio" 0.8)" "$sl" "$slr" "$sc" "$scr"
  row "offline misses, durable violations/s" "-" "$mm" "-" ">=25000 $(verdict "$mm" 25000)" "-" "-" "-" "-"
  [ -z "$layer_url" ] || echo "(layer: the server's serving layer alone, ServeDirectoryMain over the corpus: no catalog, no metrics; its ratio is layer/nginx)"
  [ -z "$ofc_url" ] || echo "(nginx_ofc: nginx with open_file_cache max=1000 inactive=60s, valid 60s; its ratio is ours/nginx_ofc)"
  printf 'server CPU per GiB sent (large):'; for who in "${contenders[@]}"; do printf ' %s %s s' "$who" "$(cpu_per_gib "$who")"; done; echo
  printf 'server CPU per small request:   '; for who in "${contenders[@]}"; do printf ' %s %s us' "$who" "$(cpu_per_request "$who")"; done; echo
  printf 'wrk CPU per small request:      '; for who in "${contenders[@]}"; do printf ' %s %s us' "$who" "$(calc "round(${small_client[$who]} * 1e6 / ${small_requests[$who]})")"; done; echo
  echo "server CPU per miss: ours $(calc "round($miss_cpu * 1e6 / max(1, $miss_404_total))") us; wrk CPU per miss $(calc "round($miss_client * 1e6 / max(1, $miss_404_total))") us"
  echo "share of the machine (server + wrk CPU / ($(nproc) cores x duration)) per round: see log.txt; the rest went to other processes"
  echo "JVM CPU by thread group, summed over the rounds:"
  thread_summary
  printf 'all runs:'; for who in "${contenders[@]}"; do printf ' large %s%s;' "$who" "${large[$who]}"; done
  for who in "${contenders[@]}"; do printf ' small %s%s;' "$who" "${small[$who]}"; done; echo " misses$misses"
  # ours/nginx of the same round, and their median: the paired view of the small figure
  per_round=$(python3 -c "import statistics, sys; o, n = sys.argv[1].split(), sys.argv[2].split(); r = [int(a) / int(b) for a, b in zip(o, n)]; print(' '.join(f'{x:.2f}' for x in r), f'(median {statistics.median(r):.2f})')" "${small[ours]}" "${small[nginx]}")
  echo "small ours/nginx per round: $per_round"
  printf 'violations check %s\n' "${miss_checks[@]}"
  printf 'disk sync %s\n' "${fsyncs[@]}"
  echo "violations.jsonl lines: $violations_file_lines; stats at end: $(cat "$out/stats-end.json")"
} | tee "$out/results.txt"
