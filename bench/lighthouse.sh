#!/usr/bin/env bash
# Lighthouse (mobile, simulated throttling: a mid-range phone on slow 4G) on the client's
# pages and the photographer's: the cover, a 40-photo grid, a 1,000-photo grid, the login
# page, the galleries dashboard, a gallery's page, its selections, a
# photo's page and the studio page. Prints performance, accessibility,
# best practices and LCP per page. Goals: >= 95 / 100 / 100. Then bench/throttled.py: the
# 1,000-photo grid on a slow phone in headless Chromium (first screen, a heart after a scroll).
# Usage: bash bench/lighthouse.sh   (PROOFROOM_BIN=… measures another build)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v lighthouse >/dev/null || npm install -g lighthouse >/dev/null
command -v vipsthumbnail >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libvips-tools >/dev/null; }
chrome=$(command -v chromium || command -v chromium-browser)
bin=${PROOFROOM_BIN:-target/release/proofroom}
[ -x "$bin" ] || cargo build --release
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
bash bench/corpus.sh target/corpus >/dev/null
data="$work/data"

# A 40-photo gallery from the corpus (big JPEGs), and 1,000 photos made from one of them.
mkdir -p "$work/forty" "$work/thousand"
i=0
for f in $(ls target/corpus/*.jpg | head -40); do i=$((i+1)); cp "$f" "$work/forty/IMG_$(printf %03d $i).jpg"; done
while [ "$i" -lt 40 ]; do for f in target/corpus/*.jpg; do i=$((i+1)); [ "$i" -le 40 ] && cp "$f" "$work/forty/IMG_$(printf %03d $i).jpg"; done; done
vipsthumbnail "$(ls -S target/corpus/*.jpg | head -1)" -s 1600 -o "$work/base.jpg[Q=85]"
for n in $(seq -w 1 1000); do { cat "$work/base.jpg"; printf '%s' "$n"; } > "$work/thousand/IMG_$n.jpg"; done
"$bin" --data "$data" import "$work/forty" --gallery "Anna & Tom — Wedding" >/dev/null
"$bin" --data "$data" import "$work/thousand" --gallery "Studio archive" >/dev/null
token=$("$bin" --data "$data" token create --name lighthouse 2>/dev/null)
echo "lighthouse-pass" | "$bin" --data "$data" admin set-password >/dev/null 2>&1 || true
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PROOFROOM_LOG=warn "$bin" --data "$data" --listen "127.0.0.1:$port" >/dev/null &
base="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done
api="$base/api/v1"
gid() { curl -sf -H "Authorization: Bearer $token" "$api/galleries" | python3 -c "import json,sys; print([g['id'] for g in json.load(sys.stdin)['galleries'] if g['title']==sys.argv[1]][0])" "$1"; }
link() { curl -sf -H "Authorization: Bearer $token" -H 'content-type: application/json' \
  -d '{"label":"lighthouse","favourite":true,"comment":true,"download_proofs":true}' "$api/galleries/$1/shares" \
  | python3 -c 'import json,sys; u=json.load(sys.stdin)["url"]; print("/g/"+u.rsplit("/",1)[1])'; }
forty=$(gid "Anna & Tom — Wedding"); thousand=$(gid "Studio archive")
l40=$(link "$forty"); l1000=$(link "$thousand")
photo=$(curl -sf -H "Authorization: Bearer $token" "$api/galleries/$forty/photos" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')

# The photographer's session: the login form's CSRF token is bound to its pre-login cookie.
jar="$work/jar"
csrf=$(curl -s -c "$jar" "$base/admin/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$csrf" --data-urlencode "password=lighthouse-pass" \
  --data-urlencode "next=/admin" "$base/admin/login"
session=$(awk '$6=="pr_session"{print $7}' "$jar")

run() { # name url [cookie]
  local extra=()
  [ -n "${3:-}" ] && extra=(--extra-headers "{\"Cookie\":\"pr_session=$3\"}")
  lighthouse "$2" --quiet --chrome-flags="--headless --no-sandbox --disable-gpu --disable-background-networking" \
    --only-categories=performance,accessibility,best-practices --output=json --output-path="$work/$1.json" \
    "${extra[@]}" >/dev/null 2>&1 || { echo "$1: lighthouse failed"; return; }
  # LH_KEEP=DIR keeps each report, to see which audit cost what.
  [ -n "${LH_KEEP:-}" ] && mkdir -p "$LH_KEEP" && cp "$work/$1.json" "$LH_KEEP/"
  python3 - "$work/$1.json" "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
c = r["categories"]
lcp = r["audits"]["largest-contentful-paint"]["displayValue"]
score = lambda k: round(c[k]["score"] * 100) if c[k]["score"] is not None else "-"
print(f"{sys.argv[2]:<22} perf {score('performance'):>3}  a11y {score('accessibility'):>3}  best {score('best-practices'):>3}  LCP {lcp}")
PY
}
echo "== Lighthouse $(lighthouse --version), mobile, simulated throttling"
run cover "$base$l40"
run grid-40 "$base$l40/photos"
run grid-1000 "$base$l1000/photos"
run admin-login "$base/admin/login"
run admin-dashboard "$base/admin" "$session"
run admin-gallery "$base/admin/galleries/$forty" "$session"
run admin-selections "$base/admin/galleries/$forty/selections" "$session"
run admin-photo "$base/admin/photos/$photo" "$session"
run admin-studio "$base/admin/studio" "$session"

echo "== A slow phone: headless Chromium, 150 ms RTT, 1.6 Mbps, 4x CPU, the 1,000-photo grid"
command -v chromedriver >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-driver >/dev/null; }
python3 -c "import selenium" 2>/dev/null || python3 -m pip install -q selenium
python3 bench/throttled.py "$base$l1000/photos"
