#!/usr/bin/env bash
# Load benchmark: a shoot being processed while clients browse. For SECONDS (default 60):
#  - 50 clients load the client gallery page (/g/<token>/photos) back to back (wrk -c50);
#  - 2 uploaders post 150 distinct ~15 MP JPEGs each through the API, paced to finish in
#    the run, so the gallery grows to 300 photos while renditions are made.
# Prints: errors (wrk's non-2xx and socket errors, uploads that were not 200), the page's
# latency percentiles, photos processed by the end, and the server's peak RSS (VmHWM).
# Goals: 0 errors, page p99 < 50 ms while renditions run, peak RSS < 400 MB.
# Usage: bash bench/load.sh [SECONDS=60]      PROOFROOM_BIN=… runs another build.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
command -v wrk >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
bin=${PROOFROOM_BIN:-target/release/proofroom}
[ -x "$bin" ] || cargo build --release
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
bash bench/corpus.sh target/corpus >/dev/null

# 300 distinct files: the corpus's JPEGs of 10 MP or more, each with a different tail
# (decoders ignore bytes after the end-of-image marker, the hash sees them).
mkdir -p "$work/up"
mapfile -t big < <(ls -S target/corpus/*.jpg | head -7)
for i in $(seq -w 1 300); do
  src=${big[$((10#$i % ${#big[@]}))]}
  { cat "$src"; printf 'load-%s' "$i"; } > "$work/up/IMG_$i.jpg"
done

data="$work/data"
token=$("$bin" --data "$data" token create --name bench 2>/dev/null)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PROOFROOM_LOG=warn "$bin" --data "$data" --listen "127.0.0.1:$port" >/dev/null &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
api="http://127.0.0.1:$port/api/v1"
auth="Authorization: Bearer $token"
gallery=$(curl -sf -H "$auth" -H 'content-type: application/json' -d '{"title":"Load"}' "$api/galleries" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
link=$(curl -sf -H "$auth" -H 'content-type: application/json' -d '{"label":"load","favourite":true}' \
  "$api/galleries/$gallery/shares" | python3 -c 'import json,sys; print(json.load(sys.stdin)["url"])')
path="/g/${link##*/}"
cookie=$(curl -s -o /dev/null -c - "http://127.0.0.1:$port$path" | awk '$6=="pr_v"{print $7}')
rss() { awk -v f="$1" '$1==f {print int($2/1024)}' "/proc/$pid/status"; }
echo "server idle: $(rss VmRSS:) MiB"

# Two uploaders, each taking every other file, paced to spread 150 uploads over the run.
pace=$(python3 -c "print(max(0.0, $secs / 150 - 0.05))")
uploader() {
  local fails=0
  for f in $(ls "$work/up"/*.jpg | awk -v k="$1" 'NR % 2 == k'); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "$auth" -F "file=@$f" "$api/galleries/$gallery/photos")
    [ "$code" = 200 ] || fails=$((fails + 1))
    sleep "$pace"
  done
  echo "$fails" > "$work/fails.$1"
}
uploader 0 & up0=$!
uploader 1 & up1=$!
wrk -t2 -c50 -d"${secs}s" --latency -H "Cookie: pr_v=$cookie" "http://127.0.0.1:$port$path/photos" > "$work/wrk.txt"
wait $up0 $up1
processed=$(curl -sf -H "$auth" "$api/galleries/$gallery/photos" |
  python3 -c 'import json,sys; p=json.load(sys.stdin); print(sum(x["status"]!="pending" for x in p), "of", len(p))')
echo "== 50 clients on the gallery page for ${secs}s while 2 uploaders add 300 photos"
sed -n '/Latency Distribution/,/99%/p;/Requests\/sec/p;/Non-2xx/p;/Socket errors/p' "$work/wrk.txt"
echo "upload errors: $(( $(cat "$work/fails.0") + $(cat "$work/fails.1") ))"
echo "processed when the clients stopped: $processed"
echo "server peak RSS: $(rss VmHWM:) MiB (now $(rss VmRSS:) MiB)"
echo "(goals: 0 errors, p99 < 50 ms, peak RSS < 400 MB)"
