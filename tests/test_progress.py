"""A long run shows progress on a terminal, and only there; and it sends generated cases as they are drawn."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import strategies as st

from bedrock_conformance._draw import draw, draw_each
from bedrock_conformance._progress import Progress

RUN = [sys.executable, "-m", "bedrock_conformance.cli", "run", "--seed", "2", "--examples", "2"]


def _run_with_stderr_on_a_terminal(*args: str) -> tuple[int, str, str]:
    """Run the CLI with stderr on a pseudo-terminal and stdout on a pipe: (exit code, stdout, what the tty got)."""
    leader, follower = pty.openpty()
    got: list[bytes] = []

    def read() -> None:
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # EIO: every writer is gone
                return
            if not chunk:
                return
            got.append(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    with subprocess.Popen([*RUN, *args], stdout=subprocess.PIPE, stderr=follower, stdin=subprocess.DEVNULL) as proc:
        os.close(follower)
        out, _ = proc.communicate(timeout=300)
    reader.join(timeout=30)
    os.close(leader)
    return proc.returncode, out.decode(), b"".join(got).decode(errors="replace")


def test_on_a_terminal_run_rewrites_a_progress_line_on_stderr_and_clears_it() -> None:
    code, out, tty = _run_with_stderr_on_a_terminal()
    assert code == 0, tty
    lines = [part for part in tty.split("\r") if part.strip()]
    assert lines, repr(tty)
    assert all(line.startswith("bedrock-conformance: ") for line in lines), repr(tty)
    # The last state: every clause test done, the run's requests counted.
    total = out.count("\n✔ ") + out.count("\n≈ ") + out.count("\n– ") + out.count("\n✘ ")
    assert f"{total}/{total} clauses" in lines[-1]
    requests = out.strip().splitlines()[-1].split("; ")[1].split()[0]
    assert f", {requests} requests (" in lines[-1]
    assert tty.endswith("\r"), repr(tty[-80:])  # cleared for what follows
    assert "\r" not in out


def test_quiet_turns_the_progress_line_off() -> None:
    code, _, tty = _run_with_stderr_on_a_terminal("--quiet")
    assert code == 0
    assert "bedrock-conformance:" not in tty


def test_a_run_whose_stderr_is_not_a_terminal_prints_no_progress(tmp_path: Path) -> None:
    done = subprocess.run(RUN, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL, check=False)
    assert done.returncode == 0
    assert "\r" not in done.stderr and "bedrock-conformance:" not in done.stderr


def test_progress_shows_clauses_requests_and_rate_and_stops_cleanly() -> None:
    now = [100.0]
    stream = io.StringIO()
    sent = [0]
    progress = Progress(stream, lambda: sent[0], interval=3600, clock=lambda: now[0])
    progress.total = 71
    progress.start()
    progress.done, sent[0], now[0] = 12, 300, 102.0
    progress.draw()
    progress.stop()
    progress.stop()
    text = stream.getvalue()
    assert text.startswith("\rbedrock-conformance: 0/71 clauses, 0 requests (0/s)")
    assert "\rbedrock-conformance: 12/71 clauses, 300 requests (150/s)" in text
    width = len("bedrock-conformance: 12/71 clauses, 300 requests (150/s)")
    assert text.endswith("\r" + " " * width + "\r")


# ------------------------------------------------------------------------------------------------ streamed draws
def test_each_value_is_handed_over_as_it_is_drawn_in_the_order_draw_returns() -> None:
    strategy = st.text(alphabet="abc:/-", min_size=1, max_size=12)
    seen: list[str] = []
    draw_each(strategy, 40, 9, "salt", seen.append)
    assert seen == draw(strategy, 40, 9, "salt")
    assert len(seen) == 40


def test_what_the_callback_does_never_changes_what_is_drawn() -> None:
    strategy = st.integers(0, 10**9)
    slow: list[int] = []

    def busy(value: int) -> None:
        slow.append(value)
        sum(range(2000))  # work between draws, as sending a request is

    draw_each(strategy, 30, 4, "x", busy)
    assert slow == draw(strategy, 30, 4, "x")


def test_an_error_in_the_callback_stops_the_calls_and_is_raised_once_without_a_replay() -> None:
    calls: list[int] = []

    def fails_on_third(value: int) -> None:
        calls.append(value)
        if len(calls) == 3:
            raise ConnectionError("target went away")

    with pytest.raises(ConnectionError, match="target went away"):
        draw_each(st.integers(), 20, 1, "y", fails_on_third)
    assert len(calls) == 3
