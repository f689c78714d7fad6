"""The reference mock under load: 50 concurrent keep-alive clients x 2,000 requests, errors counted, memory watched.

Run from the checkout: ``python benchmarks/mock_load.py`` (or ``python -m benchmarks.mock_load``). The mock runs in
its own process (``python -m bedrock_conformance.mock``), so its resident memory is read from /proc/<pid>/status
without the clients' memory mixed in. Clients are threads spread over a few processes, so the load generator is not
held to one core by the GIL. Every request has one expected status; anything else, and every transport error, is
an unexpected error. This is a benchmark, not a test: it prints figures and exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

REGION = "us-east-1"
CREDENTIALS = Credentials("AKIDMOCKLOAD00000000", "mock-load-secret-key-00000000000000000000")
GROWTH_LIMIT_MB = 50.0
# (name, path, expected status): a known profile, an unknown one, an invalid identifier, and the list.
MIX = (
    ("get", "/inference-profiles/" + quote("us.anthropic.claude-3-haiku-20240307-v1:0", safe=""), 200),
    ("not-found", "/inference-profiles/us.acme.nothing-here-v1%3A0", 404),
    ("invalid", "/inference-profiles/" + quote("bad id!", safe=""), 400),
    ("list", "/inference-profiles", 200),
)


@dataclass
class Tally:
    """What some clients sent and got."""

    requests: int = 0
    unexpected: int = 0
    reconnects: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)

    def add(self, other: Tally) -> None:
        self.requests += other.requests
        self.unexpected += other.unexpected
        self.reconnects += other.reconnects
        self.kinds.update(other.kinds)
        self.errors.update(other.errors)


def _signed(host: str, port: int, path: str) -> dict[str, str]:
    """SigV4 headers for ``GET path``, signed once per client and reused (the mock accepts any well-formed one)."""
    request = AWSRequest("GET", f"http://{host}:{port}{path}", headers={"Accept": "application/json"})
    SigV4Auth(CREDENTIALS, "bedrock", REGION).add_auth(request)
    return {k: str(v) for k, v in request.headers.items()}


def _client(host: str, port: int, requests: int, offset: int, tally: Tally) -> None:
    headers = {path: _signed(host, port, path) for _, path, _ in MIX}
    conn = http.client.HTTPConnection(host, port, timeout=30)
    for index in range(requests):
        name, path, expected = MIX[(index + offset) % len(MIX)]
        try:
            conn.request("GET", path, headers=headers[path])
            response = conn.getresponse()
            response.read()
            if response.status != expected:
                tally.unexpected += 1
                tally.errors[f"{name}: HTTP {response.status}"] += 1
            if response.will_close:
                tally.reconnects += 1
                conn.close()
        except (OSError, http.client.HTTPException) as exc:
            tally.unexpected += 1
            tally.errors[f"{name}: {type(exc).__name__}"] += 1
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=30)
        tally.requests += 1
        tally.kinds[name] += 1
    conn.close()


def _worker(url: str, clients: int, requests: int, first: int, start: float, queue: multiprocessing.Queue) -> None:
    """One load process: ``clients`` threads, each one keep-alive connection sending ``requests`` requests."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", int(parts.port or 80)
    tallies = [Tally() for _ in range(clients)]
    threads = [
        threading.Thread(target=_client, args=(host, port, requests, first + i, tally))
        for i, tally in enumerate(tallies)
    ]
    # Every process starts at the same wall-clock instant, so the clients really are concurrent.
    while time.time() < start:
        time.sleep(0.001)
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = Tally()
    for tally in tallies:
        total.add(tally)
    queue.put((total, time.perf_counter() - began))


def _memory(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (peak) of a process, in MB, from /proc."""
    found: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) / 1024
    return found


def _start_mock() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "bedrock_conformance.mock", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    if not url.startswith("http://"):
        process.kill()
        raise SystemExit(f"the mock did not start (first line {url!r})")
    return process, url


def _load(url: str, clients: int, requests: int, processes: int) -> tuple[Tally, float]:
    """All clients' tally and the wall time of the slowest process."""
    queue: multiprocessing.Queue = multiprocessing.Queue()
    per_process = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    start = time.time() + 1.0
    workers = []
    first = 0
    for count in per_process:
        worker = multiprocessing.Process(target=_worker, args=(url, count, requests, first, start, queue))
        worker.start()
        workers.append(worker)
        first += count
    results = [queue.get() for _ in workers]
    for worker in workers:
        worker.join()
    total = Tally()
    for tally, _ in results:
        total.add(tally)
    return total, max(seconds for _, seconds in results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mock_load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000, help="requests per client")
    parser.add_argument("--processes", type=int, default=5, help="load-generating processes the clients share")
    parser.add_argument("--warmup", type=int, default=500, help="requests per client in the warm-up round")
    args = parser.parse_args(argv)
    process, url = _start_mock()
    try:
        started = _memory(process.pid)
        _load(url, min(args.clients, 10), args.warmup, min(args.processes, 2))
        warm = _memory(process.pid)
        total, wall = _load(url, args.clients, args.requests, args.processes)
        after = _memory(process.pid)
        # A second identical round tells a one-off buffer from a leak that grows with every request.
        again, wall2 = _load(url, args.clients, args.requests, args.processes)
        final = _memory(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)
    growth = after["VmRSS"] - warm["VmRSS"]
    second = final["VmRSS"] - after["VmRSS"]
    print(f"mock: {url} (pid {process.pid}); load: {args.clients} clients x {args.requests} requests, keep-alive")
    print(
        f"round 1: {total.requests} requests in {wall:.1f} s ({total.requests / wall:,.0f}/s), "
        f"{total.unexpected} unexpected, {total.reconnects} reconnects; mix {dict(total.kinds)}"
    )
    print(
        f"round 2: {again.requests} requests in {wall2:.1f} s ({again.requests / wall2:,.0f}/s), "
        f"{again.unexpected} unexpected, {again.reconnects} reconnects"
    )
    for name, count in (total.errors + again.errors).most_common(10):
        print(f"  unexpected: {name} x{count}")
    print(
        f"mock RSS: {started['VmRSS']:.1f} MB at start, {warm['VmRSS']:.1f} MB after warm-up, "
        f"{after['VmRSS']:.1f} MB after round 1, {final['VmRSS']:.1f} MB after round 2; peak {final['VmHWM']:.1f} MB"
    )
    print(f"growth in round 1: {growth:+.1f} MB (limit {GROWTH_LIMIT_MB:g} MB); in round 2: {second:+.1f} MB")
    ok = total.unexpected == 0 and again.unexpected == 0 and growth < GROWTH_LIMIT_MB
    print("OK" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
