"""Replaying cassettes offline: a transport that answers from recorded interactions, with the network blocked."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .._http import DUMMY, NOT_RECORDED, Exchange, Request, Transport
from .format import CassetteError, Interaction, read_directory


@contextlib.contextmanager
def network_blocked() -> Iterator[None]:
    """Every socket connect fails loudly while replaying: a replay never reaches a live endpoint."""
    original = socket.socket.connect

    def refuse(self: socket.socket, address: Any) -> None:
        raise PermissionError(f"network access is blocked during replay (tried {address!r})")

    socket.socket.connect = refuse  # type: ignore[method-assign, assignment]
    try:
        yield
    finally:
        socket.socket.connect = original  # type: ignore[method-assign]


class ReplayTransport(Transport):
    """Answers requests from recorded interactions, in recorded order per (method, path and query).

    A complete recording must hold every request the run makes (a missing one is fatal: the run has diverged).
    A partial one (reconstructed from published bodies) answers NOT_RECORDED, and the checks that needed it skip.
    Besides sending, it is the recording the engine's ``Replay`` describes: what was recorded, for which check,
    and how (``meta``: the recording's metadata).
    """

    def __init__(
        self,
        interactions: list[Interaction],
        region: str,
        *,
        partial: bool = False,
        max_attempts: int | None = None,
        meta: dict[str, Any] | None = None,
    ):
        super().__init__("http://replay.invalid", region, DUMMY)
        self.meta: dict[str, Any] = meta if meta is not None else {}
        if max_attempts is not None:
            self.options.max_attempts = max_attempts
        self.partial = partial
        self.group: str | None = None
        # A retried request was recorded once per attempt: each request is the run of attempts its retry policy
        # made (every attempt was answered, or vcrpy would not have recorded it, so the answers decide).
        self._queues: dict[tuple[str, str], list[list[Interaction]]] = {}
        for interaction in interactions:
            request = interaction.exchange.request
            queue = self._queues.setdefault((request.method, request.path), [])
            last = queue[-1] if queue else None
            if last is not None and self._retried(last):
                last.append(interaction)
            else:
                queue.append([interaction])
        # What each request came to (the last attempt's answer), in recorded order: what is judged again offline.
        finals = {id(sends[-1]) for queue in self._queues.values() for sends in queue}
        self.interactions = [i for i in interactions if id(i) in finals]

    def _retried(self, attempts: list[Interaction]) -> bool:
        exchange = attempts[-1].exchange
        return self._should_retry(exchange.request, exchange, False, len(attempts) - 1)

    def send(self, request: Request) -> Exchange:
        queue = self._queues.get((request.method, request.path))
        if not queue and self.partial:
            return Exchange(request, None, NOT_RECORDED, 0.0)
        if not queue:
            where = self.group or "cassettes"
            raise CassetteError(f"{where}: no recorded interaction for {request.method} {request.path}")
        attempts = queue.pop(self._own(queue))
        with self._lock:
            self.sent += len(attempts)
        return Exchange(request, attempts[-1].exchange.response, None, 0.0, len(attempts))

    def _own(self, queue: list[list[Interaction]]) -> int:
        """Where in ``queue`` the suite now running finds its request: the first one recorded in its own cassette
        (``group``), else the first one at all. A suite that judges its recordings without re-sending them (the
        write request clauses) leaves them queued, and the next suite must not be answered from them."""
        own = Path(self.group).name if self.group else None
        return next((i for i, sends in enumerate(queue) if sends[0].path.name == own), 0)

    def holds(self, request: Request) -> bool:
        """Whether some recorded interaction is this request (by method, path and query)."""
        return (request.method, request.path) in self._queues

    def tagged(self, check: str) -> list[Interaction]:
        return [i for i in self.interactions if i.check == check]

    def close(self) -> None:
        return None


def open_replay(directory: Path) -> tuple[ReplayTransport, dict[str, Any]]:
    """One set's cassettes as a transport; a directory of several sets names them instead of mixing them."""
    if directory.is_dir() and not any(directory.glob("*.yaml")):
        sets = sorted({p.parent.relative_to(directory).as_posix() for p in directory.rglob("*.yaml")})
        if sets:
            raise CassetteError(
                f"{directory}: holds {len(sets)} cassette sets ({', '.join(sets)}); replay one, "
                f"e.g. replay:{(directory / sets[0]).as_posix()}"
            )
    interactions = read_directory(directory)
    meta = dict(interactions[0].meta) if interactions else {}
    partial = bool(meta.get("partial"))
    # Recordings made with the default number of attempts do not say it.
    attempts = int(meta["max_attempts"]) if "max_attempts" in meta else None
    region = str(meta.get("region", "us-east-1"))
    return ReplayTransport(interactions, region, partial=partial, max_attempts=attempts, meta=meta), meta
