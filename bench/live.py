#!/usr/bin/env python3
"""Live sessions under load, in one run: N galleries each with a running session, the
photographer's and the client's event streams open (2N streams), and every photographer
acting at the same time (keep / set aside, one action every INTERVAL seconds). Measured:
the latency from the photographer's action leaving to the client's stream delivering it
(p50, p99, max), and the server's memory per session (RSS with all sessions and streams
open, less RSS before, over N).

Usage: python3 bench/live.py [N=50] [ACTIONS=20] [INTERVAL=0.05]   (PROOFROOM_BIN=...)
Needs: curl-free (Python's http.client), vipsthumbnail for one small JPEG from the corpus.
"""

import http.client
import http.cookiejar
import json
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

N = int(sys.argv[1]) if len(sys.argv) > 1 else 50
ACTIONS = int(sys.argv[2]) if len(sys.argv) > 2 else 20
INTERVAL = float(sys.argv[3]) if len(sys.argv) > 3 else 0.05
from _proofroom import binary, corpus, start

BIN = binary()
source = corpus()[0]

work = tempfile.mkdtemp()
server = None
try:
    subprocess.run(["vipsthumbnail", os.path.join("target/corpus", source), "--size", "800",
                    "-o", os.path.join(work, "small.jpg")], check=True)
    small = open(os.path.join(work, "small.jpg"), "rb").read()
    data = os.path.join(work, "data")
    run = lambda *a, **k: subprocess.run([BIN, "--data", data, *a], check=True, capture_output=True, text=True, **k)
    run("admin", "set-password", input="bench-password-123\n")
    token = run("token", "create", "--name", "bench").stdout.strip()
    server, base = start(data, PROOFROOM_MIN_FREE_MB="0")
    port = int(base.rsplit(":", 1)[1])

    def api(path, body=None, raw=None, ctype="application/json"):
        req = urllib.request.Request(base + "/api/v1" + path, data=raw if raw is not None else (json.dumps(body).encode() if body else None),
                                     headers={"Authorization": "Bearer " + token, "content-type": ctype})
        return json.load(urllib.request.urlopen(req))

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    def browser():
        jar = http.cookiejar.CookieJar()
        return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect), jar

    def post(op, path, fields):
        try:
            return op.open(base + path, urllib.parse.urlencode(fields).encode())
        except urllib.error.HTTPError as e:
            if e.code != 303:
                raise SystemExit(f"{path}: {e.code} {e.read()[:300]}")
            return e

    csrf_of = lambda page: re.search(r'name="csrf(?:-token)?" (?:value|content)="([^"]+)"', page).group(1)
    admin, admin_jar = browser()
    page = admin.open(base + "/admin/login").read().decode()
    post(admin, "/admin/login", {"csrf": csrf_of(page), "password": "bench-password-123", "next": "/admin"})
    acsrf = csrf_of(admin.open(base + "/admin").read().decode())
    cookie_of = lambda jar: "; ".join(f"{c.name}={c.value}" for c in jar)

    boundary = "benchboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n"
            f"Content-Type: image/jpeg\r\n\r\n").encode() + small + f"\r\n--{boundary}--\r\n".encode()
    sessions = []
    for i in range(N):
        g = api("/galleries", {"title": f"Live {i}"})["id"]
        api(f"/galleries/{g}/photos", raw=body, ctype=f"multipart/form-data; boundary={boundary}")
        sessions.append({"gallery": g})
    for _ in range(200):
        if all(api(f"/galleries/{s['gallery']}/photos")[0]["status"] == "ready" for s in sessions):
            break
        time.sleep(0.1)
    rss = lambda: int(open(f"/proc/{server.pid}/status").read().split("VmRSS:")[1].split()[0])  # KiB
    rss_galleries = rss()
    for s in sessions:
        g = s["gallery"]
        s["photo"] = api(f"/galleries/{g}/photos")[0]["id"]
        link = "/g/" + api(f"/galleries/{g}/shares", {"label": "bench", "favourite": True})["url"].rsplit("/", 1)[1]
        post(admin, f"/admin/galleries/{g}/live", {"csrf": acsrf})
        code = re.search(r'id="live-code">([A-Z0-9]+)<', admin.open(base + f"/admin/galleries/{g}/live").read().decode()).group(1)
        client, jar = browser()
        client.open(base + f"{link}/live?code={code}").read()
        s.update(link=link, code=code, client_cookie=cookie_of(jar))

    rss_before = rss()

    def stream(path, cookie, on_state, ready):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", path, headers={"Cookie": cookie, "Accept": "text/event-stream"})
        r = conn.getresponse()
        assert r.status == 200, (path, r.status)
        ready.release()
        while True:
            line = r.readline()
            if not line:
                return
            if line.startswith(b"data: "):
                if on_state(json.loads(line[6:])):
                    conn.close()
                    return

    arrivals = [dict() for _ in sessions]  # seq -> time the client's stream delivered it
    done_seq = [None] * N
    ready = threading.Semaphore(0)
    threads = []
    for i, s in enumerate(sessions):
        def on_client(state, i=i):
            arrivals[i][state["seq"]] = time.perf_counter()
            return done_seq[i] is not None and state["seq"] >= done_seq[i]
        path = f"{s['link']}/live/events?code={s['code']}"
        t = threading.Thread(target=stream, args=(path, s["client_cookie"], on_client, ready), daemon=True)
        t.start(); threads.append(t)
        t2 = threading.Thread(target=stream, args=(f"/admin/galleries/{s['gallery']}/live/events", cookie_of(admin_jar), lambda st: False, ready), daemon=True)
        t2.start()
    for _ in range(2 * N):
        ready.acquire()
    time.sleep(0.5)
    rss_open = rss()

    sent = [dict() for _ in sessions]  # seq -> time the action left

    def photographer(i):
        s = sessions[i]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for k in range(ACTIONS):
            op = "keep" if k % 2 == 0 else "set_aside"
            t0 = time.perf_counter()
            conn.request("POST", f"/admin/galleries/{s['gallery']}/live/act",
                         body=json.dumps({"op": op, "photo": s["photo"]}),
                         headers={"Cookie": cookie_of(admin_jar), "x-csrf-token": acsrf, "content-type": "application/json"})
            r = conn.getresponse(); answer = json.loads(r.read())
            sent[i][answer["seq"]] = t0
            time.sleep(INTERVAL)
        done_seq[i] = max(sent[i])

    start = time.perf_counter()
    workers = [threading.Thread(target=photographer, args=(i,)) for i in range(N)]
    for w in workers: w.start()
    for w in workers: w.join()
    took = time.perf_counter() - start
    # The last states reach the clients' streams (a few milliseconds at most).
    deadline = time.perf_counter() + 5
    while time.perf_counter() < deadline and any(max(sent[i]) not in arrivals[i] for i in range(N)):
        time.sleep(0.01)
    lat = []
    missing = 0
    for i in range(N):
        for seq, t0 in sent[i].items():
            if seq in arrivals[i]:
                lat.append((arrivals[i][seq] - t0) * 1000)
            elif not any(k > seq for k in arrivals[i]):
                missing += 1  # a later state covers an earlier one; only a lost tail counts
    lat.sort()
    pct = lambda p: lat[min(len(lat) - 1, int(len(lat) * p))]
    print(f"{N} sessions, {2 * N} event streams, {N * ACTIONS} actions in {took:.1f} s")
    print(f"action -> other screen latency: p50 {pct(0.5):.1f} ms, p99 {pct(0.99):.1f} ms, max {lat[-1]:.1f} ms "
          f"({len(lat)} delivered as their own event, {missing} lost)")
    print(f"server RSS: {rss_galleries // 1024} MiB before the sessions, {rss_before // 1024} MiB with {N} sessions joined "
          f"({(rss_before - rss_galleries) / N:.0f} KiB each), {rss_open // 1024} MiB with the {2 * N} streams open: "
          f"{(rss_open - rss_before) / N:.0f} KiB per session's two streams; {rss() // 1024} MiB after the actions")
finally:
    if server:
        server.kill()
    shutil.rmtree(work, ignore_errors=True)
