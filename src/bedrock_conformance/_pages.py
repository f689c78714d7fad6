"""Pagination checks: plain functions from one paged ListInferenceProfiles listing (a ``Walk``) to results.

Beside ``checks`` (which was near its 500 lines), with the same contract: they know nothing of pytest, the CLI or
cassettes, and every result reports under one ``ListInferenceProfiles:behaviour.*`` clause.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._http import Exchange
from ._schemas import contract
from ._validator import Outcome, failing, loads, shape_validator
from .checks import Result, answer_type, behaviour_clause, denied, describe, server_fault, still_throttled


def pages_clause(key: str) -> str:
    """The id of a ListInferenceProfiles behaviour clause, by its key in behaviour.json's ``x-family``."""
    return behaviour_clause(f"{contract().list_operation.name}:{key}")


@dataclass
class Page:
    """One answered page of a listing: its summaries (the JSON objects among them) and its nextToken."""

    exchange: Exchange
    summaries: list[dict[str, Any]]
    token: str | None


@dataclass
class Walk:
    """One listing followed page by page: its filter value, the maxResults each page asked for (None: not sent)."""

    kind: str | None
    size: int | None
    pages: list[Page] = field(default_factory=list)
    # Whether a page without a nextToken ended it; otherwise ``problem`` says what stopped it.
    ended: bool = False
    problem: str | None = None

    @property
    def label(self) -> str:
        the_contract = contract()
        operation = the_contract.list_operation
        parts = [] if self.kind is None else [f"{operation.roles['filter']}={self.kind}"]
        parts += [] if self.size is None else [f"{operation.roles['pageSize']}={self.size}"]
        return f"ListInferenceProfiles {' '.join(parts) or 'without a filter'}"

    @property
    def summaries(self) -> list[dict[str, Any]]:
        return [s for page in self.pages for s in page.summaries]

    @property
    def tokens(self) -> set[str]:
        return {page.token for page in self.pages if page.token}


def arns(summaries: Iterable[Mapping[str, Any]]) -> list[str]:
    """The ARNs of the summaries, in order: only those that keep the response clauses name a profile (a summary
    without one, or with one that breaks them, is the response clauses' to blame)."""
    the_contract = contract()
    member = the_contract.role("arn")
    validator = shape_validator(the_contract.response.members[member])
    return [
        s[member] for s in summaries if isinstance(s.get(member), str) and not failing(validator.validate(s[member]))
    ]


def _short(value: str) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else f"{text[:60]}…{text[-12:]} ({len(value)} characters)"


def check_disjoint(walk: Walk) -> Result | None:
    """No profile appears on two pages of the listing; nothing to judge with fewer than two pages."""
    if len(walk.pages) < 2:
        return None
    clause = pages_clause("pagesDisjoint")
    first: dict[str, int] = {}
    for number, page in enumerate(walk.pages, 1):
        for arn in dict.fromkeys(arns(page.summaries)):
            if arn in first:
                message = f"{walk.label}: {_short(arn)} is on page {first[arn]} and again on page {number}"
                return Result(clause, Outcome.FAIL, message, page.exchange)
            first[arn] = number
    message = f"{walk.label}: {len(walk.pages)} pages, {len(first)} profiles, none on two pages"
    return Result(clause, Outcome.PASS, message, walk.pages[-1].exchange)


def check_honoured(walk: Walk) -> Result | None:
    """No page holds more summaries than the maxResults it asked for."""
    if walk.size is None or not walk.pages:
        return None
    clause = pages_clause("maxResultsHonoured")
    for number, page in enumerate(walk.pages, 1):
        if len(page.summaries) > walk.size:
            message = f"{walk.label}: page {number} holds {len(page.summaries)} summaries, more than {walk.size}"
            return Result(clause, Outcome.FAIL, message, page.exchange)
    message = f"{walk.label}: {len(walk.pages)} pages of at most {walk.size} summaries"
    return Result(clause, Outcome.PASS, message, walk.pages[-1].exchange)


def check_last_page(walk: Walk) -> Result | None:
    """The page that holds the listing's last results carries no nextToken: no token leads only to empty pages.

    Judged on a listing that ended; a short page followed by more is not judged (maxResults is only a maximum).
    """
    if not walk.ended or not walk.pages:
        return None
    clause = pages_clause("lastPageNoToken")
    last = max((n for n, page in enumerate(walk.pages) if page.summaries), default=0)
    if last == len(walk.pages) - 1:
        message = f"{walk.label}: page {last + 1}, which holds its last results, carries no nextToken"
        return Result(clause, Outcome.PASS, message, walk.pages[last].exchange)
    empty = len(walk.pages) - 1 - last
    held = "holds the listing's last results" if walk.pages[last].summaries else "lists nothing"
    message = (
        f"{walk.label}: page {last + 1} {held} but carries a nextToken, and the {empty} page"
        f"{'s' if empty != 1 else ''} it led to listed nothing"
    )
    return Result(clause, Outcome.FAIL, message, walk.pages[last].exchange)


def check_complete(walk: Walk, unpaged: list[str], again: list[str] | None = None) -> Result | None:
    """The pages together hold the ARNs of the listing asked without maxResults (``unpaged``).

    When they differ, ``again`` is that listing asked once more: if it changed too, the check decides nothing.
    """
    if not walk.ended or not walk.pages:
        return None
    clause = pages_clause("pagesComplete")
    paged, reference = set(arns(walk.summaries)), set(unpaged)
    exchange = walk.pages[-1].exchange
    if paged == reference:
        message = f"{walk.label}: {len(walk.pages)} pages hold the {len(reference)} profiles listed without it"
        return Result(clause, Outcome.PASS, message, exchange)
    if again is None or set(again) != reference:
        return Result(clause, Outcome.SKIP, "the listing without maxResults changed while it was paged", exchange)
    parts = []
    missing, extra = sorted(reference - paged), sorted(paged - reference)
    if missing:
        parts.append(
            f"on no page: {len(missing)} of the profiles listed without maxResults (first {_short(missing[0])})"
        )
    if extra:
        parts.append(
            f"not listed without maxResults: {len(extra)} of the profiles on its pages (first {_short(extra[0])})"
        )
    return Result(clause, Outcome.FAIL, f"{walk.label}: " + "; ".join(parts), exchange)


def check_filter(walk: Walk) -> Result | None:
    """With a type filter, every summary on every page has that type (a type outside the enum is not judged)."""
    if walk.kind is None or not walk.pages:
        return None
    the_contract = contract()
    operation = the_contract.list_operation
    kinds = set(operation.members[operation.roles["filter"]].enum)
    member = the_contract.role("type")
    clause = pages_clause("typeFilters")
    for number, page in enumerate(walk.pages, 1):
        for summary in page.summaries:
            kind = summary.get(member)
            if isinstance(kind, str) and kind in kinds and kind != walk.kind:
                arn = summary.get(the_contract.role("arn"))
                named = f" ({_short(arn)})" if isinstance(arn, str) else ""
                message = f"{walk.label}: page {number} lists a profile{named} of {member} {kind}"
                return Result(clause, Outcome.FAIL, message, page.exchange)
    count = len(walk.summaries)
    message = f"{walk.label}: {count} summar{'y' if count == 1 else 'ies'}, every one of {member} {walk.kind}"
    return Result(clause, Outcome.PASS, message, walk.pages[-1].exchange)


def _listed(exchange: Exchange) -> list[str] | None:
    """The ARNs a 200 List answer holds, or None when it is no List page."""
    assert exchange.response is not None
    try:
        page = loads(exchange.response.body)
    except ValueError:
        return None
    items = page.get(contract().list_member) if isinstance(page, dict) else None
    return arns(i for i in items if isinstance(i, dict)) if isinstance(items, list) else None


def expect_token_rejected(
    exchange: Exchange, key: str, token: str, how: str, first_page: list[str] | None = None
) -> Result | None:
    """A token the request cannot continue (``key``: foreignToken, garbageToken) gets the clause's error.

    A throttle that outlived the retries, or an access denial, decides nothing; a 5xx after the retries or any other
    answer fails. A 200 whose summaries are ``first_page`` is named for what it is: the listing started afresh.
    """
    response = exchange.response
    if response is None:
        return None
    rule = contract().behaviour[f"{contract().list_operation.name}:{key}"]
    expected = str(rule.expect_error)
    status = contract().errors[expected].status
    got = describe(exchange)
    what = f"{how} {_short(token)}"
    if response.status == status and answer_type(exchange) == expected:
        return Result(rule.clause, Outcome.PASS, f"{what} rejected: {got}", exchange)
    throttled = still_throttled(exchange, rule.clause)
    if throttled is not None:
        return throttled
    if denied(response.status):
        return Result(rule.clause, Outcome.SKIP, f"were {got}: access denied says nothing of the token", exchange)
    if server_fault(response.status):
        got += f" after {exchange.attempts} attempt{'s' if exchange.attempts != 1 else ''}"
    elif 200 <= response.status < 300:
        listed = _listed(exchange)
        if listed is not None and first_page is not None and listed == first_page:
            got += ", the first page again, as if no token had been sent"
        elif listed is not None:
            got += f" with {len(listed)} summar{'y' if len(listed) == 1 else 'ies'}"
    return Result(rule.clause, Outcome.FAIL, f"{what} was answered {got}, not HTTP {status} {expected}", exchange)
