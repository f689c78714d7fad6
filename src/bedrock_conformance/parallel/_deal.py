"""Which worker sends what: every exercise of the run, dealt out between pytest-xdist workers."""

from __future__ import annotations

from collections.abc import Callable

from .._engine import Session
from ..exercises import (
    request_clause_ids,
    run_answer_clauses,
    run_application_lifecycle,
    run_forced_errors,
    run_lifecycle,
    run_list_requests,
    run_listed_profiles,
    run_pagination,
    run_percent_decoding,
    run_request_clause,
    run_sdk_suites,
    run_unknown_identifiers,
    run_write_requests,
)

# The suites' whole exercises (their module fixtures), dealt out to workers in turn; request clauses are split.
# The first draws the unknown identifiers, so its worker takes fewer generated request cases (see
# ``exercises._common.drawn``).
EXERCISES: tuple[tuple[Callable[[Session], None], ...], ...] = (
    (run_listed_profiles, run_percent_decoding, run_unknown_identifiers, run_application_lifecycle),
    (run_forced_errors,),
    (run_sdk_suites,),
    (run_list_requests, run_answer_clauses),
    (run_pagination,),
    (run_write_requests,),
    (run_lifecycle,),
)


def send_share(session: Session) -> None:
    """Under pytest-xdist: everything this worker sends in the run, before any verdict (see ``parallel``)."""
    share = session.share
    assert share is not None
    if session.check_listing:
        session.profiles()
    for clause_id in request_clause_ids():
        run_request_clause(session, clause_id)
    for unit, runs in enumerate(EXERCISES):
        if share.deals(unit):
            for run in runs:
                run(session)
