"""Validate values against ``schemas/`` clause by clause, with ECMA-262 patterns and real date-times."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._datetimes import DATE_TIME_PATTERN as DATE_TIME_PATTERN
from ._datetimes import instant as instant
from ._datetimes import is_datetime
from ._ecma import compile_matcher, whole_match
from ._findings import _FAIL, _PASS, REDACTED, Finding, Outcome
from ._findings import failing as failing
from ._findings import outcomes_by_clause as outcomes_by_clause
from ._findings import worst as worst
from ._json import NotJSON, loads
from ._model import Deviation, Shape
from ._schemas import Contract, contract

_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}
_FORMATS: dict[str, Callable[[str], bool]] = {"date-time": is_datetime}


def _json_type(value: Any) -> str:
    """'a JSON integer'; a value no JSON text reads as (a datetime an SDK parsed, a tuple) is 'a Python datetime'."""
    for name in ("null", "boolean", "integer", "number", "string", "array", "object"):
        if _TYPES[name](value):
            return f"a JSON {name}"
    return f"a Python {type(value).__name__}"


def _unique(items: list[Any]) -> bool:
    seen = [json.dumps(i, sort_keys=True) for i in items]
    return len(seen) == len(set(seen))


# Whether a value keeps a keyword's limit.
_HOLDS: dict[str, Callable[[Any, Any], bool]] = {
    "enum": lambda v, lim: v in lim,
    "minLength": lambda v, lim: len(v) >= lim,
    "maxLength": lambda v, lim: len(v) <= lim,
    "pattern": lambda v, lim: whole_match(lim, v),
    "format": lambda v, lim: _FORMATS[lim](v),
    "minItems": lambda v, lim: len(v) >= lim,
    "maxItems": lambda v, lim: len(v) <= lim,
    "uniqueItems": lambda v, lim: not lim or _unique(v),
    "minimum": lambda v, lim: v >= lim,
    "maximum": lambda v, lim: v <= lim,
}
# What is wrong with a value that breaks the limit (``s`` is the value as shown in messages).
_PROBLEMS: dict[str, Callable[[Any, Any, str], str]] = {
    "enum": lambda v, lim, s: f"{s} is not one of {' | '.join(map(str, lim))}",
    "minLength": lambda v, lim, s: f"length {len(v)} is below the minimum {lim}",
    "maxLength": lambda v, lim, s: f"length {len(v)} is above the maximum {lim}",
    "pattern": lambda v, lim, s: f"{s} does not match {lim} as a whole string",
    "format": lambda v, lim, s: f"{s} is not an RFC 3339 {lim}",
    "minItems": lambda v, lim, s: f"{len(v)} items, below the minimum {lim}",
    "maxItems": lambda v, lim, s: f"{len(v)} items, above the maximum {lim}",
    "uniqueItems": lambda v, lim, s: "items repeat",
    "minimum": lambda v, lim, s: f"{s} is below the minimum {lim}",
    "maximum": lambda v, lim, s: f"{s} is above the maximum {lim}",
}
_APPLIES = {
    "enum": None,
    "minLength": str,
    "maxLength": str,
    "pattern": str,
    "format": str,
    "minItems": list,
    "maxItems": list,
    "uniqueItems": list,
    "minimum": (int, float),
    "maximum": (int, float),
}


def _holds(keyword: str, limit: Any) -> Callable[[Any], bool]:
    """The keyword's test with its limit bound (a pattern compiled once)."""
    if keyword == "pattern":
        match = compile_matcher(limit)
        return lambda v: match(v) is not None
    holds = _HOLDS[keyword]
    return lambda v: holds(v, limit)


_TO_JSON = json.JSONEncoder(ensure_ascii=False).encode


def _shown(value: Any, sensitive: bool) -> str:
    if sensitive and isinstance(value, str):
        return f"{REDACTED} ({len(value)} characters)"
    try:
        text = _TO_JSON(value)
    except (TypeError, ValueError):  # no JSON value (a datetime an SDK parsed, bytes): shown as Python writes it
        text = repr(value)
    return text if len(text) <= 120 else f"{text[:100]}…{text[-10:]} ({len(text)} characters)"


@dataclass
class _Options:
    strict: bool
    show_sensitive: bool


@dataclass
class _Node:
    """A compiled schema node: what to check at one place of a value."""

    part: str
    member: str
    schema: Mapping[str, Any]
    clause_ids: dict[str, str]
    sensitive: bool
    checks: list[tuple[str, str, Any]] = field(default_factory=list)
    properties: dict[str, _Node] = field(default_factory=dict)
    required: list[str] = field(default_factory=list)
    items: _Node | None = None
    deviations: dict[str, Deviation] = field(default_factory=dict)

    declared_only: bool = True
    # Filled by ``prepare`` once the whole tree is compiled (member names are final only then). Only what a value
    # breaks is rendered for a message: most values keep every keyword, and rendering them all was most of the cost.
    _type: tuple[str, Callable[[Any], bool], str | None, str] | None = None
    _tests: list[tuple[str, str, Any, Any, Callable[[Any], bool], str]] = field(default_factory=list)
    _required: list[tuple[str, str]] = field(default_factory=list)
    _unknown: str | None = None

    def clause_id(self, keyword: str) -> str:
        return self.clause_ids.get(keyword) or f"{self.part}.{self.member or 'body'}.{keyword}"

    def reports(self, keyword: str) -> bool:
        """Documents that declare clauses report only those; sibling-operation schemas report every keyword."""
        return keyword in self.clause_ids or not self.declared_only

    def prepare(self) -> None:
        """Bind every check of this node and below to its clause, limit and test."""
        expected = self.schema.get("type")
        if expected is not None:
            self._type = (
                expected,
                _TYPES[expected],
                self.clause_id("type") if self.reports("type") else None,
                f"is a {expected}",
            )
        self._tests = [
            (keyword, clause_id, limit, _APPLIES[keyword], _holds(keyword, limit), f"keeps {keyword}")
            for keyword, clause_id, limit in self.checks
        ]
        self._required = []
        for name in self.required:
            child = self.properties.get(name)
            if child is not None and not child.reports("required"):
                continue
            self._required.append((name, child.clause_id("required") if child else f"{self.part}.{name}.required"))
        self._unknown = self.clause_ids.get("additionalProperties")
        for child in self.properties.values():
            child.prepare()
        if self.items is not None:
            self.items.prepare()

    def check(self, value: Any, pointer: str, out: list[Finding], opts: _Options) -> None:
        sensitive = self.sensitive and not opts.show_sensitive
        recorded = REDACTED if sensitive and isinstance(value, str) else value
        if self._type is not None:
            expected, is_type, type_clause, kept = self._type
            ok = is_type(value)
            if type_clause is not None:
                if ok:
                    out.append(Finding(type_clause, _PASS, pointer, recorded, kept, "type", expected))
                else:
                    article = "an" if expected[:1] in "aeiou" else "a"
                    message = f"{_shown(value, sensitive)} is {_json_type(value)}, not {article} {expected}"
                    out.append(Finding(type_clause, _FAIL, pointer, recorded, message, "type", expected))
            if not ok:
                return
        for keyword, clause_id, limit, applies, holds, kept in self._tests:
            if applies is not None and not isinstance(value, applies):
                continue
            if holds(value):
                out.append(Finding(clause_id, _PASS, pointer, recorded, kept, keyword, limit, None))
                continue
            problem = _PROBLEMS[keyword](value, limit, _shown(value, sensitive))
            outcome = _FAIL
            deviation = self.deviations.get(clause_id)
            if deviation is not None and _keeps_rule(value, deviation.rule):
                if opts.strict:
                    problem += f" (strict: AWS does this too — {deviation.summary})"
                else:
                    outcome = Outcome.DEVIATION
                    problem += f"; deviates the way real AWS does: {deviation.summary}"
            else:
                deviation = None
            out.append(Finding(clause_id, outcome, pointer, recorded, problem, keyword, limit, deviation))
        if isinstance(value, dict):
            self._check_object(value, pointer, out, opts)
        elif isinstance(value, list) and self.items is not None:
            items = self.items
            for index, item in enumerate(value):
                items.check(item, f"{pointer}/{index}", out, opts)

    def _check_object(self, value: dict[str, Any], pointer: str, out: list[Finding], opts: _Options) -> None:
        for name, clause_id in self._required:
            if name in value:
                out.append(Finding(clause_id, _PASS, f"{pointer}/{name}", None, "present", "required", True))
            else:
                missing = f"required member {name} is missing"
                out.append(Finding(clause_id, _FAIL, f"{pointer}/{name}", None, missing, "required", True))
        unknown = 0
        properties, drift_clause = self.properties, self._unknown
        for name, item in value.items():
            child = properties.get(name)
            if child is not None:
                child.check(item, f"{pointer}/{name}", out, opts)
            elif drift_clause is not None:
                unknown += 1
                out.append(
                    Finding(
                        drift_clause,
                        _PASS,
                        f"{pointer}/{name}",
                        None,
                        f"unknown member {name!r}: model drift, not a failure",
                        "additionalProperties",
                        drift=True,
                    )
                )
        if not unknown and drift_clause is not None:
            out.append(
                Finding(
                    drift_clause,
                    _PASS,
                    pointer,
                    None,
                    "no members beyond the service model",
                    "additionalProperties",
                )
            )


def _keeps_rule(value: Any, rule: Mapping[str, Any]) -> bool:
    return all(_HOLDS[k](value, lim) for k, lim in rule.items())


class Validator:
    """Compiles a schema node once; checks values against it many times."""

    def __init__(self, document: str, pointer: str = "", *, member: str = "", the_contract: Contract | None = None):
        self.contract = the_contract or contract()
        part = self.contract.part_of(document)
        self.root = self._compile(self.contract.schema(document, pointer), document, part, member)
        self.root.prepare()

    def _compile(
        self, schema: Mapping[str, Any], document: str, part: str, member: str, named_after: str | None = None
    ) -> _Node:
        """``named_after``: the member an array's item members are named after (response.models.modelArn)."""
        ids = self.contract.clause_ids(schema)
        if "$ref" in schema:
            target, document, _ = self.contract.resolve(schema["$ref"], document)
            # Clauses declared beside a $ref add to the referenced node's, keyword by keyword; they hide none of
            # its others (List's type filter has its own enum clause and keeps response.type.type).
            ids = {**self.contract.clause_ids(target), **ids}
            schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
            part = self.contract.part_of(document)
        node = _Node(part, member, schema, ids, self.contract.is_sensitive(schema))
        node.declared_only = part != "model"
        for keyword in _HOLDS:
            if keyword in schema and node.reports(keyword):
                clause_id = node.clause_id(keyword)
                node.checks.append((keyword, clause_id, schema[keyword]))
                if clause_id in self.contract.deviations:
                    node.deviations[clause_id] = self.contract.deviations[clause_id]
        node.required = list(schema.get("required", []))
        base = member if named_after is None else named_after
        for name, sub in schema.get("properties", {}).items():
            node.properties[name] = self._compile(sub, document, part, f"{base}.{name}" if base else name)
        if "items" in schema:
            # Item members are named after the array (response.models.modelArn), not its items, from the start: the
            # clause ids of their keywords are made as they are compiled.
            items_member = f"{member}.items" if member else "items"
            node.items = self._compile(schema["items"], document, part, items_member, member)
        return node

    def validate(
        self, value: Any, *, strict: bool = False, show_sensitive: bool = False, pointer: str = ""
    ) -> list[Finding]:
        out: list[Finding] = []
        self.root.check(value, pointer, out, _Options(strict, show_sensitive))
        return out


_CACHE: dict[tuple[str, str, str], Validator] = {}


def validator(document: str, pointer: str = "", member: str = "") -> Validator:
    """A cached validator for a node of the shipped contract."""
    key = (document, pointer, member)
    if key not in _CACHE:
        _CACHE[key] = Validator(document, pointer, member=member)
    return _CACHE[key]


def shape_validator(shape: Shape, member: str = "") -> Validator:
    """A cached validator for a shape of the shipped contract (a body, an operation's input, one member)."""
    return validator(shape.document, shape.pointer, member)


def _parse_body(body: Any) -> tuple[Any, str | None]:
    if isinstance(body, (bytes, bytearray)):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            return None, "the body is not UTF-8"
    if isinstance(body, str):
        snippet = body[:60] + ("…" if len(body) > 60 else "")
        try:
            return loads(body), None
        except json.JSONDecodeError as exc:
            return None, f"the body is not JSON ({exc.msg} at offset {exc.pos}): {snippet!r}"
        except NotJSON as exc:
            return None, f"the body is not JSON ({exc}): {snippet!r}"
    return body, None


def validate_response(
    body: Any, *, strict: bool = False, show_sensitive: bool = False, pointer: str = ""
) -> list[Finding]:
    """Check a GetInferenceProfile 200 body (parsed JSON, or raw bytes/str) clause by clause."""
    parsed, problem = _parse_body(body)
    if problem is not None:
        clause = shape_validator(contract().response).root.clause_id("type")
        return [Finding(clause, Outcome.FAIL, pointer, None, problem, "type", "object")]
    return shape_validator(contract().response).validate(
        parsed, strict=strict, show_sensitive=show_sensitive, pointer=pointer
    )


def validate_list_page(body: Any, *, strict: bool = False, show_sensitive: bool = False) -> list[Finding]:
    """Check every summary of a ListInferenceProfiles page against the response clauses."""
    parsed, problem = _parse_body(body)
    if problem is not None or not isinstance(parsed, dict):
        return validate_response(body, strict=strict, show_sensitive=show_sensitive)
    out: list[Finding] = []
    member = contract().list_member
    summaries = parsed.get(member) or []
    checker = shape_validator(contract().response)
    for index, item in enumerate(summaries if isinstance(summaries, list) else []):
        # Each summary is a value of the page already read: a string there is a string, not a body to read again.
        out += checker.validate(item, strict=strict, show_sensitive=show_sensitive, pointer=f"/{member}/{index}")
    return out


def validate_answer(
    operation: str, body: Any, *, strict: bool = False, show_sensitive: bool = False, pointer: str = ""
) -> list[Finding]:
    """Check a sibling operation's success body (CreateInferenceProfile, ListTagsForResource, ...) against its
    output shape in operations.json, clause by clause; an unreadable body fails the shape's own type clause."""
    checker = shape_validator(_output(operation))
    parsed, problem = _parse_body(body)
    if problem is not None:
        return [Finding(checker.root.clause_id("type"), Outcome.FAIL, pointer, None, problem, "type", "object")]
    return checker.validate(parsed, strict=strict, show_sensitive=show_sensitive, pointer=pointer)


def _output(operation: str) -> Shape:
    output = contract().operation(operation).output
    if output is None:
        raise ValueError(f"{operation} has no answer shape in schemas/")
    return output


def validate_identifier(value: str, *, strict: bool = False) -> list[Finding]:
    """Check a GetInferenceProfile path label (already percent-decoded) against the request clauses."""
    label = contract().path_label
    return shape_validator(contract().page_operation.members[label], label).validate(value, strict=strict)


def validate_request_member(member: str, value: Any) -> list[Finding]:
    """Check one request parameter of GetInferenceProfile."""
    return shape_validator(contract().page_operation.members[member], member).validate(value)


def validate_operation(operation: str, value: Any) -> list[Finding]:
    """Check an input of a sibling operation (ListInferenceProfiles, CreateInferenceProfile, ...)."""
    return shape_validator(contract().operation(operation).input).validate(value)


def _type_name(value: str) -> str:
    """A type as botocore's rest-json parser reads it: up to the first ':', then after the last '#'.

    ``ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/`` and
    ``com.amazonaws.bedrock#ValidationException`` both name ValidationException, in the header and in the body alike.
    """
    return value.split(":", 1)[0].rsplit("#", 1)[-1].strip()


def error_type(headers: Mapping[str, str], body: Any) -> str | None:
    """The rest-json error type: the type header, else the body's code, Code or __type, each read by ``_type_name``."""
    wire = contract().wire
    wanted = wire.type_header.lower()
    for name, value in headers.items():
        if name.lower() == wanted and value.strip():
            return _type_name(value) or None
    if isinstance(body, dict):
        for member in wire.type_body_members:
            found = body.get(member)
            if isinstance(found, str) and found:
                return _type_name(found) or None
    return None


def validate_error(status: int, headers: Mapping[str, str], body: Any) -> list[Finding]:
    """Check an error answer: readable JSON body, a readable type, a message, and the type's status."""
    the_contract = contract()
    wire = the_contract.wire
    parsed, problem = _parse_body(body)
    out: list[Finding] = []
    is_object = problem is None and isinstance(parsed, dict)
    out.append(
        Finding(
            wire.body_clause,
            Outcome.PASS if is_object else Outcome.FAIL,
            "",
            None,
            "the body is a JSON object" if is_object else (problem or f"the body is {_json_type(parsed)}"),
            "type",
            "object",
        )
    )
    kind = error_type(headers, parsed if is_object else None)
    out.append(
        Finding(
            wire.type_clause,
            Outcome.PASS if kind else Outcome.FAIL,
            "",
            kind,
            f"error type {kind}"
            if kind
            else f"HTTP {status}: no {wire.type_header} header and no "
            + "/".join(wire.type_body_members)
            + " in the body",
            the_contract.clause(wire.type_clause).keyword,
        )
    )
    if is_object:
        message_members = [m for m in wire.message_members if m in parsed]
        required_id, type_id = wire.message_clauses["required"], wire.message_clauses["type"]
        out.append(
            Finding(
                required_id,
                Outcome.PASS if message_members else Outcome.FAIL,
                "/message",
                None,
                f"has {message_members[0]}"
                if message_members
                else "the body has no " + " or ".join(wire.message_members),
                "required",
            )
        )
        if message_members:
            value = parsed[message_members[0]]
            ok = isinstance(value, str)
            out.append(
                Finding(
                    type_id,
                    Outcome.PASS if ok else Outcome.FAIL,
                    f"/{message_members[0]}",
                    value,
                    "is a string" if ok else f"{message_members[0]} is {_json_type(value)}, not a string",
                    "type",
                )
            )
    known = the_contract.errors.get(kind or "")
    if known is not None:
        ok = status == known.status
        out.append(
            Finding(
                known.clause,
                Outcome.PASS if ok else Outcome.FAIL,
                "",
                status,
                f"{kind} with HTTP {status}" if ok else f"{kind} came with HTTP {status}, not {known.status}",
                the_contract.clause(known.clause).keyword,
                known.status,
            )
        )
    return out
