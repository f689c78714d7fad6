"""Raw HTTP exchanges with a target: SigV4-signed, budgeted, rate-limited, deadline-bound, and scrubbed of secrets.

Targets are broken by definition, so nothing a target does may hang, crash or leak: every answer is read under one
deadline for the whole response and a size cap, every transport failure becomes one readable line, a target that
stops answering altogether is given up on, and the caller's credentials are cut out of whatever comes back.
"""

from __future__ import annotations

import collections
import contextlib
import heapq
import http.client
import itertools
import json
import logging
import math
import random
import re
import select
import shlex
import socket
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from ._schemas import contract

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
# Methods that may be sent again when a kept-alive connection turns out to have been closed while idle.
IDEMPOTENT = frozenset({"GET", "HEAD"})
# Methods whose request may be sent again after a 5xx or a dropped connection: RFC 9110's idempotent ones (a second
# DELETE deletes nothing more). A 429 is retried whatever the method: a throttled request was not carried out.
REPEATABLE = IDEMPOTENT | {"DELETE", "PUT"}
# Gateway faults the SDKs' standard mode retries besides the contract's transient errors (HTTP, not the contract).
GATEWAY_FAULTS = frozenset({502, 503, 504})
# A request carrying this header asks the target for that modelled error (the reference mock honours it): the
# error is the point of the request, so it is never retried.
FORCE_ERROR_HEADER = "x-bedrock-conformance-force-error"
_READ_SIZE = 65536
# Shorter values are not treated as secrets: cutting them out of bodies would mangle ordinary text.
_MIN_SECRET = 8
_SIGNATURE = re.compile(r"Signature=([0-9a-fA-F]+)")
_RECENT_SIGNATURES = 256


class TargetError(RuntimeError):
    """The target cannot be used at all (unreachable, TLS failure, budget exhausted): one line, exit 2."""


class BudgetExhausted(TargetError):
    """The run's request budget is used up."""


class TargetUnresponsive(TargetError):
    """Too many requests in a row got no answer: the target is given up on rather than waited for."""


class _SigningDetails(logging.Filter):
    """Drop botocore's debug records that print canonical requests (session token included) and signatures."""

    _SECRET_PREFIXES = ("CanonicalRequest", "StringToSign", "Signature")

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(self._SECRET_PREFIXES)


logging.getLogger("botocore.auth").addFilter(_SigningDetails())


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
    def retryable(self) -> bool:
        """Whether a 429 or a transient failure of this request may be cured by sending it again."""
        return header(self.headers, FORCE_ERROR_HEADER) is None

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
    # How many times the request was sent, retries included; ``response``/``error`` are the last attempt's.
    attempts: int = 1

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


@dataclass(frozen=True)
class Clock:
    """Where the transport reads the time and how it waits (tests substitute a fake one)."""

    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


SYSTEM_CLOCK = Clock()


class RateLimiter:
    """At most ``rate`` requests per second, spaced evenly, across threads."""

    def __init__(self, rate: float | None, clock: Clock | None = None):
        self.interval = 1.0 / rate if rate else 0.0
        self.clock = clock or SYSTEM_CLOCK
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = self.clock.monotonic()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            self.clock.sleep(start - now)


def backoff_delay(attempt: int, draw: float, *, base: float, cap: float, retry_after: str | None = None) -> float:
    """Seconds to wait before retry number ``attempt`` (1, 2, ...) after a 429, a 5xx or a dropped connection.

    "Equal jitter": half of ``base * 2**attempt`` fixed plus up to half again drawn (``draw`` in [0, 1)), so the
    waits spread clients apart yet always grow. A Retry-After header is honoured, but never beyond ``cap``.
    """
    ceiling = base * 2**attempt
    delay = ceiling / 2 + draw * ceiling / 2
    try:
        asked = float(retry_after) if retry_after is not None else 0.0
    except ValueError:
        asked = 0.0  # an HTTP-date, or nonsense: our own backoff applies
    if math.isnan(asked):
        asked = 0.0
    return min(cap, max(delay, asked))


@dataclass
class TransportOptions:
    timeout: float = 10.0
    insecure: bool = False
    budget: int | None = None
    # The whole run's budget, when ``budget`` is one pytest-xdist worker's share of it.
    run_budget: int | None = None
    rate: float | None = None
    # Times a request is sent at most (the SDKs' standard retry mode: 3); 1 sends each request once.
    max_attempts: int = 3
    read_only: bool = False
    max_body: int = MAX_BODY
    # Consecutive requests without any answer after which the target is given up on.
    give_up_after: int = 5
    # Polite waits, as the SDKs' (their base is 1 s with "full jitter", capped at 20 s): a remote service that
    # throttles is owed them. Loopback targets get shorter ones (``LOOPBACK_BACKOFF`` in targets.py).
    backoff_base: float = 0.25
    backoff_cap: float = 20.0


class _Failure(Exception):
    """A transport failure already described as one line."""

    def __init__(self, message: str, *, before_answer: bool = False, transient: bool = False):
        super().__init__(message)
        self.message = message
        # Nothing of an answer arrived: a kept-alive connection that the server had closed while idle.
        self.before_answer = before_answer
        # The connection was reset or closed under the exchange: sending again may well get an answer.
        self.transient = transient


class _Watchdog:
    """One daemon thread that fires every deadline in the process (a timer thread per request costs too much)."""

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._queue: list[tuple[float, int, _Deadline]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, deadline: _Deadline, seconds: float) -> None:
        with self._wake:
            heapq.heappush(self._queue, (time.monotonic() + seconds, next(self._order), deadline))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="bedrock-conformance-deadlines", daemon=True)
                self._thread.start()
            if self._queue[0][2] is deadline:
                self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._queue:
                    self._wake.wait()
                when, _, deadline = self._queue[0]
                wait = when - time.monotonic()
                if wait > 0:
                    self._wake.wait(wait)
                    continue
                heapq.heappop(self._queue)
            deadline.fire()


_WATCHDOG = _Watchdog()


class _Deadline:
    """Shuts the connection's socket down when the whole exchange overruns its time, however the bytes trickle."""

    def __init__(self, conn: http.client.HTTPConnection, seconds: float):
        self.conn = conn
        self.seconds = seconds
        self.fired = False
        self.done = False
        self._lock = threading.Lock()

    def fire(self) -> None:
        with self._lock:
            if self.done:
                return
            self.fired = True
            sock = getattr(self.conn, "sock", None)
            if isinstance(sock, socket.socket):
                # The plain socket's shutdown, not SSLSocket's: that one would unwrap TLS under the reading thread.
                with contextlib.suppress(OSError):
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def __enter__(self) -> _Deadline:
        _WATCHDOG.watch(self, self.seconds)
        return self

    def __exit__(self, *exc: object) -> None:
        # A finished deadline stays queued until its time and is then dropped unfired.
        with self._lock:
            self.done = True


class Transport:
    """Sends signed raw requests to one endpoint over keep-alive connections (one per thread)."""

    def __init__(
        self,
        endpoint: str,
        region: str,
        credentials: Credentials,
        options: TransportOptions | None = None,
        *,
        clock: Clock | None = None,
    ):
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise TargetError(f"not an http(s) URL: {endpoint}")
        self.endpoint = endpoint.rstrip("/")
        self.scheme, self.host, self.port = parts.scheme, parts.hostname, parts.port
        self.base_path = parts.path.rstrip("/")
        self.region = region
        self.credentials = credentials
        self.options = options or TransportOptions()
        self.clock = clock or SYSTEM_CLOCK
        self.sent = 0
        self.unanswered = 0
        self._limiter = RateLimiter(self.options.rate, self.clock)
        self._lock = threading.Lock()
        self._local = threading.local()
        # Jitter must differ between concurrent runs, so it is not seeded.
        self._random = random.Random()
        keys = (credentials.access_key, credentials.secret_key, credentials.token)
        self._secrets = [s for s in keys if s and len(s) >= _MIN_SECRET]
        # Signatures of the latest requests: a target may echo them, and recorders see answers after the fact.
        self._signatures: collections.deque[str] = collections.deque(maxlen=_RECENT_SIGNATURES)

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
        # Answers are judged as they arrive, byte for byte: ask for no content coding (gzip is never decoded here),
        # as botocore's requests do.
        all_headers = {"Accept": "application/json", "Accept-Encoding": "identity", **(headers or {})}
        if body is not None:
            all_headers["Content-Type"] = "application/json"
        return Request(method, url, all_headers, data, label, self.region)

    def sign(self, request: Request) -> dict[str, str]:
        aws = AWSRequest(method=request.method, url=request.url, data=request.body, headers=dict(request.headers))
        SigV4Auth(self.credentials, SERVICE, self.region).add_auth(aws)
        signed = {k: v for k, v in aws.headers.items()}
        self._signatures.extend(_SIGNATURE.findall(header(signed, "Authorization") or ""))
        return signed

    # -------------------------------------------------------------------------------------------- secrets
    def secrets(self) -> list[str]:
        """Every value that must never be shown: the credentials, and the signatures of the latest requests."""
        return [*self._secrets, *list(self._signatures)]

    def redact(self, data: bytes) -> bytes:
        """``data`` with every secret (also percent- or JSON-escaped) replaced by ``<scrubbed>``."""
        return _redact_bytes(data, self.secrets())

    def redact_text(self, text: str) -> str:
        return _redact_text(text, self.secrets())

    # -------------------------------------------------------------------------------------------- connections
    def _context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if self.options.insecure:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    def _connection(self) -> http.client.HTTPConnection:
        conn: http.client.HTTPConnection | None = getattr(self._local, "conn", None)
        if conn is not None and _stale(conn):
            self._drop()
            conn = None
        if conn is None:
            if self.scheme == "https":
                conn = http.client.HTTPSConnection(
                    self.host, self.port, timeout=self.options.timeout, context=self._context()
                )
            else:
                conn = http.client.HTTPConnection(self.host, self.port, timeout=self.options.timeout)
            self._local.conn = conn
        return conn

    def _drop(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def probe(self) -> None:
        """Connect (and complete the TLS handshake) without sending a request; TargetError if that fails."""
        conn = self._connection()
        try:
            with _Deadline(conn, self.options.timeout) as deadline:
                conn.connect()
        except (OSError, http.client.HTTPException) as exc:
            self._drop()
            fired = deadline.fired or isinstance(exc, (TimeoutError, socket.timeout))
            message = _timed_out(self.options.timeout, "connecting") if fired else _describe(exc, "connecting")
            raise TargetError(f"cannot reach {self.endpoint}: {message}") from None
        if deadline.fired:
            self._drop()
            raise TargetError(f"cannot reach {self.endpoint}: {_timed_out(self.options.timeout, 'connecting')}")

    # -------------------------------------------------------------------------------------------- sending
    def send(self, request: Request) -> Exchange:
        """Send, and send again what a retry may cure; never raises for what the target does.

        Retried, up to ``max_attempts`` sends in all, with capped exponential backoff and jitter (Retry-After
        honoured up to the cap): a 429 (any method), a 500/502/503/504 or a reset or dropped connection (methods in
        ``REPEATABLE``). Never retried: forced errors (``Request.retryable``), other answers, timeouts (a target
        that hangs would hang again, at ``timeout`` seconds a time), TLS and protocol failures. The exchange
        returned is the last attempt's, with ``attempts`` saying how many times the request was sent.

        Raises TargetError only for what ends the run: a refused write, a spent budget, or a target that has
        left ``give_up_after`` requests in a row without any answer.
        """
        if self.options.read_only and request.method not in IDEMPOTENT:
            raise TargetError(f"refusing {request.method} {request.path}: the target is read-only (use --allow-writes)")
        sent = 0
        retries = 0
        while True:
            exchange, transient = self._send_once(request)
            sent += exchange.attempts
            exchange.attempts = sent
            self._note(exchange)
            if not self._should_retry(request, exchange, transient, retries):
                return exchange
            retries += 1
            delay = backoff_delay(
                retries,
                self._random.random(),
                base=self.options.backoff_base,
                cap=self.options.backoff_cap,
                retry_after=exchange.response.header("Retry-After") if exchange.response is not None else None,
            )
            self.clock.sleep(delay)

    def _should_retry(self, request: Request, exchange: Exchange, transient: bool, retries: int) -> bool:
        if retries + 1 >= self.options.max_attempts or not request.retryable:
            return False
        if exchange.response is not None:
            status = exchange.response.status
            modelled = contract().transient_statuses
            if status < 500:  # a throttle: the request was not carried out, whatever its method
                return status in modelled
            return (status in modelled or status in GATEWAY_FAULTS) and request.method in REPEATABLE
        return transient and request.method in REPEATABLE

    def _note(self, exchange: Exchange) -> None:
        with self._lock:
            self.unanswered = 0 if exchange.response is not None else self.unanswered + 1
            unanswered = self.unanswered
        if self.options.give_up_after and unanswered >= self.options.give_up_after:
            raise TargetUnresponsive(
                f"giving up on {self.endpoint}: {unanswered} requests in a row got no answer (last: {exchange.error})"
            )

    def _spend(self) -> None:
        with self._lock:
            budget = self.options.budget
            if budget is not None and self.sent >= budget:
                run_budget = self.options.run_budget
                spent = f"{run_budget} used up (this worker's {budget})" if run_budget else f"{budget} used up"
                raise BudgetExhausted(f"request budget of {spent} (raise it with --budget)")
            self.sent += 1

    def _send_once(self, request: Request) -> tuple[Exchange, bool]:
        """One attempt (two sends if a kept-alive connection proves closed), and whether its failure is transient."""
        signed = self.sign(request)
        secrets = self._secrets + _SIGNATURE.findall(header(signed, "Authorization") or "")
        started = self.clock.monotonic()
        target = urlsplit(request.url)
        path = target.path + (f"?{target.query}" if target.query else "")
        for attempt in (1, 2):
            self._spend()
            self._limiter.wait()
            reused = getattr(self._local, "conn", None) is not None
            conn = self._connection()
            try:
                response = self._exchange(conn, request, path, signed)
            except _Failure as failure:
                self._drop()
                # A kept-alive connection the server closed while idle: send once more, on a fresh one.
                if attempt == 1 and reused and failure.before_answer and request.method in IDEMPOTENT:
                    continue
                error = _redact_text(failure.message, secrets)
                return Exchange(request, None, error, self.clock.monotonic() - started, attempt), failure.transient
            elapsed = self.clock.monotonic() - started
            return Exchange(request, _redact(response, secrets), None, elapsed, attempt), False
        raise AssertionError("unreachable")

    def _exchange(
        self, conn: http.client.HTTPConnection, request: Request, path: str, signed: Mapping[str, str]
    ) -> Response:
        """One request and its whole answer, within one deadline; _Failure for anything short of an answer."""
        timeout = self.options.timeout
        phase = "sending the request"
        received = 0
        chunks: list[bytes] = []
        with _Deadline(conn, timeout) as deadline:
            try:
                conn.putrequest(request.method, path, skip_accept_encoding=True)
                for name, value in signed.items():
                    conn.putheader(name, value)
                if request.body or request.method in ("POST", "PUT"):
                    conn.putheader("Content-Length", str(len(request.body)))
                conn.endheaders(request.body or None)
                phase = "waiting for the response"
                raw = conn.getresponse()
                phase = "reading the body"
                while piece := raw.read(_READ_SIZE):
                    received += len(piece)
                    if received > self.options.max_body:
                        raise _Failure(f"response body over {self.options.max_body} bytes (stopped reading)")
                    chunks.append(piece)
            except (OSError, http.client.HTTPException) as exc:
                # The socket's own timeout is the deadline's length too: whichever fires first, it is one timeout.
                if deadline.fired or isinstance(exc, (TimeoutError, socket.timeout)):
                    raise _Failure(_timed_out(timeout, phase, received)) from None
                raise _Failure(
                    _describe(exc, phase, received),
                    before_answer=_before_answer(exc, phase),
                    transient=isinstance(exc, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)),
                ) from None
        if deadline.fired:
            raise _Failure(_timed_out(timeout, phase, received))
        remaining = getattr(raw, "length", None)
        # http.client returns a short body quietly when the connection closes early; that is no complete answer.
        if isinstance(remaining, int) and remaining > 0:
            raise _Failure(f"the connection closed mid-body: {received} of {received + remaining} bytes read")
        if getattr(raw, "will_close", False):  # vcrpy's replayed responses lack it
            self._drop()
        return Response(raw.status, dict(raw.getheaders()), b"".join(chunks), raw.reason)

    def close(self) -> None:
        self._drop()


def _stale(conn: http.client.HTTPConnection) -> bool:
    """The idle connection has input waiting (bytes nobody asked for, or the server's close): not reusable."""
    sock = getattr(conn, "sock", None)
    if not isinstance(sock, socket.socket):
        return False
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def _forms(secret: str) -> set[str]:
    """A secret as it may appear: itself, percent-encoded, or escaped inside a JSON string."""
    return {secret, quote(secret, safe=""), json.dumps(secret)[1:-1]}


def _redact_text(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        for form in _forms(secret):
            text = text.replace(form, SCRUBBED)
    return text


def _redact_bytes(data: bytes, secrets: list[str]) -> bytes:
    for secret in secrets:
        for form in _forms(secret):
            data = data.replace(form.encode("utf-8", "replace"), SCRUBBED.encode())
    return data


def _redact(response: Response, secrets: list[str]) -> Response:
    """The response with every credential of the caller cut out (a hostile target may echo them back)."""
    headers = {k: _redact_text(v, secrets) for k, v in response.headers.items()}
    body = _redact_bytes(response.body, secrets)
    return Response(response.status, headers, body, _redact_text(response.reason, secrets))


def _before_answer(exc: BaseException, phase: str) -> bool:
    early = phase in ("sending the request", "waiting for the response")
    return early and isinstance(exc, (BrokenPipeError, ConnectionResetError))


def _timed_out(timeout: float, phase: str, received: int | None = None) -> str:
    """The one wording of a timeout, whether the socket's timeout or the whole-exchange deadline fired first."""
    got = f" ({received} bytes read)" if received is not None else ""
    return f"timed out after {timeout:g} s {phase}{got}"


def _describe(exc: BaseException, phase: str = "", received: int = 0) -> str:
    """One line for a transport failure."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS certificate not trusted ({exc.verify_message}); use --insecure to accept it"
    if isinstance(exc, ssl.SSLError):
        reason = (exc.reason or str(exc)).lower().replace("_", " ")
        what = "TLS handshake failed" if phase in ("connecting", "sending the request") else f"TLS failure {phase}"
        if isinstance(exc, ssl.SSLEOFError) or "eof" in reason:
            return f"{what}: the target closed the connection"
        return f"{what} ({reason})"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return f"timed out {phase}".rstrip()
    if isinstance(exc, http.client.RemoteDisconnected):
        return "the target closed the connection without answering"
    if isinstance(exc, ConnectionResetError):
        if phase == "reading the body":
            return f"connection reset mid-body ({received} bytes read)"
        return f"connection reset {phase}".rstrip()
    if isinstance(exc, BrokenPipeError):
        return "the target closed the connection while the request was being sent"
    if isinstance(exc, http.client.IncompleteRead):
        expected = f" of {len(exc.partial) + exc.expected}" if exc.expected is not None else ""
        return f"the connection closed mid-body: {received + len(exc.partial)}{expected} bytes read"
    if isinstance(exc, http.client.BadStatusLine):
        line = str(exc.args[0] if exc.args else "").strip()
        return f"not an HTTP response (status line {line[:80]!r})"
    if isinstance(exc, socket.gaierror):
        return f"cannot resolve host ({exc.strerror})"
    if isinstance(exc, http.client.HTTPException):
        return f"malformed HTTP response ({type(exc).__name__}: {str(exc)[:200]})"
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
