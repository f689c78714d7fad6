"""pytest-xdist: each worker sends its share of a run's requests, then every worker judges from all of them.

Under ``-n N`` the controller names a directory that its workers share and gives each worker a share index. Before
its first test, worker k of N sends its part of the run: 1/N of each request clause's cases (it draws its own 1/N of
the generated ones, so generation is split too), and whole suites' exercises dealt out between workers (the List
pages go to worker 0). It writes what it recorded into the directory, waits for the other workers' records, and
judges every clause from all of them, so each test's outcome is the clause's outcome in the merged report. The
controller merges only each worker's own results into that report, so nothing is counted twice.
"""

from __future__ import annotations

import os
import pickle
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ._engine import Recorder

T = TypeVar("T")

POLL_SECONDS = 0.02
# How long a worker waits for another one to start, or for a replacement of one that died, before it gives up.
START_SECONDS = 300.0
REPLACE_SECONDS = 30.0


@dataclass(frozen=True)
class Share:
    """Worker ``index`` of ``count``: which part of the run it sends."""

    index: int
    count: int

    def part(self, values: Sequence[T]) -> list[T]:
        """Every count-th value, from this worker's index: the explicit cases are dealt out, not drawn."""
        return list(values[self.index :: self.count])

    def quota(self, total: int, handicap: int = 0) -> int:
        """This worker's number of the ``total`` generated cases; the quotas add up to ``total``.

        The worker dealt the first whole exercise draws ``handicap`` cases of its own on top, so it takes fewer of
        these: enough fewer that every worker draws about as many in all.
        """
        if self.count == 1:
            return total
        light = max(0, min(total, round((total - handicap * (self.count - 1)) / self.count)))
        if self.deals(0):
            return light
        rest, others = total - light, self.count - 1
        return rest // others + (1 if self.index < rest % others else 0)

    def salt(self, salt: str) -> str:
        """The draw salt for this worker's cases: the same seed and -n send the same requests."""
        return f"{salt}#{self.index + 1}/{self.count}"

    def deals(self, unit: int) -> bool:
        """Whether whole exercise ``unit`` (0, 1, ...) falls to this worker: from the last worker down, since
        worker 0 also checks the List pages."""
        return (self.count - 1 - unit) % self.count == self.index


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
