"""Generated valid identifiers survive botocore's percent-encoding and the mock's decoding unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import botocore.exceptions
import pytest
from botocore.client import BaseClient
from hypothesis import given
from hypothesis import strategies as st
from test_mock_support import client, raw, situation

from bedrock_conformance import Outcome, contract, validate_identifier
from bedrock_conformance._ecma import compile_whole
from bedrock_conformance.mock import MockServer

PATTERN = contract().schema("request.json", "/properties/inferenceProfileIdentifier")["pattern"]
NOT_FOUND = situation("profileNotFound")["message"]


def _valid(identifier: str) -> bool:
    return all(f.outcome is not Outcome.FAIL for f in validate_identifier(identifier))


# The request pattern, read from schemas/request.json and matched as a whole string (ECMA-262 meaning).
identifiers = st.from_regex(compile_whole(PATTERN), fullmatch=True).filter(_valid)


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer() as server:
        yield server


@pytest.fixture(scope="module")
def bedrock(mock: MockServer) -> BaseClient:
    return client(mock)


def _arrived(bedrock: BaseClient, identifier: str) -> str:
    """The identifier as the mock decoded it: the id or ARN it served, or the one its 404 names."""
    try:
        profile = bedrock.get_inference_profile(inferenceProfileIdentifier=identifier)
    except botocore.exceptions.ClientError as error:
        assert error.response["Error"]["Code"] == situation("profileNotFound")["error"], error.response["Error"]
        prefix, suffix = NOT_FOUND.split("{identifier}")
        message = error.response["Error"]["Message"]
        assert message.startswith(prefix) and message.endswith(suffix)
        return str(message[len(prefix) : len(message) - len(suffix)])
    return identifier if identifier in (profile["inferenceProfileId"], profile["inferenceProfileArn"]) else ""


@given(identifier=identifiers)
def test_every_valid_identifier_survives_botocore_percent_encoding(bedrock: BaseClient, identifier: str) -> None:
    assert _arrived(bedrock, identifier) == identifier


@pytest.fixture(scope="module")
def listed(mock: MockServer) -> set[str]:
    """The ids and ARNs of every profile the mock lists: the identifiers it must answer 200."""
    names, token = set(), ""
    while True:
        page = raw(mock, "GET", "/inference-profiles" + (f"?nextToken={quote(token)}" if token else "")).json()
        for summary in page["inferenceProfileSummaries"]:
            names |= {summary["inferenceProfileId"], summary["inferenceProfileArn"]}
        token = page.get("nextToken") or ""
        if not token:
            return names


@given(identifier=identifiers)
def test_a_fully_percent_encoded_label_decodes_to_the_same_identifier(
    mock: MockServer, listed: set[str], identifier: str
) -> None:
    answer = raw(mock, "GET", "/inference-profiles/" + quote(identifier, safe="", encoding="utf-8"))
    if identifier in listed:
        assert answer.status == 200
        assert identifier in (answer.json()["inferenceProfileId"], answer.json()["inferenceProfileArn"])
    else:
        assert answer.status == 404
        assert answer.json()["message"] == NOT_FOUND.format(identifier=identifier)


@pytest.mark.parametrize(
    "identifier",
    [
        ".",
        "..",
        "-",
        ":",
        "a" * 2048,
        "arn:aws:bedrock:::inference-profile/x",
        "arn:aws-iso-b:bedrock:::application-inference-profile/a",
    ],
)
def test_edge_identifiers_survive_botocore_percent_encoding(bedrock: BaseClient, identifier: str) -> None:
    assert _valid(identifier)
    assert _arrived(bedrock, identifier) == identifier
