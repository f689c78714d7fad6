"""The response suite has no exercise of its own: it judges every 200 body the other suites' requests got."""

from __future__ import annotations

from .._schemas import contract


def response_clause_ids() -> list[str]:
    return [c.id for c in contract().clauses.values() if c.document == "response.json"]
