"""Typed rest-json error answers, worded the way AWS words them. Types, statuses and texts come from errors.json."""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Iterable, Mapping
from typing import Any

from .._model import MockAnswer
from .._schemas import contract
from .._validator import REDACTED, Finding, Outcome


class MockError(Exception):
    """An error answer: raised anywhere in the mock, rendered once by the HTTP layer."""

    def __init__(self, error: str, message: str, *, close: bool = False, linger: bool = False) -> None:
        super().__init__(f"{error}: {message}")
        self.error = error
        self.message = message
        # The connection cannot be reused when the request was not read to its end.
        self.close = close or linger
        # Unread input is still on its way: read it before closing, so the client sees this answer, not a reset.
        self.linger = linger

    @property
    def status(self) -> int:
        return statuses()[self.error]

    def header(self) -> str:
        """The x-amzn-ErrorType value: ``<Type>:<namespace>``, as AWS sends it."""
        return f"{self.error}:{contract().wire.namespace}"

    def body(self) -> bytes:
        return json.dumps({"message": self.message}, ensure_ascii=False).encode("utf-8")


@functools.lru_cache(maxsize=1)
def statuses() -> dict[str, int]:
    """Every error type the mock can answer with, modelled or not, and its HTTP status."""
    the_contract = contract()
    out = {name: error.status for name, error in the_contract.errors.items()}
    out.update({name: error.status for name, error in the_contract.service_errors.items()})
    return out


def type_header() -> str:
    return contract().wire.type_header


def default_message(error: str) -> str:
    return contract().errors[error].default_message


def _situation(name: str) -> MockAnswer:
    return contract().wire.mock_answers[name]


def situation(name: str) -> Mapping[str, Any]:
    """The answer the mock gives in a situation (which error, which words, which limit), as a mapping."""
    return {key: value for key, value in dataclasses.asdict(_situation(name)).items() if value is not None}


def limit(name: str) -> int:
    found = _situation(name).limit
    assert found is not None, f"the mock answer {name} has no limit"
    return found


def answer(which: str, /, *, close: bool = False, linger: bool = False, **fields: Any) -> MockError:
    """The error the mock answers in situation ``which``, its message filled in with ``fields``."""
    entry = _situation(which)
    template = entry.message
    message = default_message(entry.error) if template is None else template.format(**fields)
    return MockError(entry.error, message, close=close, linger=linger)


def modelled(error: str) -> MockError:
    """A modelled error with its default message (forced by a header or injected as a fault)."""
    return MockError(error, default_message(error))


def _member(pointer: str, names: Mapping[str, str]) -> str:
    """AWS names a member by its dotted path, list items as ``<n>.member`` counted from 1."""
    words = contract().wire.validation
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    if not tokens:
        return ""
    parts = [names.get(tokens[0], tokens[0])]
    for token in tokens[1:]:
        parts.append(words.list_member.format(index=int(token) + 1) if token.isdigit() else token)
    return ".".join(parts)


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _detail(finding: Finding, names: Mapping[str, str]) -> str:
    words = contract().wire.validation
    bound = finding.limit
    if finding.keyword == "enum":
        bound = words.enum_separator.join(str(v) for v in finding.limit)
    constraint = words.constraints[finding.keyword].format(limit=bound)
    member = _member(finding.pointer, names)
    if finding.keyword == "required":
        return words.detail_null.format(member=member, constraint=constraint)
    if finding.value == REDACTED:
        # @sensitive members are named but never echoed.
        return words.detail_sensitive.format(member=member, constraint=constraint)
    return words.detail.format(value=_shown(finding.value), member=member, constraint=constraint)


def rejection(findings: Iterable[Finding], *, names: Mapping[str, str] | None = None) -> MockError | None:
    """The answer to a request whose findings include failures, or None when it keeps every constraint.

    Findings point at request members (``/maxResults``); ``names`` renames wire names to model names.
    A member of the wrong JSON type does not deserialise (SerializationException); anything else is a
    ValidationException listing every broken constraint, as AWS lists them.
    """
    names = names or {}
    failed = [f for f in findings if f.outcome is Outcome.FAIL]
    if not failed:
        return None
    for finding in failed:
        if finding.keyword == "type":
            return answer("wrongType", expected=finding.limit, member=_member(finding.pointer, names))
    words = contract().wire.validation
    details = words.separator.join(_detail(f, names) for f in failed)
    summary = words.one if len(failed) == 1 else words.many
    entry = _situation("invalidInput")
    return MockError(entry.error, summary.format(count=len(failed), details=details))


def json_object(body: bytes) -> dict[str, Any]:
    """A request body as the JSON object it must be (an empty body is an empty object)."""
    try:
        document = json.loads(body.decode("utf-8")) if body.strip() else {}
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise answer("malformedBody", problem=str(exc) or type(exc).__name__) from None
    if not isinstance(document, dict):
        raise answer("malformedBody", problem=f"the body is a JSON {type(document).__name__}")
    return document
