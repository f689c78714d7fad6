"""The pagination checks (_pages.py) judged against literal facts: clause ids, member names, statuses and error names
written out by hand from the service model, never read from the contract.

ListInferenceProfiles pages carry ``inferenceProfileSummaries`` and ``nextToken``; its query is ``type``,
``maxResults`` (1..1000) and ``nextToken``; a token it cannot continue gets HTTP 400 ValidationException.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from mutants import RunResult, run_conformance
from mutants._pagination import (
    COMPLETE,
    DISJOINT,
    FILTERS,
    FOREIGN,
    GARBAGE,
    HONOURED,
    LAST_PAGE,
    PAGINATION,
)

from bedrock_conformance._http import Exchange, Request, Response
from bedrock_conformance._pages import (
    Page,
    Walk,
    check_complete,
    check_disjoint,
    check_filter,
    check_honoured,
    check_last_page,
    expect_token_rejected,
)
from bedrock_conformance._validator import Outcome
from bedrock_conformance.exercises import pagination_clause_ids

URL = "http://127.0.0.1:1/inference-profiles?maxResults=1&type=SYSTEM_DEFINED"
CLAUSES = PAGINATION


def arn(n: int) -> str:
    return f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.vendor.model-{n}:0"


def summary(n: int, kind: str = "SYSTEM_DEFINED") -> dict[str, Any]:
    return {"inferenceProfileArn": arn(n), "inferenceProfileId": f"us.vendor.model-{n}:0", "type": kind}


def answered(status: int, body: Any = None, headers: dict[str, str] | None = None) -> Exchange:
    raw = json.dumps(body if body is not None else {}).encode()
    return Exchange(Request("GET", URL), Response(status, dict(headers or {}), raw))


def error(status: int, kind: str) -> Exchange:
    return answered(status, {"message": "m"}, {"x-amzn-ErrorType": f"{kind}:http://internal.amazon.com/coral/"})


def walk(*pages: tuple[list[dict[str, Any]], str | None], size: int | None = 1, ended: bool = True) -> Walk:
    """A listing from (summaries, nextToken) pairs."""
    built = [Page(answered(200, {"inferenceProfileSummaries": s}), s, t) for s, t in pages]
    return Walk("SYSTEM_DEFINED", size, built, ended=ended, problem=None if ended else "stopped")


def test_the_suite_has_one_test_per_pagination_clause_in_this_order() -> None:
    assert pagination_clause_ids() == list(CLAUSES)


# ------------------------------------------------------------------------------------------------ disjoint
def test_pages_that_share_no_profile_are_disjoint() -> None:
    result = check_disjoint(walk(([summary(1)], "a"), ([summary(2)], "b"), ([summary(3)], None)))
    assert result is not None and (result.clause, result.outcome) == (DISJOINT, Outcome.PASS)
    assert "3 pages, 3 profiles" in result.message


def test_a_profile_on_two_pages_fails_naming_both_pages() -> None:
    result = check_disjoint(walk(([summary(1)], "a"), ([summary(2)], "b"), ([summary(2)], None)))
    assert result is not None and result.outcome is Outcome.FAIL
    assert "page 2 and again on page 3" in result.message and "model-2" in result.message


def test_summaries_whose_arn_breaks_the_response_clauses_name_no_profile() -> None:
    # An empty ARN (below its minimum length of 1) or one with a trailing newline is the response clauses' to blame.
    blank = {**summary(1), "inferenceProfileArn": ""}
    newline = {**summary(2), "inferenceProfileArn": arn(2) + "\n"}
    result = check_disjoint(walk(([blank, newline], "a"), ([blank, newline], None), size=2))
    assert result is not None and result.outcome is Outcome.PASS and "0 profiles" in result.message


def test_a_profile_twice_on_one_page_is_not_an_overlap_of_pages() -> None:
    result = check_disjoint(walk(([summary(1), summary(1)], "a"), ([summary(2)], None), size=2))
    assert result is not None and result.outcome is Outcome.PASS


def test_one_page_has_no_other_page_to_overlap() -> None:
    assert check_disjoint(walk(([summary(1)], None))) is None


# ------------------------------------------------------------------------------------------------ honoured
@pytest.mark.parametrize(
    ("size", "counts", "outcome"), [(1, [1, 1, 0], "pass"), (1, [1, 2], "fail"), (2, [2, 1], "pass")]
)
def test_no_page_holds_more_than_maxresults(size: int, counts: list[int], outcome: str) -> None:
    pages = [
        ([summary(10 * i + j) for j in range(n)], "t" if i < len(counts) - 1 else None) for i, n in enumerate(counts)
    ]
    result = check_honoured(walk(*pages, size=size))
    assert result is not None and (result.clause, result.outcome.value) == (HONOURED, outcome)


def test_maxresults_not_sent_is_not_judged() -> None:
    assert check_honoured(walk(([summary(1), summary(2)], None), size=None)) is None


# ------------------------------------------------------------------------------------------------ last page
def test_the_page_with_the_last_results_and_no_token_passes() -> None:
    result = check_last_page(walk(([summary(1)], "a"), ([summary(2)], None)))
    assert result is not None and (result.clause, result.outcome) == (LAST_PAGE, Outcome.PASS)


def test_a_token_on_the_last_results_that_leads_to_an_empty_page_fails() -> None:
    result = check_last_page(walk(([summary(1)], "a"), ([summary(2)], "b"), ([], None)))
    assert result is not None and result.outcome is Outcome.FAIL
    assert "page 2" in result.message and "1 page it led to listed nothing" in result.message


def test_an_empty_listing_with_a_token_fails() -> None:
    result = check_last_page(walk(([], "a"), ([], None)))
    assert result is not None and result.outcome is Outcome.FAIL


def test_a_short_page_followed_by_more_is_not_a_failure() -> None:
    # maxResults is a maximum: an empty or short page with a token, followed by results, breaks nothing.
    result = check_last_page(walk(([summary(1)], "a"), ([], "b"), ([summary(2)], None), size=2))
    assert result is not None and result.outcome is Outcome.PASS


def test_a_listing_that_did_not_end_is_not_judged_for_its_last_page() -> None:
    assert check_last_page(walk(([summary(1)], "a"), ([], "b"), ended=False)) is None


# ------------------------------------------------------------------------------------------------ complete
def test_pages_holding_the_unpaged_listing_are_complete() -> None:
    result = check_complete(walk(([summary(2)], "a"), ([summary(1)], None)), [arn(1), arn(2)])
    assert result is not None and (result.clause, result.outcome) == (COMPLETE, Outcome.PASS)


def test_a_profile_on_no_page_fails_when_the_unpaged_listing_stayed_the_same() -> None:
    result = check_complete(walk(([summary(1)], None)), [arn(1), arn(2)], [arn(2), arn(1)])
    assert result is not None and result.outcome is Outcome.FAIL
    assert "on no page: 1 of the profiles listed without maxResults" in result.message and "model-2" in result.message


def test_a_profile_only_on_the_pages_fails_too() -> None:
    result = check_complete(walk(([summary(1)], "a"), ([summary(3)], None)), [arn(1)], [arn(1)])
    assert (
        result is not None
        and result.outcome is Outcome.FAIL
        and "not listed without maxResults: 1 of" in result.message
    )


def test_a_listing_that_changed_meanwhile_decides_nothing() -> None:
    result = check_complete(walk(([summary(1)], None)), [arn(1), arn(2)], [arn(1), arn(2), arn(3)])
    assert result is not None and result.outcome is Outcome.SKIP


def test_completeness_is_not_judged_on_a_listing_that_did_not_end() -> None:
    assert check_complete(walk(([summary(1)], "a"), ended=False), [arn(1)]) is None


# ------------------------------------------------------------------------------------------------ filter
def test_every_summary_of_the_filtered_type_passes() -> None:
    result = check_filter(walk(([summary(1)], "a"), ([summary(2)], None)))
    assert result is not None and (result.clause, result.outcome) == (FILTERS, Outcome.PASS)


def test_a_summary_of_the_other_type_fails() -> None:
    result = check_filter(walk(([summary(1)], "a"), ([summary(2, "APPLICATION")], None)))
    assert result is not None and result.outcome is Outcome.FAIL
    assert "page 2" in result.message and "type APPLICATION" in result.message


@pytest.mark.parametrize("kind", ["system_defined", "SYSTEM", 7, None])
def test_a_type_outside_the_enum_is_left_to_the_response_clauses(kind: Any) -> None:
    result = check_filter(walk(([{**summary(1), "type": kind}], None)))
    assert result is not None and result.outcome is Outcome.PASS


# ------------------------------------------------------------------------------------------------ tokens
@pytest.mark.parametrize("key", ["foreignToken", "garbageToken"])
@pytest.mark.parametrize(
    ("exchange", "outcome"),
    [
        (error(400, "ValidationException"), Outcome.PASS),
        (error(400, "ResourceNotFoundException"), Outcome.FAIL),
        (error(404, "ResourceNotFoundException"), Outcome.FAIL),
        (error(500, "InternalServerException"), Outcome.FAIL),
        (error(503, "ServiceUnavailableException"), Outcome.FAIL),
        (error(429, "ThrottlingException"), Outcome.SKIP),
        (error(403, "AccessDeniedException"), Outcome.SKIP),
        (answered(200, {"inferenceProfileSummaries": []}), Outcome.FAIL),
    ],
)
def test_a_token_the_request_cannot_continue_gets_400_validation_exception(
    key: str, exchange: Exchange, outcome: Outcome
) -> None:
    result = expect_token_rejected(exchange, key, "abc", "a token")
    assert result is not None
    assert (result.clause, result.outcome) == ({"foreignToken": FOREIGN, "garbageToken": GARBAGE}[key], outcome)


def test_a_200_with_the_first_page_again_is_named_a_silent_restart() -> None:
    exchange = answered(200, {"inferenceProfileSummaries": [summary(1)], "nextToken": "x"})
    result = expect_token_rejected(exchange, "foreignToken", "abc", "a token", [arn(1)])
    assert result is not None and result.outcome is Outcome.FAIL
    assert "the first page again" in result.message and "not HTTP 400 ValidationException" in result.message


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (b"<html>OK</html>", 'a token "abc" was answered HTTP 200, not HTTP 400 ValidationException'),
        (b'{"items": []}', 'a token "abc" was answered HTTP 200, not HTTP 400 ValidationException'),
        (
            json.dumps({"inferenceProfileSummaries": [summary(2), 3]}).encode(),  # the 3 is no summary
            'a token "abc" was answered HTTP 200 with 1 summary, not HTTP 400 ValidationException',
        ),
    ],
    ids=["not-json", "no-summaries", "one-object"],
)
def test_a_200_to_a_token_fails_counting_what_it_listed(body: bytes, said: str) -> None:
    """A 200 that is no List page is no restart either: it fails, without a count of summaries it does not hold."""
    exchange = Exchange(Request("GET", URL), Response(200, {}, body))
    result = expect_token_rejected(exchange, "foreignToken", "abc", "a token", [arn(1)])
    assert result is not None and result.outcome is Outcome.FAIL and result.clause == FOREIGN
    assert result.message.startswith(said), result.message


def test_no_answer_decides_nothing() -> None:
    assert expect_token_rejected(Exchange(Request("GET", URL), None, "reset"), "garbageToken", "abc", "a token") is None


# ------------------------------------------------------------------------------------------------ replay
MOCK_CASSETTES = Path(__file__).resolve().parent.parent / "cassettes" / "mock"


def _outcomes(result: RunResult) -> dict[str, tuple[str, str | None]]:
    return {c["id"]: (c["outcome"], c.get("reason")) for c in result.report["clauses"] if c["id"] in CLAUSES}


def test_a_replay_of_the_shipped_set_judges_every_recorded_page(tmp_path: Path) -> None:
    result = run_conformance(f"replay:{MOCK_CASSETTES}", tmp_path / "r.json")
    assert result.code == 0 and {o for o, _ in _outcomes(result).values()} == {"pass"}


def test_a_replay_with_another_seed_skips_only_the_never_issued_tokens_it_did_not_record(tmp_path: Path) -> None:
    result = run_conformance(f"replay:{MOCK_CASSETTES}", tmp_path / "r.json", seed=2)
    outcomes = _outcomes(result)
    assert outcomes.pop(GARBAGE) == ("skip", "the cassettes hold no request with these tokens")
    assert result.code == 0 and {o for o, _ in outcomes.values()} == {"pass"}


def test_a_recording_without_paged_listings_skips_every_pagination_clause_saying_why(tmp_path: Path) -> None:
    older = tmp_path / "older"
    older.mkdir()
    for path in MOCK_CASSETTES.glob("*.yaml"):
        if path.name != "pagination.yaml":
            shutil.copy(path, older / path.name)
    result = run_conformance(f"replay:{older}", tmp_path / "r.json")
    reason = "the cassettes hold no paged ListInferenceProfiles listing"
    assert result.code == 0 and _outcomes(result) == dict.fromkeys(CLAUSES, ("skip", reason))
