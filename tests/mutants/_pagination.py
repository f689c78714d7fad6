"""Broken and conformant pagers: ListInferenceProfiles paged by the proxy itself, over the mock's whole listing.

A ``Pager`` answers every List whose query keeps the page (anything else, and any token it did not hand out, goes
to the mock, which refuses it) by slicing the mock's listing of the asked type, with opaque tokens it keeps
server-side: a token encoding the mock does not use. Each mutant changes one step of that paging.

The facts are restated here, never read from the code under test: a page is ``{"inferenceProfileSummaries": [...],
"nextToken": "..."}``; the query is ``type``, ``maxResults`` and ``nextToken``; without ``type`` only SYSTEM_DEFINED
profiles are listed; a token the request cannot continue gets HTTP 400 ValidationException.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Callable
from typing import Any, TypeVar

from ._family import INVALID, MAX_RESULTS_MAX, MAX_RESULTS_MIN, TOKEN_MAX, TOKEN_MIN, TYPES
from ._proxy import Call, Reply, Upstream
from ._rewrites import error_reply

ITEMS, TOKEN, SIZE, FILTER = "inferenceProfileSummaries", "nextToken", "maxResults", "type"
DEFAULT_TYPE = "SYSTEM_DEFINED"
INTERNAL = "InternalServerException"

DISJOINT = "ListInferenceProfiles:behaviour.pages.disjoint"
COMPLETE = "ListInferenceProfiles:behaviour.pages.complete"
HONOURED = "ListInferenceProfiles:behaviour.maxResults.honoured"
LAST_PAGE = "ListInferenceProfiles:behaviour.lastPage.noNextToken"
FOREIGN = "ListInferenceProfiles:behaviour.nextToken.foreignRejected"
GARBAGE = "ListInferenceProfiles:behaviour.nextToken.garbageRejected"
FILTERS = "ListInferenceProfiles:behaviour.typeEquals.filters"
PAGINATION = (DISJOINT, COMPLETE, HONOURED, LAST_PAGE, FOREIGN, GARBAGE, FILTERS)
# The clauses that send a token the request cannot continue: a List that answers such tokens 200 breaks them.
TOKEN_REFUSING = frozenset({FOREIGN, GARBAGE})
M = TypeVar("M")


class Pager:
    """Pages List over the mock's listing of the asked type, with opaque tokens it keeps server-side."""

    _made = itertools.count()

    def __init__(self) -> None:
        # token -> (type, offset, how many pages came before, page size it was issued with)
        self.tokens: dict[str, tuple[str, int, int, int | None]] = {}
        self._salt = next(self._made)

    def __call__(self, call: Call, upstream: Upstream) -> Reply:
        if not call.is_list:
            return upstream(call)
        query = call.query
        kind, token, size = query.get(FILTER, DEFAULT_TYPE), query.get(TOKEN), None
        if SIZE in query:
            size = int(query[SIZE]) if query[SIZE].isdigit() else -1
        if kind not in TYPES or (size is not None and not MAX_RESULTS_MIN <= size <= MAX_RESULTS_MAX):
            return upstream(call)
        if token is None:
            return self.page(call, upstream, kind, size, 0, 0)
        if token not in self.tokens:
            return self.unknown(call, upstream, token)
        issued_for, offset, before, issued_size = self.tokens[token]
        if issued_for != kind:
            return self.foreign(call, upstream, kind, size)
        return self.page(call, upstream, kind, issued_size if size is None else size, offset, before)

    # ---------------------------------------------------------------------------- what the mutants change
    def unknown(self, call: Call, upstream: Upstream, token: str) -> Reply:
        """A token this pager never handed out: the mock refuses it (400 ValidationException)."""
        return upstream(call)

    def foreign(self, call: Call, upstream: Upstream, kind: str, size: int | None) -> Reply:
        return error_reply(INVALID, f"The nextToken is not valid for type {kind}.")

    def listing(self, call: Call, upstream: Upstream, kind: str) -> tuple[Reply, list[Any]]:
        reply = upstream(call.with_query({FILTER: kind}))
        return reply, list(reply.json()[ITEMS]) if reply.status == 200 else []

    def take(self, size: int | None, before: int) -> int | None:
        """How many summaries a page holds."""
        return size

    def after(self, offset: int, held: int, before: int) -> int:
        """Where the next page starts."""
        return offset + held

    def more(self, start: int, total: int, held: int) -> bool:
        """Whether a page of ``held`` summaries, whose successor would start at ``start``, carries a token."""
        return start < total

    # ---------------------------------------------------------------------------- paging
    def page(self, call: Call, upstream: Upstream, kind: str, size: int | None, offset: int, before: int) -> Reply:
        reply, items = self.listing(call, upstream, kind)
        if reply.status != 200:
            return reply
        take = self.take(size, before)
        held = items[offset:] if take is None else items[offset : offset + take]
        body: dict[str, Any] = {ITEMS: held}
        start = self.after(offset, len(held), before)
        if self.more(start, len(items), len(held)):
            body[TOKEN] = self._issue(kind, start, before + 1, size)
        return reply.with_json(body)

    def _issue(self, kind: str, offset: int, before: int, size: int | None) -> str:
        token = hashlib.sha256(f"{self._salt}/{len(self.tokens)}/{kind}/{offset}".encode()).hexdigest()
        self.tokens[token] = (kind, offset, before, size)
        return token


class _Overlapping(Pager):
    """The page after the second starts one summary back: that summary is on two pages."""

    def after(self, offset: int, held: int, before: int) -> int:
        return offset + held - 1 if before == 1 and held else offset + held


class _Dropping(Pager):
    """The page after the second starts one summary further on: that summary is on no page."""

    def after(self, offset: int, held: int, before: int) -> int:
        return offset + held + 1 if before == 1 else offset + held


class _Oversized(Pager):
    """Every page holds one summary more than maxResults asked for."""

    def take(self, size: int | None, before: int) -> int | None:
        return None if size is None else size + 1


class _TokenOnLastPage(Pager):
    """The page that holds the last summaries still carries a nextToken, which gives an empty page without one."""

    def more(self, start: int, total: int, held: int) -> bool:
        return start < total or (start == total and held > 0)


class _ForeignRestarts(Pager):
    """A token issued for another type is ignored: the first page of the asked type, as if no token was sent."""

    def foreign(self, call: Call, upstream: Upstream, kind: str, size: int | None) -> Reply:
        return self.page(call, upstream, kind, size, 0, 0)


class _GarbageFaults(Pager):
    """A token that keeps the page (1..2048 characters, no whitespace) but was never handed out gets HTTP 500."""

    def unknown(self, call: Call, upstream: Upstream, token: str) -> Reply:
        if TOKEN_MIN <= len(token) <= TOKEN_MAX and re.fullmatch(r"\S*", token):
            return error_reply(INTERNAL, "An internal server error occurred.")
        return upstream(call)


class _IgnoresType(Pager):
    """type=APPLICATION lists every profile, system-defined ones too (its tokens still belong to its listing)."""

    def listing(self, call: Call, upstream: Upstream, kind: str) -> tuple[Reply, list[Any]]:
        reply, items = super().listing(call, upstream, kind)
        if kind != "APPLICATION" or reply.status != 200:
            return reply, items
        return reply, super().listing(call, upstream, DEFAULT_TYPE)[1] + items


class _EmptyPagesBetween(Pager):
    """Every other page is empty and carries a nextToken to where it stood: short pages followed by more."""

    def take(self, size: int | None, before: int) -> int | None:
        return 0 if before % 2 == 1 and size is not None else size


def pagination_mutants(mutant: Callable[..., M]) -> list[M]:
    """The pagination mutants, each built with the zoo's ``Mutant``: one broken pager per pagination clause."""
    spec: list[tuple[str, str, type[Pager]]] = [
        ("list-pages-overlap", DISJOINT, _Overlapping),
        ("list-pages-drop-a-summary", COMPLETE, _Dropping),
        ("list-pages-larger-than-max-results", HONOURED, _Oversized),
        ("list-token-on-the-last-page", LAST_PAGE, _TokenOnLastPage),
        ("list-foreign-token-restarts", FOREIGN, _ForeignRestarts),
        ("list-never-issued-token-500", GARBAGE, _GarbageFaults),
        ("list-ignores-type-application", FILTERS, _IgnoresType),
    ]
    return [mutant(name, breaks, pager, pager.__doc__ or "") for name, breaks, pager in spec]


def _continuations_throttled(call: Call, upstream: Upstream) -> Reply:
    """Every List that sends both maxResults and a nextToken gets HTTP 429 ThrottlingException, however often."""
    if call.is_list and SIZE in call.query and TOKEN in call.query:
        return error_reply("ThrottlingException", "Too many requests, please wait before trying again.")
    return upstream(call)


def pagination_undecidable(undecidable: Callable[..., M]) -> list[M]:
    """Servers whose answers never decide the token clauses, each built with the zoo's ``Undecidable``."""
    return [
        undecidable(
            "list-continuations-throttled",
            lambda: _continuations_throttled,
            _continuations_throttled.__doc__ or "",
            frozenset(TOKEN_REFUSING),
            "answers stayed HTTP 429 ThrottlingException after",
        )
    ]


def pagination_variants(variant: Callable[..., M]) -> list[M]:
    """Conformant pagers, each built with the zoo's ``Variant``: the suite must blame none of them."""
    return [
        variant("list-paged-with-opaque-tokens", Pager, Pager.__doc__ or "", PAGINATION),
        variant(
            "list-empty-pages-between",
            _EmptyPagesBetween,
            _EmptyPagesBetween.__doc__ or "",
            (DISJOINT, COMPLETE, HONOURED, LAST_PAGE),
        ),
    ]
