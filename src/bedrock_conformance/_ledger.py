"""What a run created on its target, until it is deleted again.

Every profile a run creates is written here as soon as an answer names it, and struck off once a Delete of it is
answered 2xx or 404 (it is gone either way). A Create whose answer never came (a timeout, an interrupt while it was
in flight) may still have made its profile: its name stays pending, and cleaning up looks for it by that name among
the APPLICATION profiles ListInferenceProfiles shows. The exercises delete what they made in ``finally`` blocks;
whatever is still here when the session closes (a run interrupted or stopped between the two) is deleted then.
Nothing here knows how a target is opened: it sends through the transport it is given.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from ._http import Exchange, Request, Transport, encode_label
from ._json import loads
from ._schemas import contract


class Ledger:
    """The ARNs a run created and has not yet seen deleted, in the order they were made."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport
        self._arns: list[str] = []
        # Names of the Creates sent and not answered yet.
        self._pending: set[str] = set()
        # Names of the Creates answered in a way that leaves open whether they made a profile.
        self._uncertain: set[str] = set()
        self._lock = threading.Lock()

    @property
    def pending(self) -> set[str]:
        with self._lock:
            return set(self._pending)

    def creating(self, name: str) -> None:
        """A Create of a profile named ``name`` is about to be sent."""
        with self._lock:
            self._pending.add(name)

    def answered(self, name: str, exchange: Exchange, arn: str | None) -> None:
        """That Create was answered. It stays pending (to be found by name when cleaning up) while the answer leaves
        open that it made a profile: none, a server fault, a success that named no ARN, or any answer to a retry (an
        earlier attempt may have made it, and the retry then met a name conflict). A success that named its ARN is
        entered as created."""
        if arn is not None:
            self.created(arn)
        response = exchange.response
        refused = response is not None and 400 <= response.status < 500 and exchange.attempts <= 1
        with self._lock:
            if (arn is not None or refused) and name not in self._uncertain:
                self._pending.discard(name)
            else:  # once in doubt, in doubt until swept: a later Create of the same name refused proves nothing
                self._uncertain.add(name)

    def sweep(self) -> None:
        """Find the profiles of the Creates never answered, by name, among the APPLICATION profiles listed."""
        names = self.pending
        if not names:
            return
        name_member, arn_member = contract().role("name"), contract().role("arn")
        found, _, complete = list_applications(self._transport, self._transport.send)
        for summary in found:
            arn = summary.get(arn_member)
            if isinstance(arn, str) and summary.get(name_member) in names:
                self.created(arn)
        if not complete:
            return  # left pending: the session's close tries again
        with self._lock:
            self._pending -= names
            self._uncertain -= names

    @property
    def arns(self) -> list[str]:
        with self._lock:
            return list(self._arns)

    def created(self, arn: str) -> None:
        with self._lock:
            if arn not in self._arns:
                self._arns.append(arn)

    def delete_request(self, arn: str, headers: dict[str, str] | None = None) -> Request:
        """DeleteInferenceProfile of ``arn`` (not sent): the label encoded as botocore does."""
        deleter = contract().delete_operation
        return self._transport.request(deleter.method, deleter.path_for(encode_label(arn)), headers=headers)

    def settle(self, arn: str, exchange: Exchange) -> None:
        """Strike ``arn`` off once a Delete of it was answered 2xx or 404: either way it no longer exists."""
        response = exchange.response
        if response is None:
            return
        gone = contract().errors[str(contract().behaviour["unknownIdentifier"].expect_error)].status
        if 200 <= response.status < 300 or response.status == gone:
            with self._lock:
                if arn in self._arns:
                    self._arns.remove(arn)

    def clean(self) -> list[str]:
        """Delete whatever is still here, newest first, without the run's request budget; what is left undeleted."""
        options = self._transport.options
        budget, options.budget = options.budget, None
        try:
            with contextlib.suppress(Exception):  # best effort at close, like the deletes below
                self.sweep()
            for arn in reversed(self.arns):
                try:
                    self.settle(arn, self._transport.send(self.delete_request(arn)))
                except Exception:  # best effort at close: what is left is returned, never raised
                    continue
        finally:
            options.budget = budget
        return self.arns


def list_applications(
    transport: Transport, send: Callable[[Request], Exchange | None]
) -> tuple[list[dict[str, Any]], Exchange | None, bool]:
    """The APPLICATION profiles ListInferenceProfiles shows, page after page at the largest page size: the summaries,
    the last exchange (None once ``send`` sends nothing, as a replay that holds no such page), and whether a page
    without a nextToken was reached. An answer that is no 2xx JSON object ends the listing there."""
    the_contract = contract()
    lister, creates = the_contract.list_operation, the_contract.create_operation.creates
    assert creates is not None
    size = lister.roles["pageSize"]
    query = {lister.roles["filter"]: creates.type, size: str(lister.members[size].limit("maximum"))}
    found: list[dict[str, Any]] = []
    last: Exchange | None = None
    token: str | None = None
    for _ in range(int(the_contract.behaviour["listEnds"].value)):
        asked = {**query, **({the_contract.token_member: token} if token else {})}
        exchange = send(transport.request(lister.method, lister.path, query=asked))
        if exchange is None:
            return found, None, False
        last = exchange
        page = _page(exchange)
        if page is None:
            return found, last, False
        found += [p for p in page.get(the_contract.list_member) or [] if isinstance(p, dict)]
        token = page.get(the_contract.token_member)
        if not isinstance(token, str) or not token:
            return found, last, True
    return found, last, False


def _page(exchange: Exchange) -> dict[str, Any] | None:
    """A 2xx answer's JSON object, or None."""
    if exchange.response is None or not 200 <= exchange.response.status < 300:
        return None
    try:
        page = loads(exchange.response.body)
    except ValueError:
        return None
    return page if isinstance(page, dict) else None
