#!/usr/bin/env python3
"""Ten years of orders (issue 13): the photographer's orders pages on an install with
YEARS x PER_YEAR orders against one with a single year of orders, side by side in one run.

    python3 bench/orders.py [YEARS=10] [PER_YEAR=300]   (PROOFROOM_BIN=... another build)

Both installs place their orders through the client's own checkout (one digital photo at
EUR 10 each, a gallery per year); the server runs with PROOFROOM_TEST_CLOCK=1 and its clock
is moved a year forward after each year's orders, so they are spread over the years as a
studio's would be. Every order of a past year is then closed (cancelled by the
photographer), and OPEN of the last year's stay open, as in a studio that keeps up.

Timed (500 sequential requests each, p50/p99): the orders page, one order's page, the API's
first page of orders (50), the dashboard and a gallery's page; also the orders page's size.
The figures hold only if each page reads what it shows (the open orders, this year's orders,
one page), not every order ever placed.
"""

import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

from _proofroom import api, binary, metric, start, timed

YEARS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
PER_YEAR = int(sys.argv[2]) if len(sys.argv) > 2 else 300
OPEN = 10
YEAR_MS = 365 * 24 * 3600 * 1000
PASSWORD = "bench-password-123"
BIN = binary()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


def browser():
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)


def csrf_of(page):
    return re.search(r'name="csrf(?:-token)?" (?:value|content)="([^"]+)"', page).group(1)


class Install:
    def __init__(self, work, name, photo):
        self.data = os.path.join(work, name)
        run = lambda *a, **k: subprocess.run([BIN, "--data", self.data, *a], check=True, capture_output=True, text=True, **k)
        os.makedirs(self.data)
        run("admin", "set-password", input=PASSWORD + "\n")
        self.token = run("token", "create", "--name", "bench").stdout.strip()
        self.server, self.base = start(self.data, PROOFROOM_MIN_FREE_MB="0", PROOFROOM_TEST_CLOCK="1")
        self.login()
        self.post(self.admin, "/admin/prices/terms", {"csrf": self.csrf, "currency": "EUR", "tax": "0"})
        self.post(self.admin, "/admin/prices/products", {"csrf": self.csrf, "name": "Digital", "kind": "digital", "price": "10"})
        page = self.admin.open(self.base + "/admin/prices").read().decode()
        self.product = re.search(r'value="([0-9A-Z]{26})">Digital</option>', page).group(1)
        self.jpeg = open(photo, "rb").read()

    def login(self):
        """A fresh admin session (moving the clock a year on ends the last one)."""
        self.admin = browser()
        page = self.admin.open(self.base + "/admin/login").read().decode()
        self.post(self.admin, "/admin/login", {"csrf": csrf_of(page), "password": PASSWORD, "next": "/admin"})
        self.csrf = csrf_of(self.admin.open(self.base + "/admin/prices").read().decode())

    def post(self, opener, path, fields):
        try:
            return opener.open(self.base + path, urllib.parse.urlencode(fields).encode())
        except urllib.error.HTTPError as e:
            if e.code != 303:
                raise SystemExit(f"{path}: {e.code} {re.sub(r'<[^>]+>', ' ', e.read().decode())[-600:]}")
            return e

    def api(self, path, body=None, raw=None, ctype="application/json"):
        return api(self.base, self.token, path, body, raw, ctype)

    def metric(self, name):
        return metric(self.base, self.token, name)

    def move_clock(self, ms):
        s = socket.socket(socket.AF_UNIX)
        s.connect(os.path.join(self.data, "control.sock"))
        s.sendall(json.dumps({"command": "move_clock", "ms": ms}).encode() + b"\n")
        answer = s.makefile().readline()
        s.close()
        if "Done" not in answer:
            raise SystemExit(f"moving the clock: {answer}")
        self.login()

    def year_of_orders(self, year, n, close):
        """A gallery for the year, `n` orders by one client; all but OPEN closed if `close`."""
        gallery = self.api("/galleries", {"title": f"Year {year}"})["id"]
        boundary = "ordersbenchboundary"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"IMG_0001.jpg\"\r\n"
                f"Content-Type: image/jpeg\r\n\r\n").encode() + self.jpeg + f"\r\n--{boundary}--\r\n".encode()
        self.api(f"/galleries/{gallery}/photos", raw=body, ctype=f"multipart/form-data; boundary={boundary}")
        # A photo is offered once its renditions are made.
        while self.metric("proofroom_jobs_queued") > 0:
            time.sleep(0.05)
        photo = self.api(f"/galleries/{gallery}/photos")[0]["id"]
        link = "/g/" + self.api(f"/galleries/{gallery}/shares", {"label": f"client {year}", "favourite": True})["url"].rsplit("/", 1)[1]
        client = browser()
        c = csrf_of(client.open(self.base + link + "/photos").read().decode())
        placed = []
        for _ in range(n):
            self.post(client, link + "/order/lines", {"csrf": c, "photo": photo, "product": self.product, "quantity": "1"})
            key = re.search(r'name="key" value="([^"]+)"', client.open(self.base + link + "/checkout").read().decode()).group(1)
            r = self.post(client, link + "/checkout", {"csrf": c, "key": key, "name": "Client", "email": "client@example.com"})
            placed.append(r.headers["location"].rsplit("/", 1)[1])
        closing = placed if close else placed[:len(placed) - OPEN]
        for o in closing:
            self.post(self.admin, f"/admin/orders/{o}/state", {"csrf": self.csrf, "state": "cancelled"})
        return gallery, placed

    def stop(self):
        self.server.kill()
        self.server.wait()


def measure(inst, gallery, order):
    get = lambda url: (lambda: inst.admin.open(inst.base + url).read())
    out = {}
    out["/admin/orders p50/p99 ms"] = timed(get("/admin/orders"))
    out["/admin/orders/<id> p50/p99 ms"] = timed(get(f"/admin/orders/{order}"))
    out["API orders (50) p50/p99 ms"] = timed(lambda: inst.api("/orders?limit=50"))
    out["/admin p50/p99 ms"] = timed(get("/admin"))
    out["/admin/galleries/<id> p50/p99 ms"] = timed(get(f"/admin/galleries/{gallery}"))
    out["/admin/orders bytes"] = len(inst.admin.open(inst.base + "/admin/orders").read())
    out["orders in all"] = total(inst)
    return out


def total(inst):
    n, cursor = 0, ""
    while True:
        page = inst.api(f"/orders?limit=500&cursor={cursor}")
        if isinstance(page, list):  # builds before the cursor listed every order at once
            return len(page)
        n += len(page["orders"])
        if not page.get("next"):
            return n
        cursor = page["next"]


def main():
    from PIL import Image
    work = tempfile.mkdtemp()
    installs = []
    try:
        photos = os.path.join(work, "photos")
        os.makedirs(photos)
        Image.linear_gradient("L").resize((600, 400)).convert("RGB").save(os.path.join(photos, "IMG_0001.jpg"), quality=85)
        results = []
        for name, years in (("one year", 1), ("archive", YEARS)):
            inst = Install(work, name.replace(" ", "-"), os.path.join(photos, "IMG_0001.jpg"))
            installs.append(inst)
            t = time.perf_counter()
            for y in range(years):
                gallery, placed = inst.year_of_orders(y, PER_YEAR, close=y < years - 1)
                if y < years - 1:
                    inst.move_clock(YEAR_MS)
            rate = years * PER_YEAR / (time.perf_counter() - t)
            print(f"{name}: {years * PER_YEAR} orders placed at {rate:.0f}/s (with the closing of past years')", flush=True)
            results.append(measure(inst, gallery, placed[-1]))
            inst.stop()
        show = lambda v: " / ".join(f"{x:.1f}" for x in v) if isinstance(v, tuple) else str(v)
        ratio = lambda a, b: " / ".join(f"{x / y:.2f}" for x, y in zip(a, b)) if isinstance(a, tuple) else f"{a / b:.2f}"
        print(f"\n{YEARS} years of {PER_YEAR} orders against one year ({OPEN} open in the last year, the rest closed)\n")
        print(f"{'':38}{'one year':>16}{'archive':>16}{'ratio':>14}")
        for k in results[0]:
            a, b = results[0][k], results[1][k]
            print(f"{k:38}{show(a):>16}{show(b):>16}{ratio(b, a):>14}")
    finally:
        for inst in installs:
            if inst.server.poll() is None:
                inst.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
