"""Imports point one way, and the suites read as a table of contents built from public names only."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import bedrock_conformance.exercises as exercises

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
PACKAGE = "bedrock_conformance"
SUITES = sorted((ROOT / "suites").glob("*.py"))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(path: Path, name: str) -> set[str]:
    """Every module of the package that ``path`` imports anywhere in it (type-only and deferred imports too)."""
    modules = {_module_name(p) for p in (SRC / PACKAGE).rglob("*.py")}
    base = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                prefix = base[: len(base) - node.level + 1]
                target = ".".join(prefix + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # ``from . import _catalogue`` imports the submodule; ``from .x import name`` imports module x.
            candidates = [f"{target}.{a.name}" if f"{target}.{a.name}" in modules else target for a in node.names]
        elif isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        else:
            continue
        for candidate in candidates:
            while candidate and candidate not in modules:
                candidate = candidate.rpartition(".")[0]
            if candidate and candidate != name:
                found.add(candidate)
    return found


def _way_back(graph: dict[str, set[str]], start: str) -> list[str] | None:
    """A chain of imports from ``start`` back to itself, if there is one."""
    came_from: dict[str, str] = {}
    todo = sorted(graph[start])
    for first in todo:
        came_from.setdefault(first, start)
    while todo:
        node = todo.pop()
        if node == start:
            chain = [start]
            while chain[-1] != start or len(chain) == 1:
                chain.append(came_from[chain[-1]])
            return chain[::-1]
        for nxt in sorted(graph[node]):
            if nxt not in came_from:
                came_from[nxt] = node
                todo.append(nxt)
    return None


def test_no_module_of_the_library_imports_itself_back_through_others() -> None:
    graph = {_module_name(p): _imported(p, _module_name(p)) for p in (SRC / PACKAGE).rglob("*.py")}
    cycles = [" -> ".join(chain) for start in sorted(graph) if (chain := _way_back(graph, start)) is not None]
    assert cycles == [], "import cycles:\n" + "\n".join(cycles)


@pytest.mark.parametrize("suite", SUITES, ids=lambda p: p.name)
def test_a_suite_imports_only_public_names(suite: Path) -> None:
    for node in ast.walk(ast.parse(suite.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            dotted = [*(node.module or "").split("."), *(alias.name for alias in node.names)]
        elif isinstance(node, ast.Import):
            dotted = [part for alias in node.names for part in alias.name.split(".")]
        else:
            continue
        private = [part for part in dotted if part.startswith("_")]
        assert not private, f"{suite.name}:{node.lineno} imports private {private}"


@pytest.mark.parametrize("suite", [s for s in SUITES if s.name.startswith("test_")], ids=lambda p: p.name)
def test_every_test_and_fixture_of_a_suite_says_what_it_does(suite: Path) -> None:
    tree = ast.parse(suite.read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"{suite.name} has no module docstring"
    functions = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert functions
    for function in functions:
        assert ast.get_docstring(function), f"{suite.name}: {function.name} has no docstring"


@pytest.mark.parametrize("name", [n for n in exercises.__all__ if n.startswith("run_")])
def test_every_exercise_says_what_it_sends_and_which_clauses_it_feeds(name: str) -> None:
    doc = inspect.getdoc(getattr(exercises, name)) or ""
    assert "Sends" in doc and "Feeds" in doc, f"exercises.{name}: {doc!r}"


LINE_LIMIT = 500


def test_no_module_of_the_library_is_over_the_line_limit() -> None:
    modules = sorted((SRC / PACKAGE).rglob("*.py"))
    assert len(modules) > 40, "the walk found too few modules to mean anything"
    long = {_module_name(p): n for p in modules if (n := len(p.read_text(encoding="utf-8").splitlines())) > LINE_LIMIT}
    assert not long, f"modules over {LINE_LIMIT} lines (split them by job): {long}"
