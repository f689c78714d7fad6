"""Interrupted runs: SIGINT mid-run writes a partial report marked incomplete, exits 130, and keeps old cassettes.

The run is a subprocess against a zoo server that holds one request unanswered; the signal is sent once the server
has that request in hand, so the run is certainly mid-flight (no sleeping, no timing).
"""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import threading
from pathlib import Path

from zoo import servers as zoo
from zoo.runs import INTERRUPTIBLE_CLI

from bedrock_conformance.cassettes import read_cassette

# Generous bounds so that a broken run fails the test instead of hanging it; nothing is timed against them.
WAIT = 120


class Holder:
    """A fault that holds the ``n``-th request it sees until the server stops, and says when it has it."""

    def __init__(self, n: int):
        self.n = n
        self.seen = 0
        self.holding = threading.Event()
        self._lock = threading.Lock()

    def applies(self, request: zoo.Incoming) -> bool:
        with self._lock:
            self.seen += 1
            return self.seen == self.n

    def fault(self, conn: zoo.Connection, request: zoo.Incoming) -> bool:
        self.holding.set()
        conn.wait(WAIT)
        return False


def _interrupted_run(url: str, holder: Holder, *extra: str) -> tuple[int, str, str]:
    command = [*INTERRUPTIBLE_CLI, "run", "--target", url, "--examples", "2"]
    process = subprocess.Popen(
        [*command, "--seed", "1", *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert holder.holding.wait(WAIT), "the run never reached the held request"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=WAIT)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    return process.returncode, out, err


def test_sigint_mid_run_writes_an_incomplete_report_and_exits_130(tmp_path: Path) -> None:
    holder = Holder(40)
    report, markdown = tmp_path / "report.json", tmp_path / "report.md"
    with zoo.ZooServer(holder.fault, applies=holder.applies) as server:
        code, out, err = _interrupted_run(
            server.url, holder, "--report-json", str(report), "--report-md", str(markdown)
        )
    assert code == 130
    assert err == "interrupted: the report was written and marked incomplete\n"
    assert "Traceback" not in out
    data = json.loads(report.read_text())
    assert data["complete"] is False
    # Everything answered before the held request is in the report.
    assert data["requests"] == holder.n - 1
    assert "**incomplete (interrupted)**" in markdown.read_text()
    assert out.rstrip().endswith(f"{holder.n - 1} requests (INCOMPLETE: interrupted)")


def _digests(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def test_sigint_while_recording_leaves_the_existing_cassettes_as_they_were(tmp_path: Path) -> None:
    cassettes = tmp_path / "cassettes"
    with zoo.ZooServer(zoo.passthrough) as server:
        command = [sys.executable, "-m", "bedrock_conformance.cli", "run", "--target", server.url, "--examples", "2"]
        first = subprocess.run(
            [*command, "--seed", "1", "--quiet", "--record", str(cassettes)], capture_output=True, text=True
        )
        assert first.returncode == 0, first.stderr
        total = server.count()
    before = _digests(cassettes)
    assert len(before) >= 2
    # Once in the first suite group, once in a later one: neither the group being recorded nor a finished one changes.
    for n in (40, total - 10):
        holder = Holder(n)
        with zoo.ZooServer(holder.fault, applies=holder.applies) as server:
            code, _, err = _interrupted_run(server.url, holder, "--quiet", "--record", str(cassettes))
        assert code == 130, err
        assert _digests(cassettes) == before, n
    for path in cassettes.iterdir():
        assert read_cassette(path)
