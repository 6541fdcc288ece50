#!/usr/bin/env python3
"""`proofroom backup` against `cp -r` of the same data directory, in one run.

N corpus photos (distinct bytes) are imported with their renditions; the server is
started; then, while it runs: `proofroom backup DEST` (a database snapshot through the
running server, every blob hashed as it is copied, the manifest), a second backup into the
same folder (nothing new: only the snapshot and the manifest), and `cp -r` of the data
directory into a fresh folder (a copy that is not consistent while the server writes, for
speed only), bare and followed by `sync -f` (durable, as a backup is). Each timed ROUNDS
times (the median), the page cache warm for all.

Usage: python3 bench/backup.py [N=100] [ROUNDS=3]   (PROOFROOM_BIN=... another build)
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
from _proofroom import binary, corpus, start

BIN = binary()
corpus = corpus()

work = tempfile.mkdtemp()
server = None
try:
    imp = os.path.join(work, "import")
    os.makedirs(imp)
    for i in range(N):
        src = os.path.join("target/corpus", corpus[i % len(corpus)])
        with open(src, "rb") as f, open(os.path.join(imp, f"IMG_{i:04d}.jpg"), "wb") as o:
            o.write(f.read() + str(i).encode())
    data = os.path.join(work, "data")
    run = lambda *a: subprocess.run([BIN, "--data", data, *a], check=True, capture_output=True, text=True)
    run("import", imp, "--gallery", "Backup")
    server, _ = start(data)
    size = int(subprocess.run(["du", "-sb", data], capture_output=True, text=True).stdout.split()[0])

    def timed(cmd):
        t = time.perf_counter()
        out = subprocess.run(cmd, check=True, capture_output=True, text=True)
        return time.perf_counter() - t, out.stdout

    full, inc, cp, cps = [], [], [], []
    report = None
    for r in range(ROUNDS):
        dest = os.path.join(work, f"backup{r}")
        t, out = timed([BIN, "--data", data, "backup", dest])
        full.append(t)
        report = json.loads(out.splitlines()[0])
        t, out = timed([BIN, "--data", data, "backup", dest])
        inc.append(t)
        assert json.loads(out.splitlines()[0])["copied"] == 0
        t, _ = timed(["cp", "-r", data, os.path.join(work, f"cp{r}")])
        cp.append(t)
        # The same copy made durable (a backup fsyncs every file before it says done).
        t0 = time.perf_counter()
        subprocess.run(["cp", "-r", data, os.path.join(work, f"cps{r}")], check=True)
        subprocess.run(["sync", "-f", os.path.join(work, f"cps{r}")], check=True)
        cps.append(time.perf_counter() - t0)
        for d in (dest, os.path.join(work, f"cp{r}"), os.path.join(work, f"cps{r}")):
            shutil.rmtree(d)
    mb = size / 1e6
    f, i, c, cs = statistics.median(full), statistics.median(inc), statistics.median(cp), statistics.median(cps)
    print(f"{N} photos, data directory {mb:.0f} MB, {report['blobs']} blobs, {report['rows']} rows, manifest {report['manifest']} lines")
    print(f"backup (first, into an empty folder): {f:.2f} s, {mb / f:.0f} MB/s")
    print(f"backup (again, nothing new):          {i:.2f} s")
    print(f"cp -r of the data directory:          {c:.2f} s, {mb / c:.0f} MB/s")
    print(f"cp -r, then sync -f:                  {cs:.2f} s, {mb / cs:.0f} MB/s")
    print(f"backup / cp -r speed: {c / f:.2f}; backup / (cp -r + sync): {cs / f:.2f}")
finally:
    if server:
        server.terminate(); server.wait()
    shutil.rmtree(work, ignore_errors=True)
