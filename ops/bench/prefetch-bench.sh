#!/usr/bin/env bash
# Prefetch benchmark: `distvault prefetch --manifest` against the hashing limit and a naive
# `xargs -P8 curl` + `sha512sum -c` baseline, same files, same run; plus the time to plan a
# 160,000-entry manifest.
#
#   ops/bench/prefetch-bench.sh            (from anywhere; needs java, mvn, nginx, curl, openssl, python3)
#
# Generates a corpus in a temp dir (2,000 files of 1-16 KiB, 200 of 256 KiB-4 MiB, 4 of 128 MiB;
# random bytes, deterministic sizes) and its manifest (size, SHA512, BLAKE2s, one nginx URL each),
# serves it with nginx (a generated config on 127.0.0.1; pid, logs and temp paths under
# ops/bench/out/prefetch/, never the system config), then in every round:
#   hash:     `openssl speed -elapsed -multi 2` for BLAKE2s and SHA512 (the rate at which 2 cores
#             can verify both digests) -> ideal seconds = bytes x (1/rate_blake2s + 1/rate_sha512)
#   prefetch: for each of MODES (default "server tool"), a fresh `distvault serve` on a new data
#             dir, then the wall time of `distvault prefetch --manifest` (JVM start, manifest upload,
#             have, download, verify, store): "server" with --on-server (the server downloads from
#             nginx straight into its store, hashing and fsyncing each blob once), "tool" without
#             (the tool downloads and streams each body into an upload, which the server re-hashes
#             and fsyncs); exit 0 and every entry ok are checked; the CPU seconds of the server (by
#             thread group) and of the client during the timed prefetch are printed
#   naive:    `xargs -P8 -n16 curl` of the same URLs into a directory, then `sha512sum -c`
# and, as its own phase, the wall time of `prefetch --plan-only` over a generated manifest of
# PLAN_ENTRIES (160,000) entries whose URLs point to a loopback port nobody listens on: parse,
# upload the manifest (the server validates and catalogs it), one batched have query, plan.
# With PLAN_ONLY=1 only this phase runs (no corpus, no nginx), over each jar of PLAN_JARS in turn
# (default: the jar just built; give two to compare, their order rotating from round to round),
# followed by the same for a pkgsrc-style input: `--plan-only --distinfo` over every distinfo file
# of testdata/pkgsrc-distinfo-all.tar.gz (20,381 files of three real trees) with one --site
# (PLAN_DISTINFO=0 leaves it out).
# Figures are medians over ROUNDS; prefetch and naive runs alternate in order from round to round.
# Every run's files stay until the script ends (about 1 GB per run, 3 GB a round with both modes):
# deleting thousands of files just before a run slows the file creation of that run (see prefetch_run).
# The script prints the ratios and the machine's conditions (the 1-minute load average at the
# start of every run) and writes them to ops/bench/out/prefetch/results.txt. Every loop is bounded; loopback only.
#
# Environment: SMALL_COUNT (2000), MEDIUM_COUNT (200), LARGE_COUNT (4), LARGE_MIB (128),
# PLAN_ENTRIES (160000), ROUNDS (3), JOBS (8), PER_HOST (8; one nginx host serves everything, so
# the default --per-host 2 would measure politeness, not speed; the per-host limit still starts at
# one connection and grows while throughput rises), JAVA_OPTS (none),
# MODES ("server tool", or one of them), OPENSSL_SECS (3), SKIP_BUILD=1 to reuse server/target/distvault.jar, KEEP_CORPUS=1, PLAN_ONLY=1,
# WARM=1 (each round's fresh server first takes a prefetch of a warm-up corpus, a tenth of the
# counts in other files and one file of half LARGE_MIB, not timed: a server that has run for a
# while, as an operator's has; the timed prefetch still brings only new files; likewise before
# each plan-only, a plan-only of a tenth as many other names),
# DROP_CACHES=1 (as root: `sync` and `echo 3 > /proc/sys/vm/drop_caches` right before every timed
# prefetch and naive run, the issue's method, so each starts with the corpus and both programs on
# disk and nothing of the earlier runs' files in memory; by default the corpus stays cached),
# PLAN_JARS (with PLAN_ONLY=1; space-separated jar paths), PLAN_DISTINFO (1; with PLAN_ONLY=1),
# CLIENT (launcher: the prefetch client runs through ops/bin/distvault with DISTVAULT_JAR set to the
# jar, with the launcher's JVM options for client subcommands, as operators run it; java: plain
# `java $JAVA_OPTS -jar JAR`, for comparison), CLASS_ARCHIVE (1: with CLIENT=launcher, each client jar
# gets the class archive `distvault class-archive` writes beside it, as ops/install.sh does; 0: none).
# The server always runs as `java $JAVA_OPTS -jar JAR serve`
# (the launcher adds nothing for serve). The results name the client's way of running.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=ops/bench/nginx.sh
. "$repo/ops/bench/nginx.sh"
# shellcheck source=ops/bench/listening.sh
. "$repo/ops/bench/listening.sh"
# shellcheck source=ops/bench/cpu.sh
. "$repo/ops/bench/cpu.sh"
# shellcheck source=ops/bench/common.sh
. "$repo/ops/bench/common.sh" # median, free_port, load1
out="$repo/ops/bench/out/prefetch"
small_count=${SMALL_COUNT:-2000}
medium_count=${MEDIUM_COUNT:-200}
large_count=${LARGE_COUNT:-4}
large_mib=${LARGE_MIB:-128}
plan_entries=${PLAN_ENTRIES:-160000}
rounds=${ROUNDS:-3}
jobs=${JOBS:-8}
per_host=${PER_HOST:-8}
openssl_secs=${OPENSSL_SECS:-3}
jar="$repo/server/target/distvault.jar"
plan_only=${PLAN_ONLY:-0}
plan_distinfo=${PLAN_DISTINFO:-1}
warm=${WARM:-0}
drop_caches=${DROP_CACHES:-0}
case $drop_caches in 0|1) ;; *) echo "prefetch-bench: DROP_CACHES must be 0 or 1, not '$drop_caches'" >&2; exit 2 ;; esac
if [ "$drop_caches" = 1 ] && [ ! -w /proc/sys/vm/drop_caches ]; then
  echo "prefetch-bench: DROP_CACHES=1 needs to write /proc/sys/vm/drop_caches (run as root)" >&2; exit 2
fi
class_archive=${CLASS_ARCHIVE:-1}
case $class_archive in 0|1) ;; *) echo "prefetch-bench: CLASS_ARCHIVE must be 0 or 1, not '$class_archive'" >&2; exit 2 ;; esac
read -r -a modes <<< "${MODES:-server tool}"
for m in "${modes[@]}"; do
  case $m in server|tool) ;; *) echo "prefetch-bench: MODES is a list of server and tool, not '$m'" >&2; exit 2 ;; esac
done
[ "${#modes[@]}" -gt 0 ] || { echo "prefetch-bench: MODES is empty" >&2; exit 2; }
upstream_flag=--no-upstream
on_server_flag=
client=${CLIENT:-launcher}
case $client in
  launcher) client_how="ops/bin/distvault (its options for client subcommands: $(sed -n 's/^client_\(opts\|gc\)="\(.*\)"$/\2/p' "$repo/ops/bin/distvault" | tr '\n' ' ')then JAVA_OPTS)" ;;
  java) client_how="java -jar" ;;
  *) echo "prefetch-bench: CLIENT must be launcher or java, not '$client'" >&2; exit 2 ;;
esac

need=()
tools=(java mvn nginx curl openssl python3 xargs sha512sum)
[ "${PLAN_ONLY:-0}" != 1 ] || tools=(java mvn python3 tar)
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || need+=("$tool")
done
if [ "${#need[@]}" -gt 0 ]; then
  echo "missing: ${need[*]} (Debian: apt-get install -y nginx curl openssl python3 maven openjdk-17-jdk-headless)" >&2
  exit 2
fi

mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/prefetch-bench.XXXXXX")
corpus="$work/corpus"
mkdir -p "$corpus"
chmod 755 "$work" "$corpus"   # nginx workers run as another user when started as root
nginx_pid=""
server_pid=""
cleanup() {
  # Only the processes this script started, by their pid.
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ -n "$nginx_pid" ]; then kill "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; fi
  if [ "${KEEP_CORPUS:-0}" != 1 ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.2f}')"; }
# DROP_CACHES=1: the page cache emptied right before a timed run.
drop_caches() { if [ "$drop_caches" = 1 ]; then sync; echo 3 > /proc/sys/vm/drop_caches; fi; }
# The run functions below set $seconds rather than print it: a $(...) subshell would hide the
# server's pid from the cleanup trap.
seconds=""

if [ -z "${SKIP_BUILD:-}" ]; then
  echo "== build"
  (cd "$repo" && mvn -B -q -pl server -am package -DskipTests)
fi
[ -f "$jar" ] || { echo "prefetch-bench: $jar is missing (build failed?)" >&2; exit 1; }

# The jars whose plan-only runs are timed (PLAN_JARS, or the one jar); the prefetch runs use $jar.
read -r -a plan_jars <<< "${PLAN_JARS:-$jar}"
[ "$plan_only" = 1 ] || plan_jars=("$jar")
for j in "${plan_jars[@]}"; do [ -f "$j" ] || { echo "prefetch-bench: PLAN_JARS: $j is missing" >&2; exit 1; }; done

# The client's class archive beside each client jar, as ops/install.sh makes it (CLASS_ARCHIVE=1),
# or none (0: a leftover one is deleted, so that the launcher cannot use it).
if [ "$client" = launcher ]; then
  for j in "${plan_jars[@]}"; do
    if [ "$class_archive" = 1 ]; then
      # A jar from before `class-archive` has no training to run: it goes without, and says so.
      DISTVAULT_JAR=$j "$repo/ops/bin/distvault" class-archive >/dev/null 2>&1 ||
        echo "prefetch-bench: no class archive for $j (its training failed, or it has none)" >&2
    else
      rm -f "${j%.jar}.jsa"
    fi
  done
  client_how="$client_how; class archive beside the jar: $([ "$class_archive" = 1 ] && echo yes || echo no)"
fi

if [ "$plan_only" != 1 ]; then
nginx_port=$(free_port)
nginx_url="http://127.0.0.1:$nginx_port"

echo "== corpus in $corpus: $small_count small, $medium_count medium, $large_count x $large_mib MiB"
python3 - "$corpus" "$work" "$nginx_url" "$small_count" "$medium_count" "$large_count" "$large_mib" <<'EOF'
import hashlib, json, os, random, sys
corpus, work, base, small, medium, large, large_mib = sys.argv[1], sys.argv[2], sys.argv[3], *map(int, sys.argv[4:])
rng = random.Random(20261123)  # sizes are deterministic; contents are random bytes
files = [("s-%05d.bin" % i, rng.randint(1 << 10, 16 << 10)) for i in range(small)]
files += [("m-%04d.bin" % i, rng.randint(256 << 10, 4 << 20)) for i in range(medium)]
files += [("l-%02d.bin" % i, large_mib << 20) for i in range(large)]
total = 0
with open(f"{work}/manifest.jsonl", "w") as m, open(f"{work}/urls.txt", "w") as u, open(f"{work}/sums.txt", "w") as s:
    for i, (name, size) in enumerate(files):
        sha512, blake2s = hashlib.sha512(), hashlib.blake2s()
        with open(f"{corpus}/{name}", "wb") as f:
            left = size
            while left:
                block = os.urandom(min(left, 1 << 20))
                f.write(block); sha512.update(block); blake2s.update(block)
                left -= len(block)
        url = f"{base}/distfiles/{name}"
        m.write(json.dumps({"name": name, "pkgpaths": [f"bench/p{i:05d}"], "size": size,
                            "digests": {"sha512": sha512.hexdigest(), "blake2s": blake2s.hexdigest()},
                            "urls": [url]}, separators=(",", ":")) + "\n")
        u.write(url + "\n")
        s.write(f"{sha512.hexdigest()}  {name}\n")
        total += size
with open(f"{work}/total-bytes", "w") as t:
    t.write(str(total))
# The warm-up corpus (WARM=1): a tenth of the counts, other bytes, its own manifest.
with open(f"{work}/manifest-warm.jsonl", "w") as m:
    for i, size in enumerate([rng.randint(1 << 10, 16 << 10) for _ in range(small // 10)]
                             + [rng.randint(256 << 10, 4 << 20) for _ in range(medium // 10)] + [large_mib << 19]):
        name = "w-%05d.bin" % i
        block = os.urandom(size)
        with open(f"{corpus}/{name}", "wb") as f:
            f.write(block)
        m.write(json.dumps({"name": name, "pkgpaths": [f"warm/p{i:05d}"], "size": size,
                            "digests": {"sha512": hashlib.sha512(block).hexdigest(), "blake2s": hashlib.blake2s(block).hexdigest()},
                            "urls": [f"{base}/distfiles/{name}"]}, separators=(",", ":")) + "\n")
EOF
total_bytes=$(cat "$work/total-bytes")
file_count=$((small_count + medium_count + large_count))
cat "$corpus"/* > /dev/null   # every run starts with the corpus in the page cache

echo "== nginx on $nginx_url"
start_nginx "$out" "$nginx_port" "$corpus" /distfiles/
first=$(head -1 "$work/urls.txt")
for _ in $(seq 1 40); do
  curl -fsS -o /dev/null "$first" 2>/dev/null && break
  sleep 0.25
done
curl -fsS "$first" | cmp - "$corpus/$(basename "$first")"
fi # not PLAN_ONLY

# Starts `distvault serve` of jar $2 (default: the one built) on a fresh data dir $1; sets
# server_pid and server_url.
start_server() {
  local data=$1
  rm -rf "$data"
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  java ${JAVA_OPTS:-} -jar "${2:-$jar}" serve --data "$data" --listen 127.0.0.1:0 $upstream_flag \
    > "$out/serve.out" 2> "$out/serve.err" &
  server_pid=$!
  server_url=$(wait_listening "$out/serve.out" "$out/serve.err" "$server_pid" 60 "distvault serve")/
}

# Runs the client subcommand "$2..." of jar $1 the way CLIENT says.
client_run() {
  local cjar=$1
  shift
  if [ "$client" = launcher ]; then
    DISTVAULT_JAR=$cjar "$repo/ops/bin/distvault" "$@"
  else
    # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
    java ${JAVA_OPTS:-} -jar "$cjar" "$@"
  fi
}

stop_server() {
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true   # exits 143 on SIGTERM
  server_pid=""
}

# The aggregate bytes/s of `openssl speed -elapsed -multi 2` for digest $1.
openssl_rate() {
  local file="$out/openssl-$1.txt"
  openssl speed -elapsed -multi 2 -mr -seconds "$openssl_secs" -bytes 16384 -evp "$1" > "$file" 2>&1 || {
    echo "openssl speed -evp $1 failed:" >&2; cat "$file" >&2; exit 1; }
  awk -F: -v alg="$1" '$1 == "+F" && $3 == alg { print $4; exit }' "$file"
}

# Sets the flags of prefetch mode $1: the server downloads (server: --on-server, which needs a
# server that may open outbound connections) or the tool does and uploads (tool).
mode_flags() {
  if [ "$1" = server ]; then upstream_flag=--upstream; on_server_flag=--on-server
  else upstream_flag=--no-upstream; on_server_flag=; fi
}

prefetch_run() { # round mode -> $seconds and $cpu_line; checks exit 0 and every entry ok
  local data="$work/data-$1-$2" start end code=0 c0 c1 server_cpu
  mode_flags "$2"
  start_server "$data"
  if [ "$warm" = 1 ]; then
    client_run "$jar" prefetch --server "$server_url" --token-file "$data/admin.token" \
      --manifest "$work/manifest-warm.jsonl" --report "$out/report-warm-$1-$2.json" --jobs "$jobs" --per-host "$per_host" \
      --work-dir "$work/spool" $on_server_flag 2> "$out/prefetch-warm-$1-$2.err" || {
        echo "the warm-up prefetch failed, see $out/prefetch-warm-$1-$2.err" >&2; exit 1; }
  fi
  drop_caches
  thread_cpu_save "$server_pid" "$work/server-cpu-before"
  c0=$(children_cpu)
  start=$(now)
  client_run "$jar" prefetch --server "$server_url" --token-file "$data/admin.token" \
    --manifest "$work/manifest.jsonl" --report "$out/report-$1-$2.json" --jobs "$jobs" --per-host "$per_host" \
    --work-dir "$work/spool" $on_server_flag 2> "$out/prefetch-$1-$2.err" || code=$?
  end=$(now)
  c1=$(children_cpu)
  server_cpu=$(thread_cpu "$server_pid" "$work/server-cpu-before")
  stop_server
  cpu_line="CPU s: server $server_cpu; client $(python3 -c "print(f'{$c1 - $c0:.1f}')")"
  if [ "$code" != 0 ]; then echo "prefetch exited $code, see $out/prefetch-$1-$2.err" >&2; tail -5 "$out/prefetch-$1-$2.err" >&2; exit 1; fi
  python3 -c "import json,sys; s=json.load(open(sys.argv[1]))['summary']; sys.exit(0 if s['ok']==int(sys.argv[2]) else 'not every entry ok: '+str(s))" \
    "$out/report-$1-$2.json" "$file_count"
  # Kept until the end: ext4 without a journal skips inodes freed in the last 5-35 s when it
  # allocates new ones, so deleting a run's thousands of files just before the next run slows the
  # next run's file creation (measured: 5.5 s against 4.5 s for 2,000 small files).
  seconds=$(elapsed "$start" "$end")
}

naive_run() { # round -> $seconds for xargs -P8 curl + sha512sum -c
  local dir="$work/naive-$1" start end
  mkdir -p "$dir"
  drop_caches
  start=$(now)
  xargs -P8 -n16 curl -fsS --output-dir "$dir" --remote-name-all < "$work/urls.txt"
  (cd "$dir" && sha512sum -c --quiet "$work/sums.txt")
  end=$(now)
  seconds=$(elapsed "$start" "$end")
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
ideal=(); naive=(); cpus=(); blake=(); sha=(); loads=(); declare -A times
if [ "$plan_only" != 1 ]; then
for r in $(seq 1 "$rounds"); do
  b=$(openssl_rate blake2s256); s=$(openssl_rate sha512)
  blake+=("$(python3 -c "print(f'{$b / 1e6:.0f}')")"); sha+=("$(python3 -c "print(f'{$s / 1e6:.0f}')")")
  ideal+=("$(python3 -c "print(f'{$total_bytes * (1 / $b + 1 / $s):.2f}')")")
  # Interleaved, and the other order every other round, so that a change of load hits all.
  order=("${modes[@]}" naive)
  if [ $((r % 2)) = 0 ]; then order=(naive); for ((i = ${#modes[@]} - 1; i >= 0; i--)); do order+=("${modes[$i]}"); done; fi
  line="round $r: ideal ${ideal[-1]} s (BLAKE2s ${blake[-1]} MB/s, SHA512 ${sha[-1]} MB/s on 2 cores)"
  round_loads=()
  for run in "${order[@]}"; do
    l=$(load1)
    if [ "$run" = naive ]; then
      naive_run "$r"; naive+=("$seconds")
    else
      prefetch_run "$r" "$run"; times[$run]="${times[$run]:-} $seconds"
      cpus+=("round $r, $run: $cpu_line")
    fi
    line+=", $run $seconds s (load $l)"; round_loads+=("$run $l")
  done
  loads+=("$(IFS=/; echo "${round_loads[*]}")")
  echo "$line"
done

fi # not PLAN_ONLY

mode_flags tool # the plan-only runs download nothing
echo "== planning $plan_entries entries"
dead_port=$(free_port)   # bound and closed again: nothing listens there
# The manifest to plan, and (WARM=1) a tenth of its size under other names to warm the server with.
python3 - "$work/plan.jsonl" "$plan_entries" "$dead_port" "$work/plan-warm.jsonl" <<'EOF'
import json, random, sys
path, n, port, warm_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
rng = random.Random(160000)
with open(path, "w") as f, open(warm_path, "w") as w:
    for i in range(n + n // 10):
        f, w = (w, f) if i == n else (f, w)  # the lines after the first n go to the warm-up manifest
        cat = "cat%03d" % (i % 200)
        name = "dist-%06d-1.%d.tar.gz" % (i, i % 7)
        f.write(json.dumps({"name": name, "pkgpaths": [f"{cat}/pkg{i // 3:06d}"], "size": rng.randint(1000, 10**8),
                            "digests": {"sha512": "%0128x" % rng.getrandbits(512), "blake2s": "%064x" % rng.getrandbits(256)},
                            "urls": [f"http://127.0.0.1:{port}/distfiles/{name}", f"http://127.0.0.1:{port}/mirror/{name}"]},
                           separators=(",", ":")) + "\n")
EOF
# One plan-only run of jar $1 (its own server too) over input $3... (tag $2) -> $seconds; checks
# exit 0, that nothing is present in the fresh server and, for the manifest, every entry counted.
plan_run() {
  local pjar=$1 tag=$2 data="$work/plan-data" start end code=0
  shift 2
  start_server "$data" "$pjar"
  if [ "$warm" = 1 ]; then
    client_run "$pjar" prefetch --server "$server_url" --token-file "$data/admin.token" \
      --manifest "$work/plan-warm.jsonl" --plan-only > /dev/null 2> "$out/plan-warm-$tag.err" || {
        echo "the warm-up plan-only failed, see $out/plan-warm-$tag.err" >&2; exit 1; }
  fi
  start=$(now)
  client_run "$pjar" prefetch --server "$server_url" --token-file "$data/admin.token" \
    "$@" --plan-only > "$out/plan-$tag.json" 2> "$out/plan-$tag.err" || code=$?
  end=$(now)
  stop_server
  rm -rf "$data"
  if [ "$code" != 0 ]; then echo "plan-only exited $code, see $out/plan-$tag.err" >&2; tail -5 "$out/plan-$tag.err" >&2; exit 1; fi
  python3 -c "import json,sys; p=json.load(open(sys.argv[1])); n=int(sys.argv[2]); sys.exit(0 if p['entries']>0 and p['toFetch']==p['entries'] and n in (0, p['entries']) else 'unexpected plan: '+str(p))" \
    "$out/plan-$tag.json" "$([ "$1" = --manifest ] && echo "$plan_entries" || echo 0)"
  seconds=$(elapsed "$start" "$end")
}

plan_inputs=(manifest)
if [ "$plan_only" = 1 ] && [ "$plan_distinfo" = 1 ]; then
  mkdir -p "$work/distinfo"
  tar -xzf "$repo/testdata/pkgsrc-distinfo-all.tar.gz" -C "$work/distinfo"
  plan_inputs+=(distinfo)
fi
declare -A plan_times=()
for r in $(seq 1 "$rounds"); do
  for input in "${plan_inputs[@]}"; do
    if [ "$input" = manifest ]; then args=(--manifest "$work/plan.jsonl")
    else args=(--distinfo "$work/distinfo" --site "http://127.0.0.1:$dead_port/distfiles/"); fi
    n=${#plan_jars[@]}
    for k in $(seq 0 $((n - 1))); do   # the jars' order rotates from round to round
      i=$(( (k + r - 1) % n ))
      load_plan=$(load1)
      plan_run "${plan_jars[$i]}" "$input-$i-$r" "${args[@]}"
      plan_times[$input-$i]="${plan_times[$input-$i]:-} $seconds"
      loads+=("plan:$load_plan")
      echo "round $r: plan-only $input, $(basename "${plan_jars[$i]}") ($i): $seconds s (load $load_plan)"
      # The same input gives the same plan whichever jar planned it, byte for byte.
      cmp "$out/plan-$input-0-1.json" "$out/plan-$input-$i-$r.json" >&2 || {
        echo "plan of $input by jar $i differs from jar 0's" >&2; exit 1; }
    done
  done
done
# shellcheck disable=SC2086 # word splitting of the recorded times is intended
plan=(${plan_times[manifest-0]})
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

mplan=$(median "${plan[@]}")
if [ "$plan_only" = 1 ]; then
  {
    echo "prefetch-bench PLAN_ONLY $(date -u +%Y-%m-%dT%H:%M:%SZ)  rounds=$rounds (median)"
    echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo); load avg before: $load_before, after: $load_after"
    echo "java: $(java -version 2>&1 | head -1); JAVA_OPTS='${JAVA_OPTS:-}'; client: $client_how"
    [ "$warm" != 1 ] || echo "server: warmed before each timed plan by a plan-only of $((plan_entries / 10)) other names (WARM=1)"
    for input in "${plan_inputs[@]}"; do
      for i in "${!plan_jars[@]}"; do
        # shellcheck disable=SC2086 # word splitting of the recorded times is intended
        printf 'plan-only %-8s %-40s median %6s s  runs:%s  (%s entries, %s input errors)\n' "$input" \
          "$(basename "${plan_jars[$i]}")" "$(median ${plan_times[$input-$i]})" "${plan_times[$input-$i]}" \
          "$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['entries'])" "$out/plan-$input-0-1.json")" \
          "$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['inputErrors'])" "$out/plan-$input-0-1.json")"
      done
    done
    echo "1-min load avg at the start of each run: ${loads[*]}"
  } | tee "$out/results.txt"
  exit 0
fi
mi=$(median "${ideal[@]}"); mn=$(median "${naive[@]}")
{
  echo "prefetch-bench $(date -u +%Y-%m-%dT%H:%M:%SZ)  rounds=$rounds (median)"
  echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo); load avg before: $load_before, after: $load_after"
  echo "java: $(java -version 2>&1 | head -1); $(nginx -v 2>&1); $(openssl version | cut -d' ' -f1-2); JAVA_OPTS='${JAVA_OPTS:-}'"
  echo "client: $client_how"
  [ "$warm" != 1 ] || echo "server: warmed before each timed prefetch by a prefetch of another corpus (WARM=1)"
  [ "$drop_caches" != 1 ] || echo "page cache: dropped right before every timed prefetch and naive run (DROP_CACHES=1)"
  echo "corpus: $file_count files ($small_count x 1-16 KiB, $medium_count x 256 KiB-4 MiB, $large_count x $large_mib MiB), $total_bytes bytes; prefetch --jobs $jobs --per-host $per_host"
  echo "hashing (openssl speed -elapsed -multi 2, 16 KiB blocks): BLAKE2s $(median "${blake[@]}") MB/s, SHA512 $(median "${sha[@]}") MB/s"
  printf '%-58s %9s %9s\n' "" seconds "MB/s"
  rows=("ideal (bytes / 2-core BLAKE2s+SHA512 rate)|$mi")
  declare -A label=([server]="distvault prefetch --manifest --on-server" [tool]="distvault prefetch --manifest (tool downloads)")
  for m in "${modes[@]}"; do
    # shellcheck disable=SC2086 # the recorded times are a space-separated list
    rows+=("${label[$m]}|$(median ${times[$m]})")
  done
  rows+=("naive: xargs -P8 -n16 curl + sha512sum -c|$mn")
  for row in "${rows[@]}"; do
    printf '%-58s %9s %9s\n' "${row%%|*}" "${row##*|}" "$(python3 -c "print(f'{$total_bytes / ${row##*|} / 1e6:.0f}')")"
  done
  for m in "${modes[@]}"; do
    # shellcheck disable=SC2086
    mp=$(median ${times[$m]})
    echo "ratios, $m: prefetch/ideal $(python3 -c "print(f'{$mp / $mi:.2f}')"), prefetch/naive $(python3 -c "print(f'{$mp / $mn:.2f}')") (time; lower is better)"
  done
  echo "plan-only of $plan_entries entries (parse, upload, have, plan): $mplan s"
  echo "all runs: ideal ${ideal[*]} |$(for m in "${modes[@]}"; do printf ' %s%s |' "$m" "${times[$m]}"; done) naive ${naive[*]} | plan ${plan[*]}"
  echo "1-min load avg at the start of each run (per round; then plan): ${loads[*]}"
  printf 'prefetch %s\n' "${cpus[@]}"
} | tee "$out/results.txt"
