"""The family suite's exercises: the request clauses of GetInferenceProfile's sibling operations, both ways.

Out-of-contract input gets 400 ValidationException; in-contract input never gets a 400. Every value sent is derived
from the contract (a bound and the numbers next to it, an enum and a value outside it) and checked by the validator
to break exactly the clause it is sent for, or to keep every clause.
"""

from __future__ import annotations

from typing import Any

from .._engine import Session
from .._http import CHECK_HEADER
from .._model import Clause, Operation, Shape
from .._schemas import contract
from .._validator import Outcome, shape_validator
from ..checks import INVALID_SIDE, VALID_SIDE, Result, describe, expect_accepted, expect_rejected
from ._common import exercise

# Candidates for a value that breaks a pattern: whitespace, control characters, and the empty string. Only those
# the validator finds to break the clause (and nothing else) are sent.
_PATTERN_BREAKERS = ("a b", " ", "\t", "\n", "a\u00a0b", "")


def list_request_clause_ids() -> list[str]:
    """ListInferenceProfiles's request clauses, in the contract's order: one test each."""
    return [c.id for c in contract().clauses_of("request", contract().list_operation.name)]


def answer_clause_ids() -> list[str]:
    """The response clauses of the sibling operations' answers (CreateInferenceProfile, ListTagsForResource), in the
    contract's order: one test each."""
    the_contract = contract()
    page = the_contract.page_operation.name
    return [c.id for c in the_contract.clauses.values() if c.part == "response" and c.operation != page]


@exercise
def run_answer_clauses(session: Session) -> None:
    """The sibling operations' answer clauses: the reason for each the run judges no answer of.

    Sends: nothing. The exercises that write judge the CreateInferenceProfile and ListTagsForResource answers they get
    (``exercises._writes.judge``: the behaviour suite's application profile, the lifecycle suite's profiles and their
    tags), only where the target allows writes. Saved answers are judged by ``bedrock-conformance validate``,
    recorded ones by ``cassettes check``.
    Feeds: the CreateInferenceProfile:response.* and ListTagsForResource:response.* clauses (a skip's reason only
    counts for a clause no answer was judged by).
    """
    for clause_id in answer_clause_ids():
        operation = contract().clause(clause_id).operation
        why = (
            f"no {operation} answer in this run (the suites that write send it only where the target allows"
            " writes); `validate` and `cassettes check` judge saved ones"
        )
        session.recorder.skip(clause_id, why)


def _wire_name(operation: Operation, clause: Clause) -> str:
    """The query parameter a clause's member travels as (``typeEquals`` travels as ``type``)."""
    if clause.member in operation.members:
        return clause.member
    return next(wire for wire, member in operation.query.items() if member == clause.member)


def _broken(shape: Shape, value: Any) -> set[str]:
    findings = shape_validator(shape).validate(value, strict=True)
    return {f.clause for f in findings if f.outcome is Outcome.FAIL}


def _invalid_values(clause: Clause, shape: Shape) -> list[Any]:
    """Values that break ``clause`` alone: the number next to a bound, the length next to a limit, a value outside an
    enum, or whitespace against a pattern."""
    limit = clause.value
    if clause.keyword == "minimum":
        candidates: list[Any] = [limit - 1]
    elif clause.keyword == "maximum":
        candidates = [limit + 1]
    elif clause.keyword == "minLength":
        candidates = ["A" * (limit - 1)]
    elif clause.keyword == "maxLength":
        candidates = ["A" * (limit + 1)]
    elif clause.keyword == "enum":
        candidates = ["_".join(limit), str(limit[0]).lower()]
    elif clause.keyword == "pattern":
        candidates = list(_PATTERN_BREAKERS)
    else:
        candidates = []
    return [v for v in candidates if _broken(shape, v) == {clause.id}]


def _valid_values(session: Session, clause: Clause, shape: Shape, operation: Operation) -> list[Any]:
    """Values that keep every clause: the bound itself, each enum value; for a pagination token, one the target
    issued (a token it never issued may be refused as a token, whatever its length)."""
    if clause.keyword in ("minimum", "maximum"):
        candidates: list[Any] = [clause.value]
    elif clause.keyword == "enum":
        candidates = list(clause.value)
    else:
        token = _issued_token(session, operation)
        candidates = [] if token is None else [token]
    return [v for v in candidates if not _broken(shape, v)]


def _issued_token(session: Session, operation: Operation) -> str | None:
    """A nextToken the target issued: the first page's, asking for pages of the smallest size the contract allows."""
    page_size = operation.roles["pageSize"]
    smallest = operation.members[page_size].limit("minimum")
    exchange = _send(session, operation, page_size, smallest, check=None)
    if exchange is None or exchange.response is None or exchange.response.status != operation.success_status:
        return None
    try:
        token = exchange.response.json().get(operation.output_roles["token"])
    except (ValueError, AttributeError):
        return None
    return token if isinstance(token, str) else None


def _send(session: Session, operation: Operation, wire: str, value: Any, check: str | None) -> Any:
    """One List request with ``wire=value`` in its query; None when a replay holds no such request."""
    transport = session.target.transport
    headers = {CHECK_HEADER: check} if check else None
    request = transport.request(operation.method, operation.path, query={wire: str(value)}, headers=headers)
    if session.replay is not None and not session.replay.holds(request):
        return None
    return session.send(request, listing=True)


@exercise
def run_list_requests(session: Session) -> None:
    """Each ListInferenceProfiles request clause, both ways.

    Sends: for each ListInferenceProfiles request clause, one List with the query value that breaks it alone (the
    number next to a bound, maxResults 0 and 1001; a token one character too short or too long, or with whitespace;
    a type outside its enum), then one with each value that keeps it (maxResults 1 and 1000; each type; a nextToken
    the target issued, for which it first sends a List with the smallest page size).
    Feeds: the ListInferenceProfiles:request.* clauses (their invalid and valid sides); every answer also feeds the
    response (List page) and error clauses.
    """
    operation = contract().list_operation
    for clause_id in list_request_clause_ids():
        clause = contract().clause(clause_id)
        wire = _wire_name(operation, clause)
        shape = operation.members[wire]
        sent = False
        for value in _invalid_values(clause, shape):
            exchange = _send(session, operation, wire, value, clause_id)
            if exchange is not None:
                sent = True
                result = expect_rejected(exchange, clause_id, str(value))
                session.recorder.add([result or _unanswered(exchange, clause_id, value, INVALID_SIDE)])
        for value in _valid_values(session, clause, shape, operation):
            exchange = _send(session, operation, wire, value, clause_id)
            if exchange is not None:
                sent = True
                result = expect_accepted(exchange, clause_id, str(value), operation.success_status)
                session.recorder.add([result or _unanswered(exchange, clause_id, value, VALID_SIDE)])
        if not sent:
            session.recorder.skip(clause_id, "the cassettes hold no request that exercises this clause")


def _unanswered(exchange: Any, clause_id: str, value: Any, side: str) -> Result:
    return Result(clause_id, Outcome.FAIL, f"{str(value)[:60]!r}: {describe(exchange)}", exchange, side=side)
