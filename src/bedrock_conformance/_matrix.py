"""The report's clause matrix: clauses grouped by operation, then by part, the page's operation first.

A report's clause entry carries its ``operation``; an entry from an older report without one is placed by its id
(``<Operation>:<part>.<member>.<constraint>``, or the page's operation when the id has no prefix).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._model import split_clause_id
from ._schemas import PARTS, contract

OUTCOMES = ("pass", "fail", "deviation", "skip")


def operation_of(entry: Mapping[str, Any]) -> str:
    """The operation a report's clause entry is about."""
    named = entry.get("operation")
    if isinstance(named, str) and named:
        return named
    return split_clause_id(str(entry["id"]))[0] or contract().page_operation.name


def part_of(entry: Mapping[str, Any]) -> str:
    """The part (request, response, ...) of a report's clause entry, after any operation prefix."""
    return split_clause_id(str(entry["id"]))[1].split(".", 1)[0]


def operations_in(entries: Sequence[Mapping[str, Any]]) -> list[str]:
    """The operations the entries are about: the page's first, then the others in the contract's order (as
    operations.json lists them), then any the contract does not know, in the order they come."""
    page = contract().page_operation.name
    known = [page, *(name for name in contract().operations if name != page)]
    seen = list(dict.fromkeys(operation_of(e) for e in entries))
    return sorted(seen, key=lambda name: known.index(name) if name in known else len(known))


def _parts_in(entries: Sequence[Mapping[str, Any]]) -> list[str]:
    found = {part_of(e) for e in entries}
    return [p for p in (*PARTS, *sorted(found - set(PARTS))) if p in found]


def grouped(entries: Sequence[Mapping[str, Any]]) -> list[tuple[str, str, list[Mapping[str, Any]]]]:
    """(operation, part, entries) for every operation × part that has clauses, in matrix order."""
    groups: list[tuple[str, str, list[Mapping[str, Any]]]] = []
    for operation in operations_in(entries):
        mine = [e for e in entries if operation_of(e) == operation]
        groups += [(operation, part, [e for e in mine if part_of(e) == part]) for part in _parts_in(mine)]
    return groups


def markdown_matrix(entries: Sequence[Mapping[str, Any]], marks: Mapping[str, str]) -> list[str]:
    """Operation × part as a Markdown table: each cell counts the clauses by outcome (``✔ 12 ≈ 1 – 3``)."""
    parts = _parts_in(entries)
    lines = ["| Operation | " + " | ".join(parts) + " |", "|---|" + "---|" * len(parts)]
    for operation in operations_in(entries):
        cells = []
        for part in parts:
            mine = [e for e in entries if operation_of(e) == operation and part_of(e) == part]
            counts = [(o, sum(1 for e in mine if e["outcome"] == o)) for o in OUTCOMES]
            cells.append(" ".join(f"{marks[o]} {n}" for o, n in counts if n) or "")
        lines.append(f"| {operation} | " + " | ".join(cells) + " |")
    return lines
