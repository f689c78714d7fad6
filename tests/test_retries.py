"""One retry policy for every target: a 429, a 5xx or a reset that a retry cures is no finding; nothing else is retried.

The page says of ThrottlingException and InternalServerException "retry your request". Waits are judged on a fake
clock (``bedrock_conformance._http.Clock``), never by measured time.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from mutants import VARIANTS, Proxy, run_conformance
from zoo import servers as zoo
from zoo.runs import run

from bedrock_conformance._http import BudgetExhausted, Clock, Exchange, Transport, TransportOptions
from bedrock_conformance.mock import FORCE_ERROR_HEADER, MockServer
from bedrock_conformance.targets import DUMMY, TargetOptions, open_target

LIST = zoo.LIST_PATH
THROTTLED = next(v for v in VARIANTS if v.name == "throttles-every-5th-request")
FAILING = next(v for v in VARIANTS if v.name == "fails-every-7th-request")


@dataclass
class FakeClock:
    """Time that moves only when the transport sleeps; every wait is written down."""

    now: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    @property
    def clock(self) -> Clock:
        return Clock(self.monotonic, self.sleep)


def _error(status: int, reason: str, error: str, times: int, retry_after: str | None = None) -> zoo.Fault:
    """A well-formed modelled error for the first ``times`` requests, then the mock's answers."""
    seen = {"n": 0}
    lock = threading.Lock()

    def fault(conn: zoo.Connection, request: zoo.Incoming) -> bool:
        with lock:
            seen["n"] += 1
            hit = seen["n"] <= times
        if not hit:
            return zoo.passthrough(conn, request)
        headers = [("Content-Type", "application/json"), ("x-amzn-ErrorType", error)]
        if retry_after is not None:
            headers.append(("Retry-After", retry_after))
        conn.answer(zoo.Answer(status, reason, headers, json.dumps({"message": f"{error} on purpose"}).encode()))
        return True

    return fault


def _reset(times: int) -> zoo.Fault:
    """A TCP reset instead of any answer for the first ``times`` requests, then the mock's answers."""
    seen = {"n": 0}
    lock = threading.Lock()

    def fault(conn: zoo.Connection, request: zoo.Incoming) -> bool:
        with lock:
            seen["n"] += 1
            hit = seen["n"] <= times
        if not hit:
            return zoo.passthrough(conn, request)
        conn.reset()
        return False

    return fault


@dataclass
class Sent:
    exchange: Exchange
    count: int
    sleeps: list[float]


def _send(fault: zoo.Fault, *, method: str = "GET", headers: dict[str, str] | None = None, **options: object) -> Sent:
    with zoo.ZooServer(fault) as server:
        fake = FakeClock()
        transport = Transport(server.url, "us-east-1", DUMMY, TransportOptions(**options), clock=fake.clock)  # type: ignore[arg-type]
        exchange = transport.send(transport.request(method, LIST, headers=headers))
        transport.close()
        return Sent(exchange, server.count(), fake.sleeps)


def _status(sent: Sent) -> int | None:
    return sent.exchange.response.status if sent.exchange.response is not None else None


# ------------------------------------------------------------------------------------------------ what is retried
@pytest.mark.parametrize(
    ("status", "reason", "error"),
    [
        (429, "Too Many Requests", "ThrottlingException"),
        (500, "Internal Server Error", "InternalServerException"),
        (503, "Service Unavailable", "ServiceUnavailableException"),
    ],
)
def test_a_throttle_or_server_error_that_a_retry_cures_is_retried(status: int, reason: str, error: str) -> None:
    sent = _send(_error(status, reason, error, times=2))
    assert (_status(sent), sent.exchange.attempts, sent.count, len(sent.sleeps)) == (200, 3, 3, 2)


def test_a_reset_connection_is_retried_on_a_fresh_one() -> None:
    sent = _send(_reset(times=1))
    assert (_status(sent), sent.exchange.attempts, sent.count) == (200, 2, 2)


def test_a_connection_reset_every_time_ends_as_no_answer_after_the_last_attempt() -> None:
    sent = _send(_reset(times=100))
    assert sent.exchange.response is None and sent.exchange.error is not None
    assert "connection reset" in sent.exchange.error
    assert (sent.exchange.attempts, sent.count) == (3, 3)


@pytest.mark.parametrize(
    ("status", "reason", "error"),
    [
        (400, "Bad Request", "ValidationException"),
        (403, "Forbidden", "AccessDeniedException"),
        (404, "Not Found", "ResourceNotFoundException"),
    ],
)
def test_a_client_error_is_an_answer_and_never_retried(status: int, reason: str, error: str) -> None:
    sent = _send(_error(status, reason, error, times=100))
    assert (_status(sent), sent.exchange.attempts, sent.count, sent.sleeps) == (status, 1, 1, [])


def test_a_server_error_of_a_create_is_not_sent_again_but_a_throttled_one_is() -> None:
    failed = _send(_error(500, "Internal Server Error", "InternalServerException", times=1), method="POST")
    assert (_status(failed), failed.exchange.attempts, failed.count) == (500, 1, 1)
    throttled = _send(_error(429, "Too Many Requests", "ThrottlingException", times=1), method="POST")
    assert (throttled.exchange.attempts, throttled.count) == (2, 2)


def test_a_forced_error_is_the_point_of_its_request_and_never_retried() -> None:
    with MockServer() as mock:
        transport = Transport(mock.url, "us-east-1", DUMMY, TransportOptions(max_attempts=5))
        for error, status in (("ThrottlingException", 429), ("InternalServerException", 500)):
            before = mock.request_count
            exchange = transport.send(transport.request("GET", LIST, headers={FORCE_ERROR_HEADER: error}))
            assert exchange.response is not None and exchange.response.status == status
            assert (exchange.attempts, mock.request_count - before) == (1, 1)
        transport.close()


# ------------------------------------------------------------------------------------------------ how often, how long
def test_attempts_are_bounded_and_the_last_answer_is_kept() -> None:
    sent = _send(_error(503, "Service Unavailable", "ServiceUnavailableException", times=100))
    assert (_status(sent), sent.exchange.attempts, sent.count, len(sent.sleeps)) == (503, 3, 3, 2)
    five = _send(_error(503, "Service Unavailable", "ServiceUnavailableException", times=100), max_attempts=5)
    assert (five.exchange.attempts, five.count) == (5, 5)


def test_one_attempt_means_no_retries() -> None:
    sent = _send(_error(429, "Too Many Requests", "ThrottlingException", times=1), max_attempts=1)
    assert (_status(sent), sent.exchange.attempts, sent.count, sent.sleeps) == (429, 1, 1, [])


def test_retry_after_is_honoured() -> None:
    sent = _send(_error(429, "Too Many Requests", "ThrottlingException", times=1, retry_after="7"))
    assert (_status(sent), sent.sleeps) == (200, [7.0])
    sent = _send(_error(503, "Service Unavailable", "ServiceUnavailableException", times=1, retry_after="2"))
    assert (_status(sent), sent.sleeps) == (200, [2.0])


def test_the_waits_grow_with_jitter_below_the_cap() -> None:
    sent = _send(_error(500, "Internal Server Error", "InternalServerException", times=100), max_attempts=4)
    assert len(sent.sleeps) == 3
    for retry, wait in enumerate(sent.sleeps, start=1):
        ceiling = 0.25 * 2**retry
        assert ceiling / 2 <= wait < ceiling


def test_the_budget_counts_every_attempt() -> None:
    with zoo.ZooServer(_error(500, "Internal Server Error", "InternalServerException", times=100)) as server:
        transport = Transport(server.url, "us-east-1", DUMMY, TransportOptions(budget=2), clock=FakeClock().clock)
        with pytest.raises(BudgetExhausted, match="request budget of 2 used up"):
            transport.send(transport.request("GET", LIST))
        transport.close()
        assert server.count() == 2


def test_loopback_targets_wait_milliseconds_and_remote_ones_wait_politely(monkeypatch: pytest.MonkeyPatch) -> None:
    with zoo.ZooServer(zoo.passthrough) as server:
        target = open_target(TargetOptions(spec=server.url))
        loopback = (target.transport.options.backoff_base, target.transport.options.backoff_cap)
        target.close()
    assert loopback[1] <= 1.0 and loopback[0] < 0.05
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE00")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "example-secret-example-secret-example-00")
    monkeypatch.setattr(Transport, "probe", lambda self: None)
    aws = open_target(TargetOptions(spec="aws:us-west-2", max_attempts=4)).transport.options
    assert (aws.backoff_base, aws.backoff_cap, aws.max_attempts) == (0.25, 20.0, 4)


# ------------------------------------------------------------------------------------------------ whole runs
@pytest.fixture(scope="module")
def reference_mock() -> Iterator[MockServer]:
    with MockServer() as mock:
        yield mock


@pytest.mark.parametrize("seed", range(1, 6))
@pytest.mark.parametrize("variant", [THROTTLED, FAILING], ids=lambda v: v.name)
def test_a_target_that_throttles_or_fails_now_and_then_passes(
    variant: object, seed: int, reference_mock: MockServer, tmp_path: Path
) -> None:
    assert variant in (THROTTLED, FAILING)
    with Proxy(reference_mock, variant.build()) as proxy:  # type: ignore[attr-defined]
        result = run_conformance(proxy.url, tmp_path / "report.json", seed=seed)
    assert result.failing == set(), {c: result.messages(c)[:1] for c in result.failing}
    assert result.code == 0
    report = result.report
    assert report["retries"] > 0
    # Every retry is one of the run's exchanges sent again; the clauses that judged those exchanges say so.
    assert sum(c["retries"] for c in report["clauses"]) > 0
    assert all(c["retries"] == 0 for c in report["clauses"] if c["outcome"] == "skip")


def test_without_retries_a_lasting_server_fault_fails_and_a_lasting_throttle_decides_nothing(
    reference_mock: MockServer, tmp_path: Path
) -> None:
    with Proxy(reference_mock, FAILING.build()) as proxy:
        result = run_conformance(proxy.url, tmp_path / "faults.json", "--max-attempts", "1")
    assert result.code == 1 and result.failing
    assert result.report["retries"] == 0
    with Proxy(reference_mock, THROTTLED.build()) as proxy:
        result = run_conformance(proxy.url, tmp_path / "throttles.json", "--max-attempts", "1")
    assert result.code == 0 and not result.failing
    assert result.report["retries"] == 0
    assert any(
        "stayed HTTP 429 ThrottlingException after 1 attempt" in (c.get("inconclusive") or {}).get("note", "")
        or "stayed HTTP 429 ThrottlingException after 1 attempt" in (c.get("reason") or "")
        for c in result.report["clauses"]
    )


def test_a_run_against_a_clean_target_retries_nothing(tmp_path: Path) -> None:
    with zoo.ZooServer(zoo.passthrough) as server:
        result = run(tmp_path, server.url)
    assert result.code == 0, result.err
    assert result.report is not None and result.report["retries"] == 0
    assert {c["retries"] for c in result.report["clauses"]} == {0}


@pytest.mark.parametrize("bad", ["0", "-2"])
def test_max_attempts_below_one_is_one_line_and_exit_2(tmp_path: Path, bad: str) -> None:
    result = run(tmp_path, "mock", "--max-attempts", bad)
    assert result.code == 2
    assert result.err.splitlines()[-1].endswith(f"argument --max-attempts: '{bad}' is less than 1")
    assert len(result.err.splitlines()) == 2 and result.err.startswith("usage: ")


def _every_fifth_throttled() -> zoo.Fault:
    seen = {"n": 0}
    lock = threading.Lock()

    def fault(conn: zoo.Connection, request: zoo.Incoming) -> bool:
        with lock:
            seen["n"] += 1
            hit = seen["n"] % 5 == 0
        if not hit:
            return zoo.passthrough(conn, request)
        headers = [("Content-Type", "application/json"), ("x-amzn-ErrorType", "ThrottlingException")]
        conn.answer(zoo.Answer(429, "Too Many Requests", headers, b'{"message": "Rate exceeded"}'))
        return True

    return fault


def test_a_recording_of_retried_requests_replays_to_the_same_verdicts(tmp_path: Path) -> None:
    cassettes = tmp_path / "cassettes"
    (tmp_path / "live").mkdir()
    (tmp_path / "replay").mkdir()
    with zoo.ZooServer(_every_fifth_throttled()) as server:
        live = run(tmp_path / "live", server.url, "--record", str(cassettes))
    assert live.code == 0, live.err
    assert live.report is not None and live.report["retries"] > 0
    replayed = run(tmp_path / "replay", f"replay:{cassettes}")
    assert replayed.code == 0, replayed.err
    assert replayed.outcomes() == live.outcomes()
    # Offline, request clauses are judged on the recorded answers, not sent again: fewer requests, some retried.
    assert replayed.report is not None and replayed.report["retries"] > 0
