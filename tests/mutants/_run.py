"""Run ``bedrock-conformance run`` in-process against a URL and read back its JSON report."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bedrock_conformance.cli import main


@dataclass(frozen=True)
class RunResult:
    """The exit code and the JSON report of one run, with the outcomes by clause."""

    code: int
    report: dict[str, Any]
    output: str

    @property
    def outcomes(self) -> dict[str, str]:
        return {c["id"]: c["outcome"] for c in self.report["clauses"]}

    def with_outcome(self, outcome: str) -> set[str]:
        return {cid for cid, got in self.outcomes.items() if got == outcome}

    @property
    def failing(self) -> set[str]:
        return self.with_outcome("fail")

    def messages(self, clause: str) -> list[str]:
        entry = next(c for c in self.report["clauses"] if c["id"] == clause)
        return [f["message"] for f in entry["failures"]]


def run_conformance(url: str, report: Path, *extra: str, seed: int = 1, examples: int = 3) -> RunResult:
    """``bedrock-conformance run --target URL --report-json REPORT --quiet`` with a fixed seed."""
    argv: Sequence[str] = [
        "run",
        "--target",
        url,
        "--seed",
        str(seed),
        "--examples",
        str(examples),
        "--report-json",
        str(report),
        "--quiet",
        *extra,
    ]
    out = io.StringIO()
    # The inner pytest run prints its progress; keep it out of the outer run's output unless a test fails.
    with contextlib.redirect_stdout(out):
        code = main(list(argv))
    return RunResult(code, json.loads(report.read_text(encoding="utf-8")), out.getvalue())
