#!/usr/bin/env bash
# Upload benchmark: one 2 GB file through the API against dd writing the same bytes to the
# same disk, side by side. Reports throughput of both, the ratio, and how much the server's
# resident memory grew (VmHWM after minus VmRSS before).
# Usage: bash bench/upload.sh [SIZE_MB=2000] [DATA_PARENT=./target/bench-upload]
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=${1:-2000}
parent=${2:-target/bench-upload}
bin=target/release/proofroom
[ -x "$bin" ] || cargo build --release
rm -rf "$parent"; mkdir -p "$parent"
data="$parent/data"; src="$parent/upload.jpg"
# A JPEG signature, then random bytes: proofroom accepts it (the worker then marks it failed).
{ printf '\xff\xd8\xff\xe0'; head -c "$((size_mb * 1000000))" /dev/urandom; } > "$src"
bytes=$(stat -c %s "$src")
# Flush the source's own dirty pages first, so neither side pays for them.
sync
token=$("$bin" --data "$data" token create --name bench 2>/dev/null)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PROOFROOM_LOG=warn "$bin" --data "$data" --listen "127.0.0.1:$port" --max-upload-mb 100000 >/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
gallery=$(curl -sf -H "Authorization: Bearer $token" -H 'content-type: application/json' \
  -d '{"title":"bench"}' "http://127.0.0.1:$port/api/v1/galleries" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
rss_before=$(awk '/VmRSS/{print $2}' /proc/$pid/status)

# dd: same bytes, same disk, fsynced at the end (as proofroom fsyncs before acknowledging).
dd_run() {
  local t; t=$( { /usr/bin/time -f %e dd if="$src" of="$data/dd.out" bs=1M conv=fsync status=none; } 2>&1 )
  rm -f "$data/dd.out"; sync; echo "$t"
}
# Three interleaved rounds; the medians are compared (this disk's speed drifts a lot).
dds=(); ups=()
for _ in 1 2 3; do
  dds+=("$(dd_run)")
  ups+=("$(curl -sf -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" \
    -F "file=@$src" "http://127.0.0.1:$port/api/v1/galleries/$gallery/photos")")
  sync
done
median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
echo "rounds: dd ${dds[*]} s; upload ${ups[*]} s"
dd_s=$(median "${dds[@]}")
up_s=$(median "${ups[@]}")
hwm=$(awk '/VmHWM/{print $2}' /proc/$pid/status)
python3 - "$bytes" "$dd_s" "$up_s" "$rss_before" "$hwm" <<'PY'
import sys
b, dd, up, before, hwm = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
print(f"file: {b/1e9:.2f} GB")
print(f"dd (bs=1M, conv=fsync), median: {dd:.2f} s, {b/dd/1e6:.0f} MB/s")
print(f"proofroom API upload, median:   {up:.2f} s, {b/up/1e6:.0f} MB/s")
print(f"ratio: proofroom reaches {dd/up*100:.0f}% of dd's throughput (goal >= 80%)")
print(f"server memory: {before/1024:.0f} MiB before, peak {hwm/1024:.0f} MiB: grew {(hwm-before)/1024:.0f} MiB (goal < 64)")
PY
rm -rf "$parent"
