"""Photos in an S3-compatible bucket (issue 13) against the same on the data disk, side by side
in one run, with boto3 talking to the same bucket as the yardstick for what the bucket costs.

    python3 bench/bucket.py [BIG_MB=50] [SMALL=40]

Starts moto's S3 server (python3 -m pip install "moto[server]") on loopback and two
proofroom servers: one with its blobs on disk, one with them in the bucket. Then:

- upload: BIG_MB of noise (a JPEG signature first; stored, never decoded), 3 rounds, median:
  proofroom on disk, proofroom on the bucket (staged, fsynced, put in 8 MiB parts, then
  acknowledged), and boto3's upload_file of the same file to the same bucket.
- download of that original: from disk, from the bucket (streamed through proofroom), boto3.
- the same download with the bucket's disk cache emptied first (over 8 MiB, so streamed
  from the bucket by ranges rather than cached).
- originals of SMALL drawn photos (Pillow, ~1200x800), 10 rounds each sequentially,
  p50/p99: from disk, from the bucket's disk cache (hot), and cold (the cache emptied before
  each round, so each is fetched from the bucket, hash-checked, synced and cached). Originals,
  not thumbnails, because renditions are also kept in a memory cache that would hide the
  bucket. The count of blobs fetched (from /metrics) confirms the cold rounds were cold.

moto is a Python server: its own speed bounds the bucket's figures, so read them as
"proofroom's overhead over talking to the bucket directly", not as S3's speed.
"""

import io
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
import urllib.request

from _proofroom import binary, start

BIG_MB = int(sys.argv[1]) if len(sys.argv) > 1 else 50
SMALL = int(sys.argv[2]) if len(sys.argv) > 2 else 40
BIN = binary()
BUCKET = "bench-bucket"


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close()
    return p


def moto():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(urllib.request.Request(f"{url}/{BUCKET}", method="PUT")); break
        except Exception:
            time.sleep(0.05)
    return proc, url


def api(base, token, path, body=None, data=None, headers=None):
    h = {"Authorization": f"Bearer {token}", **(headers or {})}
    if body is not None:
        data = json.dumps(body).encode(); h["content-type"] = "application/json"
    r = urllib.request.urlopen(urllib.request.Request(base + path, data=data, headers=h))
    return json.loads(r.read() or b"null")


def multipart(name, payload):
    boundary = "benchboundary7MA4YWxkTrZu0gW"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            "Content-Type: image/jpeg\r\n\r\n").encode()
    return head + payload + f"\r\n--{boundary}--\r\n".encode(), {"content-type": f"multipart/form-data; boundary={boundary}"}


def timed(f):
    t = time.perf_counter(); f(); return time.perf_counter() - t


def install(data, env):
    token = subprocess.run([BIN, "--data", data, "token", "create", "--name", "bench"],
                           capture_output=True, text=True, check=True).stdout.strip()
    server, base = start(data, **env)
    gallery = api(base, token, "/api/v1/galleries", {"title": "bench"})["id"]
    return server, base, token, gallery


def drawn(i):
    from PIL import Image, ImageDraw
    img = Image.linear_gradient("L").resize((1200, 800)).convert("RGB")
    d = ImageDraw.Draw(img)
    d.rectangle([i * 13 % 900, i * 7 % 500, i * 13 % 900 + 200, i * 7 % 500 + 200], fill=(i * 37 % 256, 90, 200))
    out = io.BytesIO(); img.save(out, "JPEG", quality=88); return out.getvalue()


def wait_ready(base, token, gallery, n):
    while True:
        photos = api(base, token, f"/api/v1/galleries/{gallery}/photos")
        if len(photos) >= n and all(p["status"] != "pending" for p in photos):
            return photos
        time.sleep(0.2)


def main():
    tmp = tempfile.mkdtemp(prefix="bench-bucket-")
    moto_proc, moto_url = moto()
    import boto3
    s3 = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1",
                      aws_access_key_id="bench", aws_secret_access_key="bench")
    env = {"PROOFROOM_S3_BUCKET": BUCKET, "PROOFROOM_S3_ENDPOINT": moto_url, "PROOFROOM_S3_REGION": "us-east-1",
           "PROOFROOM_S3_ACCESS_KEY_ID": "bench", "PROOFROOM_S3_SECRET_ACCESS_KEY": "bench",
           "PROOFROOM_MAX_UPLOAD_MB": "100000"}
    disk = install(os.path.join(tmp, "disk"), {"PROOFROOM_MAX_UPLOAD_MB": "100000"})
    bucket = install(os.path.join(tmp, "bucket"), env)
    try:
        results = {}
        big_files = []
        for r in range(3):
            payload = b"\xff\xd8\xff\xe0" + os.urandom(BIG_MB * 1_000_000)
            path = os.path.join(tmp, f"big{r}.jpg")
            with open(path, "wb") as f:
                f.write(payload)
            big_files.append((path, payload))
        up = {"disk": [], "bucket": [], "boto3": []}
        for r, (path, payload) in enumerate(big_files):
            body, h = multipart(f"big{r}.jpg", payload)
            for name, (server, base, token, gallery) in (("disk", disk), ("bucket", bucket)):
                up[name].append(timed(lambda: api(base, token, f"/api/v1/galleries/{gallery}/photos", data=body, headers=h)))
            up["boto3"].append(timed(lambda: s3.upload_file(path, BUCKET, f"yardstick/big{r}")))
        results["upload"] = {k: statistics.median(v) for k, v in up.items()}

        photos = {}
        for name, inst in (("disk", disk), ("bucket", bucket)):
            server, base, token, gallery = inst
            for i in range(SMALL):
                body, h = multipart(f"IMG_{i:03}.jpg", drawn(i))
                api(base, token, f"/api/v1/galleries/{gallery}/photos", data=body, headers=h)
            photos[name] = wait_ready(base, token, gallery, SMALL + 3)

        def get(base, url):
            with urllib.request.urlopen(base + url) as r:
                while r.read(1 << 20):
                    pass

        def empty_cache():
            shutil.rmtree(os.path.join(tmp, "bucket", "blobs"))
            os.makedirs(os.path.join(tmp, "bucket", "blobs"))

        down = {}
        for label, inst, cold in (("disk", disk, False), ("bucket", bucket, False), ("bucket, cold", bucket, True)):
            big = next(p for p in photos["disk" if inst is disk else "bucket"] if p["filename"] == "big0.jpg")
            times = []
            for _ in range(3):
                if cold:
                    empty_cache()
                times.append(timed(lambda: get(inst[1], big["original_url"])))
            down[label] = statistics.median(times)
        down["boto3"] = statistics.median(
            timed(lambda: s3.get_object(Bucket=BUCKET, Key="yardstick/big0")["Body"].read()) for _ in range(3))
        results["download"] = down

        # Small originals, not thumbnails: renditions are also served from a memory cache,
        # which would hide the bucket; originals always come through the blob store.
        small = {}
        for label, inst, cold in (("disk", disk, False), ("bucket, cached", bucket, False), ("bucket, cold", bucket, True)):
            key = "disk" if inst is disk else "bucket"
            urls = [p["original_url"] for p in photos[key] if p["filename"].startswith("IMG")]
            if not cold:
                for u in urls:  # warm: the cold download above emptied the cache
                    get(inst[1], u)
            times = []
            for _ in range(10):
                if cold:
                    empty_cache()
                for u in urls:
                    times.append(timed(lambda: get(inst[1], u)))
            times.sort()
            small[label] = (statistics.median(times), times[int(len(times) * 0.99) - 1])
        s3.put_object(Bucket=BUCKET, Key="yardstick/small", Body=drawn(0))
        times = sorted(timed(lambda: s3.get_object(Bucket=BUCKET, Key="yardstick/small")["Body"].read())
                       for _ in range(10 * SMALL))
        small["boto3 get_object"] = (statistics.median(times), times[int(len(times) * 0.99) - 1])
        results["small"] = small
        scrape = urllib.request.urlopen(urllib.request.Request(
            bucket[1] + "/metrics", headers={"Authorization": f"Bearer {bucket[2]}"})).read().decode()
        fetches = re.search(r"^proofroom_blob_cache_fetches(?:_total)? (\S+)", scrape, re.M)
        results["fetches"] = fetches.group(1) if fetches else "?"

        mb = BIG_MB
        print(f"{BIG_MB} MB original, {SMALL} drawn 1200x800 photos; moto on loopback")
        print(f"{'':32}{'disk':>12}{'bucket':>12}{'boto3':>12}{'bucket/(disk+boto3)':>22}")
        u = results["upload"]
        print(f"{'upload s (MB/s)':32}{u['disk']:>7.2f} ({mb / u['disk']:>3.0f}){u['bucket']:>7.2f} ({mb / u['bucket']:>3.0f})"
              f"{u['boto3']:>7.2f} ({mb / u['boto3']:>3.0f}){u['bucket'] / (u['disk'] + u['boto3']):>22.2f}")
        d = results["download"]
        print(f"{'download s (MB/s)':32}{d['disk']:>7.2f} ({mb / d['disk']:>3.0f}){d['bucket']:>7.2f} ({mb / d['bucket']:>3.0f})"
              f"{d['boto3']:>7.2f} ({mb / d['boto3']:>3.0f}){d['bucket'] / (d['boto3']):>16.2f} (/boto3)")
        c = d["bucket, cold"]
        print(f"{'download, cache emptied':32}{'':>12}{c:>7.2f} ({mb / c:>3.0f}){'':>12}{c / d['boto3']:>16.2f} (/boto3)")
        for label, (p50, p99) in small.items():
            print(f"{'small original p50/p99 ms, ' + label:40}{p50 * 1000:>7.2f} / {p99 * 1000:.2f}")
        print(f"blobs fetched from the bucket into the cache: {results['fetches']}")
    finally:
        for inst in (disk, bucket):
            inst[0].terminate()
        moto_proc.terminate()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
