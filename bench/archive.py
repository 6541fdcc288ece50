"""A studio's whole archive (issue 13): PHOTOS distinct photos in GALLERIES galleries against
a one-gallery install of PHOTOS/GALLERIES photos, measured side by side in one run.

    python3 bench/archive.py [PHOTOS=100000] [GALLERIES=1000]

Each photo is a 400x267 JPEG with its number and coloured blocks *drawn* on it (Pillow), so
every file and every rendition differs (trailing bytes would give one rendition for all).
The photos are made once into target/archive-corpus/<PHOTOS>/.

Both installs are imported through the JSON API (4 uploaders, 25 files a request) and
processed; then, for each, the server is restarted (start-up = spawn until /healthz, median
of 3) and timed sequentially (500 requests each, p50/p99) on: a client's gallery page,
the photographer's dashboard and a gallery page, and the API's gallery list (first page);
the API list also under 16 concurrent clients. RSS is read right after start and after
reading every gallery's metadata (every page of the list, each gallery, its photos).

ARCHIVE_KEEP=DIR keeps (and reuses) the imported archive's data directory between runs.
Needs Pillow (python3 -m pip install pillow).
"""

import concurrent.futures
import http.cookiejar
import json
import multiprocessing
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

from _proofroom import api, binary, metric, start, timed

PHOTOS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
GALLERIES = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
PER = max(1, PHOTOS // GALLERIES)
PASSWORD = "bench-password-123"
BIN = binary()


# --- the photos -------------------------------------------------------------------------

def draw(args):
    """Draws photo `i` into `path`: a gradient, blocks and the number, all from `i`."""
    from PIL import Image, ImageDraw, ImageFont
    i, path = args
    w, h = 400, 267
    img = Image.linear_gradient("L").resize((w, h)).convert("RGB")
    r, g, b = (i * 37) % 256, (i * 91) % 256, (i * 53) % 256
    img = Image.merge("RGB", [c.point(lambda v, k=k: (v + k) % 256) for c, k in zip(img.split(), (r, g, b))])
    d = ImageDraw.Draw(img)
    for k in range(6):
        x, y = (i * (k + 3) * 29) % (w - 60), (i * (k + 5) * 17) % (h - 60)
        d.rectangle([x, y, x + 20 + (i + k) % 40, y + 20 + (i * k) % 40], fill=((r + 80 * k) % 256, (g + 40 * k) % 256, b))
    d.text((12, h - 70), f"#{i}", fill=(255, 255, 255), font=ImageFont.load_default(size=56))
    img.save(path, quality=85)


def photos():
    """The PHOTOS files (made once), in order."""
    folder = f"target/archive-corpus/{PHOTOS}"
    os.makedirs(folder, exist_ok=True)
    paths = [os.path.join(folder, f"{i:06}.jpg") for i in range(PHOTOS)]
    todo = [(i, p) for i, p in enumerate(paths) if not os.path.exists(p)]
    if todo:
        t = time.time()
        with multiprocessing.Pool(os.cpu_count()) as pool:
            pool.map(draw, todo, chunksize=200)
        print(f"drew {len(todo)} photos in {time.time() - t:.0f} s")
    return paths


# --- talking to a server ----------------------------------------------------------------

class Install:
    """A data directory with a password and an API token, and its server when running."""

    def __init__(self, data):
        self.data, self.server, self.base = data, None, None
        os.makedirs(data, exist_ok=True)
        run = lambda *a, **k: subprocess.run([BIN, "--data", data, *a], check=True, capture_output=True, text=True, **k)
        if not os.path.exists(os.path.join(data, "token")):
            run("admin", "set-password", input=PASSWORD + "\n")
            with open(os.path.join(data, "token"), "w") as f:
                f.write(run("token", "create", "--name", "bench").stdout.strip())
        self.token = open(os.path.join(data, "token")).read().strip()

    def start(self):
        t = time.time()
        self.server, self.base = start(self.data, PROOFROOM_MIN_FREE_MB="0")
        return time.time() - t

    def stop(self):
        self.server.terminate()
        self.server.wait()

    def api(self, path, body=None, raw=None, ctype="application/json"):
        return api(self.base, self.token, path, body, raw, ctype)

    def metric(self, name):
        return metric(self.base, self.token, name)

    def rss_mib(self):
        for line in open(f"/proc/{self.server.pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0


def upload(inst, gallery, files):
    boundary = "archivebenchboundary"
    body = b""
    for path in files:
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{os.path.basename(path)}\"\r\n"
                 "Content-Type: image/jpeg\r\n\r\n").encode() + open(path, "rb").read() + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    inst.api(f"/galleries/{gallery}/photos", raw=body, ctype=f"multipart/form-data; boundary={boundary}")


def fill(inst, paths, galleries):
    """Imports `paths` into `galleries` new galleries; returns (acknowledged photos/s,
    processed photos/s)."""
    per = len(paths) // galleries
    t = time.time()
    ids = [inst.api("/galleries", {"title": f"Session {g:04}"})["id"] for g in range(galleries)]

    def one(g):
        mine = paths[g * per:(g + 1) * per]
        for k in range(0, len(mine), 25):
            upload(inst, ids[g], mine[k:k + 25])

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(one, range(galleries)))
    acked = time.time() - t
    while inst.metric("proofroom_jobs_queued") > 0:
        time.sleep(0.5)
    done = time.time() - t
    return per * galleries / acked, per * galleries / done


# --- measuring --------------------------------------------------------------------------

def concurrent_p99(fetch, clients=16, each=25):
    times, lock = [], threading.Lock()

    def worker():
        for _ in range(each):
            t = time.perf_counter()
            fetch()
            with lock:
                times.append((time.perf_counter() - t) * 1000)

    t0 = time.time()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    times.sort()
    return times[int(len(times) * 0.99) - 1], len(times) / (time.time() - t0)


def measure(inst):
    """Every figure of one install."""
    out = {}
    starts = []
    for _ in range(3):
        inst.stop()
        starts.append(inst.start())
    out["start-up ms"] = statistics.median(starts) * 1000
    out["RSS after start MiB"] = inst.rss_mib()

    first = inst.api("/galleries?limit=1")["galleries"][0]["id"]
    link = inst.api(f"/galleries/{first}/shares", {"label": "bench"})["url"]
    path = "/g/" + link.rsplit("/", 1)[1]
    client = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    client.open(inst.base + path).read()
    get = lambda opener, url: (lambda: opener.open(url).read())

    admin = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = admin.open(inst.base + "/admin/login").read().decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    admin.open(inst.base + "/admin/login", urllib.parse.urlencode({"csrf": csrf, "password": PASSWORD, "next": "/admin"}).encode()).read()

    api_list = lambda: inst.api("/galleries")
    out["client page p50/p99 ms"] = timed(get(client, inst.base + path + "/photos"))
    out["/admin p50/p99 ms"] = timed(get(admin, inst.base + "/admin"))
    out["/admin/galleries/<id> p50/p99 ms"] = timed(get(admin, inst.base + f"/admin/galleries/{first}"))
    out["API list p50/p99 ms"] = timed(api_list)
    out["API list, 16 clients: p99 ms, req/s"] = concurrent_p99(api_list)
    out["/admin bytes"] = len(admin.open(inst.base + "/admin").read())

    # Every gallery's metadata: each page of the list, each gallery, its photos.
    cursor, n = "", 0
    while True:
        page = inst.api(f"/galleries?limit=500&cursor={cursor}")
        for g in page["galleries"]:
            inst.api(f"/galleries/{g['id']}")
            inst.api(f"/galleries/{g['id']}/photos")
            n += 1
        if not page.get("next"):
            break
        cursor = page["next"]
    out["RSS after reading all metadata MiB"] = inst.rss_mib()
    out["galleries read"] = n
    return out


def show(v):
    if isinstance(v, tuple):
        return " / ".join(f"{x:.1f}" for x in v)
    return f"{v:.1f}" if isinstance(v, float) else str(v)


def ratio(a, b):
    if isinstance(a, tuple):
        return " / ".join(f"{x / y:.2f}" if y else "-" for x, y in zip(a, b))
    return f"{a / b:.2f}" if b else "-"


def main():
    paths = photos()
    work = tempfile.mkdtemp()
    keep = os.environ.get("ARCHIVE_KEEP")
    try:
        archive = Install(keep or os.path.join(work, "archive"))
        one = Install(os.path.join(work, "one"))
        archive.start()
        have = archive.api("/galleries?limit=1")["galleries"]
        if have:
            print(f"reusing the archive in {archive.data}")
            rates = None
        else:
            rates = fill(archive, paths[:PER * GALLERIES], GALLERIES)
        one.start()
        one_rates = fill(one, paths[:PER], 1)
        print(f"\n{PER * GALLERIES} photos in {GALLERIES} galleries against one gallery of {PER}, "
              f"{subprocess.run(['du', '-sh', archive.data], capture_output=True, text=True).stdout.split()[0]} on disk")
        if rates:
            print(f"import: archive {rates[0]:.0f} photos/s acknowledged, {rates[1]:.0f}/s processed; "
                  f"one gallery {one_rates[0]:.0f}/s, {one_rates[1]:.0f}/s")
        a, o = measure(archive), measure(one)
        print(f"\n{'':40} {'one gallery':>16} {'archive':>16} {'ratio':>12}")
        for k in a:
            print(f"{k:40} {show(o[k]):>16} {show(a[k]):>16} {ratio(a[k], o[k]):>12}")
        archive.stop()
        one.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
