"""Hypothesis strategies compiled from ``schemas/``: valid values, per-clause violations, AWS-style deviations."""

from __future__ import annotations

import contextlib
import copy
import functools
import json
from collections.abc import Callable, Mapping
from datetime import timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from ._ecma import compile_whole
from ._model import Shape
from ._near import near_miss_examples, near_misses, overlap_examples, overlapping
from ._regex import branch_examples, matching, pump
from ._schemas import Clause, Contract, contract
from ._validator import DATE_TIME_PATTERN, Outcome, failing, validate_identifier, validate_response

_JSON_SAMPLES: dict[str, st.SearchStrategy[Any]] = {
    "string": st.text(max_size=8),
    "integer": st.integers(-(2**40), 2**40),
    "number": st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer()),
    "boolean": st.booleans(),
    "null": st.none(),
    "array": st.lists(st.integers(0, 9), max_size=2),
    "object": st.dictionaries(st.sampled_from("abc"), st.integers(0, 9), max_size=2),
}
# Strings that look like times but are not RFC 3339 date-times (format knowledge, not spec bounds).
_NOT_DATE_TIMES = (
    "yesterday",
    "1727654400",
    "2024-09-30",
    "2024-09-30 00:00:00Z",
    "2024-09-30T00:00:00",
    "2024-13-01T00:00:00Z",
    "2024-02-30T00:00:00Z",
    "2024-09-30T24:00:00Z",
    "Mon, 30 Sep 2024 00:00:00 GMT",
)


# Words that stand where a pattern's alternation of literals stands in ARNs of other kinds or other partitions
# (aws-eusc, aws-iso-e, aws-iso-f; foundation-model/, prompt-router/, provisioned-model/). They are not facts of the
# contract: near misses try them as wrong values beside the ones mutated from the alternation's own options.
SIBLING_WORDS = ("eusc", "iso-e", "iso-f", "foundation-model", "prompt-router", "provisioned-model")


def _resolve(the_contract: Contract, schema: Mapping[str, Any], document: str) -> tuple[Mapping[str, Any], str]:
    while "$ref" in schema:
        target, document, _ = the_contract.resolve(schema["$ref"], document)
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema, document


def _render(moment: Any, style: int) -> str:
    """An aware datetime as RFC 3339: 0 as isoformat writes it, 1 with UTC's +00:00 written Z, 2 in UTC with whole
    seconds."""
    text: str = moment.isoformat()
    if style == 1 and text.endswith("+00:00"):
        text = text[:-6] + "Z"
    elif style == 2:
        # isoformat, not strftime: '%Y' does not pad years before 1000 to four digits. A moment of year 1 east of
        # UTC has no UTC date in datetime's range: it keeps its own offset.
        with contextlib.suppress(OverflowError):
            utc = moment.astimezone(timezone.utc).replace(microsecond=0, tzinfo=None)
            text = utc.isoformat() + "Z"
    return text


def _date_times() -> st.SearchStrategy[str]:
    moments = st.datetimes(
        timezones=st.sampled_from(
            [timezone.utc, timezone(timedelta(hours=-7)), timezone(timedelta(hours=5, minutes=30))]
        )
    )
    return st.builds(_render, moments, st.integers(0, 2))


def _string_strategy(schema: Mapping[str, Any]) -> st.SearchStrategy[str]:
    lo, hi = schema.get("minLength", 0), schema.get("maxLength")
    if schema.get("format") == "date-time":
        return _date_times()
    if "pattern" in schema:
        whole = compile_whole(schema["pattern"])
        valid = lambda s: whole.match(s) is not None and len(s) >= lo and (hi is None or len(s) <= hi)  # noqa: E731
        base = matching(schema["pattern"])
        if hi is None:
            return base.filter(valid)
        grown = st.tuples(base, st.integers(lo, hi)).map(lambda t: pump(t[0], max(t[1], len(t[0])), valid))
        return st.one_of(base.filter(valid), grown.filter(lambda s: s is not None))
    return st.text(min_size=lo, max_size=hi if hi is not None else lo + 20)


def from_schema(
    schema: Mapping[str, Any], document: str, the_contract: Contract | None = None
) -> st.SearchStrategy[Any]:
    """Values that keep every keyword of ``schema`` (the keywords ``schemas/`` uses)."""
    the_contract = the_contract or contract()
    schema, document = _resolve(the_contract, schema, document)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "string":
        return _string_strategy(schema)
    if kind == "integer":
        return st.integers(schema.get("minimum", -(2**31)), schema.get("maximum", 2**31))
    if kind == "array":
        items = from_schema(schema.get("items", {}), document, the_contract)
        return st.lists(
            items,
            min_size=schema.get("minItems", 0),
            max_size=schema.get("maxItems", 5),
            unique_by=lambda v: json.dumps(v, sort_keys=True),
        )
    if kind == "object":
        props = schema.get("properties", {})
        required = {
            k: from_schema(v, document, the_contract) for k, v in props.items() if k in schema.get("required", [])
        }
        optional = {k: from_schema(v, document, the_contract) for k, v in props.items() if k not in required}
        return st.fixed_dictionaries(required, optional=optional)
    raise ValueError(f"no strategy for schema {dict(schema)!r}")


def _all_pass(findings: list[Any]) -> bool:
    return all(f.outcome is Outcome.PASS for f in findings)


# ---------------------------------------------------------------------------------------------- identifiers
def _identifier_schema() -> Mapping[str, Any]:
    the_contract = contract()
    return the_contract.schema_of(the_contract.page_operation.members[the_contract.path_label])


def _identifier_ok(value: str) -> bool:
    return _all_pass(validate_identifier(value))


@functools.cache
def valid_identifiers() -> st.SearchStrategy[str]:
    """Identifiers the page allows: bare ids and ARNs of every branch, lengths up to the maximum."""
    schema = _identifier_schema()
    explicit = [*branch_examples(schema["pattern"]), *overlap_examples(schema["pattern"])]
    return st.one_of(st.sampled_from(explicit), overlapping(schema["pattern"]), _string_strategy(schema)).filter(
        _identifier_ok
    )


@functools.lru_cache(maxsize=1)
def identifier_examples() -> dict[str, str]:
    """Explicit valid identifiers that random draws would miss: every branch, and the boundary lengths."""
    schema = _identifier_schema()
    lo, hi = schema["minLength"], schema["maxLength"]
    examples = {f"branch {i}": v for i, v in enumerate(branch_examples(schema["pattern"]))}
    shortest = min(examples.values(), key=len)
    arn = max(examples.values(), key=lambda v: v.count(":"))
    # Members of one branch that begin like another's ('arn:x' is a bare id): a validator that picks the branch by
    # a prefix rejects them.
    examples.update({f"overlap {i}": v for i, v in enumerate(overlap_examples(schema["pattern"]))})
    for length in (lo, hi - 1, hi):
        grown = pump(shortest, length, _identifier_ok)
        if grown is not None:
            examples[f"length {length}"] = grown
    for length in (hi - 1, hi):
        grown = pump(arn, length, _identifier_ok)
        if grown is not None:
            examples[f"ARN of length {length}"] = grown
    return examples


@functools.cache
def from_shape(shape: Shape) -> st.SearchStrategy[Any]:
    """Values that keep every keyword of a shape of the shipped contract."""
    return from_schema(contract().schema_of(shape), shape.document)


def _violations(
    schema: Mapping[str, Any], keyword: str, valid: st.SearchStrategy[Any], document: str | None = None
) -> st.SearchStrategy[Any]:
    """Values that break ``keyword`` of ``schema``; other keywords are kept where the schema allows it."""
    if keyword == "type":
        return st.one_of([s for name, s in _JSON_SAMPLES.items() if name != schema["type"]])
    if keyword == "minLength":
        return st.text(max_size=schema["minLength"] - 1) if schema["minLength"] > 1 else st.just("")
    if keyword == "maxLength":
        limit = schema["maxLength"]
        keep = lambda s: "pattern" not in schema or compile_whole(schema["pattern"]).match(s) is not None  # noqa: E731
        grown = st.tuples(valid, st.integers(limit + 1, limit + 3)).map(lambda t: pump(t[0], t[1], keep))
        return grown.filter(lambda s: s is not None)
    if keyword == "pattern":
        # Structural near misses four times as often as a whole valid value with a newline after or a space before.
        near = near_misses(schema["pattern"], SIBLING_WORDS)
        return st.one_of(near, near, near, near, valid.map(lambda s: s + "\n"), valid.map(lambda s: " " + s))
    if keyword == "enum":
        return st.one_of(
            st.sampled_from(schema["enum"]).map(str.lower),
            st.sampled_from(schema["enum"]).map(lambda s: s + "_"),
            st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ_", min_size=1, max_size=12),
        ).filter(lambda s: s not in schema["enum"])
    if keyword == "format":
        return st.one_of(st.sampled_from(_NOT_DATE_TIMES), near_misses(DATE_TIME_PATTERN))
    if keyword == "minItems":
        return st.lists(valid, max_size=schema["minItems"] - 1) if schema["minItems"] > 1 else st.just([])
    if keyword == "maxItems":
        limit = schema["maxItems"]
        item = from_schema(schema["items"], document or contract().response.document)
        # Items from a small pool repeat, so the list breaks any relaxed rule that wants them unique.
        return st.tuples(st.lists(item, min_size=1, max_size=2), st.integers(limit + 1, limit + 3)).flatmap(
            lambda t: st.lists(st.sampled_from(t[0]), min_size=t[1], max_size=t[1])
        )
    raise ValueError(f"no violation strategy for {keyword}")


def _entangled(schema: Mapping[str, Any], keyword: str, clause_ids: Mapping[str, str]) -> frozenset[str]:
    """Clauses that every violation of ``keyword`` also breaks (the empty string breaks a '+' pattern too)."""
    empty_breaks_pattern = "pattern" in schema and compile_whole(schema["pattern"]).match("") is None
    if keyword in ("minLength", "minItems") and schema.get(keyword) == 1 and empty_breaks_pattern:
        return frozenset({clause_ids["pattern"]})
    return frozenset()


def request_clauses() -> list[Clause]:
    """The identifier clauses that a server must enforce."""
    return [c for c in contract().clauses_of("request") if c.member == contract().path_label]


def entangled(clause_id: str) -> frozenset[str]:
    """Clauses that cannot be kept while ``clause_id`` is broken."""
    clause = contract().clause(clause_id)
    schema, ids = _node_of(clause)
    return _entangled(schema, clause.keyword, ids)


@functools.cache
def invalid_identifiers(clause_id: str) -> st.SearchStrategy[str]:
    """Identifiers that break ``clause_id`` and, where possible, nothing else."""
    clause = contract().clause(clause_id)
    schema = _identifier_schema()
    allowed = {clause_id} | entangled(clause_id)
    return _violations(schema, clause.keyword, valid_identifiers()).filter(
        lambda v: isinstance(v, str) and failing(validate_identifier(v)) == allowed
    )


@functools.cache
def invalid_identifier_examples(clause_id: str) -> tuple[str, ...]:
    """Explicit identifiers that break ``clause_id``: every construct of the pattern, the lengths just past a bound."""
    clause = contract().clause(clause_id)
    schema = _identifier_schema()
    allowed = {clause_id} | entangled(clause_id)
    valid = tuple(identifier_examples().values())
    if clause.keyword == "pattern":
        candidates = [*near_miss_examples(schema["pattern"], SIBLING_WORDS), *(v + "\n" for v in valid[:3])]
    elif clause.keyword == "maxLength":
        keep = lambda v: compile_whole(schema["pattern"]).match(v) is not None  # noqa: E731
        candidates = [g for v in valid[:2] if (g := pump(v, schema["maxLength"] + 1, keep)) is not None]
    else:
        candidates = [""[: schema["minLength"] - 1]]
    return tuple(dict.fromkeys(v for v in candidates if failing(validate_identifier(v)) == allowed))


# ---------------------------------------------------------------------------------------------- response bodies
def _node_of(clause: Clause) -> tuple[Mapping[str, Any], dict[str, str]]:
    the_contract = contract()
    schema = the_contract.schema(clause.document, clause.node_pointer)
    return schema, the_contract.clause_ids(schema)


def _path_of(clause: Clause) -> list[str]:
    tokens = [t for t in clause.node_pointer.split("/") if t]
    path: list[str] = []
    i = 0
    while i < len(tokens):
        if tokens[i] == "properties":
            path.append(tokens[i + 1])
            i += 2
        elif tokens[i] == "items":
            path.append("*")
            i += 1
        else:
            i += 1
    return path


@functools.cache
def valid_bodies() -> st.SearchStrategy[dict[str, Any]]:
    """GetInferenceProfile bodies that keep every response clause (no deviation either)."""
    return from_shape(contract().response).filter(lambda b: _all_pass(validate_response(b)))


def response_clauses() -> list[Clause]:
    """Response clauses that a body can break (drift is never a failure, so it is not among them)."""
    return [c for c in contract().clauses_of("response")]


def _replace(body: Any, path: list[str], make: Callable[[Any], Any], index: int) -> Any:
    """Apply ``make`` at ``path`` in a copy of ``body``; '*' picks item ``index`` of an array."""
    body = copy.deepcopy(body)
    if not path:
        return make(body)
    parent = body
    for step in path[:-1]:
        parent = parent[index % len(parent)] if step == "*" else parent[step]
    last = path[-1]
    key: Any = index % len(parent) if last == "*" else last
    result = make(parent[key] if last == "*" or key in parent else None)
    if result is _DELETE:
        parent.pop(key, None)
    else:
        parent[key] = result
    return body


_DELETE = object()


def _clause_value_strategy(clause: Clause, mode: str) -> st.SearchStrategy[Any]:
    schema, _ids = _node_of(clause)
    if mode == "deviation":
        # Drawn from the rule AWS follows instead; the body filter keeps those that break the page.
        relaxed = {**schema, **contract().deviations[clause.id].rule}
        if "maxItems" in contract().deviations[clause.id].rule:
            relaxed["minItems"] = schema["maxItems"] + 1
        return from_schema(relaxed, clause.document)
    return _violations(schema, clause.keyword, from_schema(schema, clause.document), clause.document)


def _body_strategy(clause_id: str, mode: str) -> st.SearchStrategy[dict[str, Any]]:
    clause = contract().clause(clause_id)
    path = _path_of(clause)
    if clause.keyword == "required":
        values: st.SearchStrategy[Any] = st.just(_DELETE)
    elif not path and clause.keyword == "type":
        values = _violations({"type": "object"}, "type", st.nothing())
    else:
        values = _clause_value_strategy(clause, mode)
    return st.builds(
        lambda body, value, index: _replace(body, path, lambda _old: value, index),
        valid_bodies(),
        values,
        st.integers(0, 10),
    )


@functools.cache
def invalid_bodies(clause_id: str) -> st.SearchStrategy[Any]:
    """Bodies that fail ``clause_id`` (a plain failure, not an AWS deviation) and, where possible, nothing else."""
    allowed = {clause_id} | entangled(clause_id)
    return _body_strategy(clause_id, "invalid").filter(lambda b: failing(validate_response(b)) == allowed)


@functools.cache
def deviating_bodies(clause_id: str) -> st.SearchStrategy[dict[str, Any]]:
    """Bodies that break ``clause_id`` the way real AWS is recorded to, and keep everything else."""

    def only_this_deviation(body: Any) -> bool:
        findings = validate_response(body)
        return not failing(findings) and {f.clause for f in findings if f.outcome is Outcome.DEVIATION} == {clause_id}

    return _body_strategy(clause_id, "deviation").filter(only_this_deviation)


def breakable_response_clauses() -> list[Clause]:
    """Response clauses a body can break (not drift, and not the Content-Type header)."""
    return [c for c in response_clauses() if c.keyword != "additionalProperties" and not c.keyword.startswith("x-")]
