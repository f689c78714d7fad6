"""A rewriting HTTP/1.1 proxy: a broken server is the reference mock behind one small rewrite of its exchanges."""

from __future__ import annotations

import contextlib
import http.client
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from http.server import ThreadingHTTPServer
from socketserver import StreamRequestHandler
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from bedrock_conformance import contract
from bedrock_conformance._http import encode_label
from bedrock_conformance.mock import MockServer

# Framing is the proxy's own business: these never pass through from one side to the other.
_HOP_HEADERS = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection"})


def _get_prefix() -> str:
    """'/inference-profiles/': the GetInferenceProfile path up to its label."""
    path = str(contract().documents["request.json"]["x-operation"]["path"])
    return path.split("{", 1)[0]


def _list_path() -> str:
    return str(contract().documents["operations.json"]["$defs"]["ListInferenceProfiles"]["x-operation"]["path"])


@dataclass(frozen=True)
class Call:
    """A request as the proxy received it: the raw target, headers in order, the body."""

    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def raw_label(self) -> str | None:
        """The GetInferenceProfile label as sent (still percent-encoded), or None for another operation."""
        prefix = _get_prefix()
        if self.method != "GET" or not self.path.startswith(prefix):
            return None
        rest = self.path[len(prefix) :]
        return None if "/" in rest else rest

    @property
    def label(self) -> str | None:
        """The decoded GetInferenceProfile identifier, or None for another operation."""
        raw = self.raw_label
        return None if raw is None else unquote(raw, errors="replace")

    @property
    def is_list(self) -> bool:
        return self.method == "GET" and self.path == _list_path()

    def with_label(self, identifier: str) -> Call:
        """The same request for another identifier, encoded the way botocore encodes it."""
        query = urlsplit(self.target).query
        return replace(self, target=_get_prefix() + encode_label(identifier) + (f"?{query}" if query else ""))

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.target).query, keep_blank_values=True))

    def with_query(self, query: dict[str, str]) -> Call:
        """The same request with ``query`` as its whole query string."""
        return replace(self, target=self.path + (f"?{urlencode(sorted(query.items()))}" if query else ""))

    def with_raw_label(self, raw: str) -> Call:
        query = urlsplit(self.target).query
        return replace(self, target=_get_prefix() + raw + (f"?{query}" if query else ""))


@dataclass(frozen=True)
class Reply:
    """An answer: status, headers (names as sent), body bytes."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)

    def json(self) -> Any:
        return json.loads(self.body)

    def with_json(self, value: Any) -> Reply:
        return replace(self, body=json.dumps(value).encode())

    def with_body(self, body: bytes) -> Reply:
        return replace(self, body=body)

    def with_status(self, status: int) -> Reply:
        return replace(self, status=status)

    def with_header(self, name: str, value: str) -> Reply:
        return replace(self, headers={**self.without_header(name).headers, name: value})

    def without_header(self, name: str) -> Reply:
        return replace(self, headers={k: v for k, v in self.headers.items() if k.lower() != name.lower()})


Upstream = Callable[[Call], Reply]
# A mutant's whole behaviour: given a request and a way to ask the reference mock, answer it.
Handler = Callable[[Call, Upstream], Reply]


def passthrough(call: Call, upstream: Upstream) -> Reply:
    """The identity rewrite: the proxy is then as conformant as the mock behind it."""
    return upstream(call)


class _Handler(StreamRequestHandler):
    """HTTP/1.1 with keep-alive, read as plainly as the product's own client writes it.

    http.server's handler parses each request's headers with the email package: in the zoo, where every mutant is a
    whole run of about 400 requests, that was most of the proxy's own cost. The request line, the headers (name and
    value as http.server gives them: the value without leading blanks or the line end) and a Content-Length body are
    all a mutant ever reads.
    """

    disable_nagle_algorithm = True
    server: _Server

    def _upstream(self, call: Call) -> Reply:
        return _answered(self.server.mock, call)

    def handle(self) -> None:
        while (call := self._read()) is not None:
            reply = self.server.handler(call, self._upstream)
            head = [f"HTTP/1.1 {reply.status} {_reason(reply.status)}"]
            head += [f"{name}: {value}" for name, value in reply.headers.items()]
            head.append(f"Content-Length: {len(reply.body)}")
            self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + reply.body)
            if _closes(call):
                return

    def _read(self) -> Call | None:
        """The next request on the connection; None at its end. The target is the raw one, as sent."""
        line = self.rfile.readline(_LINE)
        if not line.strip():
            return None
        method, target, *_ = line.decode("latin-1").split()
        headers = []
        while (raw := self.rfile.readline(_LINE)) not in (b"\r\n", b"\n", b""):
            name, _, value = raw.decode("latin-1").partition(":")
            headers.append((name, value.lstrip(" \t").rstrip("\r\n")))
        length = int(next((v for k, v in headers if k.lower() == "content-length"), "0") or 0)
        return Call(method, target, tuple(headers), self.rfile.read(length) if length else b"")


_LINE = 65537


def _closes(call: Call) -> bool:
    return any(k.lower() == "connection" and v.strip().lower() == "close" for k, v in call.headers)


def _answered(mock: MockServer, call: Call) -> Reply:
    """The mock's answer to ``call``, asked in this process: the status, headers and body it sends over HTTP for the
    request as a proxy forwards it (its own framing headers dropped, a Content-Length set), without a second HTTP hop
    (a client here, request parsing there)."""
    message = http.client.HTTPMessage()
    for name, value in call.headers:
        if name.lower() not in _HOP_HEADERS:
            message[name] = value
    if call.body or call.method in ("POST", "PUT"):
        message["Content-Length"] = str(len(call.body))
    sent = mock.answer(call.method, call.target, message, call.body)
    return Reply(sent.status, {k: v for k, v in sent.headers if k.lower() not in _HOP_HEADERS}, sent.body)


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, mock: MockServer, handler: Handler) -> None:
        self.mock = mock
        self.handler = handler
        super().__init__(("127.0.0.1", 0), _Handler)


class Proxy:
    """A loopback server that answers through ``handler``, asking the reference mock ``upstream`` (in this process,
    for the answers it sends over HTTP) when it wants to."""

    def __init__(self, upstream: MockServer, handler: Handler) -> None:
        self._server = _Server(upstream, handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="mutant-proxy", daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Proxy:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        with contextlib.suppress(OSError):
            self._server.server_close()
        self._thread.join()
