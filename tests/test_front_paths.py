"""The command line's own paths no other test takes: ``python -m``, the console's ASCII fallback, Hypothesis's
storage, an unknown --sdk, a schemas/ error, saved answers that are JSON strings, the strict JSON reader's refusals,
the report's baseline notes and a body no JSON report could quote, and JUnit that pytest did not write."""

from __future__ import annotations

import codecs
import io
import json
import os
import subprocess
import sys
import tempfile
import types
import xml.etree.ElementTree as ET
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from bedrock_conformance import _json, cli
from bedrock_conformance._http import Exchange, Request, Response
from bedrock_conformance._junit import annotate_junit
from bedrock_conformance._matrix import markdown_matrix
from bedrock_conformance._schemas import SchemaError, data_dir
from bedrock_conformance._validator import Outcome, validate_list_page
from bedrock_conformance.checks import Result
from bedrock_conformance.report import _exchange_parts, render_terminal

# The published us.anthropic.claude-3-haiku-20240307-v1:0 profile, as GetInferenceProfile answers it.
HAIKU = {
    "inferenceProfileArn": "arn:aws:bedrock:us-east-1:123456789012:inference-profile/"
    "us.anthropic.claude-3-haiku-20240307-v1:0",
    "inferenceProfileId": "us.anthropic.claude-3-haiku-20240307-v1:0",
    "inferenceProfileName": "US Anthropic Claude 3 Haiku",
    "models": [{"modelArn": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"}],
    "status": "ACTIVE",
    "type": "SYSTEM_DEFINED",
}


def _one_error(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    (line,) = captured.err.splitlines()
    return line


# ------------------------------------------------------------------------------------------------ the command
def test_python_dash_m_is_the_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bedrock_conformance", "--version"], capture_output=True, text=True, timeout=120
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        f"bedrock-conformance {metadata.version('bedrock-conformance')}\n",
        "",
    )


def test_an_unknown_sdk_is_one_line_naming_the_sdks_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", "--sdk", "cobol"]) == 2
    # sdk.json's SDKs.
    expected = "error: unknown SDK 'cobol': use one of boto3, aiobotocore, js, optionally NAME==VERSION"
    assert _one_error(capsys) == expected


def test_a_schemas_error_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(_args: Any) -> int:
        raise SchemaError("no schemas/ found (looked in /a and /b)")

    monkeypatch.setattr(cli, "cmd_validate", broken)
    assert cli.main(["validate", "x.json"]) == 2
    assert _one_error(capsys) == "error: no schemas/ found (looked in /a and /b)"


def test_a_console_that_cannot_encode_the_output_gets_it_in_ascii(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = tmp_path / "r.json"
    saved.write_text(json.dumps({**HAIKU, "inferenceProfileName": "Café—1"}), encoding="utf-8")
    console = io.TextIOWrapper(io.BytesIO(), encoding="ascii", errors="strict")
    monkeypatch.setattr(sys, "stdout", console)
    assert cli.main(["validate", "--failures-only", str(saved)]) == 1
    assert console.errors == "strict"  # left as found
    console.flush()
    out = console.buffer.getvalue().decode("ascii")  # type: ignore[attr-defined]
    # The em dash has an ASCII spelling; é has none and is shown escaped.
    assert '/inferenceProfileName: "Caf\\xe9--1" does not match' in out


def test_the_ascii_fallback_leaves_decoding_errors_alone() -> None:
    assert codecs.encode("✔ 3 ✘ 1 ≈ 2 – 0 …", "ascii", "bedrock-conformance-ascii") == b"+ 3 x 1 ~ 2 - 0 ..."
    with pytest.raises(UnicodeDecodeError):
        b"\xff".decode("ascii", "bedrock-conformance-ascii")


def test_hypothesis_storage_chosen_by_the_user_is_kept(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HYPOTHESIS_STORAGE_DIRECTORY", str(tmp_path / "mine"))
    with cli._hypothesis_storage():
        assert os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] == str(tmp_path / "mine")
    assert os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] == str(tmp_path / "mine")


def test_without_a_home_directory_hypothesis_storage_goes_to_the_temporary_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("HYPOTHESIS_STORAGE_DIRECTORY", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with cli._hypothesis_storage():
        assert os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] == str(tmp_path / "bedrock-conformance" / "hypothesis")
    assert "HYPOTHESIS_STORAGE_DIRECTORY" not in os.environ


# ------------------------------------------------------------------------------------------------ validate
def test_a_saved_answer_that_is_a_json_string_fails_the_type_clause_even_if_it_holds_an_object(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A body saved twice-encoded ('"{\\"inferenceProfileArn\\": ...}"') is a JSON string: it passed before."""
    encoded, word = tmp_path / "encoded.json", tmp_path / "word.json"
    encoded.write_text(json.dumps(json.dumps(HAIKU)), encoding="utf-8")
    word.write_text('"hello"', encoding="utf-8")
    assert cli.main(["validate", "--format", "json", str(encoded), str(word)]) == 1
    documents = json.loads(capsys.readouterr().out)["documents"]
    assert [d["kind"] for d in documents] == ["GetInferenceProfile response"] * 2
    assert [d["clauses"]["response.body.type"] for d in documents] == ["fail", "fail"]
    assert documents[1]["findings"][0]["message"] == '"hello" is a JSON string, not an object'
    assert documents[0]["findings"][0]["message"].endswith("(433 characters) is a JSON string, not an object")


def test_a_list_page_whose_summary_is_a_json_string_fails_that_summary() -> None:
    page = {"inferenceProfileSummaries": [HAIKU, json.dumps(HAIKU)]}
    failed = [(f.clause, f.pointer) for f in validate_list_page(page) if f.outcome is Outcome.FAIL]
    assert failed == [("response.body.type", "/inferenceProfileSummaries/1")]


def test_a_saved_answer_that_is_no_object_is_judged_as_a_get_response(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "n.json"
    saved.write_text("[1, null]", encoding="utf-8")
    assert cli.main(["validate", "--failures-only", str(saved)]) == 1
    out = capsys.readouterr().out
    assert f"{saved}[0]: GetInferenceProfile response\n  fail      response.body.type\n" in out
    assert "            /: 1 is a JSON integer, not an object\n" in out
    assert "            /: null is a JSON null, not an object\n" in out


# ------------------------------------------------------------------------------------------------ the JSON reader
def test_the_json_reader_refuses_what_is_no_text_and_a_byte_order_mark() -> None:
    with pytest.raises(TypeError, match=r"^the JSON object must be str, bytes or bytearray, not int$"):
        _json.loads(12)  # type: ignore[arg-type]
    with pytest.raises(json.JSONDecodeError, match=r"^Unexpected UTF-8 BOM \(decode using utf-8-sig\)"):
        _json.loads('\ufeff{"a": 1}')
    assert _json.loads(bytearray(b'{"a": 1}')) == {"a": 1}


# ------------------------------------------------------------------------------------------------ reports
def test_a_body_with_a_number_beyond_a_double_is_quoted_as_its_text() -> None:
    """1e999 is an RFC 8259 number that Python reads as inf, which no JSON report can hold: the text is quoted."""
    body = b'{"inferenceProfileId": "x", "createdAt": 1e999}'
    request = Request("GET", "http://127.0.0.1:1/inference-profiles/x")
    result = Result("response.createdAt.type", Outcome.FAIL, "1e999", Exchange(request, Response(200, {}, body)))
    parts = _exchange_parts(result)
    assert parts["response"]["body"] == '{"inferenceProfileId": "x", "createdAt": 1e999}'
    json.dumps(parts, allow_nan=False)


def test_the_reports_show_baseline_notes_stale_entries_and_a_missing_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--strict against the mock: the name pattern fails (the mock carries the names AWS gives, with periods)."""
    found = metadata.version

    def version(name: str) -> str:
        if name == "boto3":
            raise metadata.PackageNotFoundError(name)
        return found(name)

    monkeypatch.setattr(metadata, "version", version)
    baseline = tmp_path / "baseline.json"
    known = [
        {"clause": "response.inferenceProfileName.pattern", "reason": "names carry periods"},
        {"clause": "response.status.enum", "reason": "fixed long ago"},
    ]
    baseline.write_text(json.dumps({"known_failures": known}), encoding="utf-8")
    md = tmp_path / "r.md"
    argv = ["run", "--strict", "--examples", "1", "--seed", "3", "--baseline", str(baseline), "--report-md", str(md)]
    assert cli.main([*argv, "--", "-k", "inferenceProfileName and pattern"]) == 1
    out = capsys.readouterr().out.splitlines()
    name = next(line for line in out if " response.inferenceProfileName.pattern " in line)
    assert name.startswith("✘ fail      response.inferenceProfileName.pattern ")
    assert name.endswith(" checks  known: names carry periods")
    assert "stale baseline entry: response.status.enum now passes" in out
    markdown = md.read_text(encoding="utf-8")
    assert "\n\nKnown failure (baseline): names carry periods\n\n" in markdown
    assert "| boto3 | not installed |" in markdown


def test_on_a_wide_terminal_a_reproduce_line_that_fits_is_kept_whole() -> None:
    command = "curl -sS -i -X GET http://127.0.0.1:1/inference-profiles/x"
    failure = {"message": "status 500", "reproduce": command}
    report = {
        "tool": {"version": "9.9"},
        "target": "mock",
        "seed": 4,
        "clauses": [{"id": "response.status.enum", "outcome": "fail", "checks": 1, "failures": [failure]}],
        "stale_baseline": [],
        "complete": True,
        "summary": {"pass": 0, "fail": 1, "deviation": 0, "skip": 0},
        "requests": 1,
    }
    lines = render_terminal(report, width=len("    reproduce: ") + len(command)).splitlines()
    assert lines[-3:] == [
        "  response.status.enum: status 500",
        "    reproduce: " + command,
        "0 pass, 1 fail, 0 deviation, 0 skip; 1 requests",
    ]


def test_the_matrix_reads_the_operation_from_a_clause_id_when_an_entry_does_not_name_it() -> None:
    entries = [
        {"id": "ListInferenceProfiles:request.maxResults.minimum", "outcome": "pass"},
        {"id": "response.status.enum", "outcome": "fail"},
        {"id": "request.inferenceProfileIdentifier.pattern", "outcome": "pass"},
    ]
    marks = {"pass": "P", "fail": "F", "deviation": "D", "skip": "S"}
    assert markdown_matrix(entries, marks) == [
        "| Operation | request | response |",
        "|---|---|---|",
        "| GetInferenceProfile | P 1 | F 1 |",
        "| ListInferenceProfiles | P 1 |  |",
    ]


# ------------------------------------------------------------------------------------------------ JUnit
REPORT: dict[str, Any] = {
    "tool": {"version": "9.9"},
    "target": "mock",
    "config": {"region": "us-east-1", "examples": 1, "strict": False},
    "seed": 4,
    "contract": {"digest": "sha256:abc"},
    "requests": 2,
    "complete": True,
    "summary": {"pass": 1, "fail": 0, "deviation": 0, "skip": 0},
    "clauses": [{"id": "response.status.enum", "outcome": "pass"}],
}


def test_junit_that_pytest_did_not_write_is_left_alone(tmp_path: Path) -> None:
    annotate_junit(str(tmp_path / "absent.xml"), REPORT)
    assert not (tmp_path / "absent.xml").exists()
    broken = tmp_path / "broken.xml"
    broken.write_text("<testsuite><testcase", encoding="utf-8")
    annotate_junit(str(broken), REPORT)
    assert broken.read_text(encoding="utf-8") == "<testsuite><testcase"


def test_junit_keeps_one_outcome_property_per_case_and_leaves_other_tests_unnamed(tmp_path: Path) -> None:
    """pytest writes a deviation's user property (``outcome``) itself; the annotation's replaces it, not doubles it."""
    path = tmp_path / "j.xml"
    path.write_text(
        '<testsuite name="pytest">'
        '<testcase classname="suites.test_response" name="test_clause[response.status.enum]" file="s.py" line="3">'
        '<properties><property name="outcome" value="deviation"/></properties></testcase>'
        '<testcase classname="tests.mine" name="test_mine" file="/home/me/t.py" line="9"/>'
        "</testsuite>",
        encoding="utf-8",
    )
    report = {**REPORT, "clauses": [{"id": "response.status.enum", "outcome": "deviation"}]}
    annotate_junit(str(path), report)
    suite = ET.parse(path).getroot()
    clause, mine = suite.findall("testcase")
    assert clause.attrib == {"classname": "bedrock_conformance.response", "name": "test_clause[response.status.enum]"}
    properties = [(p.get("name"), p.get("value")) for p in clause.iter("property")]
    assert properties == [("clause", "response.status.enum"), ("outcome", "deviation")]
    assert mine.attrib == {"classname": "tests.mine", "name": "test_mine"}
    assert mine.find("properties") is None
    assert ("summary", "1 pass, 0 fail, 0 deviation, 0 skip") in [(p.get("name"), p.get("value")) for p in suite[0]]


def test_a_run_is_rooted_at_the_suites_folder_and_loads_no_conftest_above_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A plugin of the run's own (named after `--`) records what pytest made of the run's root and its tests.
    seen: dict[str, Any] = {"conftests": []}

    def pytest_configure(config: pytest.Config) -> None:
        seen["root"], seen["confcutdir"] = config.rootpath, config.getoption("confcutdir")

    def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
        seen["nodeids"] = [item.nodeid for item in items]

    def pytest_plugin_registered(plugin: object) -> None:
        name = getattr(plugin, "__file__", "") or ""
        if name.endswith("conftest.py"):
            seen["conftests"].append(Path(name))

    spy = types.ModuleType("spy_plugin")
    for hook in (pytest_configure, pytest_collection_modifyitems, pytest_plugin_registered):
        setattr(spy, hook.__name__, hook)
    monkeypatch.setitem(sys.modules, "spy_plugin", spy)
    report = tmp_path / "report.json"
    code = cli.main(
        ["run", "--examples", "1", "--seed", "3", "--report-json", str(report), "--quiet", "--", "-p", "spy_plugin"]
    )
    capsys.readouterr()
    suites = data_dir("suites")
    assert code == 0
    assert seen["root"] == suites and Path(seen["confcutdir"]) == suites
    assert seen["nodeids"] and all(n.startswith("test_") and "::" in n for n in seen["nodeids"])
    assert seen["conftests"] and all(c.parent == suites for c in seen["conftests"])
