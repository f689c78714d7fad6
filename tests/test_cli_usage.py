"""Every user mistake is one clear line and exit 2; the console and the working directory are left as found."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bedrock_conformance.cli import main


def _error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """The one error line of a refused command (after argparse's usage line, if any)."""
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    errors = [line for line in lines if not line.startswith("usage: ")]
    assert len(errors) == 1, captured.err
    assert errors[0].startswith("error: ") and "internal error" not in captured.err
    assert "Traceback" not in captured.err
    return errors[0]


def test_a_port_out_of_range_is_a_usage_error_not_an_internal_one(capsys: pytest.CaptureFixture[str]) -> None:
    line = _error(["run", "--target", "http://127.0.0.1:99999"], capsys)
    assert "port" in line and "1 to 65535" in line


@pytest.mark.parametrize("target", ["http://", "http://127.0.0.1:0", "http://127.0.0.1:http"])
def test_other_broken_urls_are_usage_errors(target: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert target in _error(["run", "--target", target], capsys)


def test_a_target_without_a_scheme_suggests_http(capsys: pytest.CaptureFixture[str]) -> None:
    assert "did you mean http://localhost:1?" in _error(["run", "--target", "localhost:1"], capsys)


def test_replay_checks_its_target_the_same_way(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "did you mean http://localhost:1?" in _error(["replay", str(tmp_path), "--target", "localhost:1"], capsys)


def test_a_misspelt_flag_prints_the_usage_line_and_the_closest_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--exmaples", "3"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("usage: bedrock-conformance run ")
    assert err[1] == "error: bedrock-conformance run: unrecognized arguments: --exmaples (did you mean --examples?)"
    assert len(err) == 2


def test_a_misspelt_validate_flag_names_validates_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = _error(["validate", "--strcit", str(tmp_path / "x.json")], capsys)
    assert "(did you mean --strict?)" in line


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--rate-limit", "-1"),
        ("--rate-limit", "0"),
        ("--rate-limit", "nan"),
        ("--seed", "-5"),
        ("--examples", "-1"),
        ("--budget", "0"),
        ("--timeout", "0"),
        ("--timeout", "-3"),
        ("--max-profiles", "-1"),
        ("--examples", "many"),
    ],
)
def test_out_of_range_numbers_are_refused(flag: str, value: str, capsys: pytest.CaptureFixture[str]) -> None:
    line = _error(["run", flag, value], capsys)
    assert f"argument {flag}: '{value}'" in line


def test_the_same_numbers_are_refused_under_plain_pytest(tmp_path: Path) -> None:
    from bedrock_conformance._schemas import data_dir

    done = subprocess.run(
        [sys.executable, "-m", "pytest", str(data_dir("suites")), "-p", "no:cacheprovider", "--bc-examples", "-1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0
    assert "argument --bc-examples: '-1' is less than 0" in done.stderr


def test_validate_on_an_empty_list_is_nothing_to_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "none.json"
    path.write_text("[]\n")
    assert _error(["validate", str(path)], capsys) == f"error: nothing to validate: {path} is an empty JSON list"


def test_validate_on_an_empty_file_says_it_is_empty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.json"
    path.write_text("  \n")
    assert _error(["validate", str(path)], capsys) == f"error: nothing to validate: {path} is empty"


def _profile_without_description() -> dict[str, object]:
    """A GetInferenceProfile body as the page describes it, with the optional description left out."""
    return {
        "inferenceProfileName": "US Anthropic Claude 3 Haiku",
        "createdAt": "2024-09-30T00:00:00Z",
        "updatedAt": "2024-09-30T00:00:00Z",
        "inferenceProfileArn": "arn:aws:bedrock:us-east-1:123456789012:inference-profile/"
        "us.anthropic.claude-3-haiku-20240307-v1:0",
        "models": [{"modelArn": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"}],
        "inferenceProfileId": "us.anthropic.claude-3-haiku-20240307-v1:0",
        "status": "ACTIVE",
        "type": "SYSTEM_DEFINED",
    }


def test_validate_says_why_each_clause_was_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps(_profile_without_description()))
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"skip +response\.description\.maxLength\n +description is absent from this document\n", out)
    assert re.search(r"skip +response\.body\.contentType\n +a saved body has no HTTP status line or headers", out)
    assert main(["validate", "--format", "json", str(path)]) == 0
    skips = json.loads(capsys.readouterr().out)["documents"][0]["skips"]
    assert skips["response.description.pattern"] == "description is absent from this document"


def test_validate_says_a_value_of_the_wrong_type_went_unchecked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps({**_profile_without_description(), "description": 42}))
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert re.search(r"skip +response\.description\.pattern\n +no description value here is of the type", out)


def test_failures_only_shows_just_what_fails_and_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(_profile_without_description()))
    bad.write_text(json.dumps({**_profile_without_description(), "status": "DELETING"}))
    assert main(["validate", "--failures-only", str(good), str(bad)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{bad}: GetInferenceProfile response"
    assert out[1].split() == ["fail", "response.status.enum"]
    assert out[-1].startswith("summary: ") and " 1 fail" in out[-1]
    assert not any(line.split()[:1] in (["pass"], ["skip"]) for line in out)
    assert str(good) not in "\n".join(out)


def test_run_help_names_every_option_with_help_and_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["run", "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "BC_" not in out
    assert "replay:DIR" in out
    options = out.split("options:", 1)[1]
    # Every option has a help text: no option line ends where its flag (and metavar) do.
    entries = re.findall(r"^  (-[^\n]*)\n((?:    +[^\n]*\n)*)", options, flags=re.M)
    assert len(entries) >= 25
    for head, rest in entries:
        flag_part = re.match(r"(-\S+(?: [A-Z_{}\[\],.a-z-]+)?)", head)
        assert flag_part is not None
        text = head[len(flag_part.group(1)) :].strip() + rest.strip()
        assert text, f"no help for {head!r}"
    for shown in ("(default: mock)", "(default: us-east-1)", "(default: 25)", "(default: 10.0)", "(default: all)"):
        assert shown in " ".join(out.split()), shown


def _scrubbed_run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "bedrock_conformance.cli", "run", *args],
        cwd=work,
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(home), **env},
        capture_output=True,
        timeout=600,
    )


def test_a_run_on_a_cp1252_console_writes_ascii_marks_and_leaves_no_hypothesis_directory(tmp_path: Path) -> None:
    done = _scrubbed_run(tmp_path, "--seed", "3", "--examples", "1", PYTHONIOENCODING="cp1252")
    assert done.returncode == 0, done.stderr.decode("cp1252", "replace")
    out = done.stdout.decode("cp1252")
    assert re.search(r"^\+ +pass +request\.inferenceProfileIdentifier\.pattern", out, flags=re.M)
    assert "✔" not in out
    assert list((tmp_path / "work").iterdir()) == []
