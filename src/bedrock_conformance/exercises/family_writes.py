"""The family suite's write exercises: the request clauses of CreateInferenceProfile, DeleteInferenceProfile,
TagResource, UntagResource and ListTagsForResource, both ways.

Out-of-contract input gets 400 ValidationException (a body that is not a JSON object may also get the 400 of a body
that does not deserialise); in-contract input gets the operation's success or one of its ``x-valid-answers`` (a
well-formed ARN that names nothing is a 404, 200 tags on a profile that may carry 50 a TooManyTagsException), never a
ValidationException. Every value is derived from the contract (the bound, the length next to it, the base value with
one character that breaks the pattern) and checked by the validator to break exactly the clause it is sent for, or to
keep every clause.

Only with ``--allow-writes`` (the embedded mock allows writes): CreateInferenceProfile, DeleteInferenceProfile,
TagResource and UntagResource change the account, and ListTagsForResource is a POST, which a read-only target is never
sent. Whatever is created goes into the session's ledger as soon as its answer is read and is deleted in a ``finally``
(and, failing that, when the session closes), so an interrupt (KeyboardInterrupt) still removes it; a Create whose
answer was lost is found by its name and deleted too.
"""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Iterator
from typing import Any

from .._engine import Session
from .._exchange import encode_label
from .._http import CHECK_HEADER, Exchange
from .._model import Clause, Operation
from .._schemas import contract
from .._validator import Outcome, failing, loads, shape_validator
from ..checks import INVALID_SIDE, VALID_SIDE, Result, describe, expect_allowed, expect_refused
from ._common import exercise
from ._writes import created_arn, delete, delete_all, judge_error

# Characters that break a pattern when added to a value that keeps it; the trailing newline first (ECMA-262's '$'
# does not match before it). Only candidates the validator finds to break the clause alone are sent.
_BREAKERS = ("\n", " ", "!", "\u00a0", "*", "\t")
# How many values a clause sends on each side: enough to tell a bound from its neighbour, few enough for a short run.
_PER_SIDE = 2
NEEDS_WRITES = "needs --allow-writes"


@dataclasses.dataclass(frozen=True)
class _Case:
    """One request: its body (a JSON value, or bytes that are no JSON), or the identifier its path carries."""

    shown: str
    body: Any = None
    label: str | None = None


def write_request_clause_ids() -> list[str]:
    """The request clauses of the sibling operations that are neither Get nor List, in the contract's order."""
    the = contract()
    done = {the.page_operation.name, the.list_operation.name}
    return [c.id for op in the.operations.values() if op.name not in done for c in the.clauses_of("request", op.name)]


def _writes(operation: Operation) -> bool:
    """Whether a request of ``operation`` changes the account: it creates, deletes, or adds or removes tags."""
    return bool(operation.creates or operation.deletable_types or set(operation.roles) - {"resource"})


def _body_clause(operation: Operation) -> str:
    """The clause of the request body as a whole (its JSON type)."""
    return shape_validator(operation.input).root.clause_id("type")


def _broken(operation: Operation, case: _Case) -> set[str]:
    """The clauses a request breaks, by the validator (a body that is no JSON breaks the body's type clause)."""
    if case.label is not None:
        assert operation.label is not None
        value: Any = {operation.label: case.label}
    elif isinstance(case.body, bytes):
        try:
            value = loads(case.body)
        except ValueError:
            return {_body_clause(operation)}
    else:
        value = case.body
    return failing(shape_validator(operation.input).validate(value, strict=True))


def _at(body: Any, path: list[str]) -> Any:
    for name in path:
        body = body[0] if isinstance(body, list) else body
        body = body.get(name) if isinstance(body, dict) else None
    return body


def _with(body: dict[str, Any], path: list[str], value: Any) -> dict[str, Any]:
    """A copy of ``body`` with the member at ``path`` set (in the first item of a list), or removed if ``value`` is
    ``_GONE``."""
    copy = json.loads(json.dumps(body))
    node = copy
    for name in path[:-1]:
        node = node[name]
        node = node[0] if isinstance(node, list) else node
    if value is _GONE:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value
    return copy


_GONE = object()
# The key of ``defaults`` that holds the name an application profile of this run already has.
_TAKEN_NAME = "/taken-name"


def _resized(text: str, length: int) -> str:
    return text[:length] if length <= len(text) else text + text[-1] * (length - len(text))


def _candidates(
    clause: Clause, operation: Operation, base: _Case, defaults: dict[str, Any]
) -> tuple[list[_Case], list[_Case]]:
    """Requests that break ``clause`` (before filtering) and requests that keep it, built from ``base``."""
    path = clause.member.split(".")
    keyword, limit = clause.keyword, clause.value
    value: Any
    if operation.label is not None:
        value = base.label or ""

        def case(v: Any) -> _Case:
            return _Case(v, label=v)
    else:
        found = _at(base.body, path)
        value = defaults.get(clause.member) if found is None else found

        def case(v: Any) -> _Case:
            return _Case(v if isinstance(v, str) else f"{len(v)} items", body=_with(base.body, path, v))

    if keyword == "type":
        text = json.dumps(base.body)
        return [_Case(text[:-1], body=text[:-1].encode()), _Case("[]", body=b"[]")], [_Case(text, body=base.body)]
    if keyword == "required":
        return [_Case(f"no {clause.member}", body=_with(base.body, path, _GONE))], [_Case(_text(base), base.body)]
    if keyword == "maxItems":
        items: list[Any] = value if isinstance(value, list) else []
        if not items:
            return [], []
        return [case(_items(items[0], limit + 1))], [case(_items(items[0], limit))]
    if not isinstance(value, str):
        return [], []
    fills = [value, "a", "A", "0"]
    if keyword == "minLength":
        shorter = [_resized(f, limit - 1) for f in fills if f] if limit > 0 else []
        return [case(v) for v in shorter], [case(_resized(f, limit)) for f in fills if f]
    if keyword == "maxLength":
        return [case(_resized(f, limit + 1)) for f in fills if f], [case(_resized(f, limit)) for f in fills if f]
    if keyword == "pattern":
        broken = [v for b in _BREAKERS for v in (value + b, b + value, value[:1] + b + value[1:])]
        return [case(v) for v in broken], [case(value)]
    return [], []


def _text(case: _Case) -> str:
    return json.dumps(case.body, ensure_ascii=False) if case.label is None else case.label


def _items(item: Any, count: int) -> list[Any]:
    """``count`` distinct items like ``item``: tags with numbered keys, or numbered keys."""
    if isinstance(item, dict):
        key = next(iter(item))
        return [{**item, key: f"{item[key]}{n}"} for n in range(count)]
    return [f"{item}{n}" for n in range(count)]


def _cases(
    clause: Clause, operation: Operation, base: _Case, defaults: dict[str, Any]
) -> tuple[list[_Case], list[_Case]]:
    """What is sent for ``clause``: up to ``_PER_SIDE`` requests that break it alone, and up to ``_PER_SIDE`` that
    keep every clause."""
    invalid, valid = _candidates(clause, operation, base, defaults)
    member = operation.members.get(clause.member.split(".")[0])
    taken = defaults.get(_TAKEN_NAME)
    if member is not None and member.idempotency_token and taken:
        # A token that keeps every clause goes with the name the profile made for the tagging clauses already has:
        # the Create makes nothing and is answered ConflictException (never a ValidationException), so no server
        # remembers the token with a profile, which a second replay of the recording would be answered with.
        valid = [dataclasses.replace(c, body=_with(c.body, [operation.roles["name"]], taken)) for c in valid]
    # A value breaks it alone, or with nothing but its member's other clauses when no value can (the empty name
    # breaks its pattern too; a 257-character token, the token's pattern, which allows at most 256).
    exact = [c for c in invalid if _broken(operation, c) == {clause.id}]
    bad = _distinct(iter(exact or [c for c in invalid if _alongside(clause, _broken(operation, c))]))
    good = _distinct(c for c in valid if not _broken(operation, c))
    return bad[:_PER_SIDE], good[:_PER_SIDE]


def _alongside(clause: Clause, broken: set[str]) -> bool:
    """Whether ``broken`` holds ``clause`` and otherwise only clauses of the same member of the same operation."""
    the = contract()
    return clause.id in broken and all(
        the.clauses.get(c) is not None
        and (the.clause(c).operation, the.clause(c).member) == (clause.operation, clause.member)
        for c in broken
    )


def _distinct(cases: Iterator[_Case]) -> list[_Case]:
    seen: set[str] = set()
    out = []
    for case in cases:
        key = repr((case.body, case.label))
        if key not in seen:
            seen.add(key)
            out.append(case)
    return out


def _send(session: Session, operation: Operation, case: _Case, clause_id: str | None, keep: bool = False) -> Exchange:
    """One request; an error answer feeds the error clauses; anything created is deleted at once unless ``keep``
    (it is then in the ledger until the exercise's end)."""
    transport = session.target.transport
    headers = {CHECK_HEADER: clause_id} if clause_id else None
    if case.label is not None:
        path = operation.path_for(encode_label(case.label))
        request = transport.request(operation.method, path, headers=headers, label=case.label)
    else:
        raw = isinstance(case.body, bytes)
        request = transport.request(operation.method, operation.path, body={} if raw else case.body, headers=headers)
        if raw:
            request = dataclasses.replace(request, body=case.body)
    name = case.body.get(operation.roles["name"]) if operation.creates and isinstance(case.body, dict) else None
    if isinstance(name, str):
        session.ledger.creating(name)
    exchange = session.send(request, checked=False)
    judge_error(session, exchange)
    if isinstance(name, str):
        created = created_arn(exchange)
        session.ledger.answered(name, exchange, created)
        if created is not None and not keep:
            delete(session, created)
    elif operation.deletable_types and case.label is not None:
        session.ledger.settle(case.label, exchange)  # a Delete clause's valid side deletes the tagging profile
    return exchange


def _judge(session: Session, clause: Clause, operation: Operation, case: _Case, exchange: Exchange, side: str) -> None:
    if side == INVALID_SIDE:
        answers = [str(operation.invalid_answer)]
        if clause.id == _body_clause(operation):
            answers.append(contract().wire.mock_answers["malformedBody"].error)
        result = expect_refused(exchange, clause.id, case.shown, answers)
    else:
        result = expect_allowed(exchange, clause.id, case.shown, operation)
    if result is None:
        result = Result(clause.id, Outcome.FAIL, f"{case.shown[:60]!r}: {describe(exchange)}", exchange, side=side)
    session.recorder.add([result])


def _run_clause(session: Session, clause: Clause, operation: Operation, base: _Case, defaults: dict[str, Any]) -> None:
    invalid, valid = _cases(clause, operation, base, defaults)
    if not invalid or not valid:
        side = "breaks it alone" if not invalid else "keeps every clause"
        session.recorder.skip(clause.id, f"the contract gives no value that {side}")
        return
    for side, cases in ((INVALID_SIDE, invalid), (VALID_SIDE, valid)):
        for case in cases:
            _judge(session, clause, operation, case, _send(session, operation, case, clause.id), side)


@exercise
def run_write_requests(session: Session) -> None:
    """Each request clause of Create, Delete, TagResource, UntagResource and ListTagsForResource, both ways.

    Sends (only with --allow-writes; every one of these operations but Delete is a POST): a Create of an application
    profile copying a listed system profile, for the tagging clauses; for each clause, up to two requests that break
    it alone (the length next to a bound, 201 tags, the base value with a newline, a space or a '!' added, the body
    without a required member, a body that is not JSON) and up to two that keep every clause (the bound itself, the
    base value; a valid token with the tagging profile's name, which gets ConflictException); a Create that succeeds
    is deleted at once; Delete's clauses come last (its valid side deletes the tagging profile); then a List of the
    application profiles if some Create's answer was lost, and a Delete of everything the ledger still holds.
    Feeds: the request clauses of those operations (their invalid and valid sides), and the error clauses every
    error answer feeds. Against ``replay:``, sends nothing: it judges each recorded request tagged with a clause by
    today's schemas, with the answer it got then.
    """
    if session.replay is not None:
        _rejudge(session)
        return
    the = contract()
    by_operation: dict[str, list[Clause]] = {}
    for clause_id in write_request_clause_ids():
        clause = the.clause(clause_id)
        by_operation.setdefault(clause.operation, []).append(clause)
    try:
        bases = _bases(session, by_operation)
        order = sorted(by_operation, key=lambda name: bool(the.operation(name).deletable_types))
        for name in order:
            operation = the.operation(name)
            base = bases[name]
            for clause in by_operation[name]:
                if isinstance(base, str):
                    session.recorder.skip(clause.id, base)
                else:
                    _run_clause(session, clause, operation, base[0], base[1])
    finally:
        delete_all(session)


def _bases(session: Session, by_operation: dict[str, list[Clause]]) -> dict[str, tuple[_Case, dict[str, Any]] | str]:
    """Each operation's request that keeps every clause, with the values absent optional members take (by member
    path), or the reason there is none. Creates, for the tagging clauses, the application profile they tag."""
    the = contract()
    creator = the.create_operation
    names = creator.roles
    arn_member = the.role("arn")
    copy_path = names["source"].strip("/").split("/")
    copyable = shape_validator(creator.members[copy_path[0]].members[copy_path[1]])
    listed = [str(p[arn_member]) for p in session.profiles() if isinstance(p.get(arn_member), str)]
    sources = [a for a in listed if not failing(copyable.validate(a))]
    rng = random.Random(session.config.seed)
    run = f"{session.config.seed % 100000}x{rng.randrange(10**6)}"
    tag_shape = creator.members[names["tags"]].items
    assert tag_shape is not None
    key_member, value_member = tag_shape.roles["key"], tag_shape.roles["value"]
    tag_item = {key_member: f"bc-{run}-", value_member: "conformance"}
    create_body: dict[str, Any] = {
        names["name"]: f"bc-requests-{run}",
        names["text"]: "Made by bedrock-conformance",
        copy_path[0]: {copy_path[1]: sources[0] if sources else ""},
        names["tags"]: [tag_item],
    }
    writes = session.target.writes
    why = f"no listed profile to copy from: {session.discovery()}" if not sources else NEEDS_WRITES
    app: str | None = None
    taken = ""
    if writes and sources:
        taken = f"bc-tags-{run}"
        made = _send(session, creator, _Case("", body={**create_body, names["name"]: taken}), None, True)
        app = created_arn(made)
        if app is None:
            why = f"creating an application profile to tag failed: {describe(made)}"
    out: dict[str, tuple[_Case, dict[str, Any]] | str] = {}
    for name in by_operation:
        operation = the.operation(name)
        roles = operation.roles
        if not writes and operation.method != "GET":
            # A read-only target is sent GETs only: ListTagsForResource reads, but it is a POST.
            out[name] = f"{NEEDS_WRITES}: {name} is a {operation.method}, and a read-only target is sent GETs only"
        elif operation.creates is not None:
            defaults = {names["token"]: f"bc{run}token", _TAKEN_NAME: taken if app else None}
            out[name] = (_Case("", body=create_body), defaults) if sources else why
        elif operation.label is not None:
            out[name] = (_Case(app, label=app), {}) if app else why
        elif _writes(operation) and app is None:
            out[name] = why
        elif app is None and not listed:
            out[name] = f"no listed profile: {session.discovery()}"
        else:
            # A read of tags: the profile made for it, or (without writes) a listed profile's ARN.
            resource = app or listed[0]
            body: dict[str, Any] = {roles["resource"]: resource}
            if "tags" in roles:
                body[roles["tags"]] = [tag_item]
            if "keys" in roles:
                body[roles["keys"]] = [tag_item[key_member]]
            out[name] = (_Case(resource, body=body), {})
    return out


def _rejudge(session: Session) -> None:
    """Offline: judge each recorded request tagged with a write clause by today's schemas, with its answer then."""
    assert session.replay is not None
    the = contract()
    for clause_id in write_request_clause_ids():
        clause = the.clause(clause_id)
        operation = the.operation(clause.operation)
        judged = 0
        for interaction in session.replay.tagged(clause_id):
            exchange = interaction.exchange
            request = exchange.request
            if operation.label is not None:
                label = request.label or ""
                case = _Case(label, label=label)
            else:
                case = _Case(request.body.decode("utf-8", "replace")[:200], body=bytes(request.body))
            broken = _broken(operation, case)
            if broken == {clause_id} or _alongside(clause, broken):
                side = INVALID_SIDE
            elif not broken:
                side = VALID_SIDE
            else:
                continue
            judged += 1
            judge_error(session, exchange)
            _judge(session, clause, operation, case, exchange, side)
        if not judged:
            session.recorder.skip(clause_id, "the cassettes hold no request that exercises this clause")
