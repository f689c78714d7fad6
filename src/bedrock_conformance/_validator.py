"""Validate values against ``schemas/`` clause by clause, with ECMA-262 patterns and real date-times."""

from __future__ import annotations

import calendar
import enum
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._ecma import compile_matcher, compile_whole, whole_match
from ._json import NotJSON, loads
from ._schemas import Contract, Deviation, contract

REDACTED = "<redacted>"


class Outcome(str, enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    DEVIATION = "deviation"
    SKIP = "skip"

    def __str__(self) -> str:
        return self.value


_PASS, _FAIL = Outcome.PASS, Outcome.FAIL
_RANK = {Outcome.SKIP: 0, Outcome.PASS: 1, Outcome.DEVIATION: 2, Outcome.FAIL: 3}


def worst(outcomes: Iterable[Outcome]) -> Outcome:
    """The outcome a clause gets from several checks: fail > deviation > pass > skip."""
    return max(outcomes, key=_RANK.__getitem__, default=Outcome.SKIP)


@dataclass(slots=True)
class Finding:
    """One check of one clause at one place in a value."""

    clause: str
    outcome: Outcome
    pointer: str
    value: Any
    message: str
    keyword: str = ""
    limit: Any = None
    deviation: Deviation | None = None
    drift: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "clause": self.clause,
            "outcome": self.outcome.value,
            "pointer": self.pointer,
            "value": self.value,
            "message": self.message,
        }
        if self.deviation is not None:
            out["deviation"] = {
                "summary": self.deviation.summary,
                "rule": self.deviation.rule_text,
                "evidence": [dict(e) for e in self.deviation.evidence],
            }
        if self.drift:
            out["drift"] = True
        return out


def outcomes_by_clause(findings: Iterable[Finding]) -> dict[str, Outcome]:
    """Collapse findings into one outcome per clause."""
    grouped: dict[str, list[Outcome]] = {}
    for f in findings:
        grouped.setdefault(f.clause, []).append(f.outcome)
    return {clause: worst(outs) for clause, outs in grouped.items()}


def failing(findings: Iterable[Finding]) -> set[str]:
    return {f.clause for f in findings if f.outcome is Outcome.FAIL}


# RFC 3339 section 5.6 date-time, as an ECMA-262 pattern; the calendar is checked separately.
DATE_TIME_PATTERN = r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$"
_RFC3339 = compile_whole(DATE_TIME_PATTERN)


# The calendar as two-digit fields (the pattern admits ASCII digits only, so comparing the text compares the numbers):
# days in each month of a common year, the hours and minutes a clock shows, and what a leap second needs.
_MONTH_DAYS = {f"{month:02d}": calendar.monthrange(1, month)[1] for month in range(1, 13)}
_FEBRUARY, _NO_YEAR = f"{2:02d}", f"{0:04d}"
_LAST_HOUR, _LAST_MINUTE, _LEAP_SECOND = f"{23:02d}", f"{59:02d}", f"{60:02d}"


_MINUTES_A_DAY, _LAST_MINUTE_OF_DAY = 24 * 60, 23 * 60 + 59


def _offset_minutes(sign: str, hours: str | None, minutes: str | None) -> int:
    """The zone's offset from UTC in minutes ('Z' is 0)."""
    if hours is None or minutes is None:
        return 0
    total = int(hours) * 60 + int(minutes)
    return -total if sign == "-" else total


def is_datetime(value: str) -> bool:
    """RFC 3339 ``date-time`` (section 5.6), calendar-checked.

    A leap second (second 60) is allowed in the last minute of a UTC day, in whatever offset it is written:
    ``2016-12-31T23:59:60Z`` and ``2017-01-01T05:29:60+05:30`` are the same leap second.
    """
    m = _RFC3339.match(value)
    if m is None:
        return False
    year, month, day, hour, minute, second, _fraction, zone, offset_hour, offset_minute = m.groups()
    days = _MONTH_DAYS.get(month)
    if days is None or year == _NO_YEAR or hour > _LAST_HOUR or minute > _LAST_MINUTE:
        return False
    if offset_hour is not None and (offset_hour > _LAST_HOUR or offset_minute > _LAST_MINUTE):
        return False
    day_number = int(day)
    if day_number < 1 or (
        day_number > days and not (day_number == 29 and month == _FEBRUARY and calendar.isleap(int(year)))
    ):
        return False
    if second <= _LAST_MINUTE:
        return True
    if second != _LEAP_SECOND:
        return False
    local = int(hour) * 60 + int(minute)
    utc = (local - _offset_minutes(zone[0], offset_hour, offset_minute)) % _MINUTES_A_DAY
    return utc == _LAST_MINUTE_OF_DAY


@dataclass(frozen=True, slots=True, order=True)
class Instant:
    """The instant an RFC 3339 date-time names, exactly: its UTC minute, its second (60 in a leap second) and its
    decimal fraction without trailing zeros. Two renderings of one instant are equal, whatever their offset or
    precision; instants a nanosecond (or less) apart are not. No float or datetime is involved, so nothing is rounded
    and a leap second is an instant of its own, one second before the next day begins."""

    minute: int
    second: int
    fraction: str


def instant(value: str) -> Instant | None:
    """The instant of an RFC 3339 date-time, or None for a string that is not one."""
    if not is_datetime(value):
        return None
    m = _RFC3339.match(value)
    assert m is not None
    year, month, day, hour, minute, second, fraction, zone, offset_hour, offset_minute = m.groups()
    local = calendar.timegm((int(year), int(month), int(day), int(hour), int(minute), 0, 0, 0, 0)) // 60
    utc = local - _offset_minutes(zone[0], offset_hour, offset_minute)
    return Instant(utc, int(second), (fraction or ".")[1:].rstrip("0"))


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
    for name in ("null", "boolean", "integer", "number", "string", "array", "object"):
        if _TYPES[name](value):
            return name
    return type(value).__name__


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
    text = _TO_JSON(value)
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
                    message = f"{_shown(value, sensitive)} is a JSON {_json_type(value)}, not a {expected}"
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
        part = self.contract.documents[document].get("x-part", "model")
        self.root = self._compile(self.contract.schema(document, pointer), document, part, member)
        self.root.prepare()

    def _compile(self, schema: Mapping[str, Any], document: str, part: str, member: str) -> _Node:
        if "$ref" in schema:
            target, document, _ = self.contract.resolve(schema["$ref"], document)
            schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
            part = self.contract.documents[document].get("x-part", part)
        clause_ids = {k: v["id"] for k, v in schema.get("x-clauses", {}).items()}
        node = _Node(part, member, schema, clause_ids, bool(schema.get("x-sensitive")))
        node.declared_only = part != "model"
        for keyword in _HOLDS:
            if keyword in schema and node.reports(keyword):
                clause_id = node.clause_id(keyword)
                node.checks.append((keyword, clause_id, schema[keyword]))
                if clause_id in self.contract.deviations:
                    node.deviations[clause_id] = self.contract.deviations[clause_id]
        node.required = list(schema.get("required", []))
        for name, sub in schema.get("properties", {}).items():
            node.properties[name] = self._compile(sub, document, part, f"{member}.{name}" if member else name)
        if "items" in schema:
            node.items = self._compile(schema["items"], document, part, f"{member}.items" if member else "items")
            # Item members are named after the array (response.models.modelArn), not its items.
            for name, sub in node.items.properties.items():
                sub.member = f"{member}.{name}"
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
        clause = validator("response.json").root.clause_id("type")
        return [Finding(clause, Outcome.FAIL, pointer, None, problem, "type", "object")]
    return validator("response.json").validate(parsed, strict=strict, show_sensitive=show_sensitive, pointer=pointer)


def validate_list_page(body: Any, *, strict: bool = False, show_sensitive: bool = False) -> list[Finding]:
    """Check every summary of a ListInferenceProfiles page against the response clauses."""
    parsed, problem = _parse_body(body)
    if problem is not None or not isinstance(parsed, dict):
        return validate_response(body, strict=strict, show_sensitive=show_sensitive)
    out: list[Finding] = []
    member = contract().list_member
    summaries = parsed.get(member) or []
    for index, item in enumerate(summaries if isinstance(summaries, list) else []):
        out += validate_response(item, strict=strict, show_sensitive=show_sensitive, pointer=f"/{member}/{index}")
    return out


def validate_identifier(value: str, *, strict: bool = False) -> list[Finding]:
    """Check a GetInferenceProfile path label (already percent-decoded) against the request clauses."""
    label = contract().path_label
    return validator("request.json", f"/properties/{label}", label).validate(value, strict=strict)


def validate_request_member(member: str, value: Any) -> list[Finding]:
    """Check one request parameter (a property of ``request.json``)."""
    return validator("request.json", f"/properties/{member}", member).validate(value)


def validate_operation(operation: str, value: Any) -> list[Finding]:
    """Check an input of a sibling operation (``operations.json#/$defs/<operation>``)."""
    return validator("operations.json", f"/$defs/{operation}", "").validate(value)


def _type_name(value: str) -> str:
    """A type as botocore's rest-json parser reads it: up to the first ':', then after the last '#'.

    ``ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/`` and
    ``com.amazonaws.bedrock#ValidationException`` both name ValidationException, in the header and in the body alike.
    """
    return value.split(":", 1)[0].rsplit("#", 1)[-1].strip()


def error_type(headers: Mapping[str, str], body: Any) -> str | None:
    """The rest-json error type: the type header, else the body's code, Code or __type, each read by ``_type_name``."""
    spec = contract().documents["errors.json"]
    wanted = spec["x-type-header"].lower()
    for name, value in headers.items():
        if name.lower() == wanted and value.strip():
            return _type_name(value) or None
    if isinstance(body, dict):
        for member in spec["x-type-body-members"]:
            found = body.get(member)
            if isinstance(found, str) and found:
                return _type_name(found) or None
    return None


def validate_error(status: int, headers: Mapping[str, str], body: Any) -> list[Finding]:
    """Check an error answer: readable JSON body, a readable type, a message, and the type's status."""
    the_contract = contract()
    spec = the_contract.documents["errors.json"]
    clauses = spec["x-clauses"]
    parsed, problem = _parse_body(body)
    out: list[Finding] = []
    is_object = problem is None and isinstance(parsed, dict)
    out.append(
        Finding(
            clauses["type"]["id"],
            Outcome.PASS if is_object else Outcome.FAIL,
            "",
            None,
            "the body is a JSON object" if is_object else (problem or f"the body is a JSON {_json_type(parsed)}"),
            "type",
            "object",
        )
    )
    kind = error_type(headers, parsed if is_object else None)
    out.append(
        Finding(
            clauses["x-type-header"]["id"],
            Outcome.PASS if kind else Outcome.FAIL,
            "",
            kind,
            f"error type {kind}"
            if kind
            else f"HTTP {status}: no {spec['x-type-header']} header and no "
            + "/".join(spec["x-type-body-members"])
            + " in the body",
            "x-type-header",
        )
    )
    if is_object:
        message_members = [m for m in spec["x-message-members"] if m in parsed]
        member_clauses = spec["properties"][the_contract.message_member]["x-clauses"]
        required_id, type_id = member_clauses["required"]["id"], member_clauses["type"]["id"]
        out.append(
            Finding(
                required_id,
                Outcome.PASS if message_members else Outcome.FAIL,
                "/message",
                None,
                f"has {message_members[0]}"
                if message_members
                else "the body has no " + " or ".join(spec["x-message-members"]),
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
                    "is a string" if ok else f"{message_members[0]} is a JSON {_json_type(value)}, not a string",
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
                "x-http-status",
                known.status,
            )
        )
    return out
