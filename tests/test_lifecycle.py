"""The lifecycle suite: CreateInferenceProfile, DeleteInferenceProfile and the tagging operations, judged by the
answers after each step; whatever a run creates is deleted, even when the run is interrupted.

The model's facts are restated here literally: ConflictException, ValidationException and TooManyTagsException are
400, ResourceNotFoundException 404, AccessDeniedException 403, ThrottlingException 429; a resource carries at most
50 tags (TooManyTagsException's documentation); application profiles are listed under type=APPLICATION.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from mutants import Proxy, run_conformance
from mutants._lifecycle import LIFECYCLE, LIFECYCLE_VARIANTS, SAME_TOKEN, TOO_MANY
from zoo.runs import INTERRUPTIBLE_CLI, application_profiles

from bedrock_conformance._http import Exchange, Request, Response, Transport
from bedrock_conformance._ledger import Ledger
from bedrock_conformance._lifecycle_checks import check_listed, expect_error, tag_limit
from bedrock_conformance._validator import Outcome
from bedrock_conformance.cli import main
from bedrock_conformance.exercises import lifecycle_clause_ids
from bedrock_conformance.mock import MockServer
from bedrock_conformance.targets import DUMMY

SHIPPED = Path(__file__).resolve().parent.parent / "cassettes"
WAIT = 120
HAIKU_ARN = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0"


@pytest.fixture(scope="module")
def reference_mock() -> Iterator[MockServer]:
    with MockServer() as mock:
        yield mock


def _error(status: int, kind: str) -> Exchange:
    headers = {"x-amzn-ErrorType": f"{kind}:http://internal.amazon.com/coral/com.amazon.bedrock/"}
    body = json.dumps({"message": "m"}).encode()
    return Exchange(Request("POST", "http://x/inference-profiles"), Response(status, headers, body))


def _tags(pairs: list[tuple[str, str]]) -> Exchange:
    body = json.dumps({"tags": [{"key": k, "value": v} for k, v in pairs]}).encode()
    return Exchange(Request("POST", "http://x/listTagsForResource"), Response(200, {}, body))


def test_the_suite_judges_twelve_clauses_of_five_operations() -> None:
    assert set(lifecycle_clause_ids()) == LIFECYCLE
    assert len(LIFECYCLE) == 12


def test_the_tag_limit_is_the_models_fifty() -> None:
    assert tag_limit() == 50


@pytest.mark.parametrize(
    ("answer", "outcome"),
    [
        (_error(400, "ConflictException"), Outcome.PASS),
        (_error(400, "ValidationException"), Outcome.PASS),
        (_error(409, "ConflictException"), Outcome.FAIL),  # the type's status is 400
        (_error(404, "ResourceNotFoundException"), Outcome.FAIL),
        (Exchange(Request("POST", "http://x/"), Response(201, {}, b'{"inferenceProfileArn": "a"}')), Outcome.FAIL),
        (_error(429, "ThrottlingException"), Outcome.SKIP),  # a throttle that outlived the retries decides nothing
    ],
)
def test_a_reused_token_must_be_refused_with_conflict_or_validation(answer: Exchange, outcome: Outcome) -> None:
    result = expect_error(answer, "c", ["ConflictException", "ValidationException"], "reuse")
    assert result is not None and result.outcome is outcome


def test_no_answer_decides_nothing() -> None:
    assert expect_error(Exchange(Request("POST", "http://x/"), None, "reset"), "c", ["ConflictException"], "x") is None


@pytest.mark.parametrize(
    ("listed", "wanted", "gone", "outcome"),
    [
        ([("a", "1"), ("b", "2")], {"a": "1", "b": "2"}, [], Outcome.PASS),
        ([("b", "2"), ("a", "1")], {"a": "1", "b": "2"}, [], Outcome.PASS),  # any order
        ([("a", "1"), ("b", "2"), ("aws:x", "y")], {"a": "1"}, [], Outcome.PASS),  # others are no matter
        ([("a", "1")], {"a": "1", "b": "2"}, [], Outcome.FAIL),
        ([("a", "2")], {"a": "1"}, [], Outcome.FAIL),  # another value
        ([("a", "1"), ("b", "2")], {"a": "1"}, ["b"], Outcome.FAIL),  # an untagged key still listed
        ([("a", "1")], {"a": "1"}, ["b"], Outcome.PASS),
    ],
)
def test_listed_tags_are_judged_by_key_and_value(listed, wanted, gone, outcome) -> None:
    result = check_listed("c", _tags(listed), wanted, gone)
    assert result is not None and result.outcome is outcome


def test_the_mock_passes_every_lifecycle_clause_and_keeps_nothing(reference_mock: MockServer, tmp_path: Path) -> None:
    before = len(application_profiles(reference_mock.url))
    result = run_conformance(reference_mock.url, tmp_path / "r.json", "--allow-writes")
    assert {c: result.outcomes[c] for c in LIFECYCLE} == dict.fromkeys(LIFECYCLE, "pass")
    assert result.code == 0
    assert len(application_profiles(reference_mock.url)) == before == 0


def test_a_read_only_target_skips_every_lifecycle_clause_and_writes_nothing(
    reference_mock: MockServer, tmp_path: Path
) -> None:
    methods: list[str] = []

    def count(call, upstream):
        methods.append(call.method)
        return upstream(call)

    with Proxy(reference_mock, count) as proxy:
        result = run_conformance(proxy.url, tmp_path / "r.json")
    assert {c: result.outcomes[c] for c in LIFECYCLE} == dict.fromkeys(LIFECYCLE, "skip")
    reasons = {c["id"]: c["reason"] for c in result.report["clauses"] if c["id"] in LIFECYCLE}
    assert all("--allow-writes" in reason for reason in reasons.values()), reasons
    assert set(methods) == {"GET"}


@pytest.mark.parametrize(
    ("name", "handler", "doc", "exercises"), LIFECYCLE_VARIANTS, ids=[v[0] for v in LIFECYCLE_VARIANTS]
)
def test_conformant_lifecycle_variant_has_no_failures(
    name: str, handler, doc: str, exercises: tuple[str, ...], reference_mock: MockServer, tmp_path: Path
) -> None:
    with Proxy(reference_mock, handler) as proxy:
        result = run_conformance(proxy.url, tmp_path / "r.json", "--allow-writes")
    assert result.failing == set(), {c: result.messages(c)[:1] for c in result.failing}
    assert result.code == 0
    for clause in exercises:
        assert result.outcomes[clause] == "pass", f"{name} never exercised {clause}"
    assert application_profiles(reference_mock.url) == []


def test_replaying_the_mock_cassettes_judges_the_recorded_lifecycle(tmp_path: Path) -> None:
    assert main(["run", "--target", f"replay:{SHIPPED / 'mock'}", "--report-json", str(tmp_path / "r.json")]) == 0
    report = json.loads((tmp_path / "r.json").read_text())
    outcomes = {c["id"]: c["outcome"] for c in report["clauses"]}
    assert {c: outcomes[c] for c in LIFECYCLE} == dict.fromkeys(LIFECYCLE, "pass")


def test_a_recording_without_the_lifecycle_skips_it_saying_so(tmp_path: Path) -> None:
    shutil.copytree(SHIPPED / "mock", tmp_path / "old")
    (tmp_path / "old" / "lifecycle.yaml").unlink()
    assert main(["run", "--target", f"replay:{tmp_path / 'old'}", "--report-json", str(tmp_path / "r.json")]) == 0
    report = json.loads((tmp_path / "r.json").read_text())
    skipped = {c["id"]: c["reason"] for c in report["clauses"] if c["id"] in LIFECYCLE and c["outcome"] == "skip"}
    assert set(skipped) == LIFECYCLE
    assert all("hold no CreateInferenceProfile request" in reason for reason in skipped.values())


def test_the_ledger_deletes_what_is_left_and_strikes_off_what_is_gone(reference_mock: MockServer) -> None:
    transport = Transport(reference_mock.url, "us-east-1", DUMMY)
    try:
        body = {"inferenceProfileName": "ledger-test", "modelSource": {"copyFrom": HAIKU_ARN}}
        created = transport.send(transport.request("POST", "/inference-profiles", body=body))
        assert created.response is not None and created.response.status == 201
        arn = created.response.json()["inferenceProfileArn"]
        ledger = Ledger(transport)
        ledger.created(arn)
        ledger.created("arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/zzzzzzzzzzzz")
        transport.options.budget = 0  # cleaning up is not held to the run's budget
        assert ledger.clean() == []  # one deleted (200), the other never existed (404): both are gone
        assert transport.options.budget == 0
    finally:
        transport.close()
    assert application_profiles(reference_mock.url) == []


class _Holder:
    """Holds the first request of the lifecycle at ``path`` until released: before the mock sees it, or (``after``)
    once the mock has answered it, so that the profile exists but the run never hears of it."""

    def __init__(self, path: str, *, after: bool = False) -> None:
        self.path, self.after = path, after
        self.holding = threading.Event()
        self.release = threading.Event()

    def __call__(self, call, upstream):
        # A Create of the lifecycle's own (the behaviour suite and the write request clauses create too); a tag listing
        # the lifecycle sends (tagged with one of its behaviour clauses, not a request clause).
        ours = call.method == "POST" and call.path == self.path
        checks = [v for k, v in call.headers if k.lower() == "x-bedrock-conformance-check"]
        if self.path == "/inference-profiles":
            ours = ours and b'"bc-lc-' in call.body
        else:
            ours = ours and any(":behaviour." in v for v in checks)
        if not ours or self.holding.is_set():
            return upstream(call)
        reply = upstream(call) if self.after else None
        self.holding.set()
        self.release.wait(WAIT)
        return reply if reply is not None else upstream(call)


@pytest.mark.parametrize(
    ("path", "after"),
    [
        ("/listTagsForResource", False),  # mid-lifecycle: the profile exists and the run knows its ARN
        ("/inference-profiles", True),  # the first Create made the profile, but its answer never reached the run
    ],
    ids=["while-listing-tags", "while-creating"],
)
def test_an_interrupted_lifecycle_leaves_no_profile_behind(path: str, after: bool, tmp_path: Path) -> None:
    holder = _Holder(path, after=after)
    with MockServer() as mock, Proxy(mock, holder) as proxy:
        command = [*INTERRUPTIBLE_CLI, "run", "--target", proxy.url, "--allow-writes", "--examples", "2", "--seed", "1"]
        process = subprocess.Popen(
            [*command, "--report-json", str(tmp_path / "r.json")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert holder.holding.wait(WAIT), "the run never reached the held request"
            # The lifecycle's profile exists now: the mock lists it.
            assert any(p["inferenceProfileName"].startswith("bc-lc-") for p in application_profiles(mock.url))
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=WAIT)
        finally:
            holder.release.set()
            if process.poll() is None:
                process.kill()
                process.communicate()
        assert process.returncode == 130, err
        assert "Traceback" not in out + err
        assert application_profiles(mock.url) == []
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["complete"] is False
    assert {c["outcome"] for c in report["clauses"] if c["id"] in (SAME_TOKEN, TOO_MANY)} <= {"skip", "pass"}


def test_the_ledger_finds_what_an_unanswered_create_made_by_its_name(reference_mock: MockServer) -> None:
    transport = Transport(reference_mock.url, "us-east-1", DUMMY)
    try:
        ledger = Ledger(transport)
        ledger.creating("ledger-lost-answer")
        body = {"inferenceProfileName": "ledger-lost-answer", "modelSource": {"copyFrom": HAIKU_ARN}}
        created = transport.send(transport.request("POST", "/inference-profiles", body=body))
        assert created.response is not None and created.response.status == 201  # an answer the ledger never saw
        assert ledger.arns == []
        assert ledger.clean() == []
        assert ledger.pending == set()
    finally:
        transport.close()
    assert application_profiles(reference_mock.url) == []


def test_the_shipped_lifecycle_cassette_holds_the_models_answers() -> None:
    """cassettes/mock/lifecycle.yaml, read as YAML (not through the tool): each step's status and error type."""
    import yaml

    interactions = yaml.safe_load((SHIPPED / "mock" / "lifecycle.yaml").read_text(encoding="utf-8"))["interactions"]
    answers: dict[str, list[tuple[str, int, str]]] = {}
    for interaction in interactions:
        request, response = interaction["request"], interaction["response"]
        check = (request["headers"].get("x-bedrock-conformance-check") or ["-"])[0]
        kind = (response["headers"].get("x-amzn-ErrorType") or [""])[0].split(":")[0]
        answers.setdefault(check, []).append((request["method"], response["status"]["code"], kind))
    creates = "CreateInferenceProfile:behaviour."
    assert answers[creates + "inferenceProfileArn.resolves"] == [("POST", 201, ""), ("GET", 200, "")]
    assert answers[creates + "clientRequestToken.idempotent"] == [("POST", 201, "")]
    assert answers[creates + "clientRequestToken.differentBodyRefused"] == [("POST", 400, "ConflictException")]
    assert answers[creates + "inferenceProfileName.unique"] == [("POST", 400, "ConflictException")]
    assert answers[creates + "modelSource.copyFromFound"] == [("POST", 404, "ResourceNotFoundException")]
    deletes = "DeleteInferenceProfile:behaviour.inferenceProfileIdentifier."
    assert answers[deletes + "deleted"] == [("DELETE", 200, ""), ("GET", 404, "ResourceNotFoundException")]
    assert answers[deletes + "deletedTwiceNotFound"] == [("DELETE", 404, "ResourceNotFoundException")]
    assert answers[deletes + "systemDefinedRefused"] == [("DELETE", 400, "ValidationException")]
    assert answers[TOO_MANY] == [("POST", 200, ""), ("POST", 400, "TooManyTagsException")]
    # The two tag requests of the limit: the first brings the profile to exactly 50 tags, the second adds one more.
    limit = [i for i in interactions if i["request"]["uri"].endswith("/tagResource")][-2:]
    listed = [i for i in interactions if i["request"]["uri"].endswith("/listTagsForResource")][-1]
    before = len(listed["response"]["body"]["json"]["tags"])
    assert before + len(limit[0]["request"]["body"]["json"]["tags"]) == 50
    assert len(limit[1]["request"]["body"]["json"]["tags"]) == 1
