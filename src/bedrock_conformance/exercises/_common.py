"""What every suite's exercises share: they send once, and under pytest-xdist each worker draws its part."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from .._draw import draw_each
from .._engine import Session
from .._unknown import count as unknown_count


def drawn(session: Session, strategy: st.SearchStrategy[Any], salt: str, each: Callable[[Any], None]) -> None:
    """The run's generated cases for one purpose, each handed to ``each`` as it is drawn; under pytest-xdist, this
    worker's own part of them."""
    count, run_seed, share = session.config.examples, session.config.seed, session.share
    if share is None:
        draw_each(strategy, count, run_seed, salt, each)
        return
    # The worker dealt the behaviour suite draws its unknown identifiers too: half against each of the two draws
    # (invalid and valid) that every request clause with a pattern makes.
    quota = share.quota(count, handicap=unknown_total(session) // 2)
    draw_each(strategy, quota, run_seed, share.salt(salt), each)


def exercise(run: Callable[..., None]) -> Callable[..., None]:
    """An exercise sends once: under pytest-xdist every worker sent its share before the first verdict."""

    @functools.wraps(run)
    def once(session: Session, *args: Any) -> None:
        if session.sending:
            run(session, *args)

    return once


def unknown_total(session: Session) -> int:
    """How many unknown identifiers the behaviour suite draws for the run."""
    return unknown_count(session.config.examples)
