"""The pagination suite replayed from recordings that lack some of its requests: what is missing is skipped, saying
so, and what was recorded is judged as before.

Restated from the model: ListInferenceProfiles pages with maxResults (at least 1) and nextToken; its type filter
takes SYSTEM_DEFINED or APPLICATION; a token issued for one filter and sent with the other gets 400
ValidationException. The shipped mock cassette pages 27 SYSTEM_DEFINED profiles one a page, and no APPLICATION one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from bedrock_conformance._engine import RunConfig, Session
from bedrock_conformance._validator import Outcome
from bedrock_conformance.checks import Verdict, clause_verdict
from bedrock_conformance.exercises import run_pagination
from bedrock_conformance.frontend import open_session

SHIPPED = Path(__file__).resolve().parent.parent / "cassettes" / "mock"
CHECK = "x-bedrock-conformance-check"
L = "ListInferenceProfiles:behaviour."
FOREIGN = L + "nextToken.foreignRejected"
# The token of the 27th SYSTEM_DEFINED page: the mock's base64 of ["SYSTEM_DEFINED", 26].
LAST_TOKEN = "WyJTWVNURU1fREVGSU5FRCIsIDI2XQ"

Interactions = list[dict[str, Any]]


def _replayed(tmp_path: Path, edit: Callable[[Interactions], Interactions]) -> Session:
    """run_pagination alone, over the shipped pagination cassette (edited) and the behaviour cassette's listings."""
    folder = tmp_path / "set"
    folder.mkdir()
    for name in ("pagination.yaml", "behaviour.yaml"):
        data = yaml.safe_load((SHIPPED / name).read_text(encoding="utf-8"))
        if name == "pagination.yaml":
            data["interactions"] = edit(data["interactions"])
        else:
            uris = [i for i in data["interactions"] if i["request"]["method"] == "GET"]
            data["interactions"] = [
                i for i in uris if i["request"]["uri"].split("?")[0].endswith("/inference-profiles")
            ]
        (folder / name).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    session = open_session(RunConfig(target=f"replay:{folder}"))
    try:
        run_pagination(session)
    finally:
        session.close()
    return session


def _verdict(session: Session, clause: str) -> Verdict:
    return clause_verdict(session.recorder.of(clause), session.recorder.skips.get(clause))


def test_a_recording_without_the_foreign_token_request_skips_saying_it_is_not_recorded(tmp_path: Path) -> None:
    def without_foreign(interactions: Interactions) -> Interactions:
        return [i for i in interactions if i["request"]["headers"].get(CHECK) != [FOREIGN]]

    session = _replayed(tmp_path, without_foreign)
    verdict = _verdict(session, FOREIGN)
    assert verdict.outcome is Outcome.SKIP
    # The SYSTEM_DEFINED listing did hand out tokens: what is missing is the recording of the request that sent one.
    assert verdict.reason == "the cassettes hold no request with a nextToken issued for another filter"
    assert _verdict(session, L + "pages.disjoint").outcome is Outcome.PASS


def test_a_recording_that_lacks_a_listings_last_page_judges_only_the_pages_it_holds(tmp_path: Path) -> None:
    def without_last_page(interactions: Interactions) -> Interactions:
        return [i for i in interactions if LAST_TOKEN not in i["request"]["uri"]]

    session = _replayed(tmp_path, without_last_page)
    outcomes = {key: _verdict(session, L + key).outcome for key in ("pages.disjoint", "lastPage.noNextToken")}
    assert outcomes == {"pages.disjoint": Outcome.PASS, "lastPage.noNextToken": Outcome.PASS}
    disjoint = [r.message for r in session.recorder.of(L + "pages.disjoint")]
    assert disjoint == [
        "ListInferenceProfiles type=SYSTEM_DEFINED maxResults=1: 26 pages, 26 profiles, none on two pages"
    ]
    # The SYSTEM_DEFINED listing never reached its end: its last page and its completeness are not judged.
    for key in ("lastPage.noNextToken", "pages.complete"):
        messages = [r.message for r in session.recorder.of(L + key)]
        assert messages and not any("SYSTEM_DEFINED" in m for m in messages), messages
