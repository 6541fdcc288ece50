#!/usr/bin/env bash
# Serving benchmark, side by side in one run:
#  (a) one thumbnail through proofroom's signed media URL vs nginx serving the same file
#      from disk (wrk, 2 threads, 50 connections, 10 s each);
#  (b) a 1,000-photo client gallery page (/g/<token>/photos) under 50 concurrent clients:
#      wrk's latency percentiles.
# Usage: bash bench/serving.sh [SECONDS=10]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
command -v wrk >/dev/null && command -v nginx >/dev/null && command -v vipsthumbnail >/dev/null || {
  apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light libvips-tools >/dev/null; }
bin=${PROOFROOM_BIN:-target/release/proofroom}  # PROOFROOM_BIN=… compares another build
[ -x "$bin" ] || cargo build --release
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; nginx -c "$work/nginx.conf" -s stop 2>/dev/null || true; rm -rf "$work"' EXIT
bash bench/corpus.sh target/corpus >/dev/null
src=$(ls -S target/corpus/*.jpg | head -1)

# 1,000 distinct small photos: one 1200 px JPEG with a different tail (ignored by decoders).
mkdir -p "$work/import"
vipsthumbnail "$src" -s 1200 -o "$work/base.jpg[Q=85]"
for i in $(seq -w 1 1000); do { cat "$work/base.jpg"; printf '%s' "$i"; } > "$work/import/IMG_$i.jpg"; done
data="$work/data"
"$bin" --data "$data" import "$work/import" --gallery "Bench" >/dev/null
token=$("$bin" --data "$data" token create --name bench 2>/dev/null)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PROOFROOM_LOG=warn "$bin" --data "$data" --listen "127.0.0.1:$port" >/dev/null &
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
api="http://127.0.0.1:$port/api/v1"
gallery=$(curl -sf -H "Authorization: Bearer $token" "$api/galleries" | python3 -c 'import json,sys; print(json.load(sys.stdin)["galleries"][0]["id"])')
thumb=$(curl -sf -H "Authorization: Bearer $token" "$api/galleries/$gallery/photos" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["thumb_url"])')
link=$(curl -sf -H "Authorization: Bearer $token" -H 'content-type: application/json' -d '{"label":"bench","favourite":true}' \
  "$api/galleries/$gallery/shares" | python3 -c 'import json,sys; print(json.load(sys.stdin)["url"])')
path="/g/${link##*/}"
cookie=$(curl -s -o /dev/null -c - "http://127.0.0.1:$port$path" | awk '$6=="pr_v"{print $7}')

# nginx serving the same thumbnail bytes from disk.
hash=$(echo "$thumb" | cut -d/ -f4)
mkdir -p "$work/www"; cp "$data/blobs/${hash:0:2}/${hash:2:2}/$hash" "$work/www/thumb.jpg"
nport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx.err;
events { worker_connections 1024; }
http {
  access_log off; sendfile on; tcp_nopush on; open_file_cache max=100;
  client_body_temp_path $work/ncb; proxy_temp_path $work/npt; fastcgi_temp_path $work/nft; uwsgi_temp_path $work/nut; scgi_temp_path $work/nst;
  server { listen 127.0.0.1:$nport; root $work/www; location / { add_header Cache-Control "public, max-age=86400, immutable"; } }
}
NGINX
nginx -c "$work/nginx.conf"
sleep 0.3

rps() { awk '/Requests\/sec/{print $2}'; }
echo "== (a) one thumbnail ($(stat -c %s "$work/www/thumb.jpg") bytes), wrk -t2 -c50 -d${secs}s"
ours=$(wrk -t2 -c50 -d"${secs}s" "http://127.0.0.1:$port$thumb" | rps)
theirs=$(wrk -t2 -c50 -d"${secs}s" "http://127.0.0.1:$nport/thumb.jpg" | rps)
echo "proofroom: $ours req/s   nginx: $theirs req/s   ratio: $(python3 -c "print(f'{$ours/$theirs:.2f}')") (goal >= 0.50)"

echo "== (b) 1,000-photo gallery page, wrk -t2 -c50 -d${secs}s --latency"
size=$(curl -s -H "Cookie: pr_v=$cookie" "http://127.0.0.1:$port$path/photos" | wc -c)
echo "page size: $size bytes"
wrk -t2 -c50 -d"${secs}s" --latency -H "Cookie: pr_v=$cookie" "http://127.0.0.1:$port$path/photos" | sed -n '/Latency Distribution/,/99%/p;/Requests\/sec/p'
echo "(goal: p99 under 20 ms)"

echo "== (c) the same page as a phone asks for it (Accept-Encoding: br, gzip), wrk -t2 -c50 -d${secs}s --latency"
size=$(curl -s -H "Cookie: pr_v=$cookie" -H "Accept-Encoding: br, gzip" "http://127.0.0.1:$port$path/photos" | wc -c)
echo "page size on the wire: $size bytes"
wrk -t2 -c50 -d"${secs}s" --latency -H "Cookie: pr_v=$cookie" -H "Accept-Encoding: br, gzip" "http://127.0.0.1:$port$path/photos" | sed -n '/Latency Distribution/,/99%/p;/Requests\/sec/p'
