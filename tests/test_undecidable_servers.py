"""Self-test: a server whose answers never decide a clause gets a skip with a true reason there, never a pass."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
from mutants import UNDECIDABLE, Proxy, Undecidable, run_conformance

from bedrock_conformance.mock import MockServer


@pytest.fixture(scope="module")
def reference_mock() -> Iterator[MockServer]:
    with MockServer() as mock:
        yield mock


def _skipped_tests(junit: Path) -> dict[str, str]:
    """pytest's own outcomes: test name -> skip message, for every skipped test of the run."""
    cases = ElementTree.parse(junit).getroot().iter("testcase")
    return {c.get("name", ""): s.get("message", "") for c in cases for s in c.iter("skipped")}


@pytest.mark.parametrize("server", UNDECIDABLE, ids=[u.name for u in UNDECIDABLE])
def test_undecided_clauses_skip_saying_why(server: Undecidable, reference_mock: MockServer, tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    with Proxy(reference_mock, server.build()) as proxy:
        result = run_conformance(proxy.url, tmp_path / "report.json", "--junit-xml", str(junit))
    assert result.failing == set(), {c: result.messages(c)[:1] for c in result.failing}
    assert result.code == 0
    entries = {c["id"]: c for c in result.report["clauses"]}
    skipped = _skipped_tests(junit)
    for clause in server.skips:
        entry = entries[clause]
        assert entry["outcome"] == "skip", f"{server.name}: {clause} is {entry['outcome']}, not skip"
        assert server.reason in entry["reason"], entry["reason"]
        assert entry["inconclusive"]["checks"] > 0
        # pytest's own outcome says the same: the clause's test was skipped, for the report's reason.
        part = clause.rpartition(":")[2].split(".", 1)[0]
        (message,) = [m for name, m in skipped.items() if name.endswith(f"_clause[{clause}]")]
        assert entry["reason"] in message, message
        if part == "request":
            assert "invalid side is undecided" in entry["reason"]
