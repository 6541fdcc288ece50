#!/usr/bin/env bash
# The project's corpus of real, large photographs for tests and benchmarks: every JPEG of
# more than 150 KB in two Debian wallpaper packages (mate-backgrounds,
# plasma-workspace-wallpapers), fetched with Debian's own package client and unpacked with
# dpkg -x (nothing is installed). Several are 15-18 MP, some progressive: what a camera or
# an export from Lightroom hands proofroom.
#
# Usage: bash bench/corpus.sh [DEST]   (default: target/corpus)
# Idempotent: with 20 or more JPEGs in DEST it does nothing. Exits non-zero when the
# packages cannot be fetched; the tests then make synthetic large JPEGs instead.
set -euo pipefail
dest=${1:-target/corpus}
mkdir -p "$dest"
count() { find "$dest" -maxdepth 1 -name '*.jpg' | wc -l; }
if [ "$(count)" -ge 20 ]; then
  echo "corpus: $(count) JPEGs in $dest"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fetch() { (cd "$tmp" && apt-get download mate-backgrounds plasma-workspace-wallpapers >/dev/null 2>&1); }
# A machine that never ran apt-get update knows no package: update once, then try again.
fetch || { apt-get update -qq >/dev/null 2>&1 || true; fetch; }
for deb in "$tmp"/*.deb; do dpkg -x "$deb" "$tmp/root"; done
# One file per picture: name it after its path, skip small previews and byte-identical
# copies (plasma ships one image under several folder names).
declare -A seen=()
while IFS= read -r -d '' f; do
  sum=$(sha256sum "$f" | cut -d' ' -f1)
  [ -n "${seen[$sum]:-}" ] && continue
  seen[$sum]=1
  rel=${f#"$tmp/root/usr/share/"}
  cp "$f" "$dest/$(printf '%s' "$rel" | tr '/ ' '__')"
done < <(find "$tmp/root" -type f -iname '*.jpg' -size +150k -print0 | sort -z)
echo "corpus: $(count) JPEGs in $dest ($(du -sh "$dest" | cut -f1))"
