#!/usr/bin/env python3
"""`make bench-serve`: `callscope serve` under load, beside the same files run through `callscope analyze`.

N clients (50 by default) upload a short fixture recording to `POST /api/transcribe/` at once and
wait for the answer (tiny.en, offline analyzer); a client answered 503 waits for `Retry-After`
and sends again. Reported: requests handled per minute, p50/p95 time from first try to result,
how many 503s were answered, the server's peak memory (VmHWM), then the same N files through one
`callscope analyze` process in the same run, and the server's overhead against it (target ≤ 5 %).
Every upload must be stored exactly once; anything else fails the run.

This is a benchmark, not a test: it fails only when an upload is lost, duplicated or refused
with anything but 503, never on the figures. Standard library only.

    python3 scripts/bench_serve.py [--cli target/release/callscope] [--clients 50] [--queue 64] [--clip PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATED = Path(os.environ.get("CALLSCOPE_FIXTURES", ROOT / "tests" / "fixtures" / "generated"))
DEFAULT_CLIP = GENERATED / "librivox" / "sense_and_sensibility_01_austen_64kb-0880.wav"
BOUNDARY = "callscope-bench-boundary"


def multipart(name: str, data: bytes) -> bytes:
    head = (
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return head + data + f"\r\n--{BOUNDARY}--\r\n".encode()


def upload(base: str, name: str, data: bytes, results: dict, lock: threading.Lock) -> None:
    body = multipart(name, data)
    first_try = time.monotonic()
    refused = 0
    while True:
        request = urllib.request.Request(
            f"{base}/api/transcribe/", data=body, method="POST",
            headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=3600) as response:
                answer = json.load(response)
            if answer.get("filename") != name:
                raise SystemExit(f"{name}: answered for {answer.get('filename')!r}")
            break
        except urllib.error.HTTPError as e:
            if e.code != 503:
                raise SystemExit(f"{name}: HTTP {e.code}: {e.read().decode(errors='replace')}")
            refused += 1
            time.sleep(min(int(e.headers.get("Retry-After", "1")), 5))
    with lock:
        results[name] = (time.monotonic() - first_try, refused)


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def start_server(cli: str, data: Path, queue: int) -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen(
        [cli, "serve", "--bind", "127.0.0.1:0", "--queue", str(queue)],
        env={**os.environ, "CALLSCOPE_DATA": str(data)}, stderr=subprocess.PIPE, text=True,
    )
    assert server.stderr is not None
    for line in server.stderr:
        if "listening on http://" in line:
            base = "http://" + line.split("listening on http://", 1)[1].strip()
            threading.Thread(target=lambda: server.stderr.read(), daemon=True).start()
            break
    else:
        raise SystemExit("the server did not start")
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=5):
                return server, base
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise SystemExit("the server did not become ready (is tiny.en installed?)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cli", default=str(ROOT / "target" / "release" / "callscope"))
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--queue", type=int, default=64, help="the server's --queue; below --clients, some uploads get 503 first")
    ap.add_argument("--clip", default=str(DEFAULT_CLIP))
    args = ap.parse_args()
    data = Path(args.clip).read_bytes()
    names = [f"load-{n:03}.wav" for n in range(args.clients)]

    with tempfile.TemporaryDirectory() as tmp:
        served, analysed = Path(tmp, "served"), Path(tmp, "analysed")
        for folder in (served, analysed):
            folder.mkdir()
            subprocess.run([args.cli, "config", "set", "model", "tiny.en"], env={**os.environ, "CALLSCOPE_DATA": str(folder)}, check=True, stdout=subprocess.DEVNULL)

        server, base = start_server(args.cli, served, args.queue)
        results: dict = {}
        lock = threading.Lock()
        started = time.monotonic()
        clients = [threading.Thread(target=upload, args=(base, name, data, results, lock)) for name in names]
        for c in clients:
            c.start()
        for c in clients:
            c.join()
        served_s = time.monotonic() - started
        with urllib.request.urlopen(f"{base}/api/calls?limit=500") as response:
            stored = [c["file_name"] for c in json.load(response)["items"]]
        peak_mb = peak_rss_mb(server.pid)
        server.terminate()
        server.wait(timeout=60)
        if sorted(stored) != sorted(names) or len(results) != len(names):
            raise SystemExit(f"{len(stored)} calls stored for {len(names)} uploads ({len(set(stored))} distinct): lost or duplicated")

        files = []
        for name in names:
            path = Path(tmp, name)
            path.write_bytes(data)
            files.append(str(path))
        started = time.monotonic()
        subprocess.run([args.cli, "analyze", *files], env={**os.environ, "CALLSCOPE_DATA": str(analysed)}, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        analyse_s = time.monotonic() - started

    times = sorted(t for t, _ in results.values())
    refused = sum(r for _, r in results.values())
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(f"callscope serve, {args.clients} concurrent uploads of {Path(args.clip).name} (tiny.en, offline analyzer, --queue {args.queue}):")
    print(f"  {args.clients / served_s * 60:.1f} requests handled per minute ({served_s:.1f} s in all); {refused} answers were 503 with Retry-After")
    print(f"  time to result: p50 {statistics.median(times):.1f} s, p95 {p95:.1f} s")
    print(f"  server peak memory: {peak_mb:.0f} MB")
    print(f"  the same files through `callscope analyze`: {analyse_s:.1f} s; server overhead {100 * (served_s / analyse_s - 1):+.1f} % (target ≤ 5 %)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
