"""Hypothesis draws that mean the same values for the same seed everywhere: ``draw`` and ``draw_each``.

A run's ``--seed`` must mean the same requests on every machine and from every install, since cassettes regenerate
byte-identical and a failure's reproduce line names its seed. Hypothesis defeats that in one way: while it generates
text, it sometimes mixes in string constants it collected from the source of whatever modules are loaded
(``HypothesisProvider._maybe_draw_constant``), so an editable install, a wheel, or one more imported package would
draw different values for one seed. ``_no_source_constants`` switches that off for the length of a draw.

This is the only module in the library that touches ``hypothesis.internal``; ``tests/test_draw.py`` fails loudly
when a Hypothesis upgrade moves what it patches.

A process that runs the suites more than once (a long pytest session with the plugin, the project's own tests) draws
each (strategy, count, seed, salt) once and hands out copies of those values afterwards: the same strategy object and
seed draw the same values, and the strategies of ``_strategies`` and ``_unknown`` are built once per process from the
shipped contract, so only a strategy built anew (a new object) is drawn anew.
"""

from __future__ import annotations

import contextlib
import copy
import threading
import zlib
from collections.abc import Callable, Iterator
from typing import Any

from hypothesis import given, seed, settings
from hypothesis import strategies as st

from ._profiles import SUITES

# Values drawn in this process, oldest first: (strategy, count, seed, salt) -> the values, as drawn. Named ``_CACHE``
# like the validator's, so that the project's conftest empties it for mutmut with the package's other caches.
_CACHE: dict[tuple[Any, ...], tuple[Any, ...]] = {}
_CACHE_SIZE = 512
_CACHE_LOCK = threading.Lock()


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
    key = (strategy, count, run_seed, salt)
    with _CACHE_LOCK:
        known = _CACHE.get(key)
    if known is not None:
        for value in known:
            each(copy.deepcopy(value))
        return
    values: list[Any] = []
    raised: list[BaseException] = []

    @seed(run_seed * 1_000_003 + zlib.crc32(salt.encode()))
    @settings(SUITES, max_examples=count)
    @given(strategy)
    def collect(value: Any) -> None:
        values.append(copy.deepcopy(value))
        if raised:
            return
        try:
            each(value)
        except Exception as exc:
            raised.append(exc)

    with _no_source_constants():
        collect()
    with _CACHE_LOCK:
        while len(_CACHE) >= _CACHE_SIZE:
            del _CACHE[next(iter(_CACHE))]
        _CACHE[key] = tuple(values)
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
