"""Raw HTTP exchanges with a target: SigV4-signed, budgeted, rate-limited, deadline-bound, and scrubbed of secrets.

Targets are broken by definition, so nothing a target does may hang, crash or leak: every answer is read under one
deadline for the whole response and a size cap, every transport failure becomes one readable line, a target that
stops answering altogether is given up on, and the caller's credentials are cut out of whatever comes back.
"""

from __future__ import annotations

import collections
import http.client
import json
import logging
import math
import random
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from ._deadline import Deadline, Failure, before_answer, describe_failure, stale, timed_out
from ._exchange import (
    CHECK_HEADER,
    FORCE_ERROR_HEADER,
    NOT_RECORDED,
    SCRUBBED,
    SECRET_HEADERS,
    SERVER,
    SERVICE,
    Exchange,
    Request,
    Response,
    _body_for_report,
    encode_label,
    header,
    redact,
    redact_bytes,
    redact_text,
    scrub_headers,
)
from ._schemas import contract

# The request/response model lives in _exchange; it is named here too, where callers have always found it.
__all__ = [
    "CHECK_HEADER",
    "DUMMY",
    "FORCE_ERROR_HEADER",
    "MAX_BODY",
    "NOT_RECORDED",
    "SCRUBBED",
    "SECRET_HEADERS",
    "SERVER",
    "SERVICE",
    "BudgetExhausted",
    "Clock",
    "Exchange",
    "RateLimiter",
    "Request",
    "Response",
    "TargetError",
    "TargetUnresponsive",
    "Transport",
    "TransportOptions",
    "_body_for_report",
    "backoff_delay",
    "encode_label",
    "header",
    "scrub_headers",
]

# Dummy credentials for endpoints that only check that a request is signed (the mock, moto, a replay).
DUMMY = Credentials("AKIDBEDROCKCONFORMANCE", "bedrock-conformance-dummy-secret")
MAX_BODY = 8 * 1024 * 1024
# Methods that may be sent again when a kept-alive connection turns out to have been closed while idle.
IDEMPOTENT = frozenset({"GET", "HEAD"})
# Methods whose request may be sent again after a 5xx or a dropped connection: RFC 9110's idempotent ones (a second
# DELETE deletes nothing more). A 429 is retried whatever the method: a throttled request was not carried out.
REPEATABLE = IDEMPOTENT | {"DELETE", "PUT"}
# Gateway faults the SDKs' standard mode retries besides the contract's transient errors (HTTP, not the contract).
GATEWAY_FAULTS = frozenset({502, 503, 504})
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
        # Set by whatever records this transport's traffic (it patches the connections): its refusal to record a
        # request, raised from ``send``, as the one-line error that ends the run; None for any other error.
        self.refusal: Callable[[BaseException, Request], Exception | None] | None = None

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
        return redact_bytes(data, self.secrets())

    # -------------------------------------------------------------------------------------------- connections
    def _context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if self.options.insecure:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    def _connection(self) -> http.client.HTTPConnection:
        conn: http.client.HTTPConnection | None = getattr(self._local, "conn", None)
        if conn is not None and stale(conn):
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
            with Deadline(conn, self.options.timeout) as deadline:
                conn.connect()
        except (OSError, http.client.HTTPException) as exc:
            self._drop()
            fired = deadline.fired or isinstance(exc, (TimeoutError, socket.timeout))
            message = timed_out(self.options.timeout, "connecting") if fired else describe_failure(exc, "connecting")
            raise TargetError(f"cannot reach {self.endpoint}: {message}") from None
        if deadline.fired:
            self._drop()
            raise TargetError(f"cannot reach {self.endpoint}: {timed_out(self.options.timeout, 'connecting')}")

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
            except Failure as failure:
                self._drop()
                # A kept-alive connection the server closed while idle: send once more, on a fresh one.
                if attempt == 1 and reused and failure.before_answer and request.method in IDEMPOTENT:
                    continue
                error = redact_text(failure.message, secrets)
                return Exchange(request, None, error, self.clock.monotonic() - started, attempt), failure.transient
            elapsed = self.clock.monotonic() - started
            return Exchange(request, redact(response, secrets), None, elapsed, attempt), False
        raise AssertionError("unreachable")

    def _exchange(
        self, conn: http.client.HTTPConnection, request: Request, path: str, signed: Mapping[str, str]
    ) -> Response:
        """One request and its whole answer, within one deadline; Failure for anything short of an answer."""
        timeout = self.options.timeout
        phase = "sending the request"
        received = 0
        chunks: list[bytes] = []
        with Deadline(conn, timeout) as deadline:
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
                        raise Failure(f"response body over {self.options.max_body} bytes (stopped reading)")
                    chunks.append(piece)
            except (OSError, http.client.HTTPException) as exc:
                # The socket's own timeout is the deadline's length too: whichever fires first, it is one timeout.
                if deadline.fired or isinstance(exc, (TimeoutError, socket.timeout)):
                    raise Failure(timed_out(timeout, phase, received)) from None
                raise Failure(
                    describe_failure(exc, phase, received),
                    before_answer=before_answer(exc, phase),
                    transient=isinstance(exc, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)),
                ) from None
        if deadline.fired:
            raise Failure(timed_out(timeout, phase, received))
        remaining = getattr(raw, "length", None)
        # http.client returns a short body quietly when the connection closes early; that is no complete answer.
        if isinstance(remaining, int) and remaining > 0:
            raise Failure(f"the connection closed mid-body: {received} of {received + remaining} bytes read")
        if getattr(raw, "will_close", False):  # vcrpy's replayed responses lack it
            self._drop()
        return Response(raw.status, dict(raw.getheaders()), b"".join(chunks), raw.reason)

    def close(self) -> None:
        self._drop()
