"""The write request clauses where no value can be made for a side, where a request gets no answer, and where a
replayed request breaks clauses of other members too.

Restated from botocore's bedrock service model: InferenceProfileName is 1..64 characters of
``^([0-9a-zA-Z][ _-]?)+$``; a Create carries at most 200 tags; UntagResource is ``POST /untagResource``
(resourceARN, tagKeys); a request that breaks a clause gets 400 ValidationException.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml
from zoo import servers as zoo

from bedrock_conformance._engine import Recorder, RunConfig, Session
from bedrock_conformance._schemas import contract
from bedrock_conformance._validator import Outcome
from bedrock_conformance.checks import clause_verdict
from bedrock_conformance.exercises import run_write_requests
from bedrock_conformance.exercises.family_writes import _Case, _run_clause
from bedrock_conformance.frontend import open_session

SHIPPED = Path(__file__).resolve().parent.parent / "cassettes" / "mock"
C = "CreateInferenceProfile:request."
U = "UntagResource:request."
HAIKU = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0"
BODY = {
    "inferenceProfileName": "bc-requests-1",
    "modelSource": {"copyFrom": HAIKU},
    "tags": [{"key": "k", "value": "v"}],
}


def _skipped(clause_id: str, body: dict[str, Any], *, keyword: str | None = None) -> str | None:
    """What _run_clause records for the clause when its base request is ``body``: the skip reason (it sends nothing:
    the stub session has no target)."""
    clause = contract().clause(clause_id)
    if keyword is not None:
        clause = dataclasses.replace(clause, keyword=keyword)
    session: Any = SimpleNamespace(recorder=Recorder())
    _run_clause(session, clause, contract().create_operation, _Case("", body=body), {})
    assert session.recorder.results == []
    return session.recorder.skips.get(clause_id)


def test_without_tags_in_the_base_no_request_breaks_max_items() -> None:
    body = {k: v for k, v in BODY.items() if k != "tags"}
    assert _skipped(C + "tags.maxItems", body) == "the contract gives no value that breaks it alone"


def test_a_name_that_is_no_string_gives_no_value_to_resize() -> None:
    assert _skipped(C + "inferenceProfileName.maxLength", {**BODY, "inferenceProfileName": 7}) == (
        "the contract gives no value that breaks it alone"
    )


def test_a_keyword_the_exercise_makes_no_values_for_is_skipped() -> None:
    reason = _skipped(C + "inferenceProfileName.pattern", BODY, keyword="multipleOf")
    assert reason == "the contract gives no value that breaks it alone"


def test_a_base_name_over_its_length_keeps_no_value_of_the_pattern_clause() -> None:
    # 65 characters: the name's own value breaks maxLength, so nothing sent for the pattern keeps every clause.
    assert _skipped(C + "inferenceProfileName.pattern", {**BODY, "inferenceProfileName": "a" * 65}) == (
        "the contract gives no value that keeps every clause"
    )


def _first_untag(state: dict[str, bool]) -> Any:
    def applies(request: zoo.Incoming) -> bool:
        if request.method != "POST" or request.path != "/untagResource" or state.get("done"):
            return False
        state["done"] = True
        return True

    return applies


def test_a_write_that_gets_no_answer_fails_its_clause() -> None:
    state: dict[str, bool] = {}
    with zoo.ZooServer(zoo.close_without_answer, applies=_first_untag(state)) as server:
        session = open_session(RunConfig(target=server.url, allow_writes=True, seed=1, examples=1))
        try:
            run_write_requests(session)
        finally:
            session.close()
        untagged = [r for r in server.requests if r.path == "/untagResource"]
    clause = untagged[0].header("x-bedrock-conformance-check")
    assert clause is not None and clause.startswith(U)
    failures = [r for r in session.recorder.of(clause) if r.outcome is Outcome.FAIL]
    assert len(failures) == 1
    assert failures[0].message.endswith(": no answer (the target closed the connection without answering)")
    assert clause_verdict(session.recorder.of(clause)).outcome is Outcome.FAIL
    # The other UntagResource clauses got answers and pass.
    others = {r.clause for r in session.recorder.results if r.clause.startswith(U) and r.clause != clause}
    assert others and all(clause_verdict(session.recorder.of(c)).outcome is Outcome.PASS for c in others)


def _rejudged(tmp_path: Path, clause_id: str, edit: Any) -> Session:
    folder = tmp_path / "set"
    folder.mkdir(parents=True)
    data = yaml.safe_load((SHIPPED / "family_writes.yaml").read_text(encoding="utf-8"))
    edit(data["interactions"])
    (folder / "family_writes.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    session = open_session(RunConfig(target=f"replay:{folder}"))
    try:
        run_write_requests(session)
    finally:
        session.close()
    shutil.rmtree(folder)
    return session


def test_a_replayed_request_that_breaks_other_members_too_judges_nothing(tmp_path: Path) -> None:
    clause = C + "inferenceProfileName.maxLength"
    edited: list[str] = []
    tagged: list[dict[str, Any]] = []

    def edit(interactions: list[dict[str, Any]]) -> None:
        check = "x-bedrock-conformance-check"
        tagged.extend(i for i in interactions if i["request"]["headers"].get(check) == [clause])
        body = tagged[0]["request"]["body"]["json"]
        assert len(body["inferenceProfileName"]) == 65  # one past the model's 64: it breaks maxLength alone
        body["description"] = "a description ending in !"  # '!' breaks the description's pattern too
        edited.append(body["inferenceProfileName"])
        interactions[:] = tagged  # the clause's own recordings: every other clause then judges nothing

    results = _rejudged(tmp_path, clause, edit).recorder.of(clause)
    # One result per recorded request of the clause (each judged alone), but for the edited one.
    assert len(results) == len(tagged) - 1 >= 2
    assert clause_verdict(results).outcome is Outcome.PASS
    assert not any(r.exchange is not None and edited[0].encode() in r.exchange.request.body for r in results)
