"""The error suite's exercise: each modelled error, forced where the target allows it."""

from __future__ import annotations

from .._engine import Session
from .._schemas import contract
from .._strategies import identifier_examples
from ..checks import describe
from ..targets import FORCE_ERROR_HEADER
from ._common import exercise


def error_clause_ids() -> list[str]:
    """The error clauses, in the contract's order: one test each."""
    return [c.id for c in contract().clauses_of("error")]


@exercise
def run_forced_errors(session: Session) -> None:
    """Each modelled error, forced where the target allows it, carries its status, type and message.

    Sends: when the target can be made to answer an error (the reference mock, or ``--force-errors``), one Get per
    error type of errors.json with the force-error header naming it; otherwise nothing (the List pages, against an
    HTTP target that has not been asked anything yet, to learn whether it is the mock).
    Feeds: the error clauses (each type's status, and every error body's type and message), which also take every
    error answered in the rest of the run.
    """
    if not session.target.can_force_errors and session.target.kind == "http":
        session.profiles()  # if nothing was sent yet: an answer tells whether the target is the reference mock
    if not session.target.can_force_errors:
        for error in contract().errors.values():
            session.recorder.skip(
                error.clause,
                "not seen in this run, and the target cannot be made to answer it "
                f"(use --force-errors if it honours the {FORCE_ERROR_HEADER} header)",
            )
        return
    profiles = session.profiles()
    ident = profiles[0].get(contract().role("id")) if profiles else next(iter(identifier_examples().values()))
    for name, error in contract().errors.items():
        exchange = session.force_error(str(ident), name)
        if not session.recorder.of(error.clause):
            session.recorder.skip(
                error.clause,
                f"not seen in this run; forced with the {FORCE_ERROR_HEADER} header, the target answered "
                f"{describe(exchange)}",
            )
