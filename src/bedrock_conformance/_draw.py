"""Hypothesis draws that mean the same values for the same seed everywhere: ``draw`` and ``draw_each``.

A run's ``--seed`` must mean the same requests on every machine and from every install, since cassettes regenerate
byte-identical and a failure's reproduce line names its seed. Hypothesis defeats that in one way: while it generates
text, it sometimes mixes in string constants it collected from the source of whatever modules are loaded
(``HypothesisProvider._maybe_draw_constant``), so an editable install, a wheel, or one more imported package would
draw different values for one seed. ``_no_source_constants`` switches that off for the length of a draw.

This is the only module in the library that touches ``hypothesis.internal``; ``tests/test_draw.py`` fails loudly
when a Hypothesis upgrade moves what it patches.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Callable, Iterator
from typing import Any

from hypothesis import given, seed, settings
from hypothesis import strategies as st

from ._profiles import SUITES


def draw(strategy: st.SearchStrategy[Any], count: int, run_seed: int, salt: str) -> list[Any]:
    """``count`` values from ``strategy``, the same ones for the same seed (no shrinking, no database)."""
    drawn: list[Any] = []
    draw_each(strategy, count, run_seed, salt, drawn.append)
    return drawn


def draw_each(
    strategy: st.SearchStrategy[Any], count: int, run_seed: int, salt: str, each: Callable[[Any], None]
) -> None:
    """Call ``each`` on the values ``draw`` returns, in its order, as each is drawn: a long run sends its first
    generated case at once instead of after the last is drawn. What ``each`` does never changes what is drawn.

    An exception from ``each`` stops the calls and is raised once the draw is over: Hypothesis never sees it, so
    it neither replays that value nor reports it as a falsifying example.
    """
    if count <= 0:
        return
    raised: list[BaseException] = []

    @seed(run_seed * 1_000_003 + zlib.crc32(salt.encode()))
    @settings(SUITES, max_examples=count)
    @given(strategy)
    def collect(value: Any) -> None:
        if raised:
            return
        try:
            each(value)
        except Exception as exc:
            raised.append(exc)

    with _no_source_constants():
        collect()
    if raised:
        raise raised[0]


@contextlib.contextmanager
def _no_source_constants() -> Iterator[None]:
    """For the duration, Hypothesis draws no constants from loaded source modules (see the module docstring)."""
    try:
        from hypothesis.internal.conjecture.providers import HypothesisProvider
    except ImportError:  # another hypothesis layout: nothing to switch off
        yield
        return
    original = getattr(HypothesisProvider, "_maybe_draw_constant", None)
    if original is None:
        yield
        return
    HypothesisProvider._maybe_draw_constant = lambda self, *args, **kwargs: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        HypothesisProvider._maybe_draw_constant = original  # type: ignore[method-assign]
