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

from bedrock_conformance._draw import _no_source_constants, draw

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
