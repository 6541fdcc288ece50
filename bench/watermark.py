#!/usr/bin/env python3
"""Watermark benchmark: what drawing the studio's mark adds to making an image's renditions.

For every JPEG of the corpus (bench/corpus.sh) of at least --min-mp megapixels,
side by side in one run, one core (taskset -c 0), REPEAT times each (median kept):
  plain:     `proofroom render FILE --out DIR`                      (thumb + preview)
  marked:    `proofroom render FILE --out DIR --watermark "© …"`   (the same + preview-wm)
The watermark job in the server does exactly the extra step: decode the 2048 px preview,
draw the text, encode. Prints per-image times and the added share.

Usage: python3 bench/watermark.py [--corpus DIR] [--repeat 3] [--min-mp 10]
"""
import argparse, os, statistics, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(cmd):
    start = time.perf_counter()
    proc = subprocess.run(["taskset", "-c", "0", *cmd], capture_output=True)
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}: {proc.stderr.decode()}")
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(ROOT / "target/corpus"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--min-mp", type=float, default=10.0)
    a = ap.parse_args()
    binary = ROOT / "target/release/proofroom"
    if not binary.exists():
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    files = []
    for f in sorted(Path(a.corpus).glob("*.jpg")):
        w, h = (int(subprocess.run(["vipsheader", "-f", k, str(f)], capture_output=True, text=True).stdout) for k in ("width", "height"))
        if w * h >= a.min_mp * 1e6:
            files.append(f)
    if not files:
        sys.exit(f"no JPEGs of {a.min_mp} MP or more in {a.corpus}: run bash bench/corpus.sh {a.corpus}")
    totals = [0.0, 0.0]
    print(f"{'image':<48} {'plain s':>8} {'marked s':>9} {'added':>7}")
    with tempfile.TemporaryDirectory() as out:
        for f in files:
            plain, marked = [], []
            for _ in range(a.repeat):
                plain.append(run([str(binary), "render", str(f), "--out", out]))
                marked.append(run([str(binary), "render", str(f), "--out", out, "--watermark", "© Lumen Studio · PROOF"]))
            p, m = statistics.median(plain), statistics.median(marked)
            totals[0] += p
            totals[1] += m
            print(f"{f.name[:48]:<48} {p:8.3f} {m:9.3f} {100 * (m - p) / p:6.1f}%")
    p, m = totals
    print(f"\n{len(files)} images: renditions {p:.2f} s, with the watermarked preview {m:.2f} s: the mark adds {100 * (m - p) / p:.1f}% ({(m - p) / len(files) * 1000:.0f} ms per image)")


if __name__ == "__main__":
    main()
