"""Imports point one way: contract -> HTTP -> checks -> engine; cassettes, targets, the mock and the SDK runs sit
beside the engine and build on it, never it on them. Every import statement counts, wherever it is: at the top,
inside a function, or under ``if TYPE_CHECKING:``."""

from __future__ import annotations

import ast
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import bedrock_conformance
from bedrock_conformance._schemas import data_dir
from bedrock_conformance.cassettes import CassetteError
from bedrock_conformance.targets import TargetOptions, open_target

PACKAGE = Path(bedrock_conformance.__file__).parent
NAME = "bedrock_conformance"
# What sits beside the engine, or above it: the engine may import none of these.
BESIDE_THE_ENGINE = ("cassettes", "sdk", "mock", "targets")
# The HTTP layer: below the checks and the engine, and below everything beside the engine.
HTTP_LAYER = ("_json", "_exchange", "_deadline", "_http")
ABOVE_HTTP = ("checks", "_engine", "_suite", "_pool", "cassettes", "sdk", "mock", "targets", "report", "cli")


@dataclass(frozen=True)
class Import:
    module: str  # the absolute name of what is imported
    line: int
    top: bool  # a statement of the module's own body, not inside a function, class or ``if``


def _modules(name: str) -> list[tuple[str, Path]]:
    """The module ``name`` of the package, or every module of the subpackage ``name``, with their files."""
    single = PACKAGE / f"{name}.py"
    if single.exists():
        return [(f"{NAME}.{name}", single)]
    folder = PACKAGE / name
    assert folder.is_dir(), f"no module or package {name}"
    out = []
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        out.append((".".join((NAME, *parts[:-1])) if parts[-1] == "__init__" else ".".join((NAME, *parts)), path))
    return out


def _imports(module: str, path: Path) -> list[Import]:
    """Every import statement in the file, by the absolute name of each module it may bring in."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    top = {id(node) for node in tree.body}
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(alias.name, node.lineno, id(node) in top) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                origin = ".".join([*base, *([node.module] if node.module else [])])
            else:
                origin = node.module or ""
            # ``from . import x`` and ``from .m import x`` may each import a submodule ``x``.
            found.append(Import(origin, node.lineno, id(node) in top))
            found += [Import(f"{origin}.{alias.name}", node.lineno, id(node) in top) for alias in node.names]
    return found


def _is(name: str, module: str) -> bool:
    full = f"{NAME}.{module}"
    return name == full or name.startswith(full + ".")


def _offending(names: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(PACKAGE)}:{found.line} imports {found.module}"
        for name in names
        for module, path in _modules(name)
        for found in _imports(module, path)
        if any(_is(found.module, other) for other in forbidden)
    ]


def test_the_walk_sees_imports_inside_functions_and_under_type_checking(tmp_path: Path) -> None:
    source = tmp_path / "probe.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from .targets import Target\n"
        "def f():\n"
        "    from . import cassettes\n"
        "    import bedrock_conformance.mock\n",
        encoding="utf-8",
    )
    found = {(i.module, i.line, i.top) for i in _imports(f"{NAME}.probe", source)}
    assert (f"{NAME}.targets", 3, False) in found
    assert (f"{NAME}.cassettes", 5, False) in found
    assert (f"{NAME}.mock", 6, False) in found
    assert ("typing", 1, True) in found


def test_the_engine_imports_nothing_that_sits_beside_it() -> None:
    assert _offending(("_engine",), BESIDE_THE_ENGINE) == []


def test_the_http_layer_imports_nothing_above_it() -> None:
    assert _offending(HTTP_LAYER, ABOVE_HTTP) == []


def test_cassettes_import_no_targets_and_no_engine() -> None:
    assert _offending(("cassettes",), ("targets", "_engine", "_suite")) == []


def test_cassettes_and_the_http_layer_import_the_project_only_at_module_top() -> None:
    """No deferred import holds a cycle together: what these modules need of the project, they import at the top."""
    deferred = [
        f"{path.relative_to(PACKAGE)}:{found.line} imports {found.module} inside a function or block"
        for name in ("cassettes", *HTTP_LAYER)
        for module, path in _modules(name)
        for found in _imports(module, path)
        if (found.module == NAME or found.module.startswith(NAME + ".")) and not found.top
    ]
    assert deferred == []


def test_targets_import_the_mock_only_at_module_top() -> None:
    (module, path), *_ = _modules("targets")
    mock = [found for found in _imports(module, path) if _is(found.module, "mock")]
    assert mock, "the embedded mock is started by targets"
    assert all(found.top for found in mock)


def test_importing_the_engine_loads_nothing_beside_it() -> None:
    code = (
        f"import sys, bedrock_conformance._engine\nprint('\\n'.join(m for m in sys.modules if m.startswith('{NAME}.')))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert loaded, "the engine itself was loaded"
    assert [m for m in loaded if any(_is(m, other) for other in BESIDE_THE_ENGINE)] == []


# ------------------------------------------------------------------------------------------------ replay targets
@pytest.fixture
def listener() -> Iterator[tuple[str, int]]:
    """A loopback socket that accepts connections: what a blocked network cannot reach."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()


def _connects(address: tuple[str, int]) -> bool:
    try:
        socket.create_connection(address, timeout=5).close()
    except PermissionError:
        return False
    return True


def test_open_target_replays_the_shipped_mock_cassettes(listener: tuple[str, int]) -> None:
    target = open_target(TargetOptions(spec="replay:mock"))
    try:
        assert (target.kind, target.name) == ("replay", "replay of mock (mock)")
        assert target.replay is not None
        # The shipped mock cassettes were recorded with --seed 1 --examples 10 from a mock that forces errors.
        assert (target.replay.meta["seed"], target.replay.meta["examples"]) == (1, 10)
        assert (target.can_force_errors, target.writes) == (True, True)
        assert not _connects(listener), "a replay never reaches the network"
        # A complete recording holds every request a run makes: one it lacks means the run diverged.
        unknown = target.transport.request("GET", "/no-such-operation")
        assert not target.replay.holds(unknown)
        with pytest.raises(CassetteError, match="no recorded interaction for GET /no-such-operation"):
            target.transport.send(unknown)
    finally:
        target.close()
    assert _connects(listener), "the network is back once the replay is closed"


def test_open_target_replays_the_published_responses_as_a_partial_recording() -> None:
    target = open_target(TargetOptions(spec="replay:published"))
    try:
        assert (target.kind, target.name) == ("replay", "replay of real AWS (published responses) (published)")
        assert target.replay is not None and target.replay.meta["partial"] is True
        assert (target.can_force_errors, target.writes) == (False, False)
        # The published responses are List pages from us-east-2; nobody published a Get, so none is answered.
        assert target.transport.region == "us-east-2"
        listed = target.transport.request("GET", "/inference-profiles")
        assert target.replay.holds(listed)
        assert target.transport.send(listed).response is not None
        get = target.transport.request("GET", "/inference-profiles/anything", label="anything")
        exchange = target.transport.send(get)
        assert (exchange.response, exchange.error) == (None, "not in the cassettes")
    finally:
        target.close()


def test_open_target_replays_a_directory_of_cassettes(tmp_path: Path) -> None:
    copy = tmp_path / "recorded"
    copy.mkdir()
    for cassette in (data_dir("cassettes") / "mock").glob("*.yaml"):
        (copy / cassette.name).write_bytes(cassette.read_bytes())
    target = open_target(TargetOptions(spec=f"replay:{copy}"))
    try:
        assert (target.kind, target.name) == ("replay", f"replay of mock ({copy})")
        assert target.replay is not None and target.replay.tagged("no such clause") == []
    finally:
        target.close()


def test_open_target_names_a_missing_cassette_directory(tmp_path: Path) -> None:
    with pytest.raises(CassetteError, match=r"no such cassette directory, and no shipped set of that name"):
        open_target(TargetOptions(spec=f"replay:{tmp_path / 'absent'}"))


def test_live_targets_are_no_replay() -> None:
    target = open_target(TargetOptions(spec="mock"))
    try:
        assert (target.kind, target.replay) == ("mock", None)
    finally:
        target.close()
