"""The lifecycle checks on answers a conformant server would not give: no answer, a body that is no JSON, a Get of
the created ARN that fails or shows other models, a tag listing without a tag list or with malformed tags.

The model's facts restated: a Get of a created profile's ARN answers 200 with its inferenceProfileName, description
and models; ListTagsForResource answers 200 with ``tags``, a list of {key, value}; ResourceNotFoundException is 404,
InternalServerException 500, ThrottlingException 429 (a throttle that outlived the retries decides nothing).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bedrock_conformance._http import Exchange, Request, Response
from bedrock_conformance._lifecycle_checks import check_created, check_listed, json_body, tag_pairs
from bedrock_conformance._validator import Outcome

CLAUSE = "CreateInferenceProfile:behaviour.inferenceProfileArn.resolves"
TAGS_CLAUSE = "ListTagsForResource:behaviour.tags.fromCreate"
HAIKU = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
SONNET = "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-sonnet-20240229-v1:0"
SENT = {"inferenceProfileName": "bc-lc-1", "description": "bedrock-conformance lifecycle 1"}


def _answer(status: int, body: bytes, kind: str | None = None, attempts: int = 1) -> Exchange:
    headers = {"Content-Type": "application/json"}
    if kind is not None:
        headers["x-amzn-ErrorType"] = f"{kind}:http://internal.amazon.com/coral/com.amazon.bedrock/"
    request = Request("GET", "http://x/inference-profiles/arn")
    return Exchange(request, Response(status, headers, body), attempts=attempts)


def _json(status: int, value: Any) -> Exchange:
    return _answer(status, json.dumps(value).encode())


def _profile(**changes: Any) -> dict[str, Any]:
    return {**SENT, "models": [{"modelArn": HAIKU}, {"modelArn": SONNET}], **changes}


NO_ANSWER = Exchange(Request("GET", "http://x/inference-profiles/arn"), None, "connection reset")


def test_no_answer_carries_no_json_object() -> None:
    assert json_body(NO_ANSWER) is None
    assert json_body(_answer(200, b"OK, here is your profile")) is None  # not JSON at all
    assert json_body(_answer(200, b'{"a": NaN}')) is None  # NaN is not RFC 8259 JSON
    assert json_body(_json(200, ["a list"])) is None  # JSON, but no object
    assert json_body(_json(200, {"a": 1})) == {"a": 1}


def test_a_get_with_no_answer_decides_nothing() -> None:
    assert check_created(CLAUSE, NO_ANSWER, SENT, None) is None


@pytest.mark.parametrize(
    ("answer", "outcome", "message"),
    [
        (
            _answer(404, b'{"message": "m"}', "ResourceNotFoundException"),
            Outcome.FAIL,
            "GetInferenceProfile of the ARN Create answered with: answered HTTP 404 ResourceNotFoundException",
        ),
        (
            _answer(500, b'{"message": "m"}', "InternalServerException", attempts=3),
            Outcome.FAIL,
            "GetInferenceProfile of the ARN Create answered with: answered HTTP 500 InternalServerException",
        ),
        (
            _answer(429, b'{"message": "m"}', "ThrottlingException", attempts=4),
            Outcome.SKIP,
            "stayed HTTP 429 ThrottlingException after 4 attempts",
        ),
        (
            _answer(200, b"OK, here is your profile"),
            Outcome.FAIL,
            "the Get answered HTTP 200 without a JSON object",
        ),
        (
            _json(200, _profile()),
            Outcome.PASS,
            "resolves to 'bc-lc-1' with the source's models",
        ),
        (
            # The same models in another order: compared as a set.
            _json(200, _profile(models=[{"modelArn": SONNET}, {"modelArn": HAIKU}])),
            Outcome.PASS,
            "resolves to 'bc-lc-1' with the source's models",
        ),
        (
            _json(200, _profile(models=[{"modelArn": HAIKU}])),
            Outcome.FAIL,
            f"the created profile has models [{{'modelArn': '{HAIKU}'}}], the source's are "
            f"[{{'modelArn': '{HAIKU}'}}, {{'modelArn': '{SONNET}'}}]",
        ),
        (
            _json(200, _profile(models="all of them")),  # models that are no list match no source's
            Outcome.FAIL,
            "the created profile has models 'all of them', the source's are",
        ),
        (
            _json(200, _profile(description=None)),
            Outcome.FAIL,
            "the created profile has description None, created with 'bedrock-conformance lifecycle 1'",
        ),
    ],
    ids=["404", "500", "throttled", "not-json", "same", "reordered", "fewer-models", "models-no-list", "no-text"],
)
def test_a_get_of_the_created_arn_is_judged_by_what_it_shows(answer: Exchange, outcome: Outcome, message: str) -> None:
    result = check_created(CLAUSE, answer, SENT, [{"modelArn": HAIKU}, {"modelArn": SONNET}])
    assert result is not None
    assert result.outcome is outcome
    assert message in result.message
    assert result.inconclusive is (outcome is Outcome.SKIP)


def test_without_the_sources_models_only_name_and_description_are_compared() -> None:
    result = check_created(CLAUSE, _json(200, _profile(models=[])), SENT, None)
    assert result is not None and result.outcome is Outcome.PASS


@pytest.mark.parametrize(
    ("answer", "pairs"),
    [
        (_json(200, {"tags": [{"key": "a", "value": "1"}]}), {"a": "1"}),
        (_json(200, {"tags": {"a": "1"}}), None),  # a map, not the model's list of {key, value}
        (_json(200, {}), None),
        (_answer(200, b"tags: a=1"), None),
        (_answer(404, b'{"message": "m"}', "ResourceNotFoundException"), None),
        # Malformed entries are not tags: only the well-formed one is listed.
        (
            _json(200, {"tags": [{"key": "a", "value": "1"}, {"key": "b"}, {"key": 2, "value": "x"}, "c=3", []]}),
            {"a": "1"},
        ),
    ],
    ids=["listed", "a-map", "no-tags", "not-json", "404", "malformed-entries"],
)
def test_tag_pairs_reads_only_a_successful_tag_list(answer: Exchange, pairs: dict[str, str] | None) -> None:
    assert tag_pairs(answer) == pairs


def test_a_tag_listing_with_no_answer_decides_nothing() -> None:
    assert check_listed(TAGS_CLAUSE, NO_ANSWER, {"a": "1"}) is None


@pytest.mark.parametrize(
    ("answer", "outcome", "message"),
    [
        (
            _json(200, {"tags": {"a": "1"}}),
            Outcome.FAIL,
            "ListTagsForResource answered HTTP 200 with no tag list",
        ),
        (_answer(200, b"a=1"), Outcome.FAIL, "ListTagsForResource answered HTTP 200 with no tag list"),
        (
            _answer(500, b'{"message": "m"}', "InternalServerException", attempts=3),
            Outcome.FAIL,
            "ListTagsForResource: answered HTTP 500 InternalServerException",
        ),
        (
            _answer(429, b'{"message": "m"}', "ThrottlingException", attempts=4),
            Outcome.SKIP,
            "stayed HTTP 429 ThrottlingException after 4 attempts",
        ),
        (
            _json(200, {"tags": [{"key": "a"}]}),  # the key without its value is not the tag given
            Outcome.FAIL,
            "after the Create: ListTagsForResource does not list a='1' (listed None)",
        ),
    ],
    ids=["a-map", "not-json", "500", "throttled", "value-missing"],
)
def test_a_tag_listing_that_shows_no_tags_fails_or_decides_nothing(
    answer: Exchange, outcome: Outcome, message: str
) -> None:
    result = check_listed(TAGS_CLAUSE, answer, {"a": "1"}, what="after the Create")
    assert result is not None
    assert result.outcome is outcome
    assert message in result.message
