"""A long run's progress line on a terminal: clauses done, requests sent and their rate, rewritten in place."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TextIO

INTERVAL = 0.25  # at most four rewrites a second


class Progress:
    """Rewrites one line of ``stream`` with ``\\r`` every ``interval`` seconds from a thread of its own, until
    ``stop()`` clears it. It shows the first state as soon as it starts and the last one before it clears."""

    def __init__(
        self,
        stream: TextIO,
        requests: Callable[[], int] | None,
        *,
        interval: float = INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.stream = stream
        self.requests = requests
        self.interval = interval
        self.clock = clock
        self.done = 0
        self.total: int | None = None
        self._started = clock()
        self._width = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="bedrock-conformance-progress", daemon=True)

    def start(self) -> None:
        self._started = self.clock()
        self.draw()
        self._thread.start()

    def line(self) -> str:
        clauses = f"{self.done}/{self.total}" if self.total else str(self.done)
        parts = [f"bedrock-conformance: {clauses} clauses"]
        if self.requests is not None:
            sent = self.requests()
            elapsed = max(self.clock() - self._started, 1e-9)
            parts.append(f"{sent} requests ({sent / elapsed:.0f}/s)")
        return ", ".join(parts)

    def draw(self) -> None:
        with self._lock:
            text = self.line()
            self._write("\r" + text + " " * max(0, self._width - len(text)))
            self._width = len(text)

    def _run(self) -> None:
        while not self._stopping.wait(self.interval):
            self.draw()

    def stop(self) -> None:
        """Draw the last state, then clear the line for what the run prints next. Stopping twice is harmless."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join()
        self.draw()
        with self._lock:
            self._write("\r" + " " * self._width + "\r")

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: progress is not worth failing the run for
            self._stopping.set()
