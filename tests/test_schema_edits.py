"""Data-level edits to schemas/ that contradict the page are caught: the page-literal tests fail on each of them.

Everything in src/ derives its facts from schemas/, so a wrong number there is followed everywhere and no code
disagrees with it. What catches it is the tests that restate the page literally. Each edit below is applied to a copy
of the package and of schemas/ (the code finds the schemas beside its own source), and the page-literal tests are run
against that copy: every edit must make them fail. The unedited copy must pass, so a failure is the edit's doing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The tests that state the page's facts as literals (statuses, bounds, patterns, enums, required members).
PAGE_LITERAL_TESTS = [
    "tests/test_validator.py",
    "tests/test_checks.py",
    "tests/test_schema_edits_literals.py",
    # The family's facts, restated from the model: operations, members, limits, errors.
    "tests/test_contract_model.py",
]

Docs = dict[str, Any]


def _identifier(docs: Docs) -> dict[str, Any]:
    return dict(docs["request.json"]["properties"]["inferenceProfileIdentifier"])


def _set(doc: str, *path: str | int, value: Any) -> Callable[[Docs], None]:
    def edit(docs: Docs) -> None:
        node = docs[doc]
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return edit


def _apply(doc: str, *path: str | int, change: Callable[[Any], Any]) -> Callable[[Docs], None]:
    def edit(docs: Docs) -> None:
        node = docs[doc]
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = change(node[path[-1]])

    return edit


IDENT = ("properties", "inferenceProfileIdentifier")
EDITS: dict[str, Callable[[Docs], None]] = {
    "identifier-maxLength-2047": _set("request.json", *IDENT, "maxLength", value=2047),
    "identifier-minLength-2": _set("request.json", *IDENT, "minLength", value=2),
    "iso-b-dropped-from-the-identifier-pattern": _apply(
        "request.json", *IDENT, "pattern", change=lambda p: p.replace("|-iso-b", "")
    ),
    "status-enum-value-added": _apply(
        "response.json", "properties", "status", "enum", change=lambda e: [*e, "INACTIVE"]
    ),
    "type-enum-value-dropped": _apply(
        "response.json", "properties", "type", "enum", change=lambda e: [v for v in e if v != "APPLICATION"]
    ),
    "models-maxItems-6": _set("response.json", "properties", "models", "maxItems", value=6),
    "description-maxLength-201": _set("response.json", "properties", "description", "maxLength", value=201),
    "status-no-longer-required": _apply("response.json", "required", change=lambda r: [m for m in r if m != "status"]),
    "id-pattern-without-colon": _apply(
        "response.json", "properties", "inferenceProfileId", "pattern", change=lambda p: p.replace("-:.", "-.")
    ),
    "validation-exception-422": _set("errors.json", "$defs", "ValidationException", "x-http-status", value=422),
    # The rest of the family (the model's limits, restated by the same literal tests).
    "list-maxResults-maximum-999": _set(
        "operations.json", "$defs", "ListInferenceProfiles", "properties", "maxResults", "maximum", value=999
    ),
    "tag-list-maxItems-199": _set("operations.json", "$defs", "TagList", "maxItems", value=199),
    "tag-key-maxLength-127": _set("operations.json", "$defs", "TagKey", "maxLength", value=127),
    "client-request-token-maxLength-255": _set(
        "operations.json", "$defs", "CreateInferenceProfile", "properties", "clientRequestToken", "maxLength", value=255
    ),
    "taggable-arn-maxLength-1010": _set("operations.json", "$defs", "TaggableResourcesArn", "maxLength", value=1010),
}


# The two validator bugs of the audit in issue #16, each made in a copy of the code: a file, its (text, bug) pairs.
# Both went unnoticed once (all tests passed with the first; the strategies' property tests with the second).
CODE_EDITS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "enum-compared-case-insensitively": (
        "_validator.py",
        [
            (
                '"enum": lambda v, lim: v in lim,',
                '"enum": lambda v, lim: str(v).lower() in [str(x).lower() for x in lim],',
            )
        ],
    ),
    # ``$`` read as Python's ``$``, which also matches before a final newline (jsonschema's ``re.search`` reading):
    # both where a pattern says ``$`` and at the end of the whole-string match.
    "pattern-ignores-a-trailing-newline": (
        "_ecma.py",
        [(r'out.append(r"\Z")', r'out.append(r"(?=\n?\Z)")'), (r'r")\Z"', r'r")\n?\Z"')],
    ),
}


def _copy(tmp_path: Path, edit: Callable[[Docs], None] | None) -> Path:
    root = tmp_path / "copy"
    shutil.copytree(ROOT / "src", root / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for folder in ("schemas", "suites"):
        shutil.copytree(ROOT / folder, root / folder)
    if edit is not None:
        docs = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (root / "schemas").glob("*.json")}
        before = json.dumps(docs, sort_keys=True)
        edit(docs)
        assert json.dumps(docs, sort_keys=True) != before, "the edit changed nothing"
        for name, doc in docs.items():
            (root / "schemas" / name).write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
    return root


def _page_literal_tests(copy: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(copy / "src")}
    probe = "import bedrock_conformance._schemas as s; print(s.schemas_dir())"
    where = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert where.stdout.strip() == str(copy / "schemas"), where.stdout  # the copy is what the tests will read
    args = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-p", "no:randomly"]
    return subprocess.run([*args, *PAGE_LITERAL_TESTS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_the_unedited_copy_passes_the_page_literal_tests(tmp_path: Path) -> None:
    result = _page_literal_tests(_copy(tmp_path, None))
    assert result.returncode == 0, result.stdout[-2000:]


@pytest.mark.slow
@pytest.mark.parametrize("name", list(EDITS))
def test_an_edit_that_contradicts_the_page_fails_the_page_literal_tests(name: str, tmp_path: Path) -> None:
    result = _page_literal_tests(_copy(tmp_path, EDITS[name]))
    assert result.returncode == 1, f"{name} went unnoticed:\n{result.stdout[-2000:]}"
    assert " failed" in result.stdout.splitlines()[-1], result.stdout[-2000:]


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CODE_EDITS))
def test_the_audits_validator_bugs_fail_the_page_literal_tests(name: str, tmp_path: Path) -> None:
    """A copy of the code with one of the audit's two bugs fails the tests that restate the page."""
    copy = _copy(tmp_path, None)
    module, changes = CODE_EDITS[name]
    source = copy / "src" / "bedrock_conformance" / module
    code = source.read_text(encoding="utf-8")
    for text, bug in changes:
        assert text in code, f"{name}: {text!r} is no longer in {module}; restate the bug for today's code"
        code = code.replace(text, bug)
    source.write_text(code, encoding="utf-8")
    result = _page_literal_tests(copy)
    assert result.returncode == 1, f"{name} went unnoticed:\n{result.stdout[-2000:]}"
    assert " failed" in result.stdout.splitlines()[-1], result.stdout[-2000:]
