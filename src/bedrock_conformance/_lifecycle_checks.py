"""Checks of the lifecycle clauses (CreateInferenceProfile, DeleteInferenceProfile, the tagging operations): plain
functions from exchanges and what was sent to results. Which error each clause expects, and the tag limit, come from
the contract."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from ._http import Exchange
from ._model import BehaviourRule
from ._schemas import contract
from ._validator import Outcome, loads
from .checks import Result, answer_type, describe, still_throttled


def lifecycle_rule(operation: str, key: str) -> BehaviourRule:
    """The behaviour rule ``key`` of a sibling operation (behaviour.json ``x-family``)."""
    return contract().behaviour[f"{operation}:{key}"]


def tag_limit() -> int:
    """How many tags one resource may carry (errors.json's TooManyTags answer, from the service model)."""
    limit = contract().wire.mock_answers["tooManyTags"].limit
    assert limit is not None, "errors.json gives TooManyTags no limit"
    return int(limit)


def _error(name: str) -> tuple[int, str | None, bool]:
    """(status, fault, transient) of a modelled error: one of the page's, or of a sibling operation's."""
    the_contract = contract()
    if name in the_contract.errors:
        known = the_contract.errors[name]
        return known.status, known.fault, known.transient
    other = the_contract.service_errors[name]
    return other.status, other.fault, False


def succeeded(exchange: Exchange) -> bool:
    return exchange.response is not None and 200 <= exchange.response.status < 300


def json_body(exchange: Exchange) -> dict[str, Any] | None:
    """The JSON object an answer carries, or None."""
    if exchange.response is None:
        return None
    try:
        value = loads(exchange.response.body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _throttle_or(exchange: Exchange, clause: str) -> Result | None:
    """None when there is no answer (nothing decided) or an inconclusive result for a lasting throttle."""
    return still_throttled(exchange, clause)


def expect_error(exchange: Exchange, clause: str, expected: Iterable[str], what: str) -> Result | None:
    """``what`` must be refused with one of the ``expected`` modelled errors (its status and its type).

    No answer decides nothing (None); a lasting throttle is inconclusive; anything else is a failure.
    """
    if exchange.response is None:
        return None
    throttled = _throttle_or(exchange, clause)
    if throttled is not None:
        return throttled
    names = list(expected)
    kind = answer_type(exchange) if exchange.response.status >= 300 else None
    got = describe(exchange)
    if kind in names and exchange.response.status == _error(kind)[0]:
        return Result(clause, Outcome.PASS, f"{what}: {got}", exchange)
    wanted = " or ".join(f"HTTP {_error(n)[0]} {n}" for n in names)
    return Result(clause, Outcome.FAIL, f"{what}: answered {got}, not {wanted}", exchange)


def client_errors(operation: str) -> list[str]:
    """The modelled errors of ``operation`` that refuse a request (client faults a retry would not cure)."""
    names = contract().operation(operation).errors
    return [n for n in names if _error(n)[1] == "client" and not _error(n)[2]]


def expect_success(exchange: Exchange, clause: str, what: str) -> Result | None:
    """A step the clause needs must succeed; when it does not, the clause fails on that answer (a throttle that
    outlived the retries, or no answer, decides nothing)."""
    if exchange.response is None or succeeded(exchange):
        return None
    throttled = _throttle_or(exchange, clause)
    return throttled or Result(clause, Outcome.FAIL, f"{what}: answered {describe(exchange)}", exchange)


def _models(models: Any) -> list[str] | None:
    if not isinstance(models, list):
        return None
    return sorted(json.dumps(m, sort_keys=True) for m in models)


def check_created(
    clause: str, exchange: Exchange, sent: Mapping[str, Any], models: list[dict[str, Any]] | None
) -> Result | None:
    """The Get of a created profile's ARN answered with what it was created with: its name, its description (or
    none), and the source's models (compared as a set of model entries)."""
    if exchange.response is None:
        return None
    failed = expect_success(exchange, clause, "GetInferenceProfile of the ARN Create answered with")
    if failed is not None:
        return failed
    body = json_body(exchange)
    the_contract = contract()
    name_member, models_member = the_contract.role("name"), the_contract.role("models")
    text_member = the_contract.response.roles["text"]
    if body is None:
        return Result(clause, Outcome.FAIL, f"the Get answered {describe(exchange)} without a JSON object", exchange)
    wrong = []
    for member in (name_member, text_member):
        if body.get(member) != sent.get(member):
            wrong.append(f"{member} {body.get(member)!r}, created with {sent.get(member)!r}")
    if models is not None and _models(body.get(models_member)) != _models(models):
        wrong.append(f"{models_member} {body.get(models_member)!r}, the source's are {models!r}")
    if wrong:
        return Result(clause, Outcome.FAIL, "the created profile has " + "; ".join(wrong), exchange)
    return Result(clause, Outcome.PASS, f"resolves to {body.get(name_member)!r} with the source's models", exchange)


def tag_pairs(exchange: Exchange) -> dict[str, str] | None:
    """The tags a ListTagsForResource answer lists, by key; None when it is not a success with a tag list."""
    if not succeeded(exchange):
        return None
    body = json_body(exchange)
    lister = next(op for op in contract().operations.values() if "tags" in op.output_roles)
    tags = body.get(lister.output_roles["tags"]) if body is not None else None
    if not isinstance(tags, list):
        return None
    key, value = tag_roles()
    pairs: dict[str, str] = {}
    for tag in tags:
        if isinstance(tag, dict) and isinstance(tag.get(key), str) and isinstance(tag.get(value), str):
            pairs[tag[key]] = tag[value]
    return pairs


def tag_roles() -> tuple[str, str]:
    """A tag's key and value members, as the model names them."""
    creator = contract().create_operation
    items = creator.members[creator.roles["tags"]].items
    assert items is not None
    return items.roles["key"], items.roles["value"]


def as_tags(pairs: Mapping[str, str]) -> list[dict[str, str]]:
    key, value = tag_roles()
    return [{key: k, value: v} for k, v in pairs.items()]


def check_listed(
    clause: str, exchange: Exchange, wanted: Mapping[str, str], gone: Iterable[str] = (), what: str = ""
) -> Result | None:
    """ListTagsForResource lists every ``wanted`` tag with its value, and none of the ``gone`` keys (other tags, in
    any order, are no matter)."""
    if exchange.response is None:
        return None
    failed = expect_success(exchange, clause, "ListTagsForResource")
    if failed is not None:
        return failed
    listed = tag_pairs(exchange)
    if listed is None:
        message = f"ListTagsForResource answered {describe(exchange)} with no tag list"
        return Result(clause, Outcome.FAIL, message, exchange)
    missing = sorted(k for k, v in wanted.items() if listed.get(k) != v)
    kept = sorted(k for k in gone if k in listed)
    problems = []
    if missing:
        problems.append("does not list " + ", ".join(f"{k}={wanted[k]!r} (listed {listed.get(k)!r})" for k in missing))
    if kept:
        problems.append("still lists " + ", ".join(kept))
    if problems:
        return Result(clause, Outcome.FAIL, f"{what}: ListTagsForResource " + "; ".join(problems), exchange)
    return Result(clause, Outcome.PASS, f"{what}: {len(wanted)} tags listed as given", exchange)
