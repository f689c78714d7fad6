"""Self-test: discovery through ListInferenceProfiles never turns a failure into an empty catalogue, and every skip
says what the target answered."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from mutants import MUTANTS, Call, Proxy, Reply, Upstream, run_conformance

from bedrock_conformance.mock import MockServer

RESOLVES = "behaviour.listedProfile.resolvesById"
PERCENT = "behaviour.inferenceProfileIdentifier.percentDecoded"
UNKNOWN = "behaviour.unknownIdentifier.notFound"


@pytest.fixture(scope="module")
def reference_mock() -> Iterator[MockServer]:
    with MockServer() as mock:
        yield mock


def _reason(result: object, clause: str) -> str:
    entry = next(c for c in result.report["clauses"] if c["id"] == clause)  # type: ignore[attr-defined]
    assert entry["outcome"] == "skip", entry
    return str(entry["reason"])


def _list_fails(call: Call, upstream: Upstream) -> Reply:
    if call.is_list:
        return Reply(500, {"Content-Type": "application/json", "x-amzn-ErrorType": "InternalServerException"}, b"{}")
    return upstream(call)


def test_a_list_that_errors_is_named_in_every_skip_not_called_an_empty_catalogue(
    reference_mock: MockServer, tmp_path: Path
) -> None:
    with Proxy(reference_mock, _list_fails) as proxy:
        result = run_conformance(proxy.url, tmp_path / "report.json")
    for clause in (RESOLVES, PERCENT):
        reason = _reason(result, clause)
        assert "ListInferenceProfiles without a filter, page 1: answered HTTP 500 InternalServerException" in reason
        assert "with type=APPLICATION, page 1: answered HTTP 500" in reason
        assert "listed no profiles" not in reason


def test_a_list_page_without_summaries_fails_and_is_named_in_the_skips(
    reference_mock: MockServer, tmp_path: Path
) -> None:
    mutant = next(m for m in MUTANTS if m.name == "list-page-without-summaries")
    with Proxy(reference_mock, mutant.build()) as proxy:
        result = run_conformance(proxy.url, tmp_path / "report.json")
    assert result.failing == {"behaviour.listInferenceProfiles.isListPage"}
    assert "answered HTTP 200 with no inferenceProfileSummaries array" in _reason(result, RESOLVES)


def test_unknown_identifiers_answered_500_are_not_said_to_be_denied(reference_mock: MockServer, tmp_path: Path) -> None:
    mutant = next(m for m in MUTANTS if m.name == "unknown-identifiers-500")
    with Proxy(reference_mock, mutant.build()) as proxy:
        result = run_conformance(proxy.url, tmp_path / "report.json")
    if result.outcomes[UNKNOWN] != "fail":  # until a persistent server fault is a failure of its own
        reason = _reason(result, UNKNOWN)
        assert "answered HTTP 500 InternalServerException" in reason
        assert "403" not in reason and "denied" not in reason


def test_an_empty_catalogue_says_so_with_every_listing(tmp_path: Path) -> None:
    def nothing_listed(call: Call, upstream: Upstream) -> Reply:
        reply = upstream(call)
        if call.is_list and reply.status == 200:
            return reply.with_json({"inferenceProfileSummaries": []})
        return reply

    with MockServer() as mock, Proxy(mock, nothing_listed) as proxy:
        result = run_conformance(proxy.url, tmp_path / "report.json")
    assert result.failing == set()
    reason = _reason(result, RESOLVES)
    assert reason.startswith(
        "no profile to resolve: ListInferenceProfiles listed no profiles: without a filter (1 page)"
    )
    assert "with type=SYSTEM_DEFINED (1 page)" in reason and "with type=APPLICATION (1 page)" in reason
