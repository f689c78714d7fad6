"""The SDK matrix: one row per SDK and version, one column per sdk.* clause, failures and skips spelled out."""

from __future__ import annotations

from bedrock_conformance._validator import Outcome
from bedrock_conformance.checks import Result
from bedrock_conformance.sdk import SdkRun, render_sdk_matrix, sdk_clause_ids


def _run(name: str, version: str, outcomes: dict[str, list[Outcome]]) -> SdkRun:
    run = SdkRun(requested=name, name=name, version=version, runtime="R 1", core=f"core-of-{name}")
    for clause, seen in outcomes.items():
        for index, outcome in enumerate(seen):
            run.results.append(Result(clause, outcome, f"{run.label}: check {index} of {clause}"))
    return run


def _rows(table: str) -> list[list[str]]:
    lines = [line for line in table.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines]


def test_one_column_per_sdk_clause_and_one_row_per_sdk_version() -> None:
    runs = [_run("boto3", "1.44.8", {}), _run("boto3", "1.35.0", {}), _run("js", "3.1164.0", {})]
    header, *rows = _rows(render_sdk_matrix(runs))[: 1 + len(runs)]
    assert header[2:] == [f"`{c}`" for c in sdk_clause_ids()]
    assert [row[0] for row in rows] == ["boto3 1.44.8", "boto3 1.35.0", "js 3.1164.0"]
    assert all(len(row) == len(header) for row in rows)


def test_cells_count_checks_and_failures() -> None:
    encoding, parsed = sdk_clause_ids()[:2]
    run = _run("boto3", "1", {encoding: [Outcome.PASS, Outcome.PASS], parsed: [Outcome.PASS, Outcome.FAIL]})
    table = render_sdk_matrix([run])
    row = _rows(table)[1]
    assert row[2:4] == ["✔ 2", "✘ 1/2"]
    assert all(cell == "–" for cell in row[4:])
    assert f"- **boto3 1** `{parsed}`: check 1 of {parsed}" in table


def test_client_side_validation_shows_what_the_sdk_rejects_not_a_verdict() -> None:
    info = "sdk.validation.clientSide"
    run = _run("boto3", "1", {})
    run.results.append(
        Result(info, Outcome.PASS, "boto3 1: rejects before sending: minLength", context={"rejects": ["minLength"]})
    )
    row = _rows(render_sdk_matrix([run]))[1]
    assert row[2 + sdk_clause_ids().index(info)] == "ℹ rejects minLength"


def test_a_skipped_sdk_has_a_row_and_its_reason() -> None:
    run = SdkRun(requested="js", name="js", skipped="js not run: Node.js is not installed")
    table = render_sdk_matrix([run])
    assert _rows(table)[1][0] == "js"
    assert "- **js**: js not run: Node.js is not installed" in table
