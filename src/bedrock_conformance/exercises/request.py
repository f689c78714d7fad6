"""The request suite's exercises: identifiers that break each request clause, and ones that keep it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._engine import Session
from .._http import Exchange
from .._schemas import Clause, contract
from .._strategies import (
    entangled,
    identifier_examples,
    invalid_identifier_examples,
    invalid_identifiers,
    valid_identifiers,
)
from .._validator import Outcome, failing, validate_identifier
from ..checks import INVALID_SIDE, VALID_SIDE, Result, check_answer, describe, expect_accepted, expect_rejected
from ._common import drawn, exercise


def request_clause_ids() -> list[str]:
    """The request clauses, in the contract's order: one test each."""
    return [c.id for c in contract().clauses_of("request")]


def _valid_examples_for(clause: Clause) -> list[str]:
    examples = identifier_examples()
    if clause.keyword == "pattern":
        return [v for k, v in examples.items() if k.startswith(("branch", "overlap"))]
    if clause.keyword == "maxLength":
        return [v for v in examples.values() if len(v) >= int(clause.value) - 1]
    return [v for v in examples.values() if len(v) == int(clause.value)]


@exercise
def run_request_clause(session: Session, clause_id: str) -> None:
    """Identifiers that break the clause must get 400 ValidationException; ones that keep it must not get a 400.

    Sends: a GetInferenceProfile for each explicit identifier that breaks the clause (the empty one cannot be sent),
    then for ``--examples`` generated ones if the clause is a pattern; then the same for identifiers that keep it.
    Feeds: the request clause ``clause_id`` (its invalid and valid sides); every answer also feeds the response and
    error clauses and behaviour.inferenceProfileIdentifier.identifiesProfile. Against ``replay:``, sends nothing: it
    judges every recorded identifier against today's schemas instead.
    """
    clause = contract().clause(clause_id)
    if clause.member != contract().path_label:
        session.recorder.skip(
            clause_id, f"{clause.member} is model drift, not on the page: not enforced by the contract"
        )
        return
    examples = invalid_identifier_examples(clause_id)
    sendable = [v for v in examples if v]
    if clause.keyword != "pattern" and not sendable:
        # Then the clause can only be a skip (see checks.clause_verdict): say why its invalid side was never sent.
        session.recorder.skip(clause_id, _unsendable(session, clause, examples))
    if session.replay is not None:
        _rejudge_recorded_identifiers(session, clause_id)
        return

    def rejected(value: str) -> None:
        exchange = session.get(value, check=clause_id)
        result = expect_rejected(exchange, clause_id, value)
        session.recorder.add([result or _no_answer(exchange, clause_id, value, INVALID_SIDE)])

    def accepted(value: str) -> None:
        exchange = session.get(value, check=clause_id)
        result = expect_accepted(exchange, clause_id, value, session.success)
        session.recorder.add([result or _no_answer(exchange, clause_id, value, VALID_SIDE)])

    # Generated cases are sent as they are drawn, after the explicit ones; a value is sent once.
    send_invalid = _once(rejected)
    # The empty identifier cannot be sent: an empty label is the List operation's path. Its valid side still can.
    for value in _dealt(session, sendable):
        send_invalid(value)
    if clause.keyword == "pattern":
        drawn(session, invalid_identifiers(clause_id), clause_id, send_invalid)
    send_valid = _once(accepted)
    for value in _dealt(session, _valid_examples_for(clause)):
        send_valid(value)
    if clause.keyword == "pattern":
        drawn(session, valid_identifiers(), clause_id + "/valid", send_valid)


def _unsendable(session: Session, clause: Clause, examples: tuple[str, ...]) -> str:
    """Why no identifier that breaks ``clause`` can be sent: each is empty, and an empty label names no profile."""
    empty_path, list_path = session.label_path(session.get_path, ""), session.list_path
    which = (
        "the only identifier that breaks it is the empty one"
        if clause.keyword == "minLength" and int(clause.value) == 1
        else f"every identifier the suite has that breaks it ({len(examples)}) is empty"
    )
    return (
        f"{which}, which cannot be sent: the request would be GET {empty_path}, the List operation's path "
        f"{list_path} with a trailing '/', not a Get of any profile"
    )


def _rejudge_recorded_identifiers(session: Session, clause_id: str) -> None:
    """Offline: judge every recorded identifier against today's schemas, with the answer it got then."""
    assert session.replay is not None
    recorded = [i for i in session.replay.interactions if i.check in set(request_clause_ids())]
    allowed = {clause_id} | entangled(clause_id)
    judged = 0
    for interaction in recorded:
        exchange, value = interaction.exchange, interaction.exchange.request.label
        if value is None:
            continue
        broken = failing(validate_identifier(value))
        if clause_id in broken and broken <= allowed:
            result = expect_rejected(exchange, clause_id, value)
        elif not broken and interaction.check == clause_id:
            result = expect_accepted(exchange, clause_id, value, session.success)
        else:
            continue
        judged += 1
        if interaction.check == clause_id:
            session.recorder.add(check_answer(exchange, strict=session.config.strict))
        side = INVALID_SIDE if clause_id in broken else VALID_SIDE
        session.recorder.add([result or _no_answer(exchange, clause_id, value, side)])
    if not judged:
        session.recorder.skip(clause_id, "the cassettes hold no request that exercises this clause")


def _once(each: Callable[[Any], None]) -> Callable[[Any], None]:
    """``each``, called once per distinct value (the first time it comes)."""
    seen: set[Any] = set()

    def first(value: Any) -> None:
        if value not in seen:
            seen.add(value)
            each(value)

    return first


def _dealt(session: Session, values: list[str]) -> list[str]:
    """Explicit cases; under pytest-xdist, this worker's part of them."""
    return values if session.share is None else session.share.part(values)


def _no_answer(exchange: Exchange, clause_id: str, value: str, side: str | None = None) -> Result:
    """A request that got no answer fails: expect_rejected and expect_accepted judge every answer, and decide
    nothing (None) only when there is none."""
    assert exchange.response is None
    return Result(clause_id, Outcome.FAIL, f"{value[:60]!r}: {describe(exchange)}", exchange, side=side)
