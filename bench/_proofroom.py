"""What the Python benchmarks share: the binary under test (built when missing), the corpus
of real JPEGs, and a server started on a free loopback port once `/healthz` answers."""

import json
import os
import re
import socket
import statistics
import subprocess
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.chdir(ROOT)
BIN = os.environ.get("PROOFROOM_BIN", "target/release/proofroom")


def binary():
    """The release build (or PROOFROOM_BIN), built first if missing."""
    if not os.path.exists(BIN):
        subprocess.run(["cargo", "build", "--release"], check=True)
    return BIN


def corpus():
    """The corpus JPEGs' names in target/corpus (fetched once by bench/corpus.sh)."""
    subprocess.run(["bash", "bench/corpus.sh", "target/corpus"], check=True, stdout=subprocess.DEVNULL)
    return sorted(f for f in os.listdir("target/corpus") if f.endswith(".jpg"))


def start(data, **env):
    """Starts the server on `data`; returns (process, base URL) once it answers."""
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([BIN, "--data", data, "--listen", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "PROOFROOM_LOG": "warn", **env})
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz"); break
        except Exception:
            time.sleep(0.1)
    return server, base


def timed(fetch, n=500):
    """p50 and p99 in ms of `n` sequential calls."""
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fetch()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def api(base, token, path, body=None, raw=None, ctype="application/json"):
    """`/api/v1` + `path` with the API token: `body` sent as JSON (or `raw` bytes of
    `ctype`); returns the answer's JSON."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(base + "/api/v1" + path, data=data,
                                 headers={"Authorization": "Bearer " + token, "content-type": ctype})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.load(r)


def metric(base, token, name):
    """One value from the server's /metrics."""
    req = urllib.request.Request(base + "/metrics", headers={"Authorization": "Bearer " + token})
    text = urllib.request.urlopen(req).read().decode()
    return float(re.search(rf"^{name} (\S+)$", text, re.M).group(1))
