"""The pagination suite's exercises: ListInferenceProfiles pages a listing the way its model says.

Every listing is paged with the smallest maxResults the contract allows, once per typeEquals value, and compared
with the same listing asked without maxResults (the discovery listings every run makes). Tokens it cannot continue
(issued for another filter, or never issued) must be refused.
"""

from __future__ import annotations

from typing import Any

from .._draw import draw
from .._engine import Session
from .._http import CHECK_HEADER, Exchange
from .._pages import (
    Page,
    Walk,
    arns,
    check_complete,
    check_disjoint,
    check_filter,
    check_honoured,
    check_last_page,
    expect_token_rejected,
    pages_clause,
)
from .._schemas import contract
from .._strategies import from_shape
from .._validator import failing, loads, shape_validator
from ..checks import describe
from ._common import exercise

# behaviour.json x-family ListInferenceProfiles keys, in the order the suite reports them.
_KEYS = (
    "pagesDisjoint",
    "pagesComplete",
    "maxResultsHonoured",
    "lastPageNoToken",
    "foreignToken",
    "garbageToken",
    "typeFilters",
)


def pagination_clause_ids() -> list[str]:
    """ListInferenceProfiles's behaviour clauses, in the contract's order: one test each."""
    return [c.id for c in contract().clauses_of("behaviour", contract().list_operation.name)]


def _send(session: Session, query: dict[str, str], key: str) -> Exchange | None:
    """One List request with ``query``, tagged with the clause it serves; None when a replay holds no such request."""
    operation = contract().list_operation
    transport = session.target.transport
    headers = {CHECK_HEADER: pages_clause(key)}
    request = transport.request(operation.method, operation.path, query=query, headers=headers)
    if session.replay is not None and not session.replay.holds(request):
        return None
    return session.send(request, listing=True)


def _query(kind: str | None, size: int | None, token: str | None = None) -> dict[str, str]:
    operation = contract().list_operation
    query = {} if kind is None else {operation.roles["filter"]: kind}
    if size is not None:
        query[operation.roles["pageSize"]] = str(size)
    if token is not None:
        query[operation.roles["token"]] = token
    return query


def _walk(session: Session, kind: str | None, size: int | None, key: str) -> Walk:
    """Follow one listing from its first page to a page without a nextToken, or to what stops it."""
    the_contract = contract()
    items_member, token_member = the_contract.list_member, the_contract.token_member
    walk = Walk(kind, size)
    token: str | None = None
    while len(walk.pages) < session.max_pages:
        where = f"{walk.label}, page {len(walk.pages) + 1}"
        exchange = _send(session, _query(kind, size, token), key)
        if exchange is None:
            walk.problem = f"the cassettes hold no request for {where}"
            return walk
        if exchange.response is None or exchange.response.status != session.success:
            walk.problem = f"{where}: answered {describe(exchange)}"
            return walk
        try:
            page = loads(exchange.response.body)
        except ValueError:
            page = None
        items = page.get(items_member) if isinstance(page, dict) else None
        token = page.get(token_member) if isinstance(page, dict) else None
        if not isinstance(items, list) or not (token is None or isinstance(token, str)):
            walk.problem = f"{where}: no List page"
            return walk
        repeated = bool(token) and token in walk.tokens
        walk.pages.append(Page(exchange, [i for i in items if isinstance(i, dict)], token or None))
        if not token:
            walk.ended = True
            return walk
        if repeated:
            walk.problem = f"{where}: repeats an earlier page's {token_member}"
            return walk
    walk.problem = f"{walk.label}: still a {token_member} after {len(walk.pages)} pages"
    return walk


def _skip_undecided(session: Session, key: str, reasons: list[str]) -> None:
    clause = pages_clause(key)
    if not session.recorder.of(clause):
        session.recorder.skip(clause, "; ".join(reasons) or "no listing to judge")


def _judge_walks(session: Session, walks: list[Walk], unpaged: dict[str | None, Any]) -> None:
    """The clauses judged on the pages themselves: disjoint, complete, honoured, last page, filter."""
    record = session.recorder.add
    why: dict[str, list[str]] = {key: [] for key in _KEYS}
    for walk in walks:
        record([check_disjoint(walk), check_honoured(walk), check_last_page(walk), check_filter(walk)])
        if walk.problem:
            for key in _KEYS:
                why[key].append(walk.problem)
        elif len(walk.pages) < 2:
            why["pagesDisjoint"].append(f"{walk.label} fits on one page")
        reference = unpaged.get(walk.kind, f"no listing of {walk.kind} without maxResults to compare with")
        if isinstance(reference, str):
            why["pagesComplete"].append(reference)
        elif walk.ended:
            paged = set(arns(walk.summaries))
            again = None
            if paged != set(reference):
                again_walk = _walk(session, walk.kind, None, "pagesComplete")
                again = arns(again_walk.summaries) if again_walk.ended else []
            record([check_complete(walk, reference, again)])
    for key in ("pagesDisjoint", "pagesComplete", "maxResultsHonoured", "lastPageNoToken", "typeFilters"):
        _skip_undecided(session, key, why[key])


def _foreign_tokens(session: Session, walks: list[Walk], size: int) -> None:
    """Each filter's first nextToken, sent with the next other filter: it continues nothing that request asks."""
    filter_member = contract().list_operation.roles["filter"]
    by_kind = {walk.kind: walk for walk in walks}
    kinds = [walk.kind for walk in walks]
    sent = unrecorded = False
    for index, walk in enumerate(walks):
        token = walk.pages[0].token if walk.pages else None
        if token is None or len(kinds) < 2:
            continue
        other = kinds[(index + 1) % len(kinds)]
        exchange = _send(session, _query(other, size, token), "foreignToken")
        if exchange is None:
            unrecorded = True
            continue
        sent = True
        first = by_kind[other].pages[0].summaries if by_kind[other].pages else None
        how = f"a nextToken issued for {filter_member}={walk.kind}, sent with {filter_member}={other}:"
        session.recorder.add([expect_token_rejected(exchange, "foreignToken", token, how, arns(first or []))])
    if not sent:
        reason = f"no listing paged with maxResults={size} handed out a nextToken to send with another filter"
        if unrecorded:  # tokens were handed out: the recording lacks their requests
            reason = "the cassettes hold no request with a nextToken issued for another filter"
        session.recorder.skip(pages_clause("foreignToken"), reason)


def _garbage_tokens(session: Session, walks: list[Walk], size: int) -> None:
    """Tokens that keep every nextToken request clause but that no page handed out, drawn from the run's seed."""
    the_contract = contract()
    operation = the_contract.list_operation
    rule = the_contract.behaviour[f"{operation.name}:garbageToken"]
    shape = operation.members[operation.roles["token"]]
    issued = set().union(*(walk.tokens for walk in walks))
    validator = shape_validator(shape)
    drawn = draw(from_shape(shape), int(rule.value), session.config.seed, "pagination/garbage")
    tokens = [t for t in dict.fromkeys(drawn) if t not in issued and not failing(validator.validate(t))]
    kind = walks[0].kind if walks else None
    sent = False
    for token in tokens:
        exchange = _send(session, _query(kind, size, token), "garbageToken")
        if exchange is not None:
            sent = True
            first = walks[0].pages[0].summaries if walks and walks[0].pages else []
            result = expect_token_rejected(exchange, "garbageToken", token, "a nextToken never issued", arns(first))
            session.recorder.add([result])
    if not sent:
        reason = "the cassettes hold no request with these tokens" if tokens else "no drawn token kept the clauses"
        session.recorder.skip(rule.clause, reason)


@exercise
def run_pagination(session: Session) -> None:
    """ListInferenceProfiles pages each listing into disjoint pages that together hold it, and refuses foreign tokens.

    Sends: for each typeEquals value, the listing paged with the smallest maxResults the contract allows, followed
    to its end (and, only when its pages differ from the same listing without maxResults, that listing once more);
    then each listing's first nextToken with another typeEquals value, and tokens drawn from the run's seed that keep
    every nextToken request clause but were never handed out. It reads the listings without maxResults that
    discovery made.
    Feeds: ListInferenceProfiles:behaviour.pages.disjoint, .pages.complete, .maxResults.honoured,
    .lastPage.noNextToken, .nextToken.foreignRejected, .nextToken.garbageRejected and .typeEquals.filters; every
    answer also feeds the List page and error clauses. Against ``replay:``, it sends the same requests to the
    recording, and skips every clause, saying why, when the cassettes hold no paged listing.
    """
    operation = contract().list_operation
    size = int(operation.members[operation.roles["pageSize"]].limit("minimum"))
    if session.replay is not None and not session.replay.tagged(pages_clause("pagesDisjoint")):
        for key in _KEYS:
            session.recorder.skip(pages_clause(key), "the cassettes hold no paged ListInferenceProfiles listing")
        return
    session.profiles()
    unpaged: dict[str | None, Any] = {}
    for listing in session.listings:
        kind = listing.query[1] if listing.query else None
        unpaged[kind] = (
            f"{listing.label} did not end: {listing.problem}" if listing.problem else arns(listing.summaries)
        )
    walks = [_walk(session, kind, size, "pagesDisjoint") for kind in session.list_kinds]
    _judge_walks(session, walks, unpaged)
    _foreign_tokens(session, walks, size)
    _garbage_tokens(session, walks, size)
