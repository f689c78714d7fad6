"""The SDK side of the suites: an adapter process per SDK, spoken to in JSON lines.

Each adapter (``_pyadapter.py`` for boto3 and aiobotocore, ``js/adapter.mjs`` for the AWS SDK for
JavaScript v3) reads one JSON request per line on stdin and writes one JSON answer per line on stdout:

- ``{"id": 1, "op": "hello", "distribution": D}`` -> ``{"id": 1, "sdk", "version", "core", "runtime"}``
- ``{"id": 2, "op": "call", "service" | "client", "operation", "params", "endpoint", "region",
  "credentials": [key, secret], "headers": {..}, "retry": {"mode", "maxAttempts"} | null, "expect": E | null}``
  -> ``{"id": 2, "kind": "output", "output": {..}, "attempts", "delays", "retryMode", "instantRetries"}``
  or ``{"id": 2, "kind": "error", "error": {"class", "code", "message", "status", "service", "modelled"}, ...}``
  or ``{"id": 2, "kind": "crash", "crash": traceback}``.

- ``{"id": 3, "op": "paginate", ... as call, "pageSize": N | null}`` -> the SDK's paginator for the operation,
  driven to its end: ``{"id": 3, "kind": "output", "output": [page, ...], ...}`` or an error or a crash as above.

``headers`` are added to every attempt before it is signed. ``expect`` names the modelled error the call
should raise; ``modelled`` says whether the exception is an instance of the SDK's class for it. Timestamps
in ``output`` are ``{"$timestamp": ISO 8601, "aware": bool}``. ``delays`` are the backoff delays (seconds)
the SDK's retry strategy asked for: the adapters record them and retry at once, so that counting attempts
takes milliseconds (``instantRetries`` says whether they could).
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from ._env import Runtime, SdkUnavailable

CALL_TIMEOUT = 120.0
START_TIMEOUT = 60.0
# Environment variables that would change what the SDK does (retry mode, attempts, profile, endpoints).
_SCRUBBED_PREFIXES = ("AWS_",)


@dataclass
class SdkError:
    """An exception the SDK raised, as the adapter saw it."""

    cls: str
    code: str | None
    message: str | None
    status: int | None
    service: bool
    modelled: bool

    def describe(self) -> str:
        where = f"HTTP {self.status} " if self.status is not None else ""
        code = f" ({self.code})" if self.code and self.code != self.cls else ""
        return f"{where}{self.cls}{code}: {self.message}"


@dataclass
class Answer:
    """What one SDK call came to: an output, an exception, or a crash of the adapter itself."""

    kind: str
    output: Any = None
    error: SdkError | None = None
    crash: str | None = None
    attempts: int | None = None
    delays: list[float] = field(default_factory=list)
    retry_mode: str | None = None
    instant_retries: bool = False

    def describe(self) -> str:
        if self.kind == "output":
            return "returned an output"
        if self.error is not None:
            return f"raised {self.error.describe()}"
        last = (self.crash or "").strip().splitlines()
        return f"the adapter crashed: {last[-1] if last else 'no traceback'}"


@dataclass
class Hello:
    sdk: str
    version: str
    core: str
    runtime: str


def _scrubbed_env(extra: dict[str, str]) -> dict[str, str]:
    """The caller's environment without AWS_* settings, and with no config or credentials files to read."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_SCRUBBED_PREFIXES)}
    env.update(
        {
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    # The servers are on the loopback interface: a proxy from the environment must not get in the way.
    for name in ("NO_PROXY", "no_proxy"):
        env[name] = ",".join(p for p in (env.get(name), "127.0.0.1", "localhost") if p)
    env.update(extra)
    return env


class Adapter:
    """A running adapter process: ``call`` sends one request and waits for its answer."""

    def __init__(self, runtime: Runtime, distribution: str) -> None:
        self.runtime = runtime
        # Kept open for the adapter's life: its tail explains an adapter that dies.
        self._stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")  # noqa: SIM115
        try:
            self._process = subprocess.Popen(
                runtime.argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
                text=True,
                encoding="utf-8",
                bufsize=1,
                env=_scrubbed_env(runtime.env),
            )
        except OSError as exc:
            self._stderr.close()
            raise SdkUnavailable(f"cannot start {runtime.argv[0]}: {exc.strerror or exc}") from None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, name="sdk-adapter-reader", daemon=True)
        self._reader.start()
        self._next_id = 0
        try:
            reply = self._request({"op": "hello", "distribution": distribution}, START_TIMEOUT)
            self.hello = Hello(str(reply["sdk"]), str(reply["version"]), str(reply["core"]), str(reply["runtime"]))
        except (SdkUnavailable, KeyError) as exc:
            self.close()
            raise SdkUnavailable(f"the adapter did not start: {exc}") from None

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def stderr_tail(self, lines: int = 5) -> str:
        self._stderr.flush()
        self._stderr.seek(0)
        tail = [line for line in self._stderr.read().splitlines() if line.strip()][-lines:]
        return " | ".join(tail)

    def _request(self, message: dict[str, Any], timeout: float) -> dict[str, Any]:
        self._next_id += 1
        message = {"id": self._next_id, **message}
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(json.dumps(message) + "\n")
            self._process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise SdkUnavailable(f"the adapter exited: {self.stderr_tail() or 'no output'}") from None
        while True:
            try:
                line = self._lines.get(timeout=timeout)
            except queue.Empty:
                raise SdkUnavailable(f"the adapter gave no answer in {timeout:.0f} s") from None
            if line is None:
                raise SdkUnavailable(f"the adapter exited: {self.stderr_tail() or 'no output'}")
            try:
                reply: dict[str, Any] = json.loads(line)
            except ValueError:
                continue
            if reply.get("id") == self._next_id:
                return reply

    def call(
        self,
        target: dict[str, Any],
        params: dict[str, Any],
        *,
        headers: dict[str, str] | None = None,
        retry: dict[str, Any] | None = None,
        expect: str | None = None,
    ) -> Answer:
        """One SDK call; ``target`` has service/client, operation, endpoint, region and credentials."""
        reply = self._request(
            {"op": "call", **target, "params": params, "headers": headers or {}, "retry": retry, "expect": expect},
            CALL_TIMEOUT,
        )
        return _answer(reply)

    def paginate(self, target: dict[str, Any], params: dict[str, Any], *, page_size: int | None = None) -> Answer:
        """Every page of the SDK's paginator for ``target``'s operation; ``output`` is the list of pages."""
        reply = self._request(
            {"op": "paginate", **target, "params": params, "headers": {}, "retry": None, "pageSize": page_size},
            CALL_TIMEOUT,
        )
        return _answer(reply)

    def close(self) -> None:
        if self._process.stdin is not None:
            with contextlib.suppress(OSError):
                self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._stderr.close()

    def __enter__(self) -> Adapter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _answer(reply: dict[str, Any]) -> Answer:
    error = reply.get("error")
    return Answer(
        kind=str(reply.get("kind")),
        output=reply.get("output"),
        error=SdkError(
            cls=str(error.get("class")),
            code=error.get("code"),
            message=error.get("message"),
            status=error.get("status"),
            service=bool(error.get("service")),
            modelled=bool(error.get("modelled")),
        )
        if isinstance(error, dict)
        else None,
        crash=reply.get("crash"),
        attempts=reply.get("attempts"),
        delays=[float(d) for d in reply.get("delays") or []],
        retry_mode=reply.get("retryMode"),
        instant_retries=bool(reply.get("instantRetries")),
    )
