"""The response suite has no exercise of its own: it judges every 200 body the other suites' requests got."""

from __future__ import annotations

from .._schemas import contract


def response_clause_ids() -> list[str]:
    """The clauses of response.json, in the contract's order: one test each."""
    return [c.id for c in contract().body_clauses]
