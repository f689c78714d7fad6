"""Forced errors against a reference mock started by hand, and against any target that honours the header."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from zoo import servers as zoo

from bedrock_conformance.cli import main

# The errors the page lists that a target only gives when made to (the header names each one).
FORCED_ONLY = ("AccessDeniedException", "ThrottlingException", "InternalServerException")


@pytest.fixture
def mock_url() -> Iterator[str]:
    """``bedrock-conformance mock``, started by hand in its own process: its URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bedrock_conformance.cli", "mock"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait(timeout=30)


def _outcomes(tmp_path: Path, target: str, *extra: str) -> dict[str, tuple[str, str]]:
    """clause -> (outcome, skip reason) of a run against ``target``."""
    report = tmp_path / "report.json"
    argv = ["run", "--target", target, "--seed", "2", "--examples", "1", "--quiet", "--report-json", str(report)]
    assert main([*argv, *extra]) == 0
    clauses = json.loads(report.read_text(encoding="utf-8"))["clauses"]
    return {c["id"]: (c["outcome"], c.get("reason", "")) for c in clauses}


def _error_outcomes(outcomes: dict[str, tuple[str, str]], error: str) -> dict[str, str]:
    return {cid: got for cid, (got, _) in outcomes.items() if cid.startswith(f"error.{error}.")}


def test_a_mock_started_by_hand_is_made_to_answer_every_modelled_error(tmp_path: Path, mock_url: str) -> None:
    assert mock_url.startswith("http://127.0.0.1:")
    outcomes = _outcomes(tmp_path, mock_url)
    for error in FORCED_ONLY:
        judged = _error_outcomes(outcomes, error)
        assert judged and set(judged.values()) == {"pass"}, (error, judged)


def _anonymous(conn: zoo.Connection, request: zoo.Incoming) -> bool:
    """The reference mock's answer without its Server header: a target that honours the header but is not it."""
    answer = conn.upstream(request)
    headers = [(k, v) for k, v in answer.headers if k.lower() != "server"]
    conn.answer(zoo.Answer(answer.status, answer.reason, headers, answer.body))
    return True


def test_force_errors_forces_them_on_a_target_that_is_not_recognised(tmp_path: Path) -> None:
    with zoo.ZooServer(_anonymous) as server:
        unforced = _outcomes(tmp_path, server.url)
        forced = _outcomes(tmp_path, server.url, "--force-errors")
    for error in FORCED_ONLY:
        assert set(_error_outcomes(unforced, error).values()) == {"skip"}
        assert "use --force-errors" in unforced[f"error.{error}.status"][1]
        judged = _error_outcomes(forced, error)
        assert judged and set(judged.values()) == {"pass"}, (error, judged)


def test_a_recording_of_a_mock_started_by_hand_replays_its_forced_errors(tmp_path: Path, mock_url: str) -> None:
    cassettes = tmp_path / "cassettes"
    _outcomes(tmp_path, mock_url, "--record", str(cassettes))
    replayed = _outcomes(tmp_path, f"replay:{cassettes}")
    for error in FORCED_ONLY:
        judged = _error_outcomes(replayed, error)
        assert judged and set(judged.values()) == {"pass"}, (error, judged)
