"""What the exercises that write share: what a profile may be copied from, and creating and deleting profiles so that
the session's ledger always knows what the run made and has not deleted yet."""

from __future__ import annotations

from typing import Any

from .._engine import Session
from .._http import CHECK_HEADER, Exchange, TargetError
from .._lifecycle_checks import json_body, succeeded
from .._schemas import contract
from .._validator import failing, shape_validator
from ..checks import check_answer, check_sibling_answer


def source_members() -> tuple[str, str]:
    """(the Create member that holds the source, the member of it that names what to copy)."""
    creator = contract().create_operation
    name_member = creator.roles["name"]
    source_member = next(k for k in creator.input.required if k != name_member)
    return source_member, next(iter(creator.members[source_member].members))


def copy_sources(session: Session) -> list[dict[str, Any]]:
    """The listed profiles CreateInferenceProfile may copy from (the ARN forms its copy member allows: a system
    profile's, not an application one's)."""
    arn_member = contract().role("arn")
    source_member, copy_member = source_members()
    copyable = shape_validator(contract().create_operation.members[source_member].members[copy_member])
    return [
        p
        for p in session.profiles()
        if isinstance(p.get(arn_member), str) and not failing(copyable.validate(p.get(arn_member)))
    ]


def _headers(check: str | None) -> dict[str, str] | None:
    return {CHECK_HEADER: check} if check else None


def judge_error(session: Session, exchange: Exchange) -> None:
    """Check an answer that is no 2xx (an error, or a redirect where none belongs) against the error clauses."""
    if exchange.response is not None and not succeeded(exchange):
        session.recorder.add(check_answer(exchange, strict=session.config.strict))


def judge(session: Session, exchange: Exchange, operation: str) -> None:
    """Check a write's answer: anything but a 2xx against the error clauses, a 2xx against the operation's own answer
    clauses (CreateInferenceProfile and ListTagsForResource have some; the others answer with no members)."""
    if exchange.response is None:
        return
    if not succeeded(exchange):
        judge_error(session, exchange)
    elif any(c.part == "response" and c.operation == operation for c in contract().clauses.values()):
        session.recorder.add(check_sibling_answer(exchange, operation))


def create(session: Session, body: dict[str, Any], check: str | None = None) -> tuple[Exchange, str | None]:
    """Send CreateInferenceProfile; the ARN a success answers with (entered in the ledger at once), or None.

    An error answer is checked against the error clauses; a success is a Create answer, not a profile body.
    """
    creator = contract().create_operation
    request = session.target.transport.request(creator.method, creator.path, body=body, headers=_headers(check))
    name = str(body.get(creator.roles["name"]))
    session.ledger.creating(name)
    exchange = session.send(request, checked=False)
    judge(session, exchange, creator.name)
    arn = created_arn(exchange)
    session.ledger.answered(name, exchange, arn)
    return exchange, arn


def created_arn(exchange: Exchange) -> str | None:
    """The ARN a Create's success answer names, or None."""
    if not succeeded(exchange):
        return None
    found = (json_body(exchange) or {}).get(contract().create_operation.output_roles["arn"])
    return found if isinstance(found, str) else None


def delete(session: Session, arn: str, check: str | None = None) -> Exchange:
    """Send DeleteInferenceProfile of ``arn``; the ledger strikes it off once it is gone."""
    exchange = session.send(session.ledger.delete_request(arn, _headers(check)), checked=False)
    session.ledger.settle(arn, exchange)
    judge(session, exchange, contract().delete_operation.name)
    return exchange


def delete_all(session: Session) -> None:
    """Delete everything the ledger still holds (an exercise's ``finally``), and what Creates never answered made. A
    request the transport cannot send (a spent budget, a target gone) is left to the session's close, which tries
    again without the budget."""
    try:
        session.ledger.sweep()  # the profiles of Creates that were never answered, found by name
        for arn in reversed(session.ledger.arns):
            delete(session, arn)
    except (TargetError, OSError, ValueError):
        return
