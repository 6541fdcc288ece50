#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60) and prints libFuzzer's closing
# stats line per target. Installs cargo-fuzz if missing. cargo-fuzz passes -Z flags to
# rustc, which a stable toolchain accepts with RUSTC_BOOTSTRAP=1.
# Usage: bash fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(multipart image records)
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
export RUSTC_BOOTSTRAP=1
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  log=$(mktemp)
  start=$(date +%s)
  cargo fuzz run "$t" "corpus/$t" -- -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 >"$log" 2>&1 || {
    tail -40 "$log"; echo "fuzz target $t FAILED (crash input in fuzz/artifacts/$t)"; exit 1; }
  echo "$t: $(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 | tr -s '\t ' ' ') ($(( $(date +%s) - start )) s with the build)"
  rm -f "$log"
done
