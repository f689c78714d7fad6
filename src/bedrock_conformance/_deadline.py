"""One exchange on one connection, made safe: a deadline for the whole answer, and every failure as one line."""

from __future__ import annotations

import contextlib
import heapq
import http.client
import itertools
import select
import socket
import ssl
import threading
import time


class Failure(Exception):
    """A transport failure already described as one line."""

    def __init__(self, message: str, *, before_answer: bool = False, transient: bool = False):
        super().__init__(message)
        self.message = message
        # Nothing of an answer arrived: a kept-alive connection that the server had closed while idle.
        self.before_answer = before_answer
        # The connection was reset or closed under the exchange: sending again may well get an answer.
        self.transient = transient


class Watchdog:
    """One daemon thread that fires every deadline in the process (a timer thread per request costs too much)."""

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._queue: list[tuple[float, int, Deadline]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, deadline: Deadline, seconds: float) -> None:
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


WATCHDOG = Watchdog()


class Deadline:
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

    def __enter__(self) -> Deadline:
        WATCHDOG.watch(self, self.seconds)
        return self

    def __exit__(self, *exc: object) -> None:
        # A finished deadline stays queued until its time and is then dropped unfired.
        with self._lock:
            self.done = True


def stale(conn: http.client.HTTPConnection) -> bool:
    """The idle connection has input waiting (bytes nobody asked for, or the server's close): not reusable."""
    sock = getattr(conn, "sock", None)
    if not isinstance(sock, socket.socket):
        return False
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def before_answer(exc: BaseException, phase: str) -> bool:
    early = phase in ("sending the request", "waiting for the response")
    return early and isinstance(exc, (BrokenPipeError, ConnectionResetError))


def timed_out(timeout: float, phase: str, received: int | None = None) -> str:
    """The one wording of a timeout, whether the socket's timeout or the whole-exchange deadline fired first."""
    got = f" ({received} bytes read)" if received is not None else ""
    return f"timed out after {timeout:g} s {phase}{got}"


def describe_failure(exc: BaseException, phase: str = "", received: int = 0) -> str:
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
        # ``received`` came in earlier reads, ``partial`` in this one, and ``expected`` more bytes were still owed.
        expected = f" of {received + len(exc.partial) + exc.expected}" if exc.expected is not None else ""
        return f"the connection closed mid-body: {received + len(exc.partial)}{expected} bytes read"
    if isinstance(exc, http.client.BadStatusLine):
        line = str(exc.args[0] if exc.args else "").strip()
        return f"not an HTTP response (status line {line[:80]!r})"
    if isinstance(exc, socket.gaierror):
        return f"cannot resolve host ({exc.strerror})"
    if isinstance(exc, http.client.HTTPException):
        return f"malformed HTTP response ({type(exc).__name__}: {str(exc)[:200]})"
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
