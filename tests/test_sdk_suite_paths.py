"""The SDK suite's rarer paths: SDKs that answer oddly, listings that do not end, and an adapter that dies mid-run.

Built on tests/test_sdk_suite.py's fake SDK (errors, pages and timestamps as botocore reads them); each fake here
changes one thing of what it answers.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from test_sdk_suite import CONFIG, LABEL, LIST_PATH, NO_WAITS, FakeSdk, failing, outcomes, suite_for

from bedrock_conformance._engine import Recorder
from bedrock_conformance._http import Transport
from bedrock_conformance._validator import Outcome
from bedrock_conformance.mock import MockServer
from bedrock_conformance.sdk import _suite, run_sdk_suite, sdk_clause_ids
from bedrock_conformance.sdk._adapter import Answer, SdkError
from bedrock_conformance.sdk._canned import Canned, CannedServer
from bedrock_conformance.sdk._env import Runtime
from bedrock_conformance.sdk._family import _clean_up
from bedrock_conformance.sdk._suite import _lost_or_changed
from bedrock_conformance.targets import DUMMY

Servers = tuple[MockServer, CannedServer]
JSON = {"Content-Type": "application/json"}
PAGINATOR = ("ListInferenceProfiles:sdk.paginator.complete", "ListInferenceProfiles:sdk.paginator.noDuplicates")
CREATED, GONE = "CreateInferenceProfile:sdk.roundTrip.gettable", "DeleteInferenceProfile:sdk.roundTrip.gone"
HAIKU = "us.anthropic.claude-3-haiku-20240307-v1:0"
THROTTLE = SdkError("ThrottlingException", "ThrottlingException", "slow down", 429, True, True)


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    with MockServer(seed=CONFIG.seed) as mock, CannedServer() as canned:
        yield mock, canned


@dataclass
class Twisted(FakeSdk):
    """The fake SDK, with each answer to ``operations`` passed through ``twist(answer, expect)``."""

    twist: Callable[[Answer, str | None], Answer] = lambda answer, expect: answer
    operations: tuple[str, ...] = ("GetInferenceProfile",)

    def call(self, target: dict[str, Any], params: dict[str, Any], **options: Any) -> Answer:
        answer = super().call(target, params, **options)
        return self.twist(answer, options.get("expect")) if target["operation"] in self.operations else answer


def messages(run: Any, clause: str) -> list[str]:
    return [r.message for r in run.results if r.clause == clause]


def leftovers(mock: MockServer) -> list[str]:
    listing = Transport(mock.url, "us-east-1", DUMMY, clock=NO_WAITS)
    page = json.loads(listing.send(listing.request("GET", LIST_PATH, query={"type": "APPLICATION"})).response.body)
    listing.close()
    return [p["inferenceProfileName"] for p in page["inferenceProfileSummaries"]]


# ------------------------------------------------------------------------------------------------ what the SDK kept
def test_a_member_that_became_another_shape_or_length_is_named() -> None:
    assert _lost_or_changed({"a": {"b": 1}}, {"a": [1]}) == ["/a became [1]"]
    assert _lost_or_changed({"b": 1}, "text") == ['/ became "text"']
    assert _lost_or_changed({"m": [1, 2]}, {"m": [1]}) == ["/m had 2 items, the SDK gave [1]"]
    assert _lost_or_changed({"m": [1]}, {"m": {"0": 1}}) == ['/m had 1 items, the SDK gave {"0": 1}']


def test_an_output_that_is_no_object_fails_parsing_and_leaves_timestamps_unjudged(servers: Servers) -> None:
    suite, run = suite_for(Twisted(twist=lambda a, e: Answer("output", output=[a.output])), servers)
    suite.check_parsing()
    assert failing(run) == {"sdk.response.parsed"}
    assert all(" became [{" in m for m in messages(run, "sdk.response.parsed"))
    assert "sdk.response.timestamps" not in outcomes(run)


def as_strings(answer: Answer, expect: str | None) -> Answer:
    if isinstance(answer.output, dict):
        answer.output = {
            k: v["$timestamp"] if isinstance(v, dict) and "$timestamp" in v else v for k, v in answer.output.items()
        }
    return answer


def test_a_timestamp_handed_back_as_text_is_no_timestamp(servers: Servers) -> None:
    suite, run = suite_for(Twisted(twist=as_strings), servers)
    suite.check_parsing()
    # The text is the wire value unchanged: parsing keeps it, the timestamp clause refuses it.
    assert failing(run) == {"sdk.response.timestamps"}
    stamp = "'2024-09-30T00:00:00Z' became \"2024-09-30T00:00:00Z\", not a timestamp"
    assert f"fake 0: the mock's profile {HAIKU}: createdAt {stamp}; updatedAt {stamp}" in messages(
        run, "sdk.response.timestamps"
    )


def test_without_listed_profiles_only_generated_bodies_are_parsed(servers: Servers) -> None:
    suite, run = suite_for(FakeSdk(), servers)
    suite.profiles = []
    suite.check_parsing()
    said = messages(run, "sdk.response.parsed")
    assert said and all(m.startswith("fake 0: a ") for m in said)
    assert not any("edge timestamp" in m or "the mock's profile" in m for m in said)


def test_profiles_with_no_identifier_or_no_raw_answer_are_passed_over(servers: Servers) -> None:
    asked: list[str] = []
    suite, run = suite_for(FakeSdk(), servers)
    real_call = suite.call
    suite.call = lambda endpoint, identifier, **o: asked.append(identifier) or real_call(endpoint, identifier, **o)  # type: ignore[method-assign]
    assert suite._raw_get("no-such-profile") is None
    suite.profiles = [{"inferenceProfileId": 7, "createdAt": "2024-09-30T00:00:00Z"}, {"inferenceProfileId": "gone"}]
    suite.check_parsing()
    assert "gone" not in asked and 7 not in asked
    assert not any("the mock's profile" in m for m in messages(run, "sdk.response.parsed"))


def test_identifiers_the_sdk_refuses_to_send_leave_encoding_unjudged(servers: Servers) -> None:
    suite, run = suite_for(FakeSdk({"rejects-all"}), servers)
    suite.check_encoding()
    assert run.results == []  # sdk.validation.acceptsValid reports them


# ------------------------------------------------------------------------------------------------ errors, validation
def test_an_error_answered_as_an_output_or_with_another_status_fails(servers: Servers) -> None:
    suite, run = suite_for(Twisted(twist=lambda a, e: Answer("output", output={})), servers)
    suite.check_errors()
    assert failing(run) == {"sdk.errorType.header", "sdk.errorType.body", "sdk.errorMessage.capitalised"}
    assert all(m.endswith(": returned an output") for m in messages(run, "sdk.errorType.body"))

    def status_400(answer: Answer, expect: str | None) -> Answer:
        assert answer.error is not None
        answer.error.status = 400
        return answer

    suite, run = suite_for(Twisted(twist=status_400), servers)
    suite.check_errors()
    said = messages(run, "sdk.errorType.header")
    assert any("ResourceNotFoundException" in m and m.endswith(": status 400, not 404") for m in said)
    # ValidationException's status is 400: the one error this SDK still gets right.
    validation = [r.outcome for r in run.results if r.context["error"] == "ValidationException"]
    assert validation and set(validation) == {Outcome.PASS}


def test_with_every_invalid_identifier_sent_and_refused_as_modelled_there_is_nothing_to_note(
    servers: Servers,
) -> None:
    def refuse(answer: Answer, expect: str | None) -> Answer:
        return Answer("error", error=SdkError(str(expect), expect, "no", 400, True, True)) if expect else answer

    class SendsEverything(Twisted):
        def call(self, target: dict[str, Any], params: dict[str, Any], **options: Any) -> Answer:
            # Every identifier reaches the server (as a valid one, which the mock answers), then is refused.
            valid = {LABEL: HAIKU}
            return super().call(target, params if not options.get("expect") else valid, **options)

    suite, run = suite_for(SendsEverything(twist=refuse), servers)
    suite.check_validation()
    (info,) = messages(run, "sdk.validation.clientSide")
    assert info.startswith("fake 0: rejects before sending: none; sends: ")
    assert ". " not in info and "rejected before sending" not in info and "and the SDK" not in info


def test_a_retry_mode_sdk_json_does_not_describe_is_skipped_with_the_mode_named(servers: Servers) -> None:
    def adaptive(answer: Answer, expect: str | None) -> Answer:
        answer.retry_mode = "adaptive"
        return answer

    suite, run = suite_for(Twisted(twist=adaptive), servers)
    suite.check_retries()
    assert suite.recorder.skips["sdk.retry.retried"] == "fake 0: sdk.json describes no adaptive mode"
    assert set(outcomes(run)) == {"sdk.retry.notRetried"} and failing(run) == set()


# ------------------------------------------------------------------------------------------------ the catalogue
def test_a_listing_that_always_hands_out_a_token_is_read_for_twenty_pages(servers: Servers) -> None:
    with CannedServer() as endless:
        page = {"inferenceProfileSummaries": [{"inferenceProfileId": "p"}, "not a profile"], "nextToken": "again"}
        endless.set(Canned(200, JSON, json.dumps(page).encode()))
        suite, _ = suite_for(FakeSdk(), (SimpleNamespace(url=endless.url), servers[1]))  # type: ignore[arg-type]
        seen = [s.target for s in endless.seen]
        suite.close()
    assert seen == ["/inference-profiles"] + ["/inference-profiles?nextToken=again"] * 19
    assert suite.profiles == [{"inferenceProfileId": "p"}] * 20 and suite.some_id == "p"


def test_a_listing_that_fails_leaves_no_profiles_and_a_valid_identifier_to_ask_for(servers: Servers) -> None:
    with CannedServer() as failing_list:
        failing_list.set(Canned(403, JSON, b'{"message": "denied"}'))
        suite, _ = suite_for(FakeSdk(), (SimpleNamespace(url=failing_list.url), servers[1]))  # type: ignore[arg-type]
        suite.close()
    # The longest example identifier of the page's pattern, at most 64 characters.
    assert suite.profiles == [] and suite.some_id == "-" * 64


# ------------------------------------------------------------------------------------------------ the family
def test_a_paginator_that_raises_fails_both_paginator_clauses(servers: Servers) -> None:
    class Raises(FakeSdk):
        def paginate(self, target: dict[str, Any], params: dict[str, Any], *, page_size: int | None = None) -> Answer:
            return Answer("error", error=THROTTLE)

    suite, run = suite_for(Raises(), servers)
    suite.steps()[5][0]()
    assert failing(run) == set(PAGINATOR)
    expected = "fake 0: the paginator at page size 2 raised HTTP 429 ThrottlingException: slow down"
    assert [m for c in PAGINATOR for m in messages(run, c)] == [expected, expected]


def test_with_no_profile_to_copy_from_the_round_trip_is_skipped(servers: Servers) -> None:
    suite, run = suite_for(FakeSdk(), servers)
    suite.profiles = [{"inferenceProfileArn": "not an ARN"}, {"inferenceProfileId": "no-arn"}]
    suite.steps()[6][0]()
    assert run.results == []
    reason = "the mock lists no profile CreateInferenceProfile may copy from"
    assert suite.recorder.skips == {CREATED: reason, GONE: reason}


def test_a_create_that_raises_fails_gettable_and_skips_gone(servers: Servers) -> None:
    twisted = Twisted(twist=lambda a, e: Answer("error", error=THROTTLE), operations=("CreateInferenceProfile",))
    suite, run = suite_for(twisted, servers)
    suite.steps()[6][0]()
    assert messages(run, CREATED) == [
        "fake 0: CreateInferenceProfile 'bc-sdk-3' raised HTTP 429 ThrottlingException: slow down, "
        "with no inferenceProfileArn"
    ]
    assert suite.recorder.skips == {GONE: "the SDK created no profile to delete"}
    # The mock did create it (the SDK lost the answer): it is deleted by its name all the same.
    assert not [name for name in leftovers(servers[0]) if name.startswith("bc-sdk-")]


def test_a_delete_that_raises_fails_gone_and_the_profile_is_deleted_anyway(servers: Servers) -> None:
    twisted = Twisted(twist=lambda a, e: Answer("error", error=THROTTLE), operations=("DeleteInferenceProfile",))
    suite, run = suite_for(twisted, servers)
    suite.steps()[6][0]()
    assert failing(run) == {GONE}
    (gone,) = messages(run, GONE)
    assert gone.startswith("fake 0: DeleteInferenceProfile of arn:aws:bedrock:")
    assert ":application-inference-profile/" in gone and gone.endswith(
        " raised HTTP 429 ThrottlingException: slow down"
    )
    assert not [name for name in leftovers(servers[0]) if name.startswith("bc-sdk-")]


ABC123 = "arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aapplication-inference-profile%2Fabc123"


def test_a_clean_up_whose_listing_is_no_json_deletes_the_arn_it_was_given() -> None:
    with CannedServer() as server:
        server.set(Canned(200, JSON, b"<html>not json</html>"))
        transport = Transport(server.url, "us-east-1", DUMMY, clock=NO_WAITS)
        arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123"
        _clean_up(SimpleNamespace(transport=transport), "bc-sdk-1", arn)  # type: ignore[arg-type]
        transport.close()
        seen = [(s.method, s.target) for s in server.seen]
    assert seen == [
        ("GET", "/inference-profiles?type=APPLICATION"),
        (
            "DELETE",
            "/inference-profiles/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aapplication-inference-profile%2Fabc123",
        ),
    ]


# ------------------------------------------------------------------------------------------------ a dying adapter
DIES = (
    "import json, sys\n"
    "first = json.loads(sys.stdin.readline())\n"
    'hello = {"id": first["id"], "sdk": "boto3", "version": "9.9", "core": "c", "runtime": "r"}\n'
    "print(json.dumps(hello), flush=True)\n"
    "sys.stdin.readline()\n"
    "sys.stderr.write('Segmentation fault\\n')\n"
    "sys.exit(139)\n"
)


def test_an_adapter_that_dies_mid_run_fails_its_step_and_skips_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_suite, "runtime_for", lambda spec: Runtime([sys.executable, "-c", DIES], "here"))
    recorder = Recorder()
    run = run_sdk_suite("boto3", recorder, CONFIG)
    stopped = "the adapter exited: Segmentation fault"
    assert [(r.clause, r.outcome, r.message) for r in run.results] == [
        ("sdk.identifier.encoding", Outcome.FAIL, f"boto3 9.9: the adapter stopped: {stopped}")
    ]
    assert run.skipped == f"boto3 9.9 stopped early: {stopped}"
    # Every clause gets the reason; the one whose check failed stays failed (a failure outweighs a skip).
    assert set(recorder.skips) == set(sdk_clause_ids())
    assert all(reason == run.skipped for reason in recorder.skips.values())
