"""A pytest-xdist worker's share of a run: which part of the requests it sends.

Below the targets and the engine, which split the request budget and the generated cases by it; the workers'
pooling of results (``parallel/``) sits above them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Share:
    """Worker ``index`` of ``count``: which part of the run it sends."""

    index: int
    count: int

    def part(self, values: Sequence[T]) -> list[T]:
        """Every count-th value, from this worker's index: the explicit cases are dealt out, not drawn."""
        return list(values[self.index :: self.count])

    def quota(self, total: int, handicap: int = 0) -> int:
        """This worker's number of the ``total`` generated cases; the quotas add up to ``total``.

        The worker dealt the first whole exercise draws ``handicap`` cases of its own on top, so it takes fewer of
        these: enough fewer that every worker draws about as many in all.
        """
        if self.count == 1:
            return total
        light = max(0, min(total, round((total - handicap * (self.count - 1)) / self.count)))
        if self.deals(0):
            return light
        rest, others = total - light, self.count - 1
        return rest // others + (1 if self.index < rest % others else 0)

    def salt(self, salt: str) -> str:
        """The draw salt for this worker's cases: the same seed and -n send the same requests."""
        return f"{salt}#{self.index + 1}/{self.count}"

    def deals(self, unit: int) -> bool:
        """Whether whole exercise ``unit`` (0, 1, ...) falls to this worker: from the last worker down, since
        worker 0 also checks the List pages."""
        return (self.count - 1 - unit) % self.count == self.index
