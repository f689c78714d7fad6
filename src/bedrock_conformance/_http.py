"""Raw HTTP exchanges with a target: SigV4-signed, budgeted, rate-limited, and scrubbed before anyone keeps them."""

from __future__ import annotations

import http.client
import json
import random
import shlex
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

SCRUBBED = "<scrubbed>"
# Headers that carry secrets or per-request signing material; never stored, printed or recorded.
SECRET_HEADERS = frozenset(
    {
        "authorization",
        "x-amz-security-token",
        "x-amz-date",
        "amz-sdk-invocation-id",
        "cookie",
        "set-cookie",
        "x-amz-content-sha256",
    }
)
MAX_BODY = 8 * 1024 * 1024
SERVICE = "bedrock"


class TargetError(RuntimeError):
    """The target cannot be used at all (unreachable, TLS failure, budget exhausted): one line, exit 2."""


class BudgetExhausted(TargetError):
    pass


def header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive header lookup."""
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


def scrub_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k: (SCRUBBED if k.lower() in SECRET_HEADERS else v) for k, v in headers.items()}


def encode_label(label: str) -> str:
    """Percent-encode a path label the way botocore does: ':' and '/' included."""
    return quote(label, safe="-_.~")


@dataclass
class Request:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    label: str | None = None
    region: str = ""

    @property
    def path(self) -> str:
        parts = urlsplit(self.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"method": self.method, "url": self.url, "headers": scrub_headers(self.headers)}
        if self.label is not None:
            out["identifier"] = self.label
        if self.body:
            out["body"] = _body_for_report(self.body)
        return out


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    reason: str = ""

    def header(self, name: str) -> str | None:
        return header(self.headers, name)

    def json(self) -> Any:
        return json.loads(self.body)

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "headers": scrub_headers(self.headers), "body": _body_for_report(self.body)}


def _body_for_report(body: bytes, limit: int = 16384) -> Any:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return f"<{len(body)} bytes, not UTF-8>"
    try:
        if len(text) <= limit:
            return json.loads(text)
    except ValueError:
        pass
    return text if len(text) <= limit else f"{text[:limit]}… ({len(body)} bytes)"


@dataclass
class Exchange:
    """One request and what came back (or the transport error instead)."""

    request: Request
    response: Response | None = None
    error: str | None = None
    elapsed: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"request": self.request.to_dict()}
        if self.response is not None:
            out["response"] = self.response.to_dict()
        if self.error is not None:
            out["error"] = self.error
        return out

    def curl(self) -> str:
        """A command that sends the same request, signed with the caller's own credentials."""
        parts = ["curl", "-sS", "-i", "-X", self.request.method, self.request.url]
        parts += ["--aws-sigv4", f"aws:amz:{self.request.region or 'us-east-1'}:{SERVICE}"]
        parts += ["--user", "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"]
        for name, value in self.request.headers.items():
            if name.lower() in SECRET_HEADERS or name.lower() in ("host", "content-length"):
                continue
            parts += ["-H", f"{name}: {value}"]
        if self.request.body:
            parts += ["--data-binary", self.request.body.decode("utf-8", "replace")]
        return " ".join(shlex.quote(p) if not p.startswith("$AWS") else f'"{p}"' for p in parts)


class RateLimiter:
    """At most ``rate`` requests per second, spaced evenly, across threads."""

    def __init__(self, rate: float | None):
        self.interval = 1.0 / rate if rate else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            time.sleep(start - now)


@dataclass
class TransportOptions:
    timeout: float = 10.0
    insecure: bool = False
    budget: int | None = None
    rate: float | None = None
    retries_on_throttle: int = 0
    read_only: bool = False


class Transport:
    """Sends signed raw requests to one endpoint over keep-alive connections (one per thread)."""

    def __init__(self, endpoint: str, region: str, credentials: Credentials, options: TransportOptions | None = None):
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise TargetError(f"not an http(s) URL: {endpoint}")
        self.endpoint = endpoint.rstrip("/")
        self.scheme, self.host, self.port = parts.scheme, parts.hostname, parts.port
        self.base_path = parts.path.rstrip("/")
        self.region = region
        self.credentials = credentials
        self.options = options or TransportOptions()
        self.sent = 0
        self._limiter = RateLimiter(self.options.rate)
        self._lock = threading.Lock()
        self._local = threading.local()
        self._random = random.Random(0)

    # -------------------------------------------------------------------------------------------- building
    def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, str] | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        label: str | None = None,
    ) -> Request:
        """A request for ``path`` (already encoded), with a JSON body if given."""
        url = f"{self.endpoint}{path}"
        if query:
            url += "?" + "&".join(f"{quote(k, safe='')}={quote(str(v), safe='')}" for k, v in sorted(query.items()))
        data = b"" if body is None else json.dumps(body).encode()
        all_headers = {"Accept": "application/json", **(headers or {})}
        if body is not None:
            all_headers["Content-Type"] = "application/json"
        return Request(method, url, all_headers, data, label, self.region)

    def sign(self, request: Request) -> dict[str, str]:
        aws = AWSRequest(method=request.method, url=request.url, data=request.body, headers=dict(request.headers))
        SigV4Auth(self.credentials, SERVICE, self.region).add_auth(aws)
        return {k: v for k, v in aws.headers.items()}

    # -------------------------------------------------------------------------------------------- sending
    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            if self.scheme == "https":
                context = ssl.create_default_context()
                if self.options.insecure:
                    context.check_hostname = False
                    context.verify_mode = ssl.CERT_NONE
                conn = http.client.HTTPSConnection(self.host, self.port, timeout=self.options.timeout, context=context)
            else:
                conn = http.client.HTTPConnection(self.host, self.port, timeout=self.options.timeout)
            self._local.conn = conn
        return conn

    def _drop(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def send(self, request: Request) -> Exchange:
        """Send once (plus backoff retries on 429 when configured); never raises for what the target does."""
        if self.options.read_only and request.method not in ("GET", "HEAD"):
            raise TargetError(f"refusing {request.method} {request.path}: the target is read-only (use --allow-writes)")
        attempt = 0
        while True:
            exchange = self._send_once(request)
            status = exchange.response.status if exchange.response else None
            if status != 429 or attempt >= self.options.retries_on_throttle:
                return exchange
            attempt += 1
            time.sleep(min(8.0, 0.25 * 2**attempt) * (0.5 + self._random.random()))

    def _send_once(self, request: Request) -> Exchange:
        with self._lock:
            if self.options.budget is not None and self.sent >= self.options.budget:
                raise BudgetExhausted(f"request budget of {self.options.budget} used up (raise it with --budget)")
            self.sent += 1
        self._limiter.wait()
        signed = self.sign(request)
        started = time.monotonic()
        target = urlsplit(request.url)
        path = target.path + (f"?{target.query}" if target.query else "")
        for attempt in (1, 2):
            fresh = getattr(self._local, "conn", None) is None
            conn = self._connection()
            try:
                conn.putrequest(request.method, path, skip_accept_encoding=True)
                for name, value in signed.items():
                    conn.putheader(name, value)
                if request.body or request.method in ("POST", "PUT"):
                    conn.putheader("Content-Length", str(len(request.body)))
                conn.endheaders(request.body or None)
                raw = conn.getresponse()
                body = raw.read(MAX_BODY + 1)
                if len(body) > MAX_BODY:
                    self._drop()
                    return Exchange(request, None, f"response body over {MAX_BODY} bytes", time.monotonic() - started)
                if getattr(raw, "will_close", False):  # vcrpy's replayed responses lack it
                    self._drop()
                response = Response(raw.status, dict(raw.getheaders()), body, raw.reason)
                return Exchange(request, response, None, time.monotonic() - started)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                self._drop()
                # A kept-alive connection that the server closed while idle: retry once on a fresh one.
                if fresh or attempt == 2:
                    return Exchange(request, None, _describe(exc), time.monotonic() - started)
            except (OSError, http.client.HTTPException) as exc:
                self._drop()
                return Exchange(request, None, _describe(exc), time.monotonic() - started)
        raise AssertionError("unreachable")

    def close(self) -> None:
        self._drop()


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS certificate not trusted ({exc.verify_message}); use --insecure to accept it"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failure: {exc.reason or exc}"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "timed out waiting for the response"
    if isinstance(exc, ConnectionResetError):
        return "connection reset by the target"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "the target closed the connection without answering"
    if isinstance(exc, http.client.IncompleteRead):
        return f"the connection closed mid-body ({len(exc.partial)} bytes read)"
    if isinstance(exc, socket.gaierror):
        return f"cannot resolve host ({exc.strerror})"
    if isinstance(exc, http.client.HTTPException):
        return f"malformed HTTP response ({type(exc).__name__}: {exc})"
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
