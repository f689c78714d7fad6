"""The conformance engine: a session against a target that sends requests, checks every answer, and records results."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._http import Exchange, TargetError, encode_label
from ._schemas import contract
from ._validator import Outcome
from .cassettes import CHECK_HEADER, NOT_RECORDED, ReplayTransport, recording_refusal
from .checks import Result, behaviour_clause, check_answer
from .targets import FORCE_ERROR_HEADER, Target

if TYPE_CHECKING:
    from ._pool import Share

MAX_PAGES = 20


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


class Recorder:
    """Collects results and skip reasons from every check, from any thread."""

    def __init__(self) -> None:
        self.results: list[Result] = []
        self._by_clause: dict[str, list[Result]] = {}
        self.skips: dict[str, str] = {}
        self.exchanges = 0
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
        request = self.the_contract.documents["request.json"]["x-operation"]
        self.get_path = request["path"]
        self.success = int(request["successStatus"])
        ops = self.the_contract.documents["operations.json"]["$defs"]
        self.list_path = ops["ListInferenceProfiles"]["x-operation"]["path"]
        self.create = ops["CreateInferenceProfile"]["x-operation"]
        self.delete_op = ops["DeleteInferenceProfile"]["x-operation"]
        self._profiles: list[dict[str, Any]] | None = None
        self.list_exchanges: list[Exchange] = []
        # Under pytest-xdist: this worker's part of the run, and every worker's results, pooled before the first
        # verdict (see _pool.py).
        self.share = share
        self.evidence: Recorder | None = None
        transport = target.transport
        self.replay: ReplayTransport | None = transport if isinstance(transport, ReplayTransport) else None

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

    def send(self, exchange_request: Any, *, listing: bool = False, checked: bool = True) -> Exchange:
        try:
            exchange = self.target.transport.send(exchange_request)
        except Exception as exc:
            refusal = recording_refusal(exc, exchange_request)
            if refusal is None:
                raise
            raise refusal from None
        with self.recorder._lock:
            self.recorder.exchanges += 1
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
        return self.send(request)

    def force_error(self, identifier: str, error: str) -> Exchange:
        return self.get(identifier, headers={FORCE_ERROR_HEADER: error})

    def list_page(self, next_token: str | None = None) -> Exchange:
        query = {self.the_contract.token_member: next_token} if next_token else None
        request = self.target.transport.request("GET", self.list_path, query=query)
        return self.send(request, listing=True, checked=self.check_listing)

    # -------------------------------------------------------------------------------------------- discovery
    def profiles(self) -> list[dict[str, Any]]:
        """Every profile ListInferenceProfiles shows (all pages), plus --profile-id ones, fetched once."""
        if self._profiles is not None:
            return self._profiles
        member = self.the_contract.list_member
        found: list[dict[str, Any]] = []
        token: str | None = None
        for _ in range(MAX_PAGES):
            exchange = self.list_page(token)
            self.list_exchanges.append(exchange)
            if exchange.response is None and exchange.error == NOT_RECORDED:
                break
            if exchange.response is None:
                raise TargetError(f"cannot reach {self.target.name}: {exchange.error}")
            if exchange.response.status != self.success:
                break
            try:
                page = exchange.response.json()
            except ValueError:
                break
            items = page.get(member) if isinstance(page, dict) else None
            found += [i for i in items or [] if isinstance(i, dict)]
            token = page.get(self.the_contract.token_member) if isinstance(page, dict) else None
            if not token:
                break
        self._profiles = found
        return found

    def listed_ids(self) -> set[str]:
        members = (self.the_contract.role("id"), self.the_contract.role("arn"))
        return {str(p[m]) for p in self.profiles() for m in members if isinstance(p.get(m), str)}

    def close(self) -> None:
        self.target.close()
