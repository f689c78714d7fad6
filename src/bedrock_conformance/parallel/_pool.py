"""The directory where a run's pytest-xdist workers leave their results for each other."""

from __future__ import annotations

import os
import pickle
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .._engine import Recorder
from .._share import Share

POLL_SECONDS = 0.02
# How long a worker waits for another one to start, or for a replacement of one that died, before it gives up.
START_SECONDS = 300.0
REPLACE_SECONDS = 30.0


class PoolError(Exception):
    """Another worker went down before it shared its results."""


class Pool:
    """The directory where the workers of one run leave their results for each other."""

    def __init__(self, directory: Path, share: Share):
        self.directory = directory
        self.share = share

    def _file(self, kind: str, index: int) -> Path:
        return self.directory / f"{kind}-{index}"

    def announce(self) -> None:
        """Say which process sends this share, so that the others can tell when it has died."""
        self._write("alive", str(os.getpid()).encode())

    def publish(self, recorder: Recorder, fatal: str | None) -> None:
        """Leave this worker's results (and why it stopped, if it did) for the others."""
        self._write("share", pickle.dumps((recorder.state(), fatal)))

    def _write(self, kind: str, data: bytes) -> None:
        target = self._file(kind, self.share.index)
        partial = target.with_name(f".{target.name}.{os.getpid()}")
        partial.write_bytes(data)
        partial.replace(target)  # atomic: a reader sees the whole file or none

    def gather(self, own: Recorder) -> tuple[Recorder, str | None]:
        """Every worker's results, this one's included, once all have published; and the first reason to stop."""
        pooled = Recorder()
        pooled.merge(own.state())
        fatal: str | None = None
        for index in range(self.share.count):
            if index == self.share.index:
                continue
            # Written by a sibling worker of this run, into the directory our own controller created.
            state, theirs = pickle.loads(self._await(index))
            pooled.merge(state)
            fatal = fatal or theirs
        return pooled, fatal

    def _await(self, index: int) -> bytes:
        share, alive = self._file("share", index), self._file("alive", index)
        started = time.monotonic()
        dead_since: float | None = None
        while not share.exists():
            now = time.monotonic()
            if not alive.exists():
                if now - started > START_SECONDS:
                    raise PoolError(f"pytest-xdist worker {index + 1} of {self.share.count} never started")
            elif _running(alive):
                dead_since = None
            else:
                dead_since = dead_since or now
                if now - dead_since > REPLACE_SECONDS:
                    raise PoolError(
                        f"pytest-xdist worker {index + 1} of {self.share.count} went down before sharing its results"
                    )
            time.sleep(POLL_SECONDS)
        return share.read_bytes()


def _running(alive: Path) -> bool:
    try:
        os.kill(int(alive.read_text(encoding="ascii")), 0)
    except (ValueError, OSError):
        return False
    return True


def pool_from(workerinput: dict[str, Any], key: str) -> Pool | None:
    """The pool a worker's controller set up, or None (serial, ``--dist each``, a remote or replaying worker)."""
    given = workerinput.get(key)
    if not given:
        return None
    directory = Path(given["directory"])
    if not directory.is_dir():  # a worker on another machine cannot see it: it judges from its own results
        return None
    return Pool(directory, Share(int(given["index"]), int(given["count"])))


def published(directory: Path) -> Iterator[tuple[int, dict[str, Any], str | None]]:
    """Every share left in ``directory``: its index, its recorder's state, and why its worker stopped, if it did."""
    for path in sorted(directory.glob("share-*")):
        # Written by a worker of this run, into the directory this controller created.
        state, fatal = pickle.loads(path.read_bytes())
        yield int(path.name.rpartition("-")[2]), state, fatal
