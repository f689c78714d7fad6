"""The lifecycle exercise against servers that break one step: each step's clause fails (or, for an answer that says
nothing, skips) with a message naming the step, the later steps still run or are skipped as not reached, and nothing
the run created is left behind.

The exercise runs in-process (``run_lifecycle`` on a session opened on a proxy over a fresh mock), not as a whole
run. The model's facts restated: CreateInferenceProfile is ``POST /inference-profiles``, TagResource
``POST /tagResource``, UntagResource ``POST /untagResource``, ListTagsForResource ``POST /listTagsForResource``
(answers ``tags``), DeleteInferenceProfile ``DELETE /inference-profiles/{id}``; a resource carries at most 50 tags;
InternalServerException is 500, TooManyTagsException 400; application profiles are listed under type=APPLICATION.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from mutants import Call, Handler, Proxy, Reply, Upstream
from mutants._lifecycle import (
    ADDED_TAGS,
    CREATE_TAGS,
    DELETED,
    DELETED_TWICE,
    LIFECYCLE,
    SAME_TOKEN,
    SYSTEM_REFUSED,
    TOO_MANY,
    UNKNOWN_SOURCE,
    UNTAGGED,
    body_of,
    deleted_label,
    error,
    is_create,
)
from zoo.runs import application_profiles

from bedrock_conformance._engine import RunConfig, Session
from bedrock_conformance._validator import Outcome
from bedrock_conformance.checks import Verdict, clause_verdict
from bedrock_conformance.exercises import run_lifecycle
from bedrock_conformance.frontend import open_session
from bedrock_conformance.mock import MockServer

SHIPPED = Path(__file__).resolve().parent.parent / "cassettes" / "mock"
NOT_REACHED = "not reached: an earlier step of the lifecycle did not succeed (see its clause)"


def _lifecycle(handler: Handler) -> tuple[Session, list[Any]]:
    """run_lifecycle through ``handler``; the session, and the APPLICATION profiles the mock holds afterwards."""
    with MockServer() as mock, Proxy(mock, handler) as proxy:
        session = open_session(RunConfig(target=proxy.url, allow_writes=True, seed=1, examples=1))
        try:
            run_lifecycle(session)
        finally:
            session.close()
        return session, application_profiles(mock.url)


def _verdict(session: Session, clause: str) -> Verdict:
    return clause_verdict(session.recorder.of(clause), session.recorder.skips.get(clause))


def _messages(session: Session, clause: str, outcome: Outcome = Outcome.FAIL) -> list[str]:
    return [r.message for r in session.recorder.of(clause) if r.outcome is outcome]


def _once(matches: Callable[[Call], bool], answer: Reply, times: int = 1) -> Handler:
    """The first ``times`` requests ``matches`` accepts are answered ``answer`` (never carried out); the rest pass
    through."""
    done: list[Call] = []

    def handle(call: Call, upstream: Upstream) -> Reply:
        if len(done) < times and matches(call):
            done.append(call)
            return answer
        return upstream(call)

    return handle


def _passing(session: Session, *clauses: str) -> None:
    for clause in clauses:
        assert _verdict(session, clause).outcome is Outcome.PASS, (clause, _verdict(session, clause))


def _ours(call: Call) -> bool:
    return call.method == "POST" and b'"bc-lc-' in call.body


def test_a_same_token_create_answered_500_fails_idempotence() -> None:
    seen: list[str] = []

    def second_create(call: Call) -> bool:
        token = body_of(call).get("clientRequestToken")
        if not is_create(call) or not isinstance(token, str) or not token.endswith("-a"):
            return False
        seen.append(token)
        return len(seen) == 2  # the first one creates; the same request again gets the 500

    session, left = _lifecycle(_once(second_create, error("InternalServerException")))
    assert _verdict(session, SAME_TOKEN).outcome is Outcome.FAIL
    assert _messages(session, SAME_TOKEN) == ["the same token and body: answered HTTP 500 InternalServerException"]
    _passing(session, DELETED, CREATE_TAGS, TOO_MANY)
    assert left == []


def _listed_twice(call: Call, upstream: Upstream) -> Reply:
    """Every APPLICATION listing shows each of the lifecycle's profiles twice."""
    reply = upstream(call)
    if not (call.is_list and call.query.get("type") == "APPLICATION" and reply.status == 200):
        return reply
    page = reply.json()
    doubled = []
    for summary in page["inferenceProfileSummaries"]:
        doubled += [summary] * (2 if summary["inferenceProfileName"].startswith("bc-lc-") else 1)
    return reply.with_json({**page, "inferenceProfileSummaries": doubled})


def test_a_listing_with_two_profiles_of_one_name_fails_idempotence() -> None:
    session, left = _lifecycle(_listed_twice)
    verdict = _verdict(session, SAME_TOKEN)
    assert verdict.outcome is Outcome.FAIL
    (message,) = _messages(session, SAME_TOKEN)
    assert message.startswith("ListInferenceProfiles shows 2 APPLICATION profiles named 'bc-lc-1-")
    # The listing after the Delete still shows the profile (twice, but it is gone): the Delete's clause passes.
    _passing(session, DELETED)
    assert left == []


def test_a_tag_resource_answered_500_fails_added_tags_and_the_untag_still_runs() -> None:
    session, left = _lifecycle(_once(lambda c: c.path == "/tagResource", error("InternalServerException")))
    assert _verdict(session, ADDED_TAGS).outcome is Outcome.FAIL
    assert _messages(session, ADDED_TAGS) == ["TagResource: answered HTTP 500 InternalServerException"]
    # The tags before the untag come from a listing of their own, and the untag keeps every other tag.
    _passing(session, CREATE_TAGS, UNTAGGED, TOO_MANY, DELETED)
    assert left == []


def test_an_untag_resource_answered_500_fails_its_clause_and_the_limit_is_not_reached() -> None:
    session, left = _lifecycle(_once(lambda c: c.path == "/untagResource", error("InternalServerException")))
    assert _verdict(session, UNTAGGED).outcome is Outcome.FAIL
    assert _messages(session, UNTAGGED) == ["UntagResource: answered HTTP 500 InternalServerException"]
    limit = _verdict(session, TOO_MANY)
    assert limit.outcome is Outcome.SKIP and limit.reason == NOT_REACHED
    _passing(session, ADDED_TAGS, DELETED, DELETED_TWICE)
    assert left == []


def _fifty_listed(call: Call, upstream: Upstream) -> Reply:
    """ListTagsForResource shows 48 tags besides the profile's own: after the untag it lists the limit, 50."""
    reply = upstream(call)
    if call.path != "/listTagsForResource" or reply.status != 200:
        return reply
    extra = [{"key": f"svc-{i:02d}", "value": "x"} for i in range(48)]
    return reply.with_json({"tags": reply.json()["tags"] + extra})


def test_a_profile_listed_at_the_limit_is_tagged_once_more_and_must_refuse_it() -> None:
    tag_requests: list[int] = []

    def handler(call: Call, upstream: Upstream) -> Reply:
        if call.path == "/tagResource":
            tag_requests.append(len(body_of(call)["tags"]))
        return _fifty_listed(call, upstream)

    session, left = _lifecycle(handler)
    # No tag to fill: the next TagResource is the 51st tag, and the mock (which holds 2) accepts it.
    assert tag_requests == [1, 1]
    assert _verdict(session, TOO_MANY).outcome is Outcome.FAIL
    assert _messages(session, TOO_MANY) == [
        "tag 51 of a profile with 50: answered HTTP 200, not HTTP 400 TooManyTagsException"
    ]
    _passing(session, CREATE_TAGS, ADDED_TAGS, UNTAGGED)
    assert left == []


def _ours_deleted(call: Call) -> bool:
    return (deleted_label(call) or "").find(":application-inference-profile/") > 0


def test_a_delete_answered_500_fails_deleted_and_the_second_delete_is_not_reached() -> None:
    # A Delete is sent again after a 5xx (it is idempotent): all three attempts get the 500.
    session, left = _lifecycle(_once(_ours_deleted, error("InternalServerException"), times=3))
    assert _verdict(session, DELETED).outcome is Outcome.FAIL
    assert _messages(session, DELETED) == ["DeleteInferenceProfile: answered HTTP 500 InternalServerException"]
    twice = _verdict(session, DELETED_TWICE)
    assert twice.outcome is Outcome.SKIP and twice.reason == NOT_REACHED
    _passing(session, SYSTEM_REFUSED, TOO_MANY)
    assert left == []  # the ledger deleted it at the end


def _listing_after_the_delete(answer: Reply) -> Handler:
    """Every List of APPLICATION profiles after the first Delete is answered ``answer``."""
    deleted: list[str] = []

    def handle(call: Call, upstream: Upstream) -> Reply:
        if deleted_label(call) is not None:
            deleted.append(call.path)
        if deleted and call.is_list and call.query.get("type") == "APPLICATION":
            return answer
        return upstream(call)

    return handle


def test_a_listing_after_the_delete_answered_500_fails_deleted() -> None:
    """The clause says the Get gets 404 AND the APPLICATION listing no longer lists it: a List that stays a server
    fault after the retries is an answer like any other, and not the one the clause needs (it passed before)."""
    session, left = _lifecycle(_listing_after_the_delete(error("InternalServerException")))
    verdict = _verdict(session, DELETED)
    assert verdict.outcome is Outcome.FAIL
    assert [(r.outcome, r.message) for r in session.recorder.of(DELETED)] == [
        (Outcome.PASS, "a Get after it: HTTP 404 ResourceNotFoundException"),
        (Outcome.FAIL, "ListInferenceProfiles after it: answered HTTP 500 InternalServerException"),
    ]
    _passing(session, DELETED_TWICE)
    assert left == []


def test_a_listing_after_the_delete_that_stays_throttled_leaves_the_get_to_judge_it() -> None:
    throttle = Reply(
        429,
        {"Content-Type": "application/json", "x-amzn-ErrorType": "ThrottlingException:http://internal.amazon.com/"},
        b'{"message": "slow down"}',
    )
    session, left = _lifecycle(_listing_after_the_delete(throttle))
    verdict = _verdict(session, DELETED)
    assert verdict.outcome is Outcome.PASS
    assert [r.message for r in verdict.decided] == ["a Get after it: HTTP 404 ResourceNotFoundException"]
    assert [r.message for r in verdict.inconclusive] == ["stayed HTTP 429 ThrottlingException after 3 attempts"]
    assert left == []


def _no_system_ids(call: Call, upstream: Upstream) -> Reply:
    """Listed SYSTEM_DEFINED profiles carry no inferenceProfileId (their ARNs stay)."""
    reply = upstream(call)
    if not call.is_list or reply.status != 200:
        return reply
    page = reply.json()
    summaries = [
        {k: v for k, v in s.items() if k != "inferenceProfileId" or s.get("type") != "SYSTEM_DEFINED"}
        for s in page["inferenceProfileSummaries"]
    ]
    return reply.with_json({**page, "inferenceProfileSummaries": summaries})


def test_system_profiles_listed_without_an_id_leave_the_system_delete_unjudged() -> None:
    session, left = _lifecycle(_no_system_ids)
    refused = _verdict(session, SYSTEM_REFUSED)
    assert refused.outcome is Outcome.SKIP
    # Not "ListInferenceProfiles listed no profiles", which the reason said before: it listed them, without ids.
    assert refused.reason == (
        "no listed profile of a type that cannot be deleted has an inferenceProfileId to delete it by"
    )
    _passing(session, DELETED, DELETED_TWICE, CREATE_TAGS)
    assert left == []


def _edit(path: Path, edit: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["interactions"] = edit(data["interactions"])
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def _listings(interactions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        i for i in interactions if i["request"]["method"] == "GET" and "/inference-profiles?" in i["request"]["uri"]
    ]


def _replay(tmp_path: Path, edit: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]) -> Session:
    """run_lifecycle alone over the shipped lifecycle cassette, edited, and the discovery listings of the behaviour
    cassette (its other requests, a Create among them, would answer the lifecycle's first)."""
    folder = tmp_path / "set"
    folder.mkdir()
    for name in ("lifecycle.yaml", "behaviour.yaml"):
        shutil.copy(SHIPPED / name, folder / name)
    _edit(folder / "lifecycle.yaml", edit)
    _edit(folder / "behaviour.yaml", _listings)
    session = open_session(RunConfig(target=f"replay:{folder}"))
    try:
        run_lifecycle(session)
    finally:
        session.close()
    return session


def test_a_recording_whose_lifecycle_create_is_no_json_skips_every_clause(tmp_path: Path) -> None:
    def garble(interactions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for interaction in interactions:
            request = interaction["request"]
            if request["uri"].endswith("/inference-profiles") and request["method"] == "POST":
                request["body"] = {"string": "inferenceProfileName=" + request["body"]["json"]["inferenceProfileName"]}
        return interactions

    session = _replay(tmp_path, garble)
    for clause in LIFECYCLE:
        verdict = _verdict(session, clause)
        assert verdict.outcome is Outcome.SKIP
        assert verdict.reason == "the cassettes hold no CreateInferenceProfile request of the lifecycle suite"


def test_a_recording_without_the_application_listing_judges_the_rest(tmp_path: Path) -> None:
    def unlisted(interactions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [i for i in interactions if "type=APPLICATION" not in i["request"]["uri"]]

    session = _replay(tmp_path, unlisted)
    _passing(session, *LIFECYCLE)
    messages = [r.message for r in session.recorder.of(DELETED)]
    assert not any("ListInferenceProfiles" in m for m in messages), messages
    assert json.dumps(messages)  # the Delete and the Get after it decided the clause


def test_a_listed_profile_with_the_absent_sources_arn_leaves_copy_from_found_unjudged(monkeypatch) -> None:
    """The lifecycle copies from an ARN of its own making that names nothing: when a listed profile has that very
    ARN (the run's random part fixed here), there is no such source, and the clause is skipped saying so."""
    monkeypatch.setattr("secrets.token_hex", lambda n: "abcdef")
    haiku = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0"
    taken = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/bc-lc-1-abcdef.absent-v1:0"

    def handler(call: Call, upstream: Upstream) -> Reply:
        reply = upstream(call)
        if not call.is_list or call.query.get("type") == "APPLICATION" or reply.status != 200:
            return reply
        page = reply.json()
        summaries = page["inferenceProfileSummaries"]
        twin = {**summaries[0], "inferenceProfileArn": taken, "inferenceProfileId": "bc-lc-1-abcdef.absent-v1:0"}
        return reply.with_json({**page, "inferenceProfileSummaries": [*summaries, twin]})

    session, left = _lifecycle(handler)
    found = _verdict(session, UNKNOWN_SOURCE)
    assert found.outcome is Outcome.SKIP
    assert found.reason == f"no well-formed copy source that names nothing could be made from {haiku!r}"
    _passing(session, SAME_TOKEN, DELETED)
    assert left == []
