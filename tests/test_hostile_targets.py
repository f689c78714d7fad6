"""Broken targets: every fault of the zoo ends in an exact finding or one clear error line, never a hang or traceback.

Each zoo server sits in front of the reference mock and breaks one thing. Faults aimed at one request (the Get, by
ARN, of the second listed profile: only the resolve-by-ARN check sends it, while the first profile also serves the
percent-decoding checks) must surface as findings under that one clause; faults on every request end the run with
one line and exit 2 once the target has left five requests in a row unanswered.
"""

from __future__ import annotations

import gzip
import http.client
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from zoo import servers as zoo
from zoo.runs import Run, get_of, listed, run

from bedrock_conformance import _deadline, contract
from bedrock_conformance._http import MAX_BODY, Transport, TransportOptions
from bedrock_conformance.frontend import OPTIONS
from bedrock_conformance.targets import DUMMY

RESOLVES_BY_ARN = "behaviour.listedProfile.resolvesByArn"


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The same run through a zoo server that breaks nothing: what every harmless fault must reproduce."""
    with zoo.ZooServer(zoo.passthrough) as server:
        return run(tmp_path_factory.mktemp("clean"), server.url)


@pytest.fixture
def aimed() -> Iterator[Callable[[zoo.Fault], zoo.ZooServer]]:
    """Start zoo servers whose fault hits only the Get, by ARN, of the second listed profile."""
    servers: list[zoo.ZooServer] = []

    def start(fault: zoo.Fault) -> zoo.ZooServer:
        server = zoo.ZooServer(fault, applies=lambda r: False).start()
        servers.append(server)
        server.applies = get_of(listed(server, 1)[contract().role("arn")])
        return server

    yield start
    for server in servers:
        server.stop()


def _failure_of(result: Run, clause: str, pattern: str) -> str:
    """The first failure message of ``clause`` that matches ``pattern`` (a regex); fails the test if none does."""
    # A run that ends in findings says nothing on stderr, and never shows a traceback.
    assert (result.code, result.err) == (1, "")
    assert "Traceback" not in result.out
    messages = result.messages(clause)
    hits = [m for m in messages if re.search(pattern, m)]
    assert hits, (clause, pattern, messages, result.err)
    return hits[0]


def test_the_clean_zoo_server_changes_nothing(clean: Run) -> None:
    assert clean.code == 0, clean.err
    assert clean.failed() == []
    assert clean.report is not None and clean.report["complete"] is True


def test_connection_refused_is_one_line_and_exit_2(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{zoo.free_port()}"
    result = run(tmp_path, url)
    assert (result.code, result.err, result.out) == (2, f"error: cannot reach {url}: connection refused\n", "")


def test_a_reset_mid_body_fails_the_clause_that_asked(tmp_path: Path, aimed: Callable[..., zoo.ZooServer]) -> None:
    server = aimed(zoo.reset_mid_body)
    result = run(tmp_path, server.url)
    assert result.code == 1, result.err
    assert result.failed() == [RESOLVES_BY_ARN]
    _failure_of(result, RESOLVES_BY_ARN, r"^'[^']+': no answer \(connection reset (mid-body|waiting for the response)")


def test_a_response_slower_than_the_read_timeout_is_a_timed_out_finding(
    tmp_path: Path, aimed: Callable[..., zoo.ZooServer]
) -> None:
    # The timeout holds for every request of the run: 5 s leaves the relayed ones room on a busy machine.
    server = aimed(zoo.slow(30))
    result = run(tmp_path, server.url, "--timeout", "5")
    assert result.code == 1, result.err
    assert result.failed() == [RESOLVES_BY_ARN]
    _failure_of(
        result, RESOLVES_BY_ARN, r": no answer \(timed out after 5 s waiting for the response \(0 bytes read\)\)$"
    )


@pytest.mark.parametrize("first", ["socket timeout", "deadline"])
def test_a_timeout_reads_the_same_whichever_of_the_socket_timeout_and_the_deadline_fires_first(
    first: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if first == "socket timeout":
        monkeypatch.setattr(_deadline.WATCHDOG, "watch", lambda deadline, seconds: None)
    else:
        connect = http.client.HTTPConnection.connect

        def without_socket_timeout(self: http.client.HTTPConnection) -> None:
            connect(self)
            self.sock.settimeout(None)

        monkeypatch.setattr(http.client.HTTPConnection, "connect", without_socket_timeout)
    with zoo.ZooServer(zoo.slow(30)) as server:
        transport = Transport(server.url, "us-east-1", DUMMY, TransportOptions(timeout=0.2))
        exchange = transport.send(transport.request("GET", zoo.LIST_PATH))
        transport.close()
    assert (exchange.response, exchange.error) == (
        None,
        "timed out after 0.2 s waiting for the response (0 bytes read)",
    )


def test_the_read_timeout_bounds_the_whole_response_not_each_read(
    tmp_path: Path, aimed: Callable[..., zoo.ZooServer]
) -> None:
    # A byte every 50 ms never lets a per-read timeout of 5 s expire; only a deadline for the whole answer does.
    server = aimed(zoo.trickle(0.05))
    result = run(tmp_path, server.url, "--timeout", "5")
    assert result.failed() == [RESOLVES_BY_ARN]
    _failure_of(result, RESOLVES_BY_ARN, r": no answer \(timed out after 5 s reading the body \(\d+ bytes read\)\)$")


def test_the_read_timeout_defaults_to_ten_seconds() -> None:
    assert OPTIONS["timeout"]["default"] == 10.0


def test_a_2_mib_body_is_read_whole_and_judged_and_the_report_stays_small(
    tmp_path: Path, aimed: Callable[..., zoo.ZooServer]
) -> None:
    size = 2 << 20
    server = aimed(zoo.big_description(size))
    result = run(tmp_path, server.url)
    clause = contract().clause("response.description.maxLength")
    message = _failure_of(result, clause.id, rf"^/description: length \d+ is above the maximum {clause.value}$")
    assert int(message.split()[2]) > size - 2048
    assert sorted(result.failed()) == sorted([clause.id, RESOLVES_BY_ARN])
    _failure_of(result, RESOLVES_BY_ARN, r"^'[^']+': HTTP 200 with a different body$")
    # The description is sensitive: the report quotes the body with it redacted, so the rest is whole and small.
    recorded = result.clause(clause.id)["failures"][0]["response"]["body"]
    assert isinstance(recorded, dict) and recorded["description"] == "<redacted>"
    assert (tmp_path / "report.json").stat().st_size < size // 4


def test_a_body_that_never_ends_is_cut_at_the_size_cap(tmp_path: Path, aimed: Callable[..., zoo.ZooServer]) -> None:
    server = aimed(zoo.endless_body)
    result = run(tmp_path, server.url)
    assert result.failed() == [RESOLVES_BY_ARN]
    _failure_of(result, RESOLVES_BY_ARN, rf": no answer \(response body over {MAX_BODY} bytes \(stopped reading\)\)$")


def test_a_200_whose_body_is_not_json_fails_the_body_type_clause(
    tmp_path: Path, aimed: Callable[..., zoo.ZooServer]
) -> None:
    server = aimed(zoo.not_json)
    result = run(tmp_path, server.url)
    assert sorted(result.failed()) == sorted(["response.body.type", RESOLVES_BY_ARN])
    snippet = re.escape(repr(zoo.NOT_JSON.decode()))
    _failure_of(result, "response.body.type", rf"^/: the body is not JSON \(Expecting value at offset 0\): {snippet}$")
    _failure_of(result, RESOLVES_BY_ARN, r"^'[^']+': HTTP 200$")


def test_an_html_error_page_fails_the_error_body_and_type_clauses(
    tmp_path: Path, aimed: Callable[..., zoo.ZooServer]
) -> None:
    server = aimed(zoo.html_error_page)
    result = run(tmp_path, server.url)
    assert sorted(result.failed()) == sorted(["error.body.type", "error.errorType.required", RESOLVES_BY_ARN])
    _failure_of(result, "error.body.type", r"^/: the body is not JSON \(Expecting value at offset 0\): '<html>")
    _failure_of(result, "error.errorType.required", r"^/: HTTP 502: no x-amzn-ErrorType header and no ")
    _failure_of(result, RESOLVES_BY_ARN, r"^'[^']+': HTTP 502$")


def test_truncated_json_is_no_answer_with_the_bytes_counted(
    tmp_path: Path, aimed: Callable[..., zoo.ZooServer]
) -> None:
    server = aimed(zoo.truncated_json)
    result = run(tmp_path, server.url)
    assert result.failed() == [RESOLVES_BY_ARN]
    message = _failure_of(
        result, RESOLVES_BY_ARN, r": no answer \(the connection closed mid-body: \d+ of \d+ bytes read\)$"
    )
    got, promised = (int(n) for n in re.findall(r"(\d+) of (\d+)", message)[0])
    # The zoo promises 100 bytes more than the whole body and sends the first half of it (rounded down).
    assert got == (promised - 100) // 2


def test_a_wrong_content_type_fails_only_the_content_type_clause(tmp_path: Path) -> None:
    with zoo.ZooServer(zoo.wrong_content_type) as server:
        result = run(tmp_path, server.url)
    assert result.code == 1
    assert result.failed() == ["response.body.contentType"]
    media = contract().documents["response.json"]["x-content-type"]
    _failure_of(result, "response.body.contentType", rf"^Content-Type is 'text/plain', not {re.escape(media)}$")


@pytest.mark.parametrize("fault", [zoo.chunked(7), zoo.http10], ids=["chunked", "http-1.0"])
def test_chunked_and_http_1_0_answers_are_read_exactly_like_plain_ones(
    tmp_path: Path, clean: Run, fault: zoo.Fault
) -> None:
    with zoo.ZooServer(fault) as server:
        result = run(tmp_path, server.url)
        requests = server.count()
    assert result.code == 0, result.err
    assert result.outcomes() == clean.outcomes()
    assert clean.report is not None and requests == clean.report["requests"]


def test_a_redirect_to_another_host_is_reported_and_never_followed(tmp_path: Path) -> None:
    with zoo.ZooServer(zoo.passthrough) as elsewhere:
        with zoo.ZooServer(zoo.redirect(elsewhere.url), applies=zoo.gets) as server:
            result = run(tmp_path, server.url)
        assert elsewhere.count() == 0
    pattern = contract().clause("request.inferenceProfileIdentifier.pattern")
    _failure_of(result, pattern.id, r" but was answered HTTP 307, not HTTP 400 ValidationException$")
    _failure_of(result, "behaviour.listedProfile.resolvesById", r"^'[^']+': HTTP 307$")
    failure = result.clause("behaviour.listedProfile.resolvesById")["failures"][0]
    assert failure["response"]["headers"]["Location"].startswith(elsewhere.url)


@pytest.mark.parametrize(
    ("fault", "says"),
    [
        (zoo.close_without_answer, r"the target closed the connection without answering"),
        (zoo.garbage_status_line, r"not an HTTP response \(status line 'SSH-2\.0-OpenSSH_9\.6'\)"),
    ],
    ids=["hang-up", "not-http"],
)
def test_a_target_that_does_not_speak_http_is_no_answer(
    tmp_path: Path, aimed: Callable[..., zoo.ZooServer], fault: zoo.Fault, says: str
) -> None:
    server = aimed(fault)
    result = run(tmp_path, server.url)
    assert result.failed() == [RESOLVES_BY_ARN]
    _failure_of(result, RESOLVES_BY_ARN, rf"^'[^']+': no answer \({says}\)$")


@pytest.mark.parametrize(
    ("fault", "extra", "last"),
    [
        (zoo.reset_mid_body, (), r"connection reset (mid-body \(\d+ bytes read\)|waiting for the response)"),
        (zoo.slow(30), ("--timeout", "0.3"), r"timed out after 0\.3 s waiting for the response \(0 bytes read\)"),
        (zoo.truncated_json, (), r"the connection closed mid-body: \d+ of \d+ bytes read"),
    ],
    ids=["reset", "slow", "truncated"],
)
def test_a_target_broken_on_every_request_is_given_up_on_in_one_line(
    tmp_path: Path, fault: zoo.Fault, extra: tuple[str, ...], last: str
) -> None:
    with zoo.ZooServer(fault) as server:
        result = run(tmp_path, server.url, *extra)
        sent = server.count()
    assert result.code == 2
    line = rf"error: giving up on {re.escape(server.url)}: 5 requests in a row got no answer \(last: {last}\)\n"
    assert re.fullmatch(line, result.err), result.err
    assert result.out == ""
    # Five requests, plus at most one resend of the first on the connection the probe opened.
    assert sent in (5, 6)
    assert result.report is not None and result.report["complete"] is False
    assert result.report["stopped"] == result.err.removeprefix("error: ").strip()


def test_no_answer_to_the_first_profile_is_blamed_on_resolving_not_on_percent_decoding(tmp_path: Path) -> None:
    # The first listed profile also serves the percent-decoding check, which sends its id spelled several ways.
    # One spelling left unanswered says nothing about decoding: only the check that resolves the id may fail.
    with zoo.ZooServer(zoo.reset_mid_body, applies=lambda r: False) as server:
        server.applies = get_of(listed(server, 0)[contract().role("id")])
        result = run(tmp_path, server.url)
    assert result.failed() == ["behaviour.listedProfile.resolvesById"]


def _gzip_unless_identity(conn: zoo.Connection, request: zoo.Incoming) -> bool:
    """The mock's answers, gzip-compressed for any client that does not ask for identity (RFC 9110 §12.5.3)."""
    answer = conn.upstream(request)
    if request.header("Accept-Encoding") != "identity":
        headers = [*answer.headers, ("Content-Encoding", "gzip")]
        answer = zoo.Answer(answer.status, answer.reason, headers, gzip.compress(answer.body))
    conn.answer(answer)
    return True


def test_answers_are_asked_for_without_content_coding_and_judged_as_sent(tmp_path: Path) -> None:
    with zoo.ZooServer(_gzip_unless_identity) as server:
        result = run(tmp_path, server.url)
    assert result.code == 0, result.err
    assert result.failed() == []
