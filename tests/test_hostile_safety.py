"""Live-AWS safety, proven on loopback: budget, rate limit, 429 backoff, no writes unasked, no credential ever shown.

Clocks are fakes (``bedrock_conformance._http.Clock``): the rate limiter and the backoff are judged by the waits they
ask for, never by measured time.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from botocore.credentials import Credentials
from zoo import servers as zoo
from zoo.runs import run

from bedrock_conformance import _http
from bedrock_conformance._http import (
    BudgetExhausted,
    Clock,
    TargetError,
    Transport,
    TransportOptions,
    backoff_delay,
)
from bedrock_conformance.targets import DUMMY, TargetOptions, open_target

LIST = zoo.LIST_PATH


@dataclass
class FakeClock:
    """Time that moves only when someone sleeps (``advance``), or never; every wait is written down."""

    advance: bool = True
    now: float = 0.0
    sleeps: list[float] = field(default_factory=list)
    releases: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def monotonic(self) -> float:
        with self.lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.sleeps.append(seconds)
            self.releases.append(self.now + seconds)
            if self.advance:
                self.now += seconds

    @property
    def clock(self) -> Clock:
        return Clock(self.monotonic, self.sleep)


# ------------------------------------------------------------------------------------------------ budget
def test_the_budget_stops_the_run_at_exactly_that_many_requests(tmp_path: Path) -> None:
    with zoo.ZooServer(zoo.passthrough) as server:
        result = run(tmp_path, server.url, "--budget", "10")
        sent = server.count()
    assert sent == 10
    assert (result.code, result.err) == (2, "error: request budget of 10 used up (raise it with --budget)\n")
    assert result.report is not None and result.report["complete"] is False
    assert result.report["requests"] == 10


def test_the_budget_counts_every_attempt_including_throttled_retries() -> None:
    with zoo.ZooServer(zoo.throttle(10)) as server:
        fake = FakeClock()
        options = TransportOptions(budget=3, max_attempts=6)
        transport = Transport(server.url, "us-east-1", DUMMY, options, clock=fake.clock)
        with pytest.raises(BudgetExhausted, match="request budget of 3 used up"):
            transport.send(transport.request("GET", LIST))
        transport.close()
        assert server.count() == 3


# ------------------------------------------------------------------------------------------------ rate limit
def test_the_rate_limit_spaces_requests_evenly_one_after_another() -> None:
    with zoo.ZooServer(zoo.passthrough) as server:
        fake = FakeClock()
        transport = Transport(server.url, "us-east-1", DUMMY, TransportOptions(rate=4), clock=fake.clock)
        statuses = [transport.send(transport.request("GET", LIST)).response for _ in range(9)]
        transport.close()
        assert server.count() == 9
    assert all(s is not None and s.status == 200 for s in statuses)
    assert fake.sleeps == [pytest.approx(0.25)] * 8
    assert fake.now == pytest.approx(2.0)


def test_the_rate_limit_holds_across_threads_each_request_in_its_own_slot() -> None:
    with zoo.ZooServer(zoo.passthrough) as server:
        # Time stands still: each wait is exactly the distance to the slot the limiter handed out.
        fake = FakeClock(advance=False)
        transport = Transport(server.url, "us-east-1", DUMMY, TransportOptions(rate=10), clock=fake.clock)

        def worker(_: int) -> int:
            return sum(transport.send(transport.request("GET", LIST)).response is not None for _ in range(5))

        with ThreadPoolExecutor(max_workers=4) as pool:
            answered = sum(pool.map(worker, range(4)))
        transport.close()
        assert answered == server.count() == 20
    assert sorted(fake.releases) == [pytest.approx(slot / 10) for slot in range(1, 20)]


def test_the_rate_limit_option_reaches_the_transport(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeClock()
    monkeypatch.setattr(_http, "SYSTEM_CLOCK", fake.clock)
    with zoo.ZooServer(zoo.passthrough) as server:
        result = run(tmp_path, server.url, "--rate-limit", "20")
        sent = server.count()
    assert result.code == 0, result.err
    assert len(fake.sleeps) == sent - 1
    assert all(s == pytest.approx(0.05) for s in fake.sleeps)


# ------------------------------------------------------------------------------------------------ 429 backoff
def _throttled(times: int, retries: int, retry_after: str | None = None) -> tuple[int | None, int, list[float]]:
    with zoo.ZooServer(zoo.throttle(times, retry_after)) as server:
        fake = FakeClock()
        options = TransportOptions(max_attempts=retries + 1)
        transport = Transport(server.url, "us-east-1", DUMMY, options, clock=fake.clock)
        exchange = transport.send(transport.request("GET", LIST))
        transport.close()
        return (exchange.response.status if exchange.response else None), server.count(), fake.sleeps


def test_429_is_retried_with_growing_jittered_waits_until_it_clears() -> None:
    status, sent, sleeps = _throttled(times=3, retries=3)
    assert (status, sent, len(sleeps)) == (200, 4, 3)
    assert sleeps == sorted(sleeps) and len(set(sleeps)) == 3
    base = TransportOptions().backoff_base
    for attempt, delay in enumerate(sleeps, start=1):
        ceiling = base * 2**attempt
        assert ceiling / 2 <= delay < ceiling


def test_429_retries_stop_at_the_limit_and_the_last_answer_is_kept() -> None:
    status, sent, sleeps = _throttled(times=100, retries=3)
    assert (status, sent, len(sleeps)) == (429, 4, 3)


def test_the_jitter_differs_between_clients() -> None:
    runs = [_throttled(times=1, retries=1)[2][0] for _ in range(3)]
    assert len(set(runs)) == 3


def test_retry_after_is_honoured_but_capped() -> None:
    cap = TransportOptions().backoff_cap
    assert _throttled(times=1, retries=1, retry_after="3")[2] == [3.0]
    assert _throttled(times=1, retries=1, retry_after="86400")[2] == [cap]
    for nonsense in ("soon", "nan", "-5", "Wed, 21 Oct 2015 07:28:00 GMT"):
        assert 0.25 <= backoff_delay(1, 0.5, base=0.25, cap=cap, retry_after=nonsense) < 0.5


def test_429_is_not_retried_when_one_attempt_is_allowed() -> None:
    status, sent, sleeps = _throttled(times=1, retries=0)
    assert (status, sent, sleeps) == (429, 1, [])


def test_the_aws_target_is_budgeted_rate_limited_backs_off_and_is_read_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE00")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "example-secret-example-secret-example-00")
    monkeypatch.setattr(Transport, "probe", lambda self: None)
    target = open_target(TargetOptions(spec="aws:eu-west-1"))
    options = target.transport.options
    assert (options.budget, options.rate, options.max_attempts, options.read_only) == (200, 5.0, 3, True)
    assert target.transport.endpoint == "https://bedrock.eu-west-1.amazonaws.com"
    writable = open_target(TargetOptions(spec="aws", allow_writes=True, budget=7, rate=1.0))
    assert (writable.transport.options.budget, writable.transport.options.rate) == (7, 1.0)
    assert writable.transport.options.read_only is False


# ------------------------------------------------------------------------------------------------ writes
def test_a_run_without_allow_writes_sends_only_reads(tmp_path: Path) -> None:
    with zoo.ZooServer(zoo.passthrough) as server:
        result = run(tmp_path, server.url)
        methods = set(server.methods())
    assert result.code == 0, result.err
    assert methods == {"GET"}


def test_a_run_with_allow_writes_does_write_so_the_check_above_can_see_writes(tmp_path: Path) -> None:
    with zoo.ZooServer(zoo.passthrough) as server:
        result = run(tmp_path, server.url, "--allow-writes")
        methods = set(server.methods())
    assert result.code == 0, result.err
    assert {"POST", "DELETE"} <= methods


def test_a_read_only_transport_refuses_writes_before_anything_is_sent() -> None:
    with zoo.ZooServer(zoo.passthrough) as server:
        target = open_target(TargetOptions(spec=server.url))
        transport = target.transport
        for method in ("POST", "DELETE", "PUT", "PATCH"):
            with pytest.raises(TargetError, match=f"refusing {method} /inference-profiles: the target is read-only"):
                transport.send(transport.request(method, LIST, body={}))
        target.close()
        assert server.count() == 0


# ------------------------------------------------------------------------------------------------ credentials
CANARY_ENV = {
    "AWS_ACCESS_KEY_ID": "AKIACANARYENV0000001",
    "AWS_SECRET_ACCESS_KEY": "canary/env+secret0000000000000000000000001",
    "AWS_SESSION_TOKEN": "IQoJb3JpZ2luX2VjCANARYENVTOKEN/0000000000000000000000000000000001==",
}
CANARY_PROFILE = {
    "aws_access_key_id": "ASIACANARYPROFILE002",
    "aws_secret_access_key": "canary/profile+secret00000000000000000002",
    "aws_session_token": "IQoJb3JpZ2luX2VjCANARYPROFILETOKEN/00000000000000000000000000002==",
}


@pytest.fixture
def canaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Canary credentials in the environment and in an AWS profile named ``canary``; returns every secret value."""
    credentials = tmp_path / "aws-credentials"
    credentials.write_text("[canary]\n" + "".join(f"{k} = {v}\n" for k, v in CANARY_PROFILE.items()))
    config = tmp_path / "aws-config"
    config.write_text("[profile canary]\nregion = us-east-1\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    for name, value in CANARY_ENV.items():
        monkeypatch.setenv(name, value)
    return [*CANARY_ENV.values(), *CANARY_PROFILE.values()]


def _leaks(text: str, secrets: list[str]) -> list[str]:
    return [s for s in secrets if s in text]


def test_no_credential_appears_in_reports_junit_or_output_even_when_the_target_echoes_them(
    tmp_path: Path, canaries: list[str]
) -> None:
    # The target copies the signing headers into its answers, and its mock names the caller's key when it denies.
    with zoo.ZooServer(zoo.echo_secrets, mock_options={"deny": ["resource:*claude-3-haiku*"]}) as server:
        junit = tmp_path / "junit.xml"
        result = run(tmp_path, server.url, "--aws-profile", "canary", "--junit-xml", str(junit), quiet=False)
        seen = [r.header("authorization") or "" for r in server.requests]
        tokens = {r.header("x-amz-security-token") for r in server.requests}
    # The profile's credentials were used, so they were there to leak.
    assert all(f"Credential={CANARY_PROFILE['aws_access_key_id']}/" in a for a in seen)
    assert tokens == {CANARY_PROFILE["aws_session_token"]}
    signatures = sorted({a.rsplit("Signature=", 1)[1] for a in seen})
    assert len(signatures) > 100
    assert result.code == 1, result.err
    everything = [result.out, result.err, result.markdown, junit.read_text()]
    assert result.report is not None
    everything.append((tmp_path / "report.json").read_text())
    for text in everything:
        assert _leaks(text, canaries + signatures) == []
    # The echoes did reach the report, cut out: the redaction is what kept them out.
    assert "Credential=<scrubbed>/" in everything[-1]


def test_no_credential_echoed_by_the_target_reaches_a_cassette(tmp_path: Path, canaries: list[str]) -> None:
    cassettes = tmp_path / "cassettes"
    with zoo.ZooServer(zoo.echo_secrets) as server:
        result = run(tmp_path, server.url, "--aws-profile", "canary", "--record", str(cassettes))
        seen = [r.header("authorization") or "" for r in server.requests]
    assert result.code == 1, result.err
    signatures = sorted({a.rsplit("Signature=", 1)[1] for a in seen})
    recorded = "".join(path.read_text() for path in sorted(cassettes.glob("*.yaml")))
    assert recorded
    assert _leaks(recorded, canaries + signatures) == []
    assert "Credential=<scrubbed>/" in recorded


def test_environment_credentials_are_never_sent_to_a_url_target_unless_a_profile_is_named(
    tmp_path: Path, canaries: list[str]
) -> None:
    with zoo.ZooServer(zoo.passthrough) as server:
        result = run(tmp_path, server.url, quiet=False)
        seen = {r.header("authorization") or "" for r in server.requests}
    assert result.code == 0, result.err
    assert all(f"Credential={DUMMY.access_key}/" in a for a in seen)
    assert _leaks(result.out + result.err + (tmp_path / "report.json").read_text(), canaries) == []


def test_debug_logging_never_shows_the_session_token_or_the_signature(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    credentials = Credentials(*CANARY_PROFILE.values())
    with zoo.ZooServer(zoo.passthrough) as server:
        transport = Transport(server.url, "us-east-1", credentials)
        transport.send(transport.request("GET", LIST))
        transport.close()
        authorization = server.requests[0].header("authorization") or ""
    signature = authorization.rsplit("Signature=", 1)[1]
    assert "Calculating signature using v4 auth." in caplog.text
    assert _leaks(caplog.text, [*CANARY_PROFILE.values(), signature]) == []
