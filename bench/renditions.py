#!/usr/bin/env python3
"""Renditions benchmark: proofroom's pipeline against vipsthumbnail, side by side, one core.

For every JPEG of the corpus (bench/corpus.sh), both tools make a 2048 px preview, a
1024 px medium and a 512 px thumb at q85 with EXIF orientation applied and metadata stripped:
  proofroom:     `proofroom render FILE --out DIR` (one process; also blake3-hashes each)
  vipsthumbnail: three processes, `-s 2048`, `-s 1024` and `-s 512`, `[Q=85,strip]`
With `--before BIN`, another proofroom build runs in the same loop (e.g. one that made two
sizes), so the cost of a change is a ratio measured side by side.
Each is pinned to one core (taskset -c 0), run REPEAT times; the median wall time and the
peak RSS (from wait4) are kept per image. Prints a table and the ratios.

Usage: python3 bench/renditions.py [--corpus DIR] [--repeat 3] [--min-mp 10]
"""
import argparse, os, statistics, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(cmd):
    """Runs cmd pinned to core 0; returns (seconds, peak RSS in MiB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(["taskset", "-c", "0", *cmd], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        sys.exit(f"failed: {' '.join(cmd)}: {proc.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss / 1024


def jpeg_size(path):
    out = subprocess.run(["vipsheader", "-f", "width", str(path)], capture_output=True, text=True).stdout
    h = subprocess.run(["vipsheader", "-f", "height", str(path)], capture_output=True, text=True).stdout
    return int(out), int(h)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(ROOT / "target/corpus"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--min-mp", type=float, default=10.0, help="skip images smaller than this")
    ap.add_argument("--bin", default=str(ROOT / "target/release/proofroom"))
    ap.add_argument("--before", help="another proofroom binary to time in the same loop")
    args = ap.parse_args()
    subprocess.run(["bash", str(ROOT / "bench/corpus.sh"), args.corpus], check=True, stdout=subprocess.DEVNULL)
    if not Path(args.bin).exists():
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    files = []
    for f in sorted(Path(args.corpus).glob("*.jpg")):
        w, h = jpeg_size(f)
        if w * h >= args.min_mp * 1e6:
            files.append((f, w, h))
    if not files:
        sys.exit("no corpus image is large enough")
    out = Path(tempfile.mkdtemp())
    rows = []
    print(f"{'image':<58} {'MP':>5} {'proofroom ms':>13} {'RSS MiB':>8} {'vips ms':>8} {'RSS MiB':>8} {'ratio':>6}")
    befores = []
    for f, w, h in files:
        ours, theirs, before = [], [], []
        for _ in range(args.repeat):
            ours.append(run([args.bin, "render", str(f), "--out", str(out / "pr")]))
            if args.before:
                before.append(run([args.before, "render", str(f), "--out", str(out / "before")])[0])
            ts = [run(["vipsthumbnail", str(f), "-s", str(edge), "-o", str(out / f"{edge}.jpg[Q=85,strip]")])
                  for edge in (2048, 1024, 512)]
            theirs.append((sum(t for t, _ in ts), max(r for _, r in ts)))
        if before:
            befores.append(statistics.median(before) * 1000)
        o = statistics.median(t for t, _ in ours) * 1000
        v = statistics.median(t for t, _ in theirs) * 1000
        orss = max(r for _, r in ours)
        vrss = max(r for _, r in theirs)
        rows.append((o, orss, v, vrss))
        print(f"{f.name[:58]:<58} {w*h/1e6:5.1f} {o:13.0f} {orss:8.0f} {v:8.0f} {vrss:8.0f} {o/v:6.2f}")
    o = statistics.mean(r[0] for r in rows)
    v = statistics.mean(r[2] for r in rows)
    print(f"\nmean over {len(rows)} images: proofroom {o:.0f} ms, vipsthumbnail {v:.0f} ms -> "
          f"proofroom takes {o/v:.2f}x vipsthumbnail's time (goal <= 0.50)")
    print(f"peak RSS: proofroom {max(r[1] for r in rows):.0f} MiB, vipsthumbnail {max(r[3] for r in rows):.0f} MiB")
    if befores:
        b = statistics.mean(befores)
        print(f"before ({args.before}): {b:.0f} ms -> this build takes {o/b:.2f}x its time")


if __name__ == "__main__":
    main()
