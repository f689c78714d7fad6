"""A loopback HTTP server that answers every request with one canned answer, and remembers what it was sent.

The SDK suites use it for what the reference mock never answers on purpose: bodies generated from the
schemas (valid and AWS-deviating ones), and errors typed or worded the other ways AWS types and words them.
It also shows the raw request target an SDK sent, so that the label's encoding can be checked byte for byte.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


@dataclass(frozen=True)
class Canned:
    """One answer: status, headers and body bytes."""

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass(frozen=True)
class Seen:
    """One request as it arrived: the method, the raw request target (still percent-encoded) and the headers."""

    method: str
    target: str
    headers: Mapping[str, str]

    @property
    def path(self) -> str:
        return self.target.partition("?")[0]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: one line per request would drown the run's output."""

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        # The raw target: self.path is rewritten by http.server when it starts with '//'.
        target = self.requestline.split()[1] if len(self.requestline.split()) >= 2 else self.path
        answer = self.server.record(Seen(self.command, target, dict(self.headers.items())))
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.answer = Canned(404)
        self.seen: list[Seen] = []

    def record(self, seen: Seen) -> Canned:
        with self.lock:
            self.seen.append(seen)
            return self.answer


class CannedServer:
    """``with CannedServer() as server: server.set(Canned(...)); ...; server.seen``."""

    def __init__(self) -> None:
        self._server = _Server()
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="sdk-canned", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def set(self, answer: Canned) -> None:
        """Answer every request with ``answer`` from now on, and forget the requests seen so far."""
        with self._server.lock:
            self._server.answer = answer
            self._server.seen = []

    @property
    def seen(self) -> list[Seen]:
        with self._server.lock:
            return list(self._server.seen)

    def __enter__(self) -> CannedServer:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
