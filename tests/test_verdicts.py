"""Verdicts from answers that stay transient, and from clauses checked on one side only (literal facts)."""

from __future__ import annotations

import json

import pytest

from bedrock_conformance import Outcome
from bedrock_conformance._engine import Recorder, RunConfig
from bedrock_conformance._http import Exchange, Request, Response
from bedrock_conformance.checks import (
    Result,
    clause_verdict,
    expect_accepted,
    expect_not_found,
    expect_rejected,
)
from bedrock_conformance.report import build_report

PATTERN = "request.inferenceProfileIdentifier.pattern"
UNKNOWN = "behaviour.unknownIdentifier.notFound"
NS = ":http://internal.amazon.com/coral/com.amazon.bedrock/"
STATUS = {
    "ValidationException": 400,
    "AccessDeniedException": 403,
    "ResourceNotFoundException": 404,
    "ThrottlingException": 429,
    "InternalServerException": 500,
}


def _answer(kind: str | int, *, attempts: int = 1, label: str = "x") -> Exchange:
    request = Request("GET", f"http://127.0.0.1:9/inference-profiles/{label}", label=label)
    if isinstance(kind, int):
        return Exchange(request, Response(kind, {}, b"{}"), attempts=attempts)
    headers = {"x-amzn-ErrorType": kind + NS, "Content-Type": "application/json"}
    response = Response(STATUS[kind], headers, json.dumps({"message": "m"}).encode())
    return Exchange(request, response, attempts=attempts)


def _rejected(kind: str | int, attempts: int = 1) -> Result:
    result = expect_rejected(_answer(kind, attempts=attempts), PATTERN, "bad;id")
    assert result is not None
    return result


def _accepted(kind: str | int, attempts: int = 1) -> Result:
    result = expect_accepted(_answer(kind, attempts=attempts), PATTERN, "good-id", 200)
    assert result is not None
    return result


# ------------------------------------------------------------------------------------------------ single checks
def test_a_server_fault_that_outlived_its_retries_fails_an_invalid_identifier() -> None:
    result = _rejected("InternalServerException", attempts=3)
    assert result.outcome is Outcome.FAIL
    assert "HTTP 500 InternalServerException after 3 attempts" in result.message
    assert result.side == "invalid"


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_an_untyped_5xx_fails_either_side(status: int) -> None:
    assert _rejected(status).outcome is Outcome.FAIL
    assert _accepted(status).outcome is Outcome.FAIL
    assert "after 1 attempt" in _accepted(status).message


def test_a_server_fault_fails_a_valid_identifier_and_an_unknown_one() -> None:
    assert _accepted("InternalServerException", 2).outcome is Outcome.FAIL
    result = expect_not_found(_answer("InternalServerException", attempts=4), "nothing-here")
    assert result is not None and result.outcome is Outcome.FAIL
    assert "after 4 attempts" in result.message


def test_a_lasting_throttle_is_inconclusive_on_every_side() -> None:
    for result in (_rejected("ThrottlingException", 3), _accepted("ThrottlingException", 3)):
        assert result.outcome is Outcome.SKIP
        assert result.message == "stayed HTTP 429 ThrottlingException after 3 attempts"
    assert _rejected("ThrottlingException").side == "invalid"
    assert _accepted("ThrottlingException").side == "valid"
    unknown = expect_not_found(_answer("ThrottlingException", attempts=3), "nothing-here")
    assert unknown is not None and unknown.outcome is Outcome.SKIP


def test_an_untyped_429_is_inconclusive_too() -> None:
    assert _rejected(429).outcome is Outcome.SKIP


def test_the_right_answers_still_pass() -> None:
    assert _rejected("ValidationException").outcome is Outcome.PASS
    assert {_accepted(k).outcome for k in (200, "AccessDeniedException", "ResourceNotFoundException")} == {Outcome.PASS}
    found = expect_not_found(_answer("ResourceNotFoundException"), "nothing-here")
    assert found is not None and found.outcome is Outcome.PASS


def test_a_denial_before_access_is_proven_is_inconclusive_and_says_so() -> None:
    result = expect_not_found(_answer("AccessDeniedException"), "nothing-here", access_proven=False)
    assert result is not None and result.outcome is Outcome.SKIP and "403" in result.message
    result = expect_not_found(_answer("AccessDeniedException"), "nothing-here", access_proven=True)
    assert result is not None and result.outcome is Outcome.FAIL


# ------------------------------------------------------------------------------------------------ clause verdicts
def test_every_invalid_answer_throttled_makes_the_clause_a_skip_with_the_count() -> None:
    results = [_rejected("ThrottlingException", 3) for _ in range(12)] + [_accepted(200) for _ in range(28)]
    verdict = clause_verdict(results)
    assert verdict.outcome is Outcome.SKIP
    assert verdict.reason is not None
    assert "12 of 12 answers stayed HTTP 429 ThrottlingException after 3 attempts" in verdict.reason
    assert "invalid side" in verdict.reason


def test_some_throttled_answers_do_not_stop_a_clause_decided_on_both_sides() -> None:
    results = [_rejected("ThrottlingException", 3)] * 12 + [_rejected("ValidationException")] * 8
    results += [_accepted(200)] * 20
    verdict = clause_verdict(results)
    assert verdict.outcome is Outcome.PASS
    assert verdict.reason == "12 of 40 answers stayed HTTP 429 ThrottlingException after 3 attempts"


def test_a_real_failure_fails_whatever_else_was_throttled() -> None:
    results = [_rejected("ThrottlingException", 3)] * 5 + [_accepted(400)]
    assert clause_verdict(results).outcome is Outcome.FAIL


def test_a_clause_never_passes_on_one_side() -> None:
    only_valid = clause_verdict([_accepted(200)] * 4, "the empty identifier cannot be sent")
    assert only_valid.outcome is Outcome.SKIP
    assert only_valid.reason is not None and "the empty identifier cannot be sent" in only_valid.reason
    only_invalid = clause_verdict([_rejected("ValidationException")] * 4)
    assert only_invalid.outcome is Outcome.SKIP
    assert only_invalid.reason is not None and "valid side" in only_invalid.reason


def test_clauses_without_sides_pass_on_their_checks_and_skip_with_none() -> None:
    passed = Result(UNKNOWN, Outcome.PASS, "ok")
    assert clause_verdict([passed]).outcome is Outcome.PASS
    assert clause_verdict([], "not asked").reason == "not asked"
    throttled = expect_not_found(_answer("ThrottlingException", attempts=3), "nothing-here")
    assert throttled is not None
    verdict = clause_verdict([throttled, throttled, throttled])
    assert (verdict.outcome, verdict.reason) == (
        Outcome.SKIP,
        "3 of 3 answers stayed HTTP 429 ThrottlingException after 3 attempts",
    )


def test_the_report_gives_the_same_outcome_and_reason() -> None:
    recorder = Recorder()
    recorder.add([_rejected("ThrottlingException", 3)] * 2 + [_accepted(200)] * 3)
    recorder.add([_accepted(200)])
    report = build_report(recorder, RunConfig(), "test")
    entry = next(c for c in report["clauses"] if c["id"] == PATTERN)
    assert entry["outcome"] == "skip"
    assert "2 of 2 answers stayed HTTP 429 ThrottlingException after 3 attempts" in entry["reason"]
    assert entry["checks"] == 4 and entry["inconclusive"]["checks"] == 2
    assert report["new_failures"] == []
