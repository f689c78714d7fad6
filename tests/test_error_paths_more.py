"""More error paths, each through the CLI: the kinds of broken cassette file and folder that tests/test_error_paths.py
does not make, and files ``validate`` cannot read. Each is one line on stderr naming what is wrong, exit 2, never a
traceback; ``cassettes check`` lists a broken file as a problem (exit 1) and still lints the rest.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bedrock_conformance import cli

MOCK = Path(__file__).resolve().parent.parent / "cassettes" / "mock"


def one_line(err: str) -> str:
    lines = err.splitlines()
    assert err.endswith("\n") and len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def _rewrite(path: Path, change: Callable[[dict[str, Any]], Any]) -> None:
    """Load the cassette as plain YAML, let ``change`` edit it (or return a replacement), and write it back."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    replaced = change(document)
    path.write_text(yaml.safe_dump(document if replaced is None else replaced, sort_keys=False), encoding="utf-8")


def _format(version: int) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        document["metadata"]["bedrock_conformance"]["format"] = version

    return change


def _no_format(document: dict[str, Any]) -> None:
    del document["metadata"]["bedrock_conformance"]["format"]


def _no_interactions(document: dict[str, Any]) -> None:
    document["interactions"] = []


def _interactions_not_a_list(document: dict[str, Any]) -> None:
    document["interactions"] = {"request": "GET /"}


def _a_list(document: dict[str, Any]) -> list[Any]:
    return list(document["interactions"])


def _not_yaml(path: Path) -> None:
    path.write_text("interactions:\n- request: {uri: [unclosed\n", encoding="utf-8")


# kind -> (damage, the message after "<file>: "). The cassette format this tool reads is 1 (the shipped cassettes'
# metadata says `format: 1`).
BROKEN_FILES: dict[str, tuple[Callable[[Path], None], str]] = {
    "future-format": (lambda p: _rewrite(p, _format(2)), "cassette format 2 is not supported (this tool reads 1)"),
    "format-missing": (lambda p: _rewrite(p, _no_format), "cassette format None is not supported (this tool reads 1)"),
    "a-yaml-list": (lambda p: _rewrite(p, _a_list), "not a cassette (no list of interactions)"),
    "interactions-not-a-list": (
        lambda p: _rewrite(p, _interactions_not_a_list),
        "not a cassette (no list of interactions)",
    ),
    "no-interactions": (lambda p: _rewrite(p, _no_interactions), "holds no interactions"),
    "not-yaml": (_not_yaml, "not valid YAML at line 3 ("),
}


@pytest.fixture
def cassettes(tmp_path: Path) -> Path:
    directory = tmp_path / "c"
    directory.mkdir()
    shutil.copy(MOCK / "errors.yaml", directory / "errors.yaml")
    return directory


@pytest.mark.parametrize("kind", list(BROKEN_FILES))
def test_a_broken_cassette_file_ends_a_replay_in_one_line_naming_it(
    kind: str, cassettes: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damage, message = BROKEN_FILES[kind]
    damage(cassettes / "errors.yaml")
    assert cli.main(["run", "--quiet", "--target", f"replay:{cassettes}"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    line = one_line(err)
    assert line.startswith(f"error: {cassettes / 'errors.yaml'}: {message}"), line


@pytest.mark.parametrize("kind", list(BROKEN_FILES))
def test_cassettes_check_lists_the_broken_file_and_lints_the_healthy_one(
    kind: str, cassettes: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damage, message = BROKEN_FILES[kind]
    shutil.copy(MOCK / "request.yaml", cassettes / "request.yaml")
    damage(cassettes / "errors.yaml")
    assert cli.main(["cassettes", "check", str(cassettes)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2, out
    assert out[0].startswith(f"{cassettes / 'errors.yaml'}: {message}"), out
    # One problem, and the healthy request.yaml beside it was still checked clause by clause.
    assert out[1].startswith("1 problems; ") and not out[1].startswith("1 problems; 0 "), out


def test_a_parity_replay_of_a_broken_cassette_is_one_line_and_exit_2(
    cassettes: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _rewrite(cassettes / "errors.yaml", _format(2))
    assert cli.main(["replay", str(cassettes), "--target", "mock"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    expected = f"error: {cassettes / 'errors.yaml'}: cassette format 2 is not supported (this tool reads 1)"
    assert one_line(err) == expected


# ------------------------------------------------------------------------------------------------ broken folders
@pytest.mark.parametrize(
    "argv",
    [
        ["cassettes", "check", "{d}"],
        ["run", "--quiet", "--target", "replay:{d}"],
        ["replay", "{d}", "--target", "mock"],
    ],
    ids=["check", "replay-target", "parity"],
)
def test_a_folder_without_cassettes_is_one_line_and_exit_2(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    (empty / "sub").mkdir(parents=True)
    (empty / "sub" / "notes.txt").write_text("not a cassette\n", encoding="utf-8")
    assert cli.main([a.replace("{d}", str(empty)) for a in argv]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    line = one_line(err)
    assert line.startswith(f"error: {empty}: no cassettes"), line


def test_cassettes_check_of_a_file_rather_than_a_folder_is_one_line_and_exit_2(
    cassettes: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = cassettes / "errors.yaml"
    assert cli.main(["cassettes", "check", str(target)]) == 2
    line = one_line(capsys.readouterr().err)
    assert (
        line
        == f"error: {target}: no such cassette directory, and no shipped set of that name (shipped: mock, published)"
    )


# ------------------------------------------------------------------------------------------------ validate
def test_validate_of_a_file_that_is_not_utf_8_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "body.json"
    path.write_bytes(b'{"inferenceProfileName": "caf\xe9"}')
    assert cli.main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert one_line(err) == f"error: cannot read {path}: not UTF-8 text (invalid continuation byte)"


def test_validate_of_a_folder_or_a_missing_file_says_it_cannot_read_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["validate", str(tmp_path)]) == 2
    assert one_line(capsys.readouterr().err) == f"error: cannot read {tmp_path}: Is a directory"
    missing = tmp_path / "missing.json"
    assert cli.main(["validate", str(missing)]) == 2
    assert one_line(capsys.readouterr().err) == f"error: cannot read {missing}: No such file or directory"


def test_validate_of_text_that_is_not_json_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "body.json"
    path.write_text("inferenceProfileName: x\n", encoding="utf-8")
    assert cli.main(["validate", str(path)]) == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith(f"error: cannot read {path}: not JSON ("), line


# ------------------------------------------------------------------------------------------------ the CLI's own exits
def test_a_reader_that_leaves_early_ends_the_output_quietly_with_exit_1(
    tmp_path: Path, published_records: list[dict[str, Any]]
) -> None:
    """``bedrock-conformance validate big.json | head -1``: no traceback, no "Exception ignored", exit 1."""
    body = published_records[13]["body"]
    path = tmp_path / "many.json"
    path.write_text(json.dumps([body] * 300), encoding="utf-8")  # about 40 lines each: far more than a pipe holds
    command = [sys.executable, "-m", "bedrock_conformance.cli", "validate", str(path)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline()
        process.stdout.close()  # the reader leaves; the rest cannot fit in the pipe, so a write must fail
        err = process.stderr.read()
        code = process.wait(timeout=120)  # bounds a hang only
    assert first.startswith(str(path).encode())
    assert (code, err) == (1, b"")


def test_pytest_arguments_the_suites_cannot_run_with_end_in_one_error_line_and_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["run", "--quiet", "--", "--no-such-pytest-option"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    # pytest says what it refused first; the run's own line comes last.
    assert "--no-such-pytest-option" in err
    assert err.splitlines()[-1] == "error: the suites did not run (pytest exit 4)"


@pytest.mark.parametrize("selection", [["-k", "no_test_is_called_this"], ["--collect-only"]])
def test_a_run_whose_pytest_arguments_check_no_clause_is_an_error_not_a_pass(
    selection: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # Every clause would be a skip and exit 0 would say the target passed having checked nothing.
    assert cli.main(["run", "--quiet", "--seed", "1", "--", *selection]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.splitlines()[-1] == (
        "error: no clause was checked: the pytest arguments after -- selected none of the suites' tests"
    )
