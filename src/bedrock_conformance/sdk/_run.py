"""The record of one SDK's run of the suites: what ran, or why it could not, and the outcome of each sdk.* clause."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .._validator import Outcome
from ..checks import Result
from ._spec import sdk_clause_ids


@dataclass
class SdkRun:
    """One SDK's run of the suites: what ran (name, version, runtime), or why it could not, and its results."""

    requested: str
    name: str
    version: str | None = None
    core: str | None = None
    runtime: str | None = None
    where: str | None = None
    skipped: str | None = None
    results: list[Result] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}" if self.version else self.requested

    def to_dict(self) -> dict[str, Any]:
        by_clause: dict[str, list[str]] = {}
        for result in self.results:
            by_clause.setdefault(result.clause, []).append(result.outcome.value)
        return {
            "sdk": self.name,
            "requested": self.requested,
            "version": self.version,
            "core": self.core,
            "runtime": self.runtime,
            "where": self.where,
            "skipped": self.skipped,
            "clauses": {cid: _worst(by_clause.get(cid, [])) for cid in sdk_clause_ids()},
        }


def _worst(outcomes: list[str]) -> str:
    for outcome in (Outcome.FAIL, Outcome.DEVIATION, Outcome.PASS):
        if outcome.value in outcomes:
            return outcome.value
    return Outcome.SKIP.value
