"""What a run created on its target, until it is deleted again.

Every profile a run creates is written here as soon as an answer names it, and struck off once a Delete of it is
answered 2xx or 404 (it is gone either way). The exercises delete what they made in ``finally`` blocks; whatever is
still here when the session closes (a run interrupted or stopped between the two) is deleted then. Nothing here
knows how a target is opened: it sends through the transport it is given.
"""

from __future__ import annotations

import threading

from ._http import Exchange, Request, Transport, encode_label
from ._schemas import contract


class Ledger:
    """The ARNs a run created and has not yet seen deleted, in the order they were made."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport
        self._arns: list[str] = []
        self._lock = threading.Lock()

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
            for arn in reversed(self.arns):
                try:
                    self.settle(arn, self._transport.send(self.delete_request(arn)))
                except Exception:  # best effort at close: what is left is returned, never raised
                    continue
        finally:
            options.budget = budget
        return self.arns
