#!/usr/bin/env python3
"""Delivery benchmark, side by side in one run: the delivery zip of N full-size finals
(renamed by a pattern, the studio's credit written into each JPEG's EXIF) downloaded from
proofroom, against `cat` reading the same delivered files from the blob store into
/dev/null, and against nginx (sendfile) serving the finished zip as a static file over the
same loopback: what any HTTP server can do here. Also the server's memory.

The first download prepares the credited copies (once per file and credit); the later ones
stream them: both are timed. Goal: the streamed zip at >= 0.8x cat's speed, RSS flat.

Usage: python3 bench/delivery.py [N=50] [ROUNDS=3]   (PROOFROOM_BIN=... another build)
nginx is used when installed (apt-get install nginx-light); without it that line is left out.
"""

import http.cookiejar
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

N = int(sys.argv[1]) if len(sys.argv) > 1 else 50
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
from _proofroom import binary, corpus, start

BIN = binary()
corpus = sorted(corpus(), key=lambda f: -os.path.getsize(os.path.join("target/corpus", f)))

work = tempfile.mkdtemp()
server = None
nginx_conf = None
try:
    # N distinct full-size finals: corpus JPEGs with a different tail (ignored by decoders).
    imp = os.path.join(work, "import")
    os.makedirs(imp)
    for i in range(N):
        src = os.path.join("target/corpus", corpus[i % len(corpus)])
        with open(src, "rb") as f, open(os.path.join(imp, f"IMG_{i:04d}.jpg"), "wb") as o:
            o.write(f.read() + str(i).encode())
    data = os.path.join(work, "data")
    run = lambda *a, **k: subprocess.run([BIN, "--data", data, *a], check=True, capture_output=True, text=True, **k)
    run("import", imp, "--gallery", "Delivery", "--final")
    run("admin", "set-password", input="bench-password-123\n")
    token = run("token", "create", "--name", "bench").stdout.strip()
    server, base = start(data, PROOFROOM_MIN_FREE_MB="0")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    jars = []

    def browser():
        jar = http.cookiejar.CookieJar()
        jars.append(jar)
        return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

    def post(op, path, fields):
        try:
            return op.open(base + path, urllib.parse.urlencode(fields).encode())
        except urllib.error.HTTPError as e:
            if e.code != 303:
                raise SystemExit(f"{path}: {e.code} {e.read()[:300]}")
            return e

    csrf_of = lambda page: re.search(r'name="csrf(?:-token)?" (?:value|content)="([^"]+)"', page).group(1)
    admin = browser()
    page = admin.open(base + "/admin/login").read().decode()
    post(admin, "/admin/login", {"csrf": csrf_of(page), "password": "bench-password-123", "next": "/admin"})
    page = admin.open(base + "/admin/prices").read().decode()
    c = csrf_of(page)
    post(admin, "/admin/prices/terms", {"csrf": c, "currency": "EUR", "tax": "0"})
    post(admin, "/admin/prices/products", {"csrf": c, "name": "Final", "kind": "digital", "price": "0"})
    post(admin, "/admin/prices/billing", {"csrf": c, "delivery_names": "{gallery}-{filename}", "delivery_creator": "Studio Bench"})
    product = re.search(r'value="([0-9A-Z]{26})">Final</option>', admin.open(base + "/admin/prices").read().decode()).group(1)

    api = lambda path, body=None: json.load(urllib.request.urlopen(urllib.request.Request(
        base + "/api/v1" + path, data=json.dumps(body).encode() if body else None,
        headers={"Authorization": "Bearer " + token, "content-type": "application/json"})))
    gallery = api("/galleries")["galleries"][0]["id"]
    photos = api(f"/galleries/{gallery}/photos")
    link = "/g/" + api(f"/galleries/{gallery}/shares", {"label": "bench", "favourite": True})["url"].rsplit("/", 1)[1]
    client = browser()
    c = csrf_of(client.open(base + link + "/photos").read().decode())
    for p in photos:
        post(client, link + "/order/lines", {"csrf": c, "photo": p["id"], "product": product, "quantity": "1"})
    key = re.search(r'name="key" value="([^"]+)"', client.open(base + link + "/checkout").read().decode()).group(1)
    r = post(client, link + "/checkout", {"csrf": c, "key": key, "name": "Bench", "email": "bench@example.com"})
    order = r.headers["location"]
    zip_url = base + order + "/zip"

    rss = lambda: int(open(f"/proc/{server.pid}/status").read().split("VmRSS:")[1].split()[0]) // 1024
    rss_before = rss()

    # curl reads the zip (as a browser would), so the client's own speed is not measured.
    cookie = "; ".join(f"{c.name}={c.value}" for c in jars[-1])

    def download():
        t = time.perf_counter()
        out = subprocess.run(["curl", "-sf", "-o", "/dev/null", "-w", "%{size_download}", "-H", f"Cookie: {cookie}", zip_url],
                             capture_output=True, text=True, check=True)
        return time.perf_counter() - t, int(out.stdout)

    first, size = download()
    rss_prepared = rss()
    # The same zip as a static file, for nginx.
    static = os.path.join(work, "www")
    os.makedirs(static)
    subprocess.run(["curl", "-sf", "-o", os.path.join(static, "delivery.zip"), "-H", f"Cookie: {cookie}", zip_url], check=True)
    nginx_url = None
    if shutil.which("nginx"):
        s = socket.socket(); s.bind(("127.0.0.1", 0)); nport = s.getsockname()[1]; s.close()
        nginx_conf = os.path.join(work, "nginx.conf")
        t = work
        open(nginx_conf, "w").write(f"""worker_processes 1; daemon on; pid {t}/nginx.pid; error_log {t}/nginx.err;
events {{ worker_connections 64; }}
http {{ access_log off; sendfile on; client_body_temp_path {t}; proxy_temp_path {t}; fastcgi_temp_path {t};
  uwsgi_temp_path {t}; scgi_temp_path {t};
  server {{ listen 127.0.0.1:{nport}; root {static}; }} }}
""")
        subprocess.run(["nginx", "-c", nginx_conf], check=True)
        nginx_url = f"http://127.0.0.1:{nport}/delivery.zip"

    def static_download():
        t = time.perf_counter()
        subprocess.run(["curl", "-sf", "-o", "/dev/null", nginx_url], check=True)
        return time.perf_counter() - t
    files = [f for f in subprocess.run(["find", os.path.join(data, "blobs"), "-type", "f"], capture_output=True, text=True).stdout.split()]
    api_order = api("/orders")["orders"][0]
    # The delivered (credited) blobs are the ones written last: the N newest files.
    files.sort(key=os.path.getmtime)
    credited = files[-N:]
    cat_bytes = sum(os.path.getsize(f) for f in credited)
    zips, cats, statics = [], [], []
    for _ in range(ROUNDS):
        t = time.perf_counter(); subprocess.run(["cat", *credited], stdout=subprocess.DEVNULL, check=True); cats.append(time.perf_counter() - t)
        zips.append(download()[0])
        if nginx_url:
            statics.append(static_download())
    peak = int(open(f"/proc/{server.pid}/status").read().split("VmHWM:")[1].split()[0]) // 1024
    z, k = statistics.median(zips), statistics.median(cats)
    mb = size / 1e6
    print(f"delivery of {N} finals, {mb:.0f} MB zip ({cat_bytes / 1e6:.0f} MB of files), state {api_order['state']}, delivered {api_order['delivered_ms'] is not None}")
    print(f"first download (prepares the credit): {first:.2f} s, {mb / first:.0f} MB/s")
    print(f"zip, median of {ROUNDS}:   {z:.2f} s, {mb / z:.0f} MB/s   (rounds: {' '.join(f'{x:.2f}' for x in zips)})")
    print(f"cat, median of {ROUNDS}:   {k:.2f} s, {cat_bytes / 1e6 / k:.0f} MB/s   (rounds: {' '.join(f'{x:.2f}' for x in cats)})")
    if statics:
        n = statistics.median(statics)
        print(f"nginx, median of {ROUNDS}: {n:.2f} s, {mb / n:.0f} MB/s   (rounds: {' '.join(f'{x:.2f}' for x in statics)})")
    print(f"speed ratio zip/cat: {(mb / z) / (cat_bytes / 1e6 / k):.2f} (goal >= 0.80)")
    if statics:
        print(f"speed ratio zip/nginx: {n / z:.2f}   (nginx/cat: {(mb / n) / (cat_bytes / 1e6 / k):.2f}, the ceiling of HTTP here)")
    print(f"server RSS: {rss_before} MiB before the downloads, {rss_prepared} MiB after the first (which prepares), {rss()} MiB after {ROUNDS + 1} more, peak {peak} MiB")
finally:
    if server:
        server.kill()
    if nginx_conf:
        subprocess.run(["nginx", "-c", nginx_conf, "-s", "stop"], stderr=subprocess.DEVNULL)
    shutil.rmtree(work, ignore_errors=True)
