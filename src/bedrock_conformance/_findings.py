"""Findings: one check of one clause at one place in a value, and the outcome a clause gets from several."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ._model import Deviation

REDACTED = "<redacted>"


class Outcome(str, enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    DEVIATION = "deviation"
    SKIP = "skip"

    def __str__(self) -> str:
        return self.value


_PASS, _FAIL = Outcome.PASS, Outcome.FAIL
_RANK = {Outcome.SKIP: 0, Outcome.PASS: 1, Outcome.DEVIATION: 2, Outcome.FAIL: 3}


def worst(outcomes: Iterable[Outcome]) -> Outcome:
    """The outcome a clause gets from several checks: fail > deviation > pass > skip."""
    return max(outcomes, key=_RANK.__getitem__, default=Outcome.SKIP)


@dataclass(slots=True)
class Finding:
    """One check of one clause at one place in a value."""

    clause: str
    outcome: Outcome
    pointer: str
    value: Any
    message: str
    keyword: str = ""
    limit: Any = None
    deviation: Deviation | None = None
    drift: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "clause": self.clause,
            "outcome": self.outcome.value,
            "pointer": self.pointer,
            "value": self.value,
            "message": self.message,
        }
        if self.deviation is not None:
            out["deviation"] = {
                "summary": self.deviation.summary,
                "rule": self.deviation.rule_text,
                "evidence": [dict(e) for e in self.deviation.evidence],
            }
        if self.drift:
            out["drift"] = True
        return out


def outcomes_by_clause(findings: Iterable[Finding]) -> dict[str, Outcome]:
    """Collapse findings into one outcome per clause."""
    grouped: dict[str, list[Outcome]] = {}
    for f in findings:
        grouped.setdefault(f.clause, []).append(f.outcome)
    return {clause: worst(outs) for clause, outs in grouped.items()}


def failing(findings: Iterable[Finding]) -> set[str]:
    return {f.clause for f in findings if f.outcome is Outcome.FAIL}
