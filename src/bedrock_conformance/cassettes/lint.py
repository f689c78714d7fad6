"""Linting cassettes: every file parses, no secret remains, and every recorded answer keeps its clauses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .._http import SECRET_HEADERS, Exchange, Request
from .._model import Operation
from .._schemas import contract
from .._validator import Outcome
from ..checks import check_answer, check_sibling_answer
from .format import CassetteError, cassette_files, read_cassette

# Values that look like credentials anywhere in a cassette: access keys, SigV4 signatures, session tokens.
SECRET_PATTERNS = {
    "an AWS access key id": re.compile(r"\b(AKIA|ASIA)[A-Z0-9]{16}\b"),
    "a SigV4 signature": re.compile(r"Signature=[0-9a-f]{64}"),
    "a SigV4 credential scope": re.compile(r"Credential=[A-Z0-9]{16,}/"),
    "a session token": re.compile(r"\bFwoGZXIvYXdz[A-Za-z0-9/+=]{20,}|IQoJb3JpZ2lu[A-Za-z0-9/+=]{20,}"),
}


def recorded_operation(request: Request) -> Operation | None:
    """The operation of the contract a recorded request was sent to, by its method and path (a ``{label}`` segment
    of the operation's path matches any one segment); None for a request to no operation of the contract."""
    segments = (urlsplit(request.url).path.rstrip("/") or "/").split("/")
    for operation in contract().operations.values():
        template = operation.path.split("/")
        same = operation.method == request.method and len(template) == len(segments)
        if same and all(t.startswith("{") or t == s for t, s in zip(template, segments, strict=True)):
            return operation
    return None


def check_recorded(exchange: Exchange) -> list[Any]:
    """Clause checks of a recorded answer: every error; Get bodies and List pages by the response clauses; the
    answers of the other operations (CreateInferenceProfile, ListTagsForResource) by their own response clauses.
    Delete, TagResource and UntagResource answer no members: only their errors are judged."""
    assert exchange.response is not None
    if exchange.response.status >= 400:
        return check_answer(exchange)
    operation = recorded_operation(exchange.request)
    the_contract = contract()
    if operation is None or exchange.response.status >= 300:
        return []
    if operation.name in (the_contract.page_operation.name, the_contract.list_operation.name):
        return check_answer(exchange, listing=operation.name == the_contract.list_operation.name)
    if operation.output is not None and operation.output.members:
        return check_sibling_answer(exchange, operation.name)
    return []


@dataclass
class Problem:
    where: str
    message: str


def lint(directory: Path) -> tuple[list[Problem], int]:
    """Every file parses, no secret remains, and every recorded answer keeps its clauses."""
    problems: list[Problem] = []
    checked = 0
    for path in cassette_files(directory, nested=True):
        try:
            interactions = read_cassette(path)
            text = path.read_text(encoding="utf-8")
        except CassetteError as exc:
            problems.append(Problem(str(path), str(exc).split(": ", 1)[-1]))
            continue
        for what, pattern in SECRET_PATTERNS.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(Problem(f"{path}:{line}", f"contains {what}"))
        for interaction in interactions:
            for name in interaction.exchange.request.headers:
                if name.lower() in SECRET_HEADERS:
                    problems.append(Problem(interaction.where, f"request header {name} was not scrubbed"))
            for result in check_recorded(interaction.exchange):
                checked += 1
                if result.outcome is Outcome.FAIL:
                    problems.append(Problem(interaction.where, f"{result.clause}: {result.message}"))
    return problems, checked
