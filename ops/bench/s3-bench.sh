#!/usr/bin/env bash
# Scale-out benchmark: a replica (serve --replica-of) on an S3 server, against nginx and s3cmd.
#
#   flock /work/bench.lock ops/bench/s3-bench.sh   (needs java, nginx, curl, wrk, python3, s3cmd)
#
# Set-up (not timed):
#   - s3proxy 2.6.0 (the tests' S3 server, from ~/.m2) as its own process on 127.0.0.1 with AWS
#     signatures, path-style URLs and its objects as files in the work dir;
#   - a corpus: BIG_COUNT (4) files of BIG_MIB (256, as server-bench.sh's) MiB and SMALL_COUNT (200) files of 4-64 KiB,
#     random bytes, SHA-512 and BLAKE2s computed by python3;
#   - a primary (serve --blob-store s3://bench/primary) filled through the admin API into set
#     "bench" (PUT /api/v1/blobs/..., POST /api/v1/sets/bench/manifest and /outcomes) and sealed,
#     which publishes the seal; then stopped;
#   - a replica (serve --replica-of s3://bench/primary --set bench, tier 4G) serving that seal;
#   - nginx (ops/bench/nginx.sh: sendfile on, loopback) serving the corpus under the same URLs,
#     /set/bench/pkg/bench/files/<name>;
#   - every contender checked to return the exact bytes of a big and a small file.
#   Credentials reach the JVMs in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, s3cmd in its config
#   file (mode 0600 in the work dir), never on a command line.
# Measured, the contenders taking turns in every round (the first one rotates):
#   (a) warm tier: the replica's tier holding every blob (it filled them in the check before) against
#       nginx on the same files, with server-bench.sh's methods: small = wrk with keep-alive rotating
#       over the small files, each round's WRK_SECONDS in SMALL_SLICES (4) interleaved runs with
#       new connections -> req/s; large = BIG_COUNT parallel `curl -o /dev/null` of the big
#       files, LARGE_REPEAT (5) times back to back -> MB/s (5 passes of 4 x 256 MiB, as
#       server-bench.sh: 5 GiB, about 2-3 s per contender and round; 5 passes of 4 x 64 MiB lasted
#       under a second and moved 0.84-1.06 between runs of one jar, 20 of them still 0.82-1.10);
#       with OPEN_FILE_CACHE=1 (default) a second nginx, "nginx_ofc", with open_file_cache on, as in
#       server-bench.sh (the fair match for the replica's files kept open);
#   (b) cold fill: one stream, object after object. "replica": a fresh replica (new data dir, empty
#       tier) asked for every file once by one curl (keep-alive, the URLs from a config file): each is
#       a tier miss read from the S3 server, hashed while written into the tier, then served.
#       "s3cmd": `s3cmd get` of the same objects (its MD5 check against the ETag on) into an empty
#       directory. Done for the small files and for the big ones apart -> MB/s and objects/s.
#       (The AWS SDK's transfer manager is not in the local Maven repository, so s3cmd stands in.)
# Each figure is the median of ROUNDS (3); ratios replica/nginx and replica/s3cmd. The load average
# (uptime) is logged before and after every measurement (load.txt) and beside each figure. Raw
# outputs go to ops/bench/out/s3-bench/<time>/ (gitignored). Everything binds 127.0.0.1; every load
# loop is bounded (counts, wrk -d).
#
# Environment: ROUNDS (3), BIG_COUNT (4), BIG_MIB (256), LARGE_REPEAT (5), SMALL_COUNT (200), OPEN_FILE_CACHE (1),
# WRK_SECONDS (10), SMALL_SLICES (4), WRK_THREADS (2), WRK_CONNECTIONS (32), WARMUP_SECONDS (5), JAVA_OPTS (none),
# SKIP_BUILD=1 to reuse server/target/distvault.jar (or JAR, a jar to use instead), KEEP=1 to keep the work dir.
set -euo pipefail
shopt -s inherit_errexit   # a failing measurement inside $(...) stops the script

repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=ops/bench/nginx.sh
. "$repo/ops/bench/nginx.sh"
# shellcheck source=ops/bench/listening.sh
. "$repo/ops/bench/listening.sh"
# shellcheck source=ops/bench/common.sh
. "$repo/ops/bench/common.sh"
rounds=${ROUNDS:-3}
big_count=${BIG_COUNT:-4}
big_mib=${BIG_MIB:-256}
large_repeat=${LARGE_REPEAT:-5}
small_count=${SMALL_COUNT:-200}
wrk_seconds=${WRK_SECONDS:-10}
wrk_threads=${WRK_THREADS:-2}
wrk_connections=${WRK_CONNECTIONS:-32}
warmup_seconds=${WARMUP_SECONDS:-5}
jar=${JAR:-$repo/server/target/distvault.jar}
s3proxy_version=2.6.0
s3proxy_jar="$HOME/.m2/repository/org/gaul/s3proxy/$s3proxy_version/s3proxy-$s3proxy_version-jar-with-dependencies.jar"
bucket=bench
location="s3://$bucket/primary"
set_name=bench
pkgpath=bench/files
prefix="/set/$set_name/pkg/$pkgpath"

need=()
for tool in java nginx curl wrk python3 s3cmd; do
  command -v "$tool" >/dev/null 2>&1 || need+=("$tool")
done
if [ "${#need[@]}" -gt 0 ]; then
  echo "missing: ${need[*]} (Debian: apt-get install -y nginx curl wrk python3 s3cmd openjdk-17-jdk-headless)" >&2
  exit 2
fi
[ -f "$s3proxy_jar" ] || { echo "missing $s3proxy_jar (mvn -o test-compile -pl storage fetches it)" >&2; exit 2; }

out="$repo/ops/bench/out/s3-bench/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
ln -sfn "$out" "$repo/ops/bench/out/s3-bench/latest"
work=$(mktemp -d "${TMPDIR:-/tmp}/s3-bench.XXXXXX")
chmod 755 "$work"   # nginx workers run as another user when started as root
corpus="$work/corpus"
s3proxy_pid=""
primary_pid=""
replica_pid=""
nginx_pid=""
ofc_pid=""
stop() { # pid: SIGTERM, then wait for it
  if [ -n "$1" ]; then kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; fi
}
cleanup() {
  # Only the processes this script started, by their pid.
  stop "$replica_pid"; stop "$primary_pid"; stop "$nginx_pid"; stop "$ofc_pid"; stop "$s3proxy_pid"
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT


say "== s3-bench $(date -u +%Y-%m-%dT%H:%M:%SZ), output $out"
say "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
say "work dir $work on $(df -P "$work" | awk 'NR==2{print $1}') ($(stat -f -c %T "$work")); s3cmd $(s3cmd --version | awk '{print $3}')"
mark start

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  say "== build"
  (cd "$repo" && mvn -B -o -q -pl server -am package -DskipTests)
fi
[ -f "$jar" ] || { echo "missing $jar (build it, or drop SKIP_BUILD)" >&2; exit 2; }

say "== s3proxy $s3proxy_version"
s3_port=$(free_port)
s3_url="http://127.0.0.1:$s3_port"
identity=bench-identity
credential=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
mkdir -p "$work/s3/objects"
(umask 077; cat > "$work/s3/s3proxy.properties" <<EOF
s3proxy.endpoint=$s3_url
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$identity
s3proxy.credential=$credential
jclouds.provider=filesystem-nio2
jclouds.identity=local
jclouds.credential=local
jclouds.filesystem.basedir=$work/s3/objects
EOF
)
java -Xmx512m -DLOG_LEVEL=warn -jar "$s3proxy_jar" --properties "$work/s3/s3proxy.properties" \
  > "$out/s3proxy.log" 2>&1 &
s3proxy_pid=$!
for _ in $(seq 1 120); do
  curl -s -o /dev/null "$s3_url/" && break
  kill -0 "$s3proxy_pid" 2>/dev/null || { cat "$out/s3proxy.log" >&2; exit 1; }
  sleep 0.5
done
export AWS_ACCESS_KEY_ID=$identity AWS_SECRET_ACCESS_KEY=$credential
(umask 077; cat > "$work/s3cmd.cfg" <<EOF
[default]
access_key = $identity
secret_key = $credential
host_base = 127.0.0.1:$s3_port
host_bucket = 127.0.0.1:$s3_port
use_https = False
signature_v2 = False
bucket_location = us-east-1
check_ssl_certificate = False
progress_meter = False
EOF
)
s3() { s3cmd -c "$work/s3cmd.cfg" "$@"; }
s3 mb "s3://$bucket" > /dev/null
s3_flags=(--s3-endpoint "$s3_url" --s3-region us-east-1 --s3-path-style)

say "== corpus: $big_count x $big_mib MiB, $small_count x 4-64 KiB in $corpus"
make_corpus "$corpus" "$out" "$big_count" "$big_mib" "$small_count" "$pkgpath"
ls "$corpus" | grep '^small-' | sed "s|^|$prefix/|" > "$out/small-paths.txt"

say "== primary: serve --blob-store $location, filled through the admin API and sealed"
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
java ${JAVA_OPTS:-} -jar "$jar" serve --data "$work/primary" --listen 127.0.0.1:0 --mode online --no-upstream \
  --blob-store "$location" "${s3_flags[@]}" --cache-dir "$work/primary-tier" --cache-size 4G \
  > "$out/primary.out" 2> "$out/primary.err" &
primary_pid=$!
primary_url=$(wait_listening "$out/primary.out" "$out/primary.err" "$primary_pid" 60 "the primary")
auth_header="$work/auth-header"
(umask 077; echo "Authorization: Bearer $(head -1 "$work/primary/admin.token")" > "$auth_header")
admin() { # METHOD PATH [curl args...] -> body on stdout; fails on an HTTP error
  local method=$1 path=$2; shift 2
  curl -fsS -X "$method" -H @"$auth_header" "$@" "$primary_url$path"
}
t0=$EPOCHREALTIME
while read -r sha b2s name; do
  admin PUT "/api/v1/blobs/sha512/$sha" -H "X-Distvault-Digests: blake2s=$b2s" -T "$corpus/$name" -o /dev/null
done < "$out/blobs.txt"
admin POST "/api/v1/sets/$set_name/manifest" -H 'Content-Type: application/x-ndjson' --data-binary @"$out/manifest.jsonl" > "$out/manifest-answer.json"
admin POST "/api/v1/sets/$set_name/outcomes" -H 'Content-Type: application/x-ndjson' --data-binary @"$out/outcomes.jsonl" > "$out/outcomes-answer.json"
admin PUT "/api/v1/sets/$set_name/state" -H 'Content-Type: application/json' --data '{"state":"sealed"}' > "$out/sealed.json"
say "filled and sealed in $(calc "round($EPOCHREALTIME - $t0, 1)") s: $(cat "$out/sealed.json")"
stop "$primary_pid"; primary_pid=""

replica_n=0
start_replica() { # a replica on a new data dir and an empty tier; sets replica_pid, replica_url
  replica_n=$((replica_n + 1))
  local d="$work/replica-$replica_n"
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  java ${JAVA_OPTS:-} -jar "$jar" serve --data "$d/data" --listen 127.0.0.1:0 \
    --replica-of "$location" --set "$set_name" "${s3_flags[@]}" --cache-dir "$d/tier" --cache-size 4G \
    > "$d.out" 2> "$d.err" &
  replica_pid=$!
  replica_url=$(wait_listening "$d.out" "$d.err" "$replica_pid" 60 "replica $replica_n")
}
stop_replica() {
  stop "$replica_pid"; replica_pid=""
  [ "${KEEP:-0}" = 1 ] || rm -rf "$work/replica-$replica_n"
}

say "== nginx"
nginx_port=$(free_port)
start_nginx "$out" "$nginx_port" "$corpus" "$prefix/"
nginx_url="http://127.0.0.1:$nginx_port"
for _ in $(seq 1 40); do curl -fsS -o /dev/null "$nginx_url$prefix/small-001.bin" 2>/dev/null && break; sleep 0.25; done

ofc_url=""
if [ "${OPEN_FILE_CACHE:-1}" = 1 ]; then
  say "== nginx with open_file_cache"
  ofc_port=$(free_port)
  plain_nginx_pid=$nginx_pid
  NGINX_HTTP_EXTRA="open_file_cache max=1000 inactive=60s; open_file_cache_valid 60s;" \
    start_nginx "$out/nginx-ofc" "$ofc_port" "$corpus" "$prefix/"
  ofc_pid=$nginx_pid; nginx_pid=$plain_nginx_pid
  ofc_url="http://127.0.0.1:$ofc_port"
  for _ in $(seq 1 40); do curl -fsS -o /dev/null "$ofc_url$prefix/small-001.bin" 2>/dev/null && break; sleep 0.25; done
fi

say "== replica, its tier filled: every file once, compared byte for byte"
start_replica
for url in "$replica_url" "$nginx_url" ${ofc_url:+"$ofc_url"}; do
  while read -r _ _ name; do
    curl -fsS "$url$prefix/$name" | cmp - "$corpus/$name"
  done < "$out/blobs.txt"
done
curl -fsS "$replica_url/metrics" | grep -E '^distvault_cache_tier_(hits|misses)_total' | tee -a "$out/log.txt"
url_of() { case $1 in nginx) echo "$nginx_url" ;; nginx_ofc) echo "$ofc_url" ;; replica) echo "$replica_url" ;; esac; }

large_run() { # base URL [passes] -> MB/s of BIG_COUNT parallel whole downloads, LARGE_REPEAT times
  parallel_downloads "$1$prefix" "$big_count" "$big_mib" "${2:-$large_repeat}"
}
rotate_lua="$out/rotate.lua"
write_rotate_lua "$rotate_lua" "$out/small-paths.txt" s3-bench.sh
small_run() { # base URL, seconds, raw output file -> "requests seconds" of the run
  wrk -t"$wrk_threads" -c"$wrk_connections" -d"${2}s" -s "$rotate_lua" "$1" > "$3"
  if grep -q -e 'Non-2xx' -e 'Socket errors' "$3"; then echo "wrk saw errors against $1:" >&2; cat "$3" >&2; exit 1; fi
  wrk_count "$3"
}

# Warm-up as in server-bench.sh: one large pass, then two passes of small requests each, so that
# the replica's fresh JVM has compiled its hot paths before anything is counted.
say "== (a) warm tier against nginx; warm-up (not counted): one large pass and 2 x ${warmup_seconds} s of small requests each"
contenders=(nginx replica)
[ -z "$ofc_url" ] || contenders+=(nginx_ofc)
for pass in 1 2; do
  for who in "${contenders[@]}"; do
    [ "$pass" = 2 ] || large_run "$(url_of "$who")" 1 > /dev/null
    wrk -t"$wrk_threads" -c"$wrk_connections" -d"${warmup_seconds}s" -s "$rotate_lua" "$(url_of "$who")" > "$out/wrk-warmup-$who-$pass.txt"
  done
done
order() { # round -> the contenders, rotated by one each round
  local n=${#contenders[@]} i
  for i in $(seq 0 $((n - 1))); do printf '%s ' "${contenders[$(( (i + $1 - 1) % n ))]}"; done
}
declare -A small large
loads=()
# A round's WRK_SECONDS per contender run as SMALL_SLICES interleaved wrk runs with new connections
# (server-bench.sh explains why: nginx's workers split the connections as accept wake-ups fall, and
# one run per round is one draw of that split); a round's figure is its slices' requests over their
# seconds.
slices=${SMALL_SLICES:-4}
if [ "$slices" -lt 1 ] || [ "$slices" -gt "$wrk_seconds" ]; then
  echo "SMALL_SLICES ($slices) must be 1 to WRK_SECONDS ($wrk_seconds)" >&2; exit 2
fi
slice_length() { echo $((wrk_seconds / slices + ($1 <= wrk_seconds % slices ? 1 : 0))); }
declare -A requests seconds
for r in $(seq 1 "$rounds"); do
  for who in "${contenders[@]}"; do requests[$who]=0; seconds[$who]=0; done
  loads+=("$(load1)")
  for slice in $(seq 1 "$slices"); do
    for who in $(order "$r"); do
      mark "round $r slice $slice small $who before"
      read -r n secs <<<"$(small_run "$(url_of "$who")" "$(slice_length "$slice")" "$out/wrk-small-$who-$r-$slice.txt")"
      mark "round $r slice $slice small $who after"
      requests[$who]=$((requests[$who] + n)); seconds[$who]=$(calc "${seconds[$who]} + $secs")
    done
  done
  for who in $(order "$r"); do
    fig=$(calc "round(${requests[$who]} / ${seconds[$who]})")
    small[$who]+=" $fig"
    say "round $r small $who: $fig req/s over $slices slices (load $(load1))"
  done
done
for r in $(seq 1 "$rounds"); do
  for who in $(order "$r"); do
    loads+=("$(load1)"); mark "round $r large $who before"
    fig=$(large_run "$(url_of "$who")"); mark "round $r large $who after"
    large[$who]+=" $fig"
    say "round $r large $who: $fig MB/s (load $(load1))"
  done
done
# Every warm request was a tier hit: the misses are still the fills of the check above.
say "replica after (a): $(curl -fsS "$replica_url/metrics" | grep -E '^distvault_(cache_tier_(hits|misses)_total|backend_errors_total)' | tr '\n' ' ')"
stop_replica

say "== (b) cold fill: one stream, object after object, from the S3 server"
key_of() { echo "primary/blobs/sha512/${1:0:2}/${1:2:2}/$1"; }
# Per kind (small, big): a curl config asking the replica for each file, and the s3cmd sources.
for kind in small big; do
  : > "$out/fill-$kind.curl"; : > "$out/fill-$kind.s3"
  while read -r sha _ name; do
    [[ "$name" == "$kind"-* ]] || continue
    printf 'url = "%s"\noutput = "/dev/null"\n' "PLACEHOLDER$prefix/$name" >> "$out/fill-$kind.curl"
    echo "s3://$bucket/$(key_of "$sha")" >> "$out/fill-$kind.s3"
  done < "$out/blobs.txt"
done
bytes_of() { cat "$corpus/$1"-*.bin | wc -c; }
count_of() { find "$corpus" -name "$1-*.bin" | wc -l; }
fill_replica() { # kind -> seconds for a fresh replica to serve every file of that kind once
  local start end
  start_replica
  sed "s|PLACEHOLDER|$replica_url|" "$out/fill-$1.curl" > "$work/fill.curl"
  start=$EPOCHREALTIME
  curl -fsS --fail-early --config "$work/fill.curl"
  end=$EPOCHREALTIME
  curl -fsS "$replica_url/metrics" | awk '/^distvault_cache_tier_misses_total/{print "  tier misses: " $2}' >> "$out/log.txt"
  stop_replica
  calc "round($end - $start, 3)"
}
fill_s3cmd() { # kind -> seconds for s3cmd get of the same objects into an empty directory
  local start end dir="$work/s3cmd-get"
  rm -rf "$dir"; mkdir -p "$dir"
  mapfile -t sources < "$out/fill-$1.s3"
  start=$EPOCHREALTIME
  s3 get --no-progress "${sources[@]}" "$dir/" > "$out/s3cmd-$1.log"
  end=$EPOCHREALTIME
  [ "$(find "$dir" -type f | wc -l)" = "${#sources[@]}" ] || { echo "s3cmd got too few files" >&2; exit 1; }
  rm -rf "$dir"
  calc "round($end - $start, 3)"
}
contenders=(s3cmd replica)
declare -A fill_small fill_big
for r in $(seq 1 "$rounds"); do
  for who in $(order "$r"); do
    for kind in small big; do
      loads+=("$(load1)"); mark "round $r fill $kind $who before"
      secs=$("fill_$who" "$kind"); mark "round $r fill $kind $who after"
      mbs=$(calc "round($(bytes_of "$kind") / $secs / 1e6, 1)")
      if [ "$kind" = small ]; then fill_small[$who]+=" $mbs"; else fill_big[$who]+=" $mbs"; fi
      say "round $r fill $kind $who: $(count_of "$kind") objects in $secs s = $mbs MB/s, $(calc "round($(count_of "$kind") / $secs)") objects/s (load $(load1))"
    done
  done
done

say "== results (medians of $rounds rounds; load average 1 min during the runs: $(median "${loads[@]}") median, $(printf '%s\n' "${loads[@]}" | sort -g | tail -1) max)"
# shellcheck disable=SC2086 # the figures are space-separated lists
{
  ns=$(median ${small[nginx]}); rs=$(median ${small[replica]})
  nl=$(median ${large[nginx]}); rl=$(median ${large[replica]})
  ss=$(median ${fill_small[s3cmd]}); fs=$(median ${fill_small[replica]})
  sb=$(median ${fill_big[s3cmd]}); fb=$(median ${fill_big[replica]})
  echo "| measurement | replica | reference | ratio |"
  echo "|---|---|---|---|"
  echo "| warm tier, small files (req/s, wrk -c$wrk_connections) | $rs | nginx $ns | $(calc "round($rs / $ns, 2)") |"
  echo "| warm tier, large files (MB/s, $big_count parallel curl) | $rl | nginx $nl | $(calc "round($rl / $nl, 2)") |"
  if [ -n "$ofc_url" ]; then
    os=$(median ${small[nginx_ofc]}); ol=$(median ${large[nginx_ofc]})
    echo "| warm tier, small files, against nginx with open_file_cache | $rs | nginx_ofc $os | $(calc "round($rs / $os, 2)") |"
    echo "| warm tier, large files, against nginx with open_file_cache | $rl | nginx_ofc $ol | $(calc "round($rl / $ol, 2)") |"
  fi
  echo "| cold fill, $small_count small objects (MB/s, one stream) | $fs | s3cmd get $ss | $(calc "round($fs / $ss, 2)") |"
  echo "| cold fill, $big_count x $big_mib MiB objects (MB/s, one stream) | $fb | s3cmd get $sb | $(calc "round($fb / $sb, 2)") |"
} | tee "$out/results.md" | tee -a "$out/log.txt"
mark end
