"""The conformance engine: a session against a target that sends requests, checks every answer, and records results.

The engine knows targets only by what they are (``Target``) and what a recording offers (``Replay``): the modules
that open targets, record and replay cassettes, start the mock or run the SDKs build on it, never it on them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ._http import (
    CHECK_HEADER,
    FORCE_ERROR_HEADER,
    NOT_RECORDED,
    SERVER,
    Exchange,
    Request,
    TargetError,
    Transport,
    encode_label,
)
from ._ledger import Ledger
from ._schemas import contract
from ._validator import Outcome
from .checks import Result, behaviour_clause, check_answer, describe, identifies

if TYPE_CHECKING:
    from ._share import Share


class Recorded(Protocol):
    """One recorded exchange, and the clause it was sent for (if it says)."""

    exchange: Exchange

    @property
    def check(self) -> str | None: ...


class Replay(Protocol):
    """What a target that answers from a recording offers besides sending: the recording itself."""

    # The cassette being replayed, for error messages.
    group: str | None

    @property
    def interactions(self) -> Sequence[Recorded]: ...

    @property
    def meta(self) -> Mapping[str, Any]: ...

    def holds(self, request: Request) -> bool:
        """Whether some recorded interaction is this request (by method, path and query)."""
        ...

    def tagged(self, check: str) -> Sequence[Recorded]:
        """The recorded exchanges sent for ``check``."""
        ...


@dataclass
class Target:
    """An opened target: its transport, and what it allows."""

    name: str
    kind: str
    transport: Transport
    can_force_errors: bool = False
    writes: bool = False
    closers: list[Callable[[], None]] = field(default_factory=list)
    # A replay's recording, which answers in its transport's stead.
    replay: Replay | None = None

    def notice(self, headers: dict[str, str]) -> None:
        """Learn from an answer's headers: the reference mock, started by hand, is a URL target that forces errors."""
        if not self.can_force_errors and self.kind == "http":
            server = next((v for k, v in headers.items() if k.lower() == "server"), "")
            self.can_force_errors = server.split("/", 1)[0].strip() == SERVER

    def close(self) -> None:
        self.transport.close()
        for close in reversed(self.closers):
            close()


@dataclass
class RunConfig:
    """Everything a run was asked for (also what the report echoes)."""

    target: str = "mock"
    region: str = "us-east-1"
    seed: int = 0
    examples: int = 25
    strict: bool = False
    allow_writes: bool | None = None
    profile_ids: list[str] = field(default_factory=list)
    max_profiles: int = 25
    report_json: str | None = None
    report_md: str | None = None
    report_html: str | None = None
    baseline: str | None = None
    show_sensitive: bool = False
    timeout: float = 10.0
    insecure: bool = False
    budget: int | None = None
    rate: float | None = None
    max_attempts: int = 3
    aws_profile: str | None = None
    quiet: bool = False
    # A progress line on stderr (the CLI's, on a terminal).
    progress: bool = False
    seed_given: bool = False
    record: str | None = None
    record_mode: str = "all"
    scrub_account: bool = False
    mock_clock: str | None = None
    sdks: list[str] = field(default_factory=list)
    force_errors: bool = False


@dataclass
class Listing:
    """One ListInferenceProfiles listing (no filter, or one type), followed page by page."""

    # The filter's query parameter and value, or None for a listing without a filter.
    query: tuple[str, str] | None
    pages: int = 0
    # What stopped it short of its last page, if anything did.
    problem: str | None = None
    # Every summary its pages listed, in order (the pagination suite compares them with a paged listing).
    summaries: list[dict[str, Any]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return "without a filter" if self.query is None else "with {}={}".format(*self.query)


class Recorder:
    """Collects results and skip reasons from every check, from any thread."""

    def __init__(self) -> None:
        self.results: list[Result] = []
        self._by_clause: dict[str, list[Result]] = {}
        self.skips: dict[str, str] = {}
        self.exchanges = 0
        # Requests sent again (a 429, a 5xx or a reset a retry may cure), over all exchanges.
        self.retries = 0
        self.sdk_runs: list[Any] = []
        self._lock = threading.Lock()

    def add(self, results: Iterable[Result | None]) -> None:
        with self._lock:
            for result in results:
                if result is None:
                    continue
                exchange = result.exchange
                if exchange is not None and exchange.response is None and exchange.error == NOT_RECORDED:
                    request = exchange.request
                    self.skips.setdefault(result.clause, f"{NOT_RECORDED}: {request.method} {request.path}")
                    continue
                self.results.append(result)
                self._by_clause.setdefault(result.clause, []).append(result)

    def skip(self, clause: str, reason: str) -> None:
        with self._lock:
            self.skips.setdefault(clause, reason)

    def of(self, clause: str) -> list[Result]:
        with self._lock:
            return list(self._by_clause.get(clause, ()))

    def state(self) -> dict[str, Any]:
        """Every public field (results, skips, counters, ...), to hand to another process."""
        return {name: value for name, value in vars(self).items() if not name.startswith("_")}

    def merge(self, state: dict[str, Any]) -> None:
        """Fold another recorder's ``state()`` into this one: lists add up, dicts merge, counts sum."""
        for name, theirs in state.items():
            mine = getattr(self, name)
            if name == "results":
                self.add(theirs)  # through add(), which keeps the per-clause index
            elif isinstance(mine, list):
                mine.extend(theirs)
            elif isinstance(mine, dict):
                for key, value in theirs.items():
                    mine.setdefault(key, value)
            else:
                setattr(self, name, mine + theirs)


class Session:
    """A run against one target: typed helpers over raw requests, each answer checked and recorded."""

    def __init__(self, target: Target, config: RunConfig, recorder: Recorder | None = None, share: Share | None = None):
        self.target = target
        self.config = config
        self.recorder = recorder or Recorder()
        self.the_contract = contract()
        getter = self.the_contract.page_operation
        self.get_path = getter.path
        self.success = getter.success_status
        lister = self.the_contract.list_operation
        self.list_path = lister.path
        # The List filter's query parameter and its values; without one, AWS lists only one type.
        self.list_filter = lister.roles["filter"]
        self.list_kinds: list[str] = list(lister.members[self.list_filter].enum)
        self.listings: list[Listing] = []
        # How many pages one listing follows, from the clause that says so.
        self.max_pages = int(self.the_contract.clause(behaviour_clause("listEnds")).value)
        self.listed_by: dict[str, Exchange] = {}
        self._profiles: list[dict[str, Any]] | None = None
        # Under pytest-xdist: this worker's part of the run, and every worker's results, pooled before the first
        # verdict (see parallel/_pool.py).
        self.share = share
        self.evidence: Recorder | None = None
        self.replay = target.replay
        # What the run created and has not deleted yet: deleted at the latest when the session closes.
        self.ledger = Ledger(target.transport)

    # -------------------------------------------------------------------------------------------- sending
    @property
    def sending(self) -> bool:
        """Whether the suites' exercises still run: once every worker's results are pooled, all have been sent."""
        return self.evidence is None

    @property
    def check_listing(self) -> bool:
        """Under pytest-xdist one worker checks the List pages; the others list only to learn the profiles."""
        return self.share is None or self.share.index == 0

    @property
    def access_proven(self) -> bool:
        """Some Get of a profile succeeded, so the caller is not denied everything."""
        resolved = behaviour_clause("resolveById")
        return any(r.outcome is Outcome.PASS for r in self.recorder.of(resolved))

    def send(self, exchange_request: Request, *, listing: bool = False, checked: bool = True) -> Exchange:
        transport = self.target.transport
        try:
            exchange = transport.send(exchange_request)
        except Exception as exc:
            refusal = transport.refusal(exc, exchange_request) if transport.refusal is not None else None
            if refusal is None:
                raise
            raise refusal from None
        if exchange.response is not None:
            self.target.notice(exchange.response.headers)
        with self.recorder._lock:
            self.recorder.exchanges += 1
            self.recorder.retries += exchange.attempts - 1
        if checked:
            self.recorder.add(check_answer(exchange, listing=listing, strict=self.config.strict))
        return exchange

    def label_path(self, template: str, label: str, *, encoded: str | None = None) -> str:
        return template.replace(
            "{" + self.the_contract.path_label + "}", encoded if encoded is not None else encode_label(label)
        )

    def get(
        self,
        identifier: str,
        *,
        encoded: str | None = None,
        headers: dict[str, str] | None = None,
        check: str | None = None,
    ) -> Exchange:
        """GetInferenceProfile, with the label encoded as botocore does unless ``encoded`` is given.

        ``check`` names the clause the request serves; it travels as a header so that a recording can be re-judged.
        """
        path = self.label_path(self.get_path, identifier, encoded=encoded)
        all_headers = {**(headers or {}), **({CHECK_HEADER: check} if check else {})}
        request = self.target.transport.request("GET", path, headers=all_headers, label=identifier)
        exchange = self.send(request)
        self.recorder.add([identifies(exchange, identifier, self.success)])
        return exchange

    def force_error(self, identifier: str, error: str) -> Exchange:
        return self.get(identifier, headers={FORCE_ERROR_HEADER: error})

    def list_page(self, next_token: str | None = None, kind: str | None = None) -> Exchange:
        query = {self.the_contract.token_member: next_token} if next_token else {}
        if kind is not None:
            query[self.list_filter] = kind
        request = self.target.transport.request("GET", self.list_path, query=query or None)
        if self.replay is not None and not self.replay.holds(request):
            # A recording made before this listing was part of a run: what it lacks is skipped, not fatal.
            return Exchange(request, None, NOT_RECORDED, 0.0)
        return self.send(request, listing=True, checked=self.check_listing)

    # -------------------------------------------------------------------------------------------- discovery
    def profiles(self) -> list[dict[str, Any]]:
        """Every profile ListInferenceProfiles shows, without a filter and with each type (all pages), by ARN."""
        if self._profiles is not None:
            return self._profiles
        arn_member = self.the_contract.role("arn")
        found: dict[str, dict[str, Any]] = {}
        for kind in [None, *self.list_kinds]:
            listing = Listing(None if kind is None else (self.list_filter, kind))
            self.listings.append(listing)
            for summary, exchange in self._follow(listing):
                arn = summary.get(arn_member)
                key = arn if isinstance(arn, str) else repr(sorted(summary.items(), key=lambda kv: kv[0]))
                if key not in found:
                    found[key] = summary
                    self.listed_by[key] = exchange
        self._profiles = list(found.values())
        if self.check_listing:
            reason = "no List page carried a nextToken: nothing to follow"
            self.recorder.skip(behaviour_clause("listTokenAdvances"), reason)
        return self._profiles

    def _judge_listing(self, key: str, ok: bool, message: str, exchange: Exchange) -> None:
        if self.check_listing:  # under pytest-xdist, one worker judges the List pages
            outcome = Outcome.PASS if ok else Outcome.FAIL
            self.recorder.add([Result(behaviour_clause(key), outcome, message, exchange)])

    def _follow(self, listing: Listing) -> Iterable[tuple[dict[str, Any], Exchange]]:
        """The summaries of one listing, page after page, judging each page as a List page."""
        items_member, token_member = self.the_contract.list_member, self.the_contract.token_member
        token: str | None = None
        tokens: dict[str, int] = {}
        last: Exchange | None = None
        while listing.pages < self.max_pages:
            exchange = self.list_page(token, listing.query[1] if listing.query else None)
            last = exchange
            listing.pages += 1
            where = f"ListInferenceProfiles {listing.label}, page {listing.pages}"
            if exchange.response is None and exchange.error == NOT_RECORDED:
                listing.problem = f"{where}: {NOT_RECORDED}"
                return
            if exchange.response is None:
                raise TargetError(f"cannot reach {self.target.name}: {exchange.error}")
            if exchange.response.status != self.success:
                listing.problem = f"{where}: answered {describe(exchange)}"
                return
            try:
                page = exchange.response.json()
            except ValueError:
                page = None
            items = page.get(items_member) if isinstance(page, dict) else None
            token = page.get(token_member) if isinstance(page, dict) else None
            if not isinstance(items, list) or not (token is None or isinstance(token, str)):
                shape = f"no {items_member} array" if not isinstance(items, list) else f"a {token_member} of {token!r}"
                listing.problem = f"{where}: answered HTTP {exchange.response.status} with {shape}"
                self._judge_listing("listIsPage", False, listing.problem, exchange)
                return
            self._judge_listing("listIsPage", True, f"{where}: {len(items)} summaries", exchange)
            for item in items:
                if isinstance(item, dict):
                    listing.summaries.append(item)
                    yield item, exchange
            if not token:
                self._judge_listing("listEnds", True, f"{where} is the last", exchange)
                return
            if token in tokens:
                listing.problem = f"{where}: repeats the {token_member} of page {tokens[token]} ({token[:40]!r})"
                self._judge_listing("listTokenAdvances", False, listing.problem, exchange)
                return
            tokens[token] = listing.pages
            self._judge_listing("listTokenAdvances", True, f"{where}: a new {token_member}", exchange)
        cap = _pages(self.max_pages)
        listing.problem = f"ListInferenceProfiles {listing.label}: still a {token_member} after {cap}"
        assert last is not None  # at least one page was asked for
        self._judge_listing("listEnds", False, listing.problem, last)

    def discovery(self) -> str:
        """What List answered, for a skip reason: why no profile was found."""
        self.profiles()
        problems = [listing.problem for listing in self.listings if listing.problem]
        if problems:
            return "; ".join(problems)
        shown = ", ".join(f"{listing.label} ({_pages(listing.pages)})" for listing in self.listings)
        return f"ListInferenceProfiles listed no profiles: {shown}"

    def listed_ids(self) -> set[str]:
        members = (self.the_contract.role("id"), self.the_contract.role("arn"))
        return {str(p[m]) for p in self.profiles() for m in members if isinstance(p.get(m), str)}

    def close(self) -> None:
        try:
            self.ledger.clean()
        finally:
            self.target.close()


def _pages(count: int) -> str:
    return f"{count} page" + ("" if count == 1 else "s")
