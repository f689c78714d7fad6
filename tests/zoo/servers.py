"""A zoo of misbehaving loopback servers: each answers with one fault, passing everything else to the reference mock.

``ZooServer(fault, applies=...)`` listens on 127.0.0.1, reads each request, and either hands it to ``fault`` (when
``applies(request)``) or relays it to a private ``MockServer``. Every request it reads is recorded, so tests can
count requests, see their methods and read their headers. Faults that stall wait on the server's stop event, so
stopping the server never waits for them.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import ssl
import struct
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, BinaryIO

from bedrock_conformance.mock import MockServer

LIST_PATH = "/inference-profiles"
# Taken before vcrpy can patch http.client: a run that records in this process must not record the zoo's own relay.
_HTTPConnection = http.client.HTTPConnection
HTML_PAGE = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n"
NOT_JSON = b"OK, here is your profile\n"


@dataclass
class Incoming:
    """One request as the zoo server read it off the wire."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        return self.target.partition("?")[0]

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def is_get(self) -> bool:
        """A GetInferenceProfile request (GET /inference-profiles/<label>)."""
        return self.method == "GET" and self.path.startswith(LIST_PATH + "/") and len(self.path) > len(LIST_PATH) + 1


@dataclass
class Answer:
    """What the reference mock answered to a relayed request."""

    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


# Framing headers the zoo recomputes for every answer it writes.
_FRAMING = {"content-length", "transfer-encoding", "connection"}


@dataclass
class Connection:
    """One accepted client connection, with helpers for writing well- and ill-formed answers."""

    sock: socket.socket
    server: ZooServer
    reader: BinaryIO | None = None

    def upstream(self, request: Incoming) -> Answer:
        """The reference mock's answer to ``request``."""
        return self.server.relay(request)

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def head(
        self,
        status: int,
        reason: str,
        headers: Iterable[tuple[str, str]],
        *,
        version: str = "HTTP/1.1",
        length: int | None = None,
        extra: Iterable[tuple[str, str]] = (),
    ) -> bytes:
        lines = [f"{version} {status} {reason}"]
        lines += [f"{k}: {v}" for k, v in headers if k.lower() not in _FRAMING]
        if length is not None:
            lines.append(f"Content-Length: {length}")
        lines += [f"{k}: {v}" for k, v in extra]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def answer(self, answer: Answer, *, version: str = "HTTP/1.1") -> None:
        self.send(self.head(answer.status, answer.reason, answer.headers, version=version, length=len(answer.body)))
        self.send(answer.body)

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; True if the server is stopping."""
        return self.server.stopping.wait(seconds)

    def reset(self) -> None:
        """Abort the connection with a TCP RST instead of a clean close."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            if self.reader is not None:
                self.reader.close()
            self.sock.close()


# A fault answers one request on a connection; it returns True to keep the connection open for the next one.
Fault = Callable[[Connection, Incoming], bool]


def everything(request: Incoming) -> bool:
    return True


def gets(request: Incoming) -> bool:
    return request.is_get


@dataclass
class ZooServer:
    """A loopback HTTP server with one fault, optionally behind TLS, relaying other requests to a mock."""

    fault: Fault
    applies: Callable[[Incoming], bool] = everything
    tls: ssl.SSLContext | None = None
    mock_options: dict[str, Any] = field(default_factory=dict)
    requests: list[Incoming] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._listener: socket.socket | None = None
        self.mock: MockServer | None = None
        self.port = 0
        self._upstream = threading.local()

    @property
    def url(self) -> str:
        scheme = "https" if self.tls is not None else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    def start(self) -> ZooServer:
        self.mock = MockServer(**self.mock_options).start()
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        self._listener = listener
        self.port = listener.getsockname()[1]
        self._spawn(self._accept_loop)
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(timeout=5)
        if self.mock is not None:
            self.mock.stop()

    def __enter__(self) -> ZooServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # ------------------------------------------------------------------------------------------------ what was seen
    def methods(self) -> list[str]:
        with self._lock:
            return [r.method for r in self.requests]

    def count(self) -> int:
        with self._lock:
            return len(self.requests)

    # ------------------------------------------------------------------------------------------------ machinery
    def _spawn(self, target: Callable[..., None], *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True, name=f"zoo:{self.port}")
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        assert self._listener is not None
        while not self.stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            self._spawn(self._serve, sock)

    def _serve(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.add(sock)
        try:
            sock.settimeout(30)
            # Faults write in many small pieces; without this each one waits out Nagle and delayed ACKs.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.tls is not None:
                try:
                    sock = self.tls.wrap_socket(sock, server_side=True)
                except (OSError, ssl.SSLError):
                    return
                with self._lock:
                    self._sockets.add(sock)
            reader = sock.makefile("rb")
            conn = Connection(sock, self, reader)
            keep = True
            while keep and not self.stopping.is_set():
                request = _read_request(reader)
                if request is None:
                    break
                with self._lock:
                    self.requests.append(request)
                keep = self.fault(conn, request) if self.applies(request) else passthrough(conn, request)
            conn.close()
        except (OSError, ValueError):
            pass  # The client went away, or sent what the zoo cannot read: nothing left to answer.
        finally:
            with contextlib.suppress(OSError):
                sock.close()

    def relay(self, request: Incoming) -> Answer:
        assert self.mock is not None
        # One kept-alive connection to the mock per zoo connection thread; the mock closes it after errors.
        connection: http.client.HTTPConnection | None = getattr(self._upstream, "connection", None)
        if connection is None:
            connection = _HTTPConnection(self.mock.host, self.mock.port, timeout=10)
            self._upstream.connection = connection
        try:
            connection.putrequest(request.method, request.target, skip_host=True, skip_accept_encoding=True)
            connection.putheader("Host", f"{self.mock.host}:{self.mock.port}")
            for name, value in request.headers.items():
                if name not in _FRAMING and name != "host":
                    connection.putheader(name, value)
            connection.putheader("Content-Length", str(len(request.body)))
            connection.endheaders(request.body or None)
            response = connection.getresponse()
            answer = Answer(response.status, response.reason, response.getheaders(), response.read())
        except Exception:
            connection.close()
            self._upstream.connection = None
            raise
        if response.will_close:
            connection.close()
            self._upstream.connection = None
        return answer


def _read_request(reader: BinaryIO) -> Incoming | None:
    line = reader.readline(65537)
    parts = line.decode("latin-1").split(" ", 2)
    if len(parts) != 3:
        # Nothing, or not HTTP (a TLS hello sent to a plain server): hang up.
        return None
    method, target, _version = parts
    headers: dict[str, str] = {}
    while True:
        header_line = reader.readline(65537)
        if not header_line or header_line in (b"\r\n", b"\n"):
            break
        name, _, value = header_line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    body = reader.read(int(headers.get("content-length", "0")))
    return Incoming(method, target, headers, body)


def read_request_head(conn: socket.socket) -> None:
    """Read from ``conn`` up to the end of a request's headers (or until the client closes)."""
    data = b""
    while b"\r\n\r\n" not in data:
        piece = conn.recv(65536)
        if not piece:
            return
        data += piece


@contextlib.contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """``handler`` served on a loopback port for the block; yields the server's URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    """A loopback port nothing listens on (bound once, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# ---------------------------------------------------------------------------------------------------- the faults
def passthrough(conn: Connection, request: Incoming) -> bool:
    """No fault: the reference mock's answer, as it gave it."""
    conn.answer(conn.upstream(request))
    return True


def reset_mid_body(conn: Connection, request: Incoming) -> bool:
    """Headers and half the body, then a TCP reset."""
    answer = conn.upstream(request)
    conn.send(conn.head(answer.status, answer.reason, answer.headers, length=len(answer.body)))
    conn.send(answer.body[: len(answer.body) // 2])
    conn.reset()
    return False


def slow(seconds: float) -> Fault:
    """Say nothing for ``seconds``, then answer properly."""

    def fault(conn: Connection, request: Incoming) -> bool:
        if conn.wait(seconds):
            return False
        return passthrough(conn, request)

    return fault


def trickle(interval: float) -> Fault:
    """Headers promising a body, then one byte every ``interval`` seconds, forever (until the server stops)."""

    def fault(conn: Connection, request: Incoming) -> bool:
        # The first byte leaves with the headers, so the client is always reading the body when its time runs out.
        conn.send(conn.head(200, "OK", [("Content-Type", "application/json")], length=1 << 20) + b" ")
        while not conn.wait(interval):
            conn.send(b" ")
        return False

    return fault


def big_description(size: int) -> Fault:
    """The mock's 200 with its description padded to a body of ``size`` bytes (still valid JSON)."""

    def fault(conn: Connection, request: Incoming) -> bool:
        answer = conn.upstream(request)
        if answer.status != 200:
            conn.answer(answer)
            return True
        body = answer.json()
        body["description"] = ""
        padding = size - len(json.dumps(body).encode())
        body["description"] = "a" * padding
        conn.answer(Answer(200, "OK", answer.headers, json.dumps(body).encode()))
        return True

    return fault


def endless_body(conn: Connection, request: Incoming) -> bool:
    """A 200 without a length whose body never ends (until the client hangs up)."""
    conn.send(conn.head(200, "OK", [("Content-Type", "application/json")], extra=[("Connection", "close")]))
    chunk = b" " * 65536
    while not conn.server.stopping.is_set():
        conn.send(chunk)
    return False


def not_json(conn: Connection, request: Incoming) -> bool:
    """A 200 labelled JSON whose body is plain text."""
    conn.answer(Answer(200, "OK", [("Content-Type", "application/json")], NOT_JSON))
    return True


def html_error_page(conn: Connection, request: Incoming) -> bool:
    """A proxy's HTML 502 page instead of the service's answer."""
    conn.answer(Answer(502, "Bad Gateway", [("Content-Type", "text/html")], HTML_PAGE))
    return True


def truncated_json(conn: Connection, request: Incoming) -> bool:
    """Content-Length larger than the body sent, then a clean close."""
    answer = conn.upstream(request)
    conn.send(conn.head(answer.status, answer.reason, answer.headers, length=len(answer.body) + 100))
    conn.send(answer.body[: len(answer.body) // 2])
    conn.close()
    return False


def wrong_content_type(conn: Connection, request: Incoming) -> bool:
    """The mock's answer relabelled text/plain."""
    answer = conn.upstream(request)
    headers = [(k, v) for k, v in answer.headers if k.lower() != "content-type"] + [("Content-Type", "text/plain")]
    conn.answer(Answer(answer.status, answer.reason, headers, answer.body))
    return True


def chunked(size: int) -> Fault:
    """The mock's answer in ``size``-byte chunks, with a chunk extension and a trailer."""

    def fault(conn: Connection, request: Incoming) -> bool:
        answer = conn.upstream(request)
        conn.send(conn.head(answer.status, answer.reason, answer.headers, extra=[("Transfer-Encoding", "chunked")]))
        body = answer.body
        for start in range(0, len(body), size):
            piece = body[start : start + size]
            conn.send(f"{len(piece):x};zoo=1\r\n".encode() + piece + b"\r\n")
        conn.send(b"0\r\nX-Zoo-Trailer: yes\r\n\r\n")
        return True

    return fault


def http10(conn: Connection, request: Incoming) -> bool:
    """An HTTP/1.0 server: no Content-Length, the body ends when the connection closes."""
    answer = conn.upstream(request)
    conn.send(conn.head(answer.status, answer.reason, answer.headers, version="HTTP/1.0"))
    conn.send(answer.body)
    conn.close()
    return False


def redirect(location: str, status: int = 307) -> Fault:
    """Send the client elsewhere (another host) instead of answering."""

    def fault(conn: Connection, request: Incoming) -> bool:
        headers = [("Location", location + request.target), ("Content-Type", "text/html")]
        conn.answer(Answer(status, "Temporary Redirect", headers, b"<a>moved</a>"))
        return True

    return fault


def close_without_answer(conn: Connection, request: Incoming) -> bool:
    """Read the request, then hang up without a word."""
    conn.close()
    return False


def garbage_status_line(conn: Connection, request: Incoming) -> bool:
    """Something that is not HTTP at all."""
    conn.send(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")
    conn.close()
    return False


def throttle(times: int, retry_after: str | None = None) -> Fault:
    """429 ThrottlingException for the first ``times`` requests it is applied to, then the mock's answers."""
    seen = {"n": 0}
    lock = threading.Lock()

    def fault(conn: Connection, request: Incoming) -> bool:
        with lock:
            seen["n"] += 1
            throttled = seen["n"] <= times
        if not throttled:
            return passthrough(conn, request)
        headers = [("Content-Type", "application/json"), ("x-amzn-ErrorType", "ThrottlingException:http://zoo/")]
        if retry_after is not None:
            headers.append(("Retry-After", retry_after))
        conn.answer(Answer(429, "Too Many Requests", headers, b'{"message":"Too many requests, slow down"}'))
        return True

    return fault


def echo_secrets(conn: Connection, request: Incoming) -> bool:
    """A hostile target that copies the caller's signing headers into its answer's headers and body."""
    answer = conn.upstream(request)
    authorization = request.header("authorization") or ""
    token = request.header("x-amz-security-token") or ""
    headers = [*answer.headers, ("X-Echo-Authorization", authorization), ("X-Echo-Token", token)]
    if answer.status == 200:
        body = answer.json()
        body["inferenceProfileName"] = f"{authorization} {token}"
        answer = Answer(200, "OK", headers, json.dumps(body).encode())
    conn.answer(Answer(answer.status, answer.reason, headers, answer.body))
    return True
