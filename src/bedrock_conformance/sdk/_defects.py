"""The ledger of known SDK defects (sdk.json x-known-defects): which failed SDK checks are an SDK's own known bug.

A failed check is a known defect only when every part of an entry holds: the SDK, its version within the entry's
range, the clause, the case (a timestamp of the body as described) and the symptom. Anything else stays a failure.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from .._ecma import compile_whole
from .._validator import DATE_TIME_PATTERN
from ._spec import sdk_facts

_RFC3339 = compile_whole(DATE_TIME_PATTERN)


@dataclass(frozen=True)
class Defect:
    """One ledger entry."""

    id: str
    sdk: str
    versions: SpecifierSet
    clause: str
    case: Mapping[str, Any]
    symptom: Mapping[str, Any]
    summary: str
    evidence: tuple[Mapping[str, str], ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "summary": self.summary, "evidence": [dict(e) for e in self.evidence]}


@functools.lru_cache(maxsize=1)
def known_defects() -> tuple[Defect, ...]:
    entries = sdk_facts().known_defects
    defects = []
    for entry in entries:
        try:
            versions = SpecifierSet(str(entry["versions"]))
        except InvalidSpecifier as exc:
            raise ValueError(f"sdk.json x-known-defects {entry.get('id')}: {exc}") from exc
        defects.append(
            Defect(
                str(entry["id"]),
                str(entry["sdk"]),
                versions,
                str(entry["clause"]),
                entry["case"],
                entry["symptom"],
                str(entry["summary"]),
                tuple(entry.get("evidence", ())),
            )
        )
    return tuple(defects)


def known_defect(sdk: str, version: str | None, clause: str, context: Mapping[str, Any]) -> Defect | None:
    """The ledger entry that a failed check of ``clause`` (judged on ``context``) is an instance of, if any."""
    try:
        parsed = Version(version) if version else None
    except InvalidVersion:
        parsed = None
    for defect in known_defects():
        if defect.sdk != sdk or defect.clause != clause or parsed is None or parsed not in defect.versions:
            continue
        if _symptom_holds(defect, context):
            return defect
    return None


def instant(text: Any) -> datetime | None:
    """An RFC 3339 date-time as an aware datetime (fractions past microseconds dropped); None if it is not one."""
    match = _RFC3339.match(text) if isinstance(text, str) else None
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    fraction = (match.group(7) or ".")[1:]
    micro = int((fraction + "000000")[:6])
    zone = match.group(8)
    if zone in ("Z", "z"):
        tz = timezone.utc
    else:
        sign = 1 if zone[0] == "+" else -1
        tz = timezone(sign * timedelta(hours=int(match.group(9)), minutes=int(match.group(10))))
    try:
        moment = datetime(year, month, day, hour, minute, min(second, 59), micro, tzinfo=tz)
    except ValueError:
        return None
    # A leap second is the instant after :59.
    return moment + timedelta(seconds=second - 59) if second > 59 else moment


def _fields(text: str) -> tuple[int, int] | None:
    """(year, second) as written in an RFC 3339 date-time."""
    match = _RFC3339.match(text)
    return (int(match.group(1)), int(match.group(6))) if match else None


def _in_case(case: Mapping[str, Any], wire: str) -> bool:
    written = _fields(wire)
    timestamp = case.get("timestamp", {})
    if written is None or not timestamp:
        return False
    year, second = written
    if "second" in timestamp and second != int(timestamp["second"]):
        return False
    if "writtenYears" in timestamp:
        low, high = timestamp["writtenYears"]
        if not low <= year <= high:
            return False
    return True


def _symptom_holds(defect: Defect, context: Mapping[str, Any]) -> bool:
    symptom = defect.symptom
    if "raises" in symptom:
        raised = context.get("raised")
        if not isinstance(raised, Mapping) or raised.get("class") != symptom["raises"]:
            return False
        if "message" in symptom and not re.search(str(symptom["message"]), str(raised.get("message", ""))):
            return False
        return any(_in_case(defect.case, wire) for wire in context.get("timestamps", ()))
    if "yearReadAs" in symptom:
        wrong: Sequence[Sequence[str]] = context.get("wrong", ())
        # Every problem of the check is one wrong value, each of the case and read exactly this way.
        if not wrong or len(wrong) != context.get("problems"):
            return False
        plus = int(symptom["yearReadAs"]["plus"])
        tolerance = timedelta(seconds=float(context.get("resolution", 0.0)))
        return all(_in_case(defect.case, wire) and _read_as(wire, got, plus, tolerance) for wire, got in wrong)
    return False


def _read_as(wire: str, got: str, plus: int, tolerance: timedelta) -> bool:
    """Whether ``got`` is the instant ``wire`` names with its written year Y read as Y + ``plus``."""
    misread, parsed = instant(f"{int(wire[:4]) + plus:04d}{wire[4:]}"), instant(got)
    return misread is not None and parsed is not None and abs(misread - parsed) <= tolerance
