"""The behaviour exercises against answers that decide nothing or cannot be judged: a Get by ARN denied or throttled,
unknown identifiers that get no answer, a profile named with --profile-id only, a Create answered without an ARN,
and a Get of a created ARN that is no JSON. Each exercise runs in-process on a session over a proxy or a zoo server.

Restated from the page and the model: GetInferenceProfile is ``GET /inference-profiles/{inferenceProfileIdentifier}``
and answers 200; AccessDeniedException is 403, ThrottlingException 429 (a throttle that outlived the retries, or a
403 that may deny everything, decides nothing); CreateInferenceProfile is ``POST /inference-profiles`` and answers
201 with ``inferenceProfileArn``; an APPLICATION profile's ARN has the resource type application-inference-profile.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from mutants import Call, Handler, Proxy, Reply, Upstream
from mutants._lifecycle import error, is_create
from zoo import servers as zoo
from zoo.runs import application_profiles

from bedrock_conformance._engine import RunConfig, Session
from bedrock_conformance._validator import Outcome
from bedrock_conformance.checks import Verdict, clause_verdict
from bedrock_conformance.exercises import run_application_lifecycle, run_listed_profiles, run_unknown_identifiers
from bedrock_conformance.frontend import open_session
from bedrock_conformance.mock import MockServer

HAIKU_ID = "us.anthropic.claude-3-haiku-20240307-v1:0"
HAIKU_ARN = f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/{HAIKU_ID}"
BY_ID = "behaviour.listedProfile.resolvesById"
BY_ARN = "behaviour.listedProfile.resolvesByArn"
EQUALS = "behaviour.listSummary.equalsGet"
UNKNOWN = "behaviour.unknownIdentifier.notFound"
RESOURCE_TYPE = "behaviour.inferenceProfileArn.resourceType"
NOT_RUN = "no check of this clause ran against this target"


def _run(url: str, exercise: Callable[[Session], None], *, patient: bool = False, **config: Any) -> Session:
    """The exercise alone; ``patient``: the transport never gives up on a target that leaves requests unanswered."""
    session = open_session(RunConfig(target=url, seed=1, examples=1, **config))
    if patient:
        session.target.transport.options.give_up_after = 0
    try:
        exercise(session)
    finally:
        session.close()
    return session


def _proxied(handler: Handler, exercise: Callable[[Session], None], **config: Any) -> tuple[Session, list[Any]]:
    """The exercise through ``handler``, and the APPLICATION profiles the mock holds afterwards."""
    with MockServer() as mock, Proxy(mock, handler) as proxy:
        return _run(proxy.url, exercise, **config), application_profiles(mock.url)


def _verdict(session: Session, clause: str) -> Verdict:
    return clause_verdict(session.recorder.of(clause), session.recorder.skips.get(clause))


def _gets_by_arn(answer: Reply) -> Handler:
    def handle(call: Call, upstream: Upstream) -> Reply:
        return answer if (call.label or "").startswith("arn:") else upstream(call)

    return handle


def test_a_get_by_arn_denied_leaves_resolves_by_arn_unjudged() -> None:
    session, _ = _proxied(_gets_by_arn(error("AccessDeniedException")), run_listed_profiles, max_profiles=1)
    assert _verdict(session, BY_ID).outcome is Outcome.PASS
    by_arn = _verdict(session, BY_ARN)
    assert by_arn.outcome is Outcome.SKIP
    assert by_arn.reason == f"access denied to {HAIKU_ARN!r}: HTTP 403 AccessDeniedException"


def test_a_get_by_arn_that_stays_throttled_decides_nothing() -> None:
    throttle = Reply(
        429,
        {"Content-Type": "application/json", "x-amzn-ErrorType": "ThrottlingException:http://internal.amazon.com/"},
        json.dumps({"message": "slow down"}).encode(),
    )
    session, _ = _proxied(_gets_by_arn(throttle), run_listed_profiles, max_profiles=1, max_attempts=1)
    assert _verdict(session, BY_ID).outcome is Outcome.PASS
    by_arn = _verdict(session, BY_ARN)
    assert by_arn.outcome is Outcome.SKIP
    assert [r.message for r in by_arn.inconclusive] == ["stayed HTTP 429 ThrottlingException after 1 attempt"]
    assert by_arn.decided == []


def test_a_profile_named_only_with_profile_id_is_resolved_but_not_compared_with_a_summary() -> None:
    session, _ = _proxied(
        lambda call, upstream: upstream(call), run_listed_profiles, max_profiles=0, profile_ids=[HAIKU_ID]
    )
    assert [(r.outcome, r.message) for r in session.recorder.of(BY_ID)] == [(Outcome.PASS, f"{HAIKU_ID!r}: HTTP 200")]
    assert [r.outcome for r in session.recorder.of(BY_ARN)] == [Outcome.PASS]
    # No summary was listed for it (none sampled): nothing to compare the Get body with.
    assert session.recorder.of(EQUALS) == []
    assert _verdict(session, EQUALS).outcome is Outcome.SKIP


def _unknown_gets(request: zoo.Incoming) -> bool:
    return request.is_get and HAIKU_ID not in request.target.replace("%3A", ":")


def test_unknown_identifiers_that_get_no_answer_skip_counting_them() -> None:
    with zoo.ZooServer(zoo.close_without_answer, applies=_unknown_gets) as server:
        # Patient: by default five unanswered requests in a row end the run before the clause is judged.
        session = _run(server.url, run_unknown_identifiers, patient=True, max_attempts=1)
        # One request per identifier (the first may be sent twice: a keep-alive connection dropped is reopened once).
        sent = {r.target for r in server.requests if r.is_get}
    verdict = _verdict(session, UNKNOWN)
    assert verdict.outcome is Outcome.SKIP
    assert session.recorder.of(UNKNOWN) == []
    assert verdict.reason == (
        f"no answer decided it: {len(sent)} got no answer (the target closed the connection without answering)"
    )
    assert len(sent) > 1


def test_a_create_answered_without_an_arn_leaves_the_resource_type_unjudged() -> None:
    def no_arn(call: Call, upstream: Upstream) -> Reply:
        if is_create(call):  # never carried out: nothing is created
            return Reply(201, {"Content-Type": "application/json"}, b'{"status": "ACTIVE"}')
        return upstream(call)

    session, left = _proxied(no_arn, run_application_lifecycle, allow_writes=True)
    verdict = _verdict(session, RESOURCE_TYPE)
    assert verdict.outcome is Outcome.SKIP
    assert verdict.reason == "the Create answered HTTP 201, no ARN"
    # The Create's own answer clause fails on the missing member.
    required = session.recorder.of("CreateInferenceProfile:response.inferenceProfileArn.required")
    assert [r.outcome for r in required] == [Outcome.FAIL]
    assert left == []


def test_a_get_of_the_created_arn_that_is_no_json_leaves_the_resource_type_unjudged() -> None:
    def garbled(call: Call, upstream: Upstream) -> Reply:
        reply = upstream(call)
        if ":application-inference-profile/" in (call.label or "") and reply.status == 200:
            return reply.with_body(b"OK, here is your profile\n")
        return reply

    session, left = _proxied(garbled, run_application_lifecycle, allow_writes=True)
    verdict = _verdict(session, RESOURCE_TYPE)
    assert verdict.outcome is Outcome.SKIP
    assert verdict.reason == "the Get of the created profile's ARN answered HTTP 200, no profile body"
    # Deleted all the same, and the Get after the Delete found nothing.
    assert [r.outcome for r in session.recorder.of(UNKNOWN)] == [Outcome.PASS]
    assert left == []
