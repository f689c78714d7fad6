"""The session's discovery (every List page, without a filter and with each type) against listings a conformant
server would not give: a page whose summaries include something that is no object, and a page that gets no answer.

Restated from the model: ListInferenceProfiles is ``GET /inference-profiles`` and answers 200 with
``inferenceProfileSummaries`` (an array of objects); its ``type`` filter takes SYSTEM_DEFINED or APPLICATION.
"""

from __future__ import annotations

import pytest
from mutants import Call, Proxy, Reply, Upstream
from zoo import servers as zoo

from bedrock_conformance._engine import RunConfig, Session
from bedrock_conformance._http import TargetError
from bedrock_conformance._validator import Outcome
from bedrock_conformance.frontend import open_session
from bedrock_conformance.mock import MockServer

LIST_IS_PAGE = "behaviour.listInferenceProfiles.isListPage"


def _session(url: str) -> Session:
    return open_session(RunConfig(target=url, seed=1, examples=1))


def _with_strays(call: Call, upstream: Upstream) -> Reply:
    """Every List page carries a string, a number and a null among its summaries."""
    reply = upstream(call)
    if not call.is_list or reply.status != 200:
        return reply
    page = reply.json()
    return reply.with_json({**page, "inferenceProfileSummaries": ["x", 7, None, *page["inferenceProfileSummaries"]]})


def test_summaries_that_are_no_objects_are_no_profiles() -> None:
    with MockServer() as mock:
        plain = _session(mock.url)
        try:
            expected = plain.profiles()
        finally:
            plain.close()
        with Proxy(mock, _with_strays) as proxy:
            session = _session(proxy.url)
            try:
                profiles = session.profiles()
            finally:
                session.close()
    assert profiles == expected and all(isinstance(p, dict) for p in profiles) and len(profiles) > 0
    # The page is still a List page (an array, no nextToken); what is in the array is the response clauses' business.
    pages = session.recorder.of(LIST_IS_PAGE)
    assert [r.outcome for r in pages] == [Outcome.PASS] * 3
    assert pages[0].message == f"ListInferenceProfiles without a filter, page 1: {len(expected) + 3} summaries"


def _application_listing(request: zoo.Incoming) -> bool:
    return request.method == "GET" and request.target == "/inference-profiles?type=APPLICATION"


def test_a_listing_page_that_gets_no_answer_stops_the_run_naming_the_target() -> None:
    with zoo.ZooServer(zoo.close_without_answer, applies=_application_listing) as server:
        session = _session(server.url)
        try:
            with pytest.raises(TargetError) as caught:
                session.profiles()
        finally:
            session.close()
    # Sent again before giving up (a GET with no answer may be retried), and never past the unanswered page.
    targets = [r.target for r in server.requests if r.method == "GET"]
    assert targets[:2] == ["/inference-profiles", "/inference-profiles?type=SYSTEM_DEFINED"]
    assert set(targets[2:]) == {"/inference-profiles?type=APPLICATION"} and len(targets) > 3
    assert str(caught.value) == f"cannot reach {server.url}: the target closed the connection without answering"
