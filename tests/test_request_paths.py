"""The request clauses replayed: every recorded identifier is judged against today's schemas, whichever clause it
was sent for, and a recorded request that is no Get is no identifier.

The page's facts restated: inferenceProfileIdentifier has at most 2048 characters; an identifier that breaks a
request clause gets 400 ValidationException; ListInferenceProfiles is ``GET /inference-profiles`` (no label).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from bedrock_conformance._engine import RunConfig, Session
from bedrock_conformance._validator import Outcome
from bedrock_conformance.checks import clause_verdict
from bedrock_conformance.exercises import run_request_clause
from bedrock_conformance.frontend import open_session

SHIPPED = Path(__file__).resolve().parent.parent / "cassettes" / "mock"
CHECK = "x-bedrock-conformance-check"
MAX_LENGTH = "request.inferenceProfileIdentifier.maxLength"
PATTERN = "request.inferenceProfileIdentifier.pattern"


def _label(interaction: dict[str, Any]) -> str:
    return unquote(urlsplit(interaction["request"]["uri"]).path.split("/inference-profiles/", 1)[1])


def _replayed(folder: Path, clause: str) -> Session:
    session = open_session(RunConfig(target=f"replay:{folder}"))
    try:
        run_request_clause(session, clause)
    finally:
        session.close()
    return session


def test_an_identifier_recorded_for_another_clause_is_judged_by_the_one_it_breaks(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    folder.mkdir()
    data = yaml.safe_load((SHIPPED / "request.yaml").read_text(encoding="utf-8"))
    interactions = data["interactions"]
    too_long = [i for i in interactions if i["request"]["headers"][CHECK] == [MAX_LENGTH]]
    rejected = [i for i in too_long if i["response"]["status"]["code"] == 400]
    assert len(too_long) == 6 and len(rejected) == 2
    moved = rejected[0]
    assert len(_label(moved)) == 2049  # one past the page's 2048
    moved["request"]["headers"][CHECK] = [PATTERN]  # as if sent for the pattern clause
    # A List request tagged with the clause: it names no identifier, so it judges nothing.
    listing = next(
        i
        for i in yaml.safe_load((SHIPPED / "behaviour.yaml").read_text(encoding="utf-8"))["interactions"]
        if i["request"]["uri"].endswith("/inference-profiles")
    )
    listing["request"]["headers"][CHECK] = [MAX_LENGTH]
    # Only the clause's own recordings (and the List): the other 282 identifiers judge nothing of maxLength.
    data["interactions"] = [*too_long, listing]
    (folder / "request.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    session = _replayed(folder, MAX_LENGTH)
    results = session.recorder.of(MAX_LENGTH)
    verdict = clause_verdict(results, session.recorder.skips.get(MAX_LENGTH))
    assert verdict.outcome is Outcome.PASS
    # Both 2049-character identifiers judged on the invalid side (the moved one too), the four kept ones valid.
    assert sorted((r.side or "", r.outcome) for r in results) == [
        ("invalid", Outcome.PASS),
        ("invalid", Outcome.PASS),
        ("valid", Outcome.PASS),
        ("valid", Outcome.PASS),
        ("valid", Outcome.PASS),
        ("valid", Outcome.PASS),
    ]
    assert all("rejected: HTTP 400 ValidationException" in r.message for r in results if r.side == "invalid")
    # Its answer is checked against the response and error clauses where it was recorded, not here again.
    moved_label = _label(moved)
    checked = [r for r in session.recorder.results if r.clause != MAX_LENGTH and r.exchange is not None]
    assert not any(r.exchange.request.label == moved_label for r in checked if r.exchange is not None)
    assert any(r.exchange.request.label == _label(rejected[1]) for r in checked if r.exchange is not None)
    shutil.rmtree(folder)
