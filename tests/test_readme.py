"""The README is the front door: its commands exist, its links resolve, and it points at nothing outside the repo."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from bedrock_conformance.cli import build_parser
from bedrock_conformance.frontend import OPTIONS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = [ROOT / "README.md", ROOT / "docs" / "design.md", ROOT / "benchmarks" / "README.md"]
INSTALL = "python3 -m venv .venv && .venv/bin/pip install -q . && .venv/bin/bedrock-conformance run"
# Three pytest-xdist workers, each taking whole files: a file's module-scoped fixtures are built once, not per worker.
TEST = (
    "python3 -m venv .venv && .venv/bin/pip install -q '.[test]' && .venv/bin/python -m pytest -q -n 3 --dist loadfile"
)
# Paths beside the checkout that the project once read; spelled in pieces so this file does not match itself.
OUTSIDE = ("../" + "shared", "shared/" + "spec", "shared/" + "data", "NOTES " + "\u00a7")
SECTIONS = [
    "What it is",
    "Running it",
    "Checking saved responses",
    "The reference mock",
    "SDKs and drift",
    "Cassettes",
    "Exit codes",
    "Layout",
    "Development",
]


def _shell_lines(text: str) -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    return [line.split("  #")[0].strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_the_readme_starts_with_the_install_command_and_the_test_command_that_ci_runs() -> None:
    assert README.startswith(f"# bedrock-conformance\n\n```sh\n{INSTALL}\n```\n\n```sh\n{TEST}\n```\n")
    assert TEST in (ROOT / ".ci" / "run").read_text().splitlines()


def test_the_readme_has_its_sections_in_order() -> None:
    assert re.findall(r"^## (.+)$", README, flags=re.M) == SECTIONS


@pytest.mark.parametrize("line", [x for x in _shell_lines(README) if x.startswith("bedrock-conformance ")])
def test_every_bedrock_conformance_command_in_the_readme_parses(line: str) -> None:
    args = build_parser().parse_args(shlex.split(line)[1:])
    assert callable(args.func)


def test_every_pytest_option_in_the_readme_is_a_suite_option() -> None:
    pytest_lines = [line for line in _shell_lines(README) if line.startswith("pytest ")]
    used = {m for line in pytest_lines for m in re.findall(r"--bc-([a-z-]+)", line)}
    assert used and used <= set(OPTIONS)
    assert "pytest --pyargs bedrock_conformance.suites" in README


def test_every_option_in_the_options_table_is_a_run_option() -> None:
    table = README.split("| option | what it does |", 1)[1].split("\n\n", 1)[0]
    options = set(re.findall(r"`(--[a-z-]+)", table))
    for option in options:
        value = [] if OPTIONS.get(option[2:], {}).get("action") == "store_true" else ["1"]
        args = build_parser().parse_args(["run", option, *value])
        assert args.func.__name__ == "cmd_run"
    assert len(options) >= 10


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves_inside_the_repository(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
        if "://" in target:
            continue
        path = (doc.parent / target).resolve()
        assert path.exists() and path.is_relative_to(ROOT), f"{doc.name} links {target}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_document_points_outside_the_repository(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    for outside in (*OUTSIDE, "NOTES", "ci-" + "local"):
        assert outside not in text, f"{doc.name} mentions {outside}"


def test_nothing_in_the_repository_cites_a_file_outside_it() -> None:
    folders = ("src", "tests", "schemas", "suites", "cassettes", "benchmarks", "docs")
    files = [ROOT / "README.md", ROOT / "conftest.py", ROOT / "pyproject.toml", ROOT / ".ci" / "run"]
    for folder in folders:
        files += [p for p in (ROOT / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        for needle in OUTSIDE:
            assert needle not in text, f"{path.relative_to(ROOT)} mentions {needle}"
