"""Broken and conformant ListInferenceProfiles servers: the reference mock behind a rewrite of List's query.

The page's facts are restated here, never read from the code under test: maxResults has minimum 1 and maximum 1000;
nextToken has length 1 to 2048 and pattern ``^\\S*$``; typeEquals (query ``type``) is SYSTEM_DEFINED or APPLICATION.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from ._proxy import Call, Handler, Reply, Upstream
from ._rewrites import error_reply, stateless

MAX_RESULTS_MIN, MAX_RESULTS_MAX = 1, 1000
TOKEN_MIN, TOKEN_MAX = 1, 2048
TYPES = ("SYSTEM_DEFINED", "APPLICATION")
INVALID = "ValidationException"
M = TypeVar("M")

MAX_RESULTS_MINIMUM = "ListInferenceProfiles:request.maxResults.minimum"
MAX_RESULTS_MAXIMUM = "ListInferenceProfiles:request.maxResults.maximum"
TOKEN_MIN_LENGTH = "ListInferenceProfiles:request.nextToken.minLength"
TOKEN_MAX_LENGTH = "ListInferenceProfiles:request.nextToken.maxLength"
TOKEN_PATTERN = "ListInferenceProfiles:request.nextToken.pattern"
TYPE_ENUM = "ListInferenceProfiles:request.typeEquals.enum"
# Every List request clause sends a value that breaks it, which must get 400 ValidationException.
LIST_REJECTING = frozenset({MAX_RESULTS_MINIMUM, MAX_RESULTS_MAXIMUM, TOKEN_MIN_LENGTH, TOKEN_MAX_LENGTH})
LIST_REJECTING |= {TOKEN_PATTERN, TYPE_ENUM}


def _integer(text: str) -> int | None:
    return int(text) if text.lstrip("-").isdigit() else None


def _list_query(change: Callable[[dict[str, str]], dict[str, str] | Reply]) -> Handler:
    """Rewrite a List's query before the mock sees it, or answer in the mock's stead."""

    def handle(call: Call, upstream: Upstream) -> Reply:
        if not call.is_list:
            return upstream(call)
        changed = change(call.query)
        return changed if isinstance(changed, Reply) else upstream(call.with_query(changed))

    return handle


def _clamps_max_results(query: dict[str, str]) -> dict[str, str]:
    """maxResults above the maximum is clamped to it, not refused: 1001 gets a page of 1000."""
    size = _integer(query.get("maxResults", ""))
    return {**query, "maxResults": str(MAX_RESULTS_MAX)} if size is not None and size > MAX_RESULTS_MAX else query


def _max_results_exclusive(query: dict[str, str]) -> dict[str, str] | Reply:
    """The maximum checked with '<' instead of '<=': maxResults 1000 gets 400."""
    size = _integer(query.get("maxResults", ""))
    if size is not None and size >= MAX_RESULTS_MAX:
        return error_reply(INVALID, f"Member must have value less than {MAX_RESULTS_MAX}")
    return query


def _zero_means_all(query: dict[str, str]) -> dict[str, str]:
    """maxResults 0 (below the minimum) is read as 'no limit', not refused."""
    size = _integer(query.get("maxResults", ""))
    return (
        {k: v for k, v in query.items() if k != "maxResults"} if size is not None and size < MAX_RESULTS_MIN else query
    )


def _dropping(name: str, broken: Callable[[str], bool]) -> Callable[[dict[str, str]], dict[str, str]]:
    def change(query: dict[str, str]) -> dict[str, str]:
        return {k: v for k, v in query.items() if not (k == name and broken(v))}

    return change


def _validates_list_itself(query: dict[str, str]) -> dict[str, str] | Reply:
    """A gateway that checks List's query by the page itself, in its own words, before the service sees it."""
    size = _integer(query.get("maxResults", "1"))
    token, kind = query.get("nextToken"), query.get("type")
    bad = (
        ("maxResults" in query and (size is None or not MAX_RESULTS_MIN <= size <= MAX_RESULTS_MAX))
        or (token is not None and not (TOKEN_MIN <= len(token) <= TOKEN_MAX and re.fullmatch(r"\S*", token)))
        or (kind is not None and kind not in TYPES)
    )
    return error_reply(INVALID, "1 validation error detected: the gateway refused the query") if bad else query


def list_mutants(mutant: Callable[..., M]) -> list[M]:
    """The List mutants, each built with the zoo's ``Mutant``: one broken server per List request clause."""
    spec: list[tuple[str, str, Callable[[dict[str, str]], dict[str, str] | Reply], str]] = [
        ("list-accepts-max-results-1001", MAX_RESULTS_MAXIMUM, _clamps_max_results, _clamps_max_results.__doc__ or ""),
        (
            "list-rejects-max-results-1000",
            MAX_RESULTS_MAXIMUM,
            _max_results_exclusive,
            _max_results_exclusive.__doc__ or "",
        ),
        ("list-accepts-max-results-0", MAX_RESULTS_MINIMUM, _zero_means_all, _zero_means_all.__doc__ or ""),
        (
            "list-ignores-empty-token",
            TOKEN_MIN_LENGTH,
            _dropping("nextToken", lambda v: len(v) < TOKEN_MIN),
            "an empty nextToken is read as no token (the first page), not refused",
        ),
        (
            "list-ignores-overlong-token",
            TOKEN_MAX_LENGTH,
            _dropping("nextToken", lambda v: len(v) > TOKEN_MAX),
            "a nextToken over 2048 characters silently restarts at the first page, not refused",
        ),
        (
            "list-ignores-token-with-whitespace",
            TOKEN_PATTERN,
            _dropping("nextToken", lambda v: re.search(r"\s", v) is not None),
            "a nextToken with whitespace silently restarts at the first page, not refused",
        ),
        (
            "list-ignores-unknown-type",
            TYPE_ENUM,
            _dropping("type", lambda v: v not in TYPES),
            "typeEquals outside its enum is ignored (the default filter), not refused",
        ),
    ]
    return [mutant(name, breaks, stateless(_list_query(change)), doc) for name, breaks, change, doc in spec]


VALIDATING_GATEWAY = stateless(_list_query(_validates_list_itself))
