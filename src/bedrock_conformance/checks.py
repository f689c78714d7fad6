"""Clause checks: plain functions from exchanges to results. They know nothing of pytest, the CLI or cassettes."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._http import Exchange
from ._model import BehaviourRule, Operation, Shape
from ._schemas import contract
from ._validator import (
    Finding,
    Outcome,
    error_type,
    instant,
    loads,
    validate_answer,
    validate_error,
    validate_list_page,
    validate_response,
    worst,
)

# The two sides of a request clause: identifiers that break it (and must get 400), and ones that keep it (must not).
INVALID_SIDE, VALID_SIDE = "invalid", "valid"
SIDES = (INVALID_SIDE, VALID_SIDE)


@dataclass(slots=True)
class Result:
    """The outcome of one check of one clause, with what it was judged on (a run makes about 35 per answer).

    ``Outcome.SKIP`` marks an inconclusive check: an answer that says nothing either way (a throttle that outlived its
    retries, a denial before access is proven). Its message says what the answer was, without the request, so that
    ``clause_verdict`` can count alike answers. ``side`` is set by request clauses: which side the identifier was on.
    """

    clause: str
    outcome: Outcome
    message: str
    exchange: Exchange | None = None
    finding: Finding | None = None
    context: dict[str, Any] = field(default_factory=dict)
    side: str | None = None

    @property
    def inconclusive(self) -> bool:
        return self.outcome is Outcome.SKIP


def _results(findings: Iterable[Finding], exchange: Exchange | None) -> list[Result]:
    return [Result(f.clause, f.outcome, f"{f.pointer or '/'}: {f.message}", exchange, f) for f in findings]


def _json_or_none(exchange: Exchange) -> Any:
    assert exchange.response is not None
    try:
        return loads(exchange.response.body)
    except ValueError:
        return None


def answer_type(exchange: Exchange) -> str | None:
    """The error type of an answer, as a client would read it."""
    assert exchange.response is not None
    body = _json_or_none(exchange)
    return error_type(exchange.response.headers, body if isinstance(body, dict) else None)


def describe(exchange: Exchange) -> str:
    """'HTTP 400 ValidationException' or the transport error."""
    if exchange.response is None:
        return f"no answer ({exchange.error})"
    kind = answer_type(exchange) if exchange.response.status >= 300 else None
    return f"HTTP {exchange.response.status}" + (f" {kind}" if kind else "")


def check_content_type(exchange: Exchange) -> Result:
    the_contract = contract()
    clause, wanted = the_contract.content_type_clause, the_contract.content_type
    assert exchange.response is not None
    got = exchange.response.header("Content-Type")
    media = (got or "").split(";", 1)[0].strip().lower()
    ok = media == wanted
    message = f"Content-Type {got!r}" if ok else f"Content-Type is {got!r}, not {wanted}"
    return Result(clause, Outcome.PASS if ok else Outcome.FAIL, message, exchange)


def check_answer(exchange: Exchange, *, listing: bool = False, strict: bool = False) -> list[Result]:
    """Response clauses for a 200, error clauses for an error; nothing for a transport failure."""
    response = exchange.response
    if response is None:
        return []
    if 200 <= response.status < 300:
        validate = validate_list_page if listing else validate_response
        return [check_content_type(exchange), *_results(validate(response.body, strict=strict), exchange)]
    if response.status >= 400:
        return _results(validate_error(response.status, response.headers, response.body), exchange)
    return []


def check_sibling_answer(exchange: Exchange, operation: str) -> list[Result]:
    """A success answer of a sibling operation (CreateInferenceProfile, ListTagsForResource) against its own response
    clauses (operations.json)."""
    assert exchange.response is not None
    return _results(validate_answer(operation, exchange.response.body), exchange)


def server_fault(status: int) -> bool:
    """A 5xx: once the transport's retries are spent, the server failed a request the contract gives an answer to."""
    return status >= 500


def throttled(status: int) -> bool:
    """The status of a transient error that is not a server fault (429 ThrottlingException): the target asked to be
    called later, and after the transport's retries it still does. The answer decides nothing."""
    return status in contract().transient_statuses and not server_fault(status)


def _attempts(exchange: Exchange) -> str:
    return f"after {exchange.attempts} attempt{'s' if exchange.attempts != 1 else ''}"


def still_throttled(exchange: Exchange, clause: str, side: str | None = None) -> Result | None:
    """An inconclusive check when the answer stayed a throttle after every attempt the transport made, else None."""
    if exchange.response is None or not throttled(exchange.response.status):
        return None
    return Result(clause, Outcome.SKIP, f"stayed {describe(exchange)} {_attempts(exchange)}", exchange, side=side)


def _answered(exchange: Exchange) -> str:
    """'HTTP 404 ResourceNotFoundException', with the attempts made when the server kept failing."""
    assert exchange.response is not None
    got = describe(exchange)
    return f"{got} {_attempts(exchange)}" if server_fault(exchange.response.status) else got


def denied(status: int) -> bool:
    """An access-denied answer: it says the caller may not look, nothing about the profile itself."""
    rule = _behaviour("unknownIdentifier")
    return status == contract().errors[str(rule.inconclusive_error)].status


def expect_rejected(exchange: Exchange, clause: str, value: str) -> Result | None:
    """An identifier that breaks ``clause`` must get 400 ValidationException.

    A 5xx that outlived the transport's retries fails the check; a throttle that did is inconclusive.
    """
    if exchange.response is None:
        return None
    expected = str(contract().page_operation.invalid_answer)
    status = contract().errors[expected].status
    got = describe(exchange)
    if exchange.response.status == status and answer_type(exchange) == expected:
        return Result(clause, Outcome.PASS, f"{_short(value)} rejected: {got}", exchange, side=INVALID_SIDE)
    if throttled(exchange.response.status):
        return still_throttled(exchange, clause, INVALID_SIDE)
    return Result(
        clause,
        Outcome.FAIL,
        f"{_short(value)} breaks {clause} but was answered {_answered(exchange)}, not HTTP {status} {expected}",
        exchange,
        context={"identifier": value},
        side=INVALID_SIDE,
    )


def expect_accepted(exchange: Exchange, clause: str, value: str, success: int) -> Result | None:
    """An identifier the page allows must never get a 400: 200, 403 or 404 are acceptable answers.

    A 5xx that outlived the transport's retries fails the check; a throttle that did is inconclusive.
    """
    if exchange.response is None:
        return None
    errors = contract().errors
    ok_statuses = {success} | {errors[name].status for name in contract().page_operation.valid_answers}
    status = exchange.response.status
    if status in ok_statuses:
        return Result(
            clause, Outcome.PASS, f"{_short(value)} accepted: {describe(exchange)}", exchange, side=VALID_SIDE
        )
    if throttled(status):
        return still_throttled(exchange, clause, VALID_SIDE)
    return Result(
        clause,
        Outcome.FAIL,
        f"{_short(value)} keeps every request clause but was answered {_answered(exchange)}",
        exchange,
        context={"identifier": value},
        side=VALID_SIDE,
    )


def _statuses() -> dict[str, int]:
    """The status of every error schemas/ names: the modelled ones and the service's own (errors.json)."""
    the = contract()
    return {name: e.status for name, e in the.service_errors.items()} | {n: e.status for n, e in the.errors.items()}


def expect_refused(exchange: Exchange, clause: str, value: str, answers: Iterable[str]) -> Result | None:
    """A request of a sibling operation that breaks ``clause`` must get one of ``answers`` (errors.json names), each
    with its own status (400 ValidationException for a member; a body that does not deserialise may also be a 400
    SerializationException). A throttle that outlived the retries is inconclusive."""
    if exchange.response is None:
        return None
    statuses = _statuses()
    expected = {(statuses[name], name) for name in answers}
    status = exchange.response.status
    if status < 300 or (status, answer_type(exchange)) not in expected:
        if throttled(status):
            return still_throttled(exchange, clause, INVALID_SIDE)
        wanted = " or ".join(f"HTTP {s} {n}" for s, n in sorted(expected))
        message = f"{_short(value)} breaks {clause} but was answered {_answered(exchange)}, not {wanted}"
        return Result(clause, Outcome.FAIL, message, exchange, context={"identifier": value}, side=INVALID_SIDE)
    return Result(clause, Outcome.PASS, f"{_short(value)} rejected: {describe(exchange)}", exchange, side=INVALID_SIDE)


def expect_allowed(exchange: Exchange, clause: str, value: str, operation: Operation) -> Result | None:
    """A request of a sibling operation that keeps every clause must get its success status or one of the
    operation's x-valid-answers, by status and type (TooManyTagsException is a 400 too, ValidationException is not).
    """
    if exchange.response is None:
        return None
    statuses = _statuses()
    allowed = {(statuses[name], name) for name in operation.valid_answers}
    status = exchange.response.status
    if status == operation.success_status or (status >= 300 and (status, answer_type(exchange)) in allowed):
        accepted = f"{_short(value)} accepted: {describe(exchange)}"
        return Result(clause, Outcome.PASS, accepted, exchange, side=VALID_SIDE)
    if throttled(status):
        return still_throttled(exchange, clause, VALID_SIDE)
    message = f"{_short(value)} keeps every request clause but was answered {_answered(exchange)}"
    return Result(clause, Outcome.FAIL, message, exchange, context={"identifier": value}, side=VALID_SIDE)


def _short(value: str) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else f"{text[:60]}…{text[-12:]} ({len(value)} characters)"


def _behaviour(key: str) -> BehaviourRule:
    return contract().behaviour[key]


def behaviour_clause(key: str) -> str:
    return _behaviour(key).clause


def expect_not_found(
    exchange: Exchange, value: str, *, access_proven: bool = True, other_account: bool = False
) -> Result | None:
    """A valid identifier that names no profile gets 404 ResourceNotFoundException.

    A 403 proves nothing while the caller may be denied everything; once a Get has succeeded, it is a failure.
    A 5xx that outlived the transport's retries fails; a throttle that did is inconclusive. An ARN of another account
    (``other_account``) may get the clause's other-account error instead.
    """
    rule = _behaviour("unknownIdentifier")
    if exchange.response is None:
        return None
    if throttled(exchange.response.status):
        return still_throttled(exchange, rule.clause)
    if denied(exchange.response.status) and not access_proven and not other_account:
        message = f"were {describe(exchange)} before any listed profile resolved: access may be denied to every profile"
        return Result(rule.clause, Outcome.SKIP, message, exchange)
    expected = str(rule.expect_error)
    status = contract().errors[expected].status
    kind = answer_type(exchange)
    ok = exchange.response.status == status and kind == expected
    message = f"{_short(value)} names no profile: {_answered(exchange)}"
    allowed = str(rule.other_account_error)
    allowed_status = contract().errors[allowed].status
    if other_account and exchange.response.status == allowed_status and kind == allowed:
        ok, message = True, f"{_short(value)} names another account: {describe(exchange)}"
    if not ok:
        message += f", not HTTP {status} {expected}" + (
            f" (or HTTP {allowed_status} {allowed})" if other_account else ""
        )
    return Result(rule.clause, Outcome.PASS if ok else Outcome.FAIL, message, exchange, context={"identifier": value})


# ------------------------------------------------------------------------------------------------ clause verdicts
NOT_RUN = "no check of this clause ran against this target"


@dataclass(frozen=True)
class Verdict:
    """A clause's outcome from all its checks: the one rule the pytest outcome and the reports both use."""

    outcome: Outcome
    # Why a skip is a skip; otherwise what was left undecided, if anything.
    reason: str | None
    decided: list[Result]
    inconclusive: list[Result]


def _undecided(results: list[Result], total: int) -> str:
    """'12 of 40 answers stayed HTTP 429 ThrottlingException after 3 attempts', one part per kind of answer."""
    kinds = Counter(r.message for r in results if r.inconclusive)
    return "; ".join(f"{n} of {total} answers {kind}" for kind, n in kinds.most_common())


def clause_verdict(results: list[Result], skip_reason: str | None = None) -> Verdict:
    """One clause's outcome. A real failure fails. Inconclusive checks decide nothing. A clause with sides (a request
    clause) passes only when checks decided both: with one side undecided or never sent it is a skip, whose reason
    says why, however well the other side did."""
    decided = [r for r in results if not r.inconclusive]
    undecided = [r for r in results if r.inconclusive]
    outcome = worst(r.outcome for r in decided)
    note = _undecided(undecided, len(results)) or None
    if outcome is Outcome.FAIL:
        return Verdict(outcome, note, decided, undecided)
    if not results:
        return Verdict(Outcome.SKIP, skip_reason or NOT_RUN, decided, undecided)
    if any(r.side is not None for r in results):
        missing = [side for side in SIDES if not any(r.side == side for r in decided)]
        if missing:
            reasons = []
            for side in missing:
                on_side = [r for r in results if r.side == side]
                if on_side:
                    reasons.append(f"its {side} side is undecided: {_undecided(on_side, len(on_side))}")
                else:
                    reasons.append(f"its {side} side was never judged: {skip_reason or NOT_RUN}")
            for side in SIDES:
                if side not in missing:
                    kept = sum(1 for r in decided if r.side == side)
                    reasons.append(f"{kept} {side}-side check{'s' if kept != 1 else ''} decided, none failed")
            return Verdict(Outcome.SKIP, "; ".join(reasons), decided, undecided)
    elif not decided:
        return Verdict(Outcome.SKIP, note or skip_reason or NOT_RUN, decided, undecided)
    return Verdict(outcome, note, decided, undecided)


def _normalise(value: Any, shape: Shape | None) -> Any:
    """``value`` with every member the shape says is a ``date-time`` replaced by the instant it names.

    Only those members: a description that happens to look like a date-time is text, compared as written.
    """
    if shape is None:
        return value
    if isinstance(value, str) and shape.timestamp:
        return instant(value) or value
    if isinstance(value, dict):
        return {k: _normalise(v, shape.members.get(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v, shape.items) for v in value]
    return value


def _profile(body: Any) -> Any:
    """A profile body (a Get answer or a List summary) with its timestamps as instants."""
    return _normalise(body, contract().response)


def identifies(exchange: Exchange, identifier: str, success: int) -> Result | None:
    """A 200 for ``identifier`` describes that profile: its id or its ARN is the identifier, exactly.

    Nothing is judged when the member the identifier would equal (the ARN for an identifier with a '/', the id
    otherwise) is not a string: the response clauses blame that.
    """
    response = exchange.response
    if response is None or response.status != success:
        return None
    body = _json_or_none(exchange)
    if not isinstance(body, dict):
        return None
    the_contract = contract()
    arn_member, id_member = the_contract.role("arn"), the_contract.role("id")
    if identifier in (body.get(id_member), body.get(arn_member)):
        return Result(behaviour_clause("identifiesProfile"), Outcome.PASS, f"{_short(identifier)} found", exchange)
    # An id cannot hold a '/' and an ARN always does: the member this identifier should have equalled.
    member = arn_member if "/" in identifier else id_member
    got = body.get(member)
    if not isinstance(got, str):
        return None
    message = f"{_short(identifier)} answered with the profile whose {member} is {_short(got)}"
    return Result(behaviour_clause("identifiesProfile"), Outcome.FAIL, message, exchange)


def same_body(a: Any, b: Any) -> bool:
    """Two profile bodies are equal member for member, timestamps compared as the instants they name."""
    return bool(_profile(a) == _profile(b))


def diff_members(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    na, nb = _profile(a), _profile(b)
    return sorted(k for k in set(na) | set(nb) if na.get(k) != nb.get(k))


def _arn_parts(arn: str) -> tuple[str, str] | None:
    """(resource type, resource id) of an ARN, or None."""
    resource = arn.split(":", 5)[-1] if arn.count(":") >= 5 else ""
    if "/" not in resource:
        return None
    kind, _, rest = resource.partition("/")
    return kind, rest


def check_profile_shape(body: Mapping[str, Any], exchange: Exchange | None) -> list[Result]:
    """The ARN ends in '/<id>', and its resource type matches ``type``."""
    the_contract = contract()
    arn_member, id_member, type_member = (the_contract.role(r) for r in ("arn", "id", "type"))
    arn, ident, kind = body.get(arn_member), body.get(id_member), body.get(type_member)
    out: list[Result] = []
    if not isinstance(arn, str) or not isinstance(ident, str):
        return out
    ends = arn.endswith("/" + ident)
    out.append(
        Result(
            behaviour_clause("arnEndsWithId"),
            Outcome.PASS if ends else Outcome.FAIL,
            f"{arn_member} {arn!r} {'ends' if ends else 'does not end'} with '/{ident}'",
            exchange,
        )
    )
    parts = _arn_parts(arn)
    types = the_contract.resource_types
    if isinstance(kind, str) and kind in types and parts is not None:
        ok = parts[0] == types[kind]
        out.append(
            Result(
                behaviour_clause("arnResourceType"),
                Outcome.PASS if ok else Outcome.FAIL,
                f"{type_member} {kind} with ARN resource type {parts[0]!r}"
                + ("" if ok else f", expected {types[kind]!r}"),
                exchange,
            )
        )
    return out
