"""The HTTP/1.1 layer: framing, limits, keep-alive, and the ``MockServer`` context manager."""

from __future__ import annotations

import contextlib
import http
import random
import socket
import socketserver
import sys
import threading
import traceback
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.message import Message
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from .._exchange import SERVER
from . import _catalogue
from ._answers import MockError, answer, limit, type_header
from ._auth import DenyRule
from ._service import Reply, Request, Service
from ._traffic import FaultInjector, RateLimiter

DEFAULT_HOST = "127.0.0.1"
DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"

# How long a closing connection keeps reading input the client is still sending, so it reads our answer.
_LINGER_SECONDS = 1.0
# An idle keep-alive connection is dropped after this long.
_IDLE_SECONDS = 60.0


@dataclass(frozen=True)
class Answer:
    """One answer as the mock sends it: status, headers in order (Content-Length included, Connection not: that is
    the connection's business), body. ``close`` and ``linger`` say what the connection does after it."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    close: bool = False
    linger: bool = False


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


class _Answers:
    """Requests to answers, headers included: what the HTTP layer sends, and what ``MockServer.answer`` returns."""

    def __init__(self, service: Service, seed: int) -> None:
        self.service = service
        # Seeded, so that a single-client recording against the mock is reproducible byte for byte.
        self._ids = random.Random(seed)
        self._ids_lock = threading.Lock()

    def request_id(self) -> uuid.UUID:
        with self._ids_lock:
            return uuid.UUID(int=self._ids.getrandbits(128), version=4)

    def answer(self, method: str, target: str, headers: Message, body: bytes) -> Answer:
        path, _, query = target.partition("?")
        try:
            reply = self.service.handle(Request(method, path, query, headers, body))
        except MockError as error:
            return self.of_error(error)
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            return self.of_error(answer("internalError", problem=f"{type(exc).__name__}: {exc}"))
        return self._framed(reply, ())

    def of_error(self, error: MockError) -> Answer:
        reply = Reply(error.status, error.body())
        return self._framed(reply, [(type_header(), error.header())], close=error.close, linger=error.linger)

    def _framed(
        self, reply: Reply, extra: Iterable[tuple[str, str]], *, close: bool = False, linger: bool = False
    ) -> Answer:
        headers = (
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(reply.body))),
            ("x-amzn-RequestId", str(self.request_id())),
            ("Date", formatdate(usegmt=True)),
            ("Server", SERVER),
            *extra,
        )
        return Answer(reply.status, headers, reply.body, close, linger)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Without this, keep-alive responses stall ~40 ms on Nagle + delayed ACK.
    disable_nagle_algorithm = True
    server_version = SERVER
    sys_version = ""
    timeout = _IDLE_SECONDS
    server: _HTTPServer

    def handle(self) -> None:
        self.server.track(self.connection)
        try:
            super().handle()
        except (OSError, ValueError):
            # The client went away or the server is closing its sockets: nothing left to answer.
            self.close_connection = True
        finally:
            self.server.untrack(self.connection)

    def handle_one_request(self) -> None:
        line_limit = limit("requestLineTooLong")
        self.raw_requestline = self.rfile.readline(line_limit + 1)
        if len(self.raw_requestline) > line_limit:
            self._send_error(answer("requestLineTooLong", linger=True, limit=line_limit), head=False)
            return
        if not self.raw_requestline:
            self.close_connection = True
            return
        if not self.parse_request():
            return
        self._serve()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # http.server reports framing problems (request line, headers) here; answer them typed, like the rest.
        problem = message or http.HTTPStatus(code).phrase
        self._send_error(answer("malformedHttp", close=True, problem=problem), head=False)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a mock serving thousands of requests a second should not write a line for each."""

    def _serve(self) -> None:
        # The raw target: http.server rewrites a leading '//' in self.path, and routing must see what was sent.
        target = self.requestline.split()[1]
        head = self.command == "HEAD"
        try:
            body = self._read_body()
        except MockError as error:
            self._send_error(error, head=head)
            return
        self._write(self.server.answers.answer(self.command, target, self.headers, body), head=head)

    def _read_body(self) -> bytes:
        if "Transfer-Encoding" in self.headers:
            raise answer("malformedHttp", close=True, problem="Transfer-Encoding is not supported; send Content-Length")
        lengths = self.headers.get_all("Content-Length") or []
        if not lengths:
            return b""
        text = lengths[0].strip()
        if len(set(lengths)) > 1 or not (text.isascii() and text.isdigit()):
            raise answer("malformedHttp", close=True, problem=f"invalid Content-Length {', '.join(lengths)!r}")
        size = int(text)
        body_limit = limit("bodyTooLarge")
        if size > body_limit:
            raise answer("bodyTooLarge", linger=True, limit=body_limit)
        body = self.rfile.read(size)
        if len(body) < size:
            raise answer("malformedHttp", close=True, problem=f"the body ended after {len(body)} of {size} bytes")
        return body

    def _send_error(self, error: MockError, *, head: bool) -> None:
        self._write(self.server.answers.of_error(error), head=head)

    def _write(self, sent: Answer, *, head: bool) -> None:
        if sent.close:
            self.close_connection = True
        lines = [f"HTTP/1.1 {sent.status} {_reason(sent.status)}"]
        lines += [f"{name}: {value}" for name, value in sent.headers]
        if self.close_connection:
            lines.append("Connection: close")
        head_bytes = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        # Counted before it leaves, so a client that has its answer always sees it counted.
        self.server.counter.add()
        # One write per response: headers and body leave in the same segment.
        self.wfile.write(head_bytes if head else head_bytes + sent.body)
        if sent.linger:
            self._linger()

    def _linger(self) -> None:
        try:
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(_LINGER_SECONDS)
            while self.connection.recv(65536):
                pass
        except OSError:
            pass


class _Counter:
    """Responses sent, shared by every handler thread."""

    def __init__(self) -> None:
        self._value = 0
        self._lock = threading.Lock()

    def add(self) -> None:
        with self._lock:
            self._value += 1

    @property
    def value(self) -> int:
        with self._lock:
            return self._value

    def reset(self) -> None:
        with self._lock:
            self._value = 0


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # Closing must not wait for idle keep-alive connections; stop() closes their sockets instead.
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], answers: _Answers, counter: _Counter) -> None:
        self.answers = answers
        self.counter = counter
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host up with getfqdn, a DNS round trip the mock has no use for.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    def track(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.add(connection)

    def untrack(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.discard(connection)

    def close_connections(self) -> None:
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class MockServer:
    """The reference mock of the Bedrock inference-profile API, served over HTTP/1.1 on a thread.

    ARNs carry the region of each request's SigV4 credential scope and ``account``. ``region`` names the
    catalogue region whose profiles are served to requests signed for a region the catalogue does not list.
    ``catalogue`` is a JSON file path (None: the bundled catalogue); ``credentials`` maps access keys to
    secret keys (None: any well-formed SigV4 is accepted unverified); ``deny`` holds rules such as
    ``key:AKIA*``, ``resource:*claude*`` or ``action:bedrock:Delete*``; ``rate_limit`` is requests per
    second per access key; ``faults`` maps modelled error names to probabilities, drawn with ``seed``
    (which also fixes the IDs of created application profiles). Access-denied messages name the caller
    ``user/<access key>``.
    """

    def __init__(
        self,
        host: str = DEFAULT_HOST,
        port: int = 0,
        region: str = DEFAULT_REGION,
        account: str = DEFAULT_ACCOUNT,
        catalogue: str | Path | None = None,
        credentials: Mapping[str, str] | None = None,
        deny: Iterable[str] = (),
        rate_limit: float | None = None,
        faults: Mapping[str, float] | None = None,
        seed: int = 0,
        clock: str | None = None,
    ) -> None:
        if _catalogue.partition_of(region) is None:
            raise ValueError(f"region {region!r} is in no AWS partition")
        if credentials is not None and not all(
            isinstance(k, str) and isinstance(v, str) for k, v in credentials.items()
        ):
            raise ValueError("credentials must map access key IDs to secret keys, both strings")
        self.host = host
        self.port = port
        self.region = region
        self.account = account
        self._service = Service(
            region=region,
            account=account,
            catalogue=_catalogue.load_checked(catalogue, account),
            credentials=credentials,
            deny=[DenyRule.parse(rule) for rule in deny],
            limiter=RateLimiter(rate_limit) if rate_limit is not None else None,
            faults=FaultInjector(faults, seed) if faults else None,
            seed=seed,
            clock=clock,
        )
        self.seed = seed
        self._answers = _Answers(self._service, seed)
        self._counter = _Counter()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> MockServer:
        """Bind and serve on a daemon thread; returns self once the socket is listening."""
        if self._httpd is not None:
            return self
        httpd = _HTTPServer((self.host, self.port), self._answers, self._counter)
        self._httpd = httpd
        self.port = httpd.server_address[1]
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            # stop() waits up to one poll interval; a short one keeps per-test fixtures cheap.
            kwargs={"poll_interval": 0.02},
            name=f"bedrock-mock:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close the listening socket and every open connection."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        httpd.close_connections()
        if self._thread is not None:
            self._thread.join()

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def request_count(self) -> int:
        """Responses sent since start (or the last reset_count), errors included."""
        return self._counter.value

    def reset_count(self) -> None:
        self._counter.reset()

    def answer(self, method: str, target: str, headers: Message, body: bytes = b"") -> Answer:
        """Answer one request in this process, as the HTTP layer answers it once the request is framed: ``target`` is
        the request target as sent (path and query, still percent-encoded). The answer is not counted as sent, and
        what the connection would do after it (``close``, ``linger``) is the caller's business."""
        return self._answers.answer(method, target, headers, body)

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
