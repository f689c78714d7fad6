"""A seed draws the same values from every install: the one patch of Hypothesis internals still fits Hypothesis."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import hypothesis
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bedrock_conformance import _draw
from bedrock_conformance._draw import _no_source_constants, draw, draw_each

SRC = Path(__file__).resolve().parent.parent / "src" / "bedrock_conformance"
PROVIDERS = "hypothesis.internal.conjecture.providers"
PATCHED = "_maybe_draw_constant"
UPGRADE = (
    f"Hypothesis {hypothesis.__version__} no longer has {PROVIDERS}.HypothesisProvider.{PATCHED}, which "
    "bedrock_conformance._draw._no_source_constants switches off so that a --seed draws the same values from an "
    "editable install and from a wheel: find where this Hypothesis mixes source constants into its draws and patch that"
)


def _provider() -> Any:
    try:
        providers = importlib.import_module(PROVIDERS)
    except ImportError as exc:
        raise AssertionError(UPGRADE) from exc
    provider = getattr(providers, "HypothesisProvider", None)
    assert provider is not None, UPGRADE
    return provider


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count Hypothesis's calls to the method the patch replaces, still letting it do its work."""
    provider, calls = _provider(), []
    original = getattr(provider, PATCHED)

    def counting(self: Any, choice_type: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(choice_type)
        return original(self, choice_type, *args, **kwargs)

    monkeypatch.setattr(provider, PATCHED, counting)
    return calls


def test_hypothesis_still_has_the_method_that_mixes_in_source_constants() -> None:
    assert callable(getattr(_provider(), PATCHED, None)), UPGRADE


def test_hypothesis_asks_for_source_constants_while_it_generates_text(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _spy(monkeypatch)

    @settings(max_examples=20, database=None)
    @given(st.text())
    def generate(value: str) -> None:
        pass

    generate()
    assert "string" in calls, (
        f"Hypothesis {hypothesis.__version__} generated text without calling HypothesisProvider.{PATCHED}: "
        "it mixes source constants in elsewhere now, and bedrock_conformance._draw no longer switches them off"
    )


def test_a_draw_never_asks_for_source_constants_and_puts_the_method_back(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _spy(monkeypatch)
    spy = getattr(_provider(), PATCHED)
    values = draw(st.text(), 20, 1, "test_draw")
    assert len(values) == 20
    assert calls == [], f"a draw called HypothesisProvider.{PATCHED} {len(calls)} times: the patch took no effect"
    assert getattr(_provider(), PATCHED) is spy, "the patch was not undone after the draw"


def test_only_the_draw_module_touches_hypothesis_internals() -> None:
    touching = sorted(
        str(path.relative_to(SRC)) for path in SRC.rglob("*.py") if "hypothesis.internal" in path.read_text("utf-8")
    )
    assert touching == ["_draw.py"]


def test_under_a_hypothesis_without_the_providers_module_the_switch_does_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    provider = _provider()
    original = getattr(provider, PATCHED)
    monkeypatch.setitem(sys.modules, PROVIDERS, None)  # the import now fails as on another Hypothesis layout
    with _no_source_constants():
        assert getattr(provider, PATCHED) is original, "patched a method it could not import"
    assert getattr(provider, PATCHED) is original


def test_under_a_hypothesis_without_the_method_the_switch_adds_none(monkeypatch: pytest.MonkeyPatch) -> None:
    provider = _provider()
    monkeypatch.delattr(provider, PATCHED)
    with _no_source_constants():
        assert not hasattr(provider, PATCHED), "installed a method this Hypothesis does not have"
    assert not hasattr(provider, PATCHED), "left a method behind that this Hypothesis does not have"


# ---------------------------------------------------------------------------------------------- draws kept per process
def test_a_second_draw_of_the_same_strategy_replays_copies_and_asks_hypothesis_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    strategy = st.fixed_dictionaries({"n": st.integers(0, 10**6), "tags": st.lists(st.text(max_size=3), max_size=3)})
    first = draw(strategy, 8, 4242, "kept")
    first[0]["n"] = -1
    first[1]["tags"].append("changed")

    def no_hypothesis(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a replayed draw ran Hypothesis")

    monkeypatch.setattr(_draw, "given", no_hypothesis)
    again = draw(strategy, 8, 4242, "kept")
    # What the first caller changed in its copies is not in the second caller's.
    assert len(again) == 8 and again[0]["n"] >= 0 and "changed" not in again[1]["tags"]
    assert again[2:] == first[2:]
    again[0]["n"] = -2
    assert draw(strategy, 8, 4242, "kept")[0]["n"] >= 0


def test_another_strategy_object_count_seed_or_salt_is_drawn_anew() -> None:
    def ints() -> st.SearchStrategy[int]:
        # A filter makes a new object each call: two equal definitions are still two strategies.
        return st.integers(0, 10**9).filter(lambda n: n % 2 == 0)

    one = ints()
    base = draw(one, 6, 7, "anew")
    assert draw(one, 6, 7, "anew") == base
    assert draw(one, 6, 8, "anew") != base
    assert draw(one, 6, 7, "other") != base
    # The same definition built again draws the same values for the same seed: the values do not depend on the cache.
    assert draw(ints(), 6, 7, "anew") == base


def test_a_replayed_draw_stops_at_the_first_exception_of_each_and_raises_it() -> None:
    strategy = st.integers(0, 10**6).filter(lambda n: n >= 0)
    draw(strategy, 5, 99, "raises")
    seen: list[int] = []

    def each(value: int) -> None:
        seen.append(value)
        if len(seen) == 2:
            raise ValueError("stop here")

    with pytest.raises(ValueError, match=r"^stop here$"):
        draw_each(strategy, 5, 99, "raises", each)
    assert seen == draw(strategy, 5, 99, "raises")[:2]
