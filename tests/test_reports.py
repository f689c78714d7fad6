"""The reports a person reads: Markdown, JUnit XML, HTML and the terminal, from real runs against the mock."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from bedrock_conformance import __version__
from bedrock_conformance.cli import main
from bedrock_conformance.report import render_html, render_terminal

# The mock's system-defined profiles describe their routing: "Routes requests to ... in us-east-1, ...".
DESCRIPTION_WORDS = "Routes requests to"


@dataclass
class Reports:
    code: int
    json: dict[str, Any]
    markdown: str
    html: str
    junit: ET.Element
    root: Path


def _run(root: Path, *args: str) -> Reports:
    root.mkdir(parents=True, exist_ok=True)
    paths = {kind: root / f"report.{kind}" for kind in ("json", "md", "html", "xml")}
    code = main(
        [
            "run",
            "--quiet",
            "--report-json",
            str(paths["json"]),
            "--report-md",
            str(paths["md"]),
            "--report-html",
            str(paths["html"]),
            "--junit-xml",
            str(paths["xml"]),
            *args,
        ]
    )
    return Reports(
        code,
        json.loads(paths["json"].read_text(encoding="utf-8")),
        paths["md"].read_text(encoding="utf-8"),
        paths["html"].read_text(encoding="utf-8"),
        ET.parse(paths["xml"]).getroot(),
        root,
    )


@pytest.fixture(scope="module")
def deviating(tmp_path_factory: pytest.TempPathFactory) -> Reports:
    """The reference mock answers as real AWS does: three recorded deviations, no failure."""
    return _run(tmp_path_factory.mktemp("deviating"), "--seed", "11", "--examples", "3")


@pytest.fixture(scope="module")
def failing(tmp_path_factory: pytest.TempPathFactory) -> Reports:
    """--strict turns the mock's deviations into failures; --sdk adds the SDK matrix."""
    return _run(tmp_path_factory.mktemp("failing"), "--seed", "12", "--examples", "2", "--strict", "--sdk")


def _ids(reports: Reports, outcome: str) -> list[str]:
    return [c["id"] for c in reports.json["clauses"] if c["outcome"] == outcome]


# ------------------------------------------------------------------------------------------------ Markdown
def test_markdown_opens_with_the_run_configuration(failing: Reports) -> None:
    markdown = failing.markdown
    config = markdown.split("## Clauses", 1)[0]
    for label, value in [
        ("Target", "mock"),
        ("Region", "us-east-1"),
        ("Seed", "12"),
        ("Examples per clause", "2"),
        ("Strict", "yes"),
        ("Tool", f"bedrock-conformance {__version__}"),
        ("botocore", metadata.version("botocore")),
        ("Requests sent", str(failing.json["requests"])),
    ]:
        assert re.search(rf"^\| {re.escape(label)} \| {re.escape(value)}", config, re.MULTILINE), (label, config)
    assert re.search(r"^\| SDKs \| boto3 \d", config, re.MULTILINE), config
    assert re.search(r"^\| Duration \| \d+\.\d s \|", config, re.MULTILINE), config
    assert failing.json["duration"] > 0


def test_markdown_has_a_section_per_failure_with_request_response_and_curl(failing: Reports) -> None:
    failed = _ids(failing, "fail")
    assert "response.description.pattern" in failed and failing.code == 1
    sections = failing.markdown.split("## Failures", 1)[1].split("\n## ", 1)[0]
    # The SDK suites drive the SDK with canned answers: their failures have no request of the run's to quote.
    for clause in [c for c in failed if not c.startswith("sdk.")]:
        body = sections.split(f"### `{clause}`", 1)[1].split("\n### ", 1)[0]
        assert "Request:" in body and "Response:" in body and "Reproduce:" in body, clause
        assert re.search(r"^curl -sS -i -X GET '?http://127\.0\.0\.1:\d+/inference-profiles", body, re.MULTILINE), body


def test_markdown_has_a_section_per_deviation_with_its_exchange(deviating: Reports) -> None:
    deviations = _ids(deviating, "deviation")
    assert {"response.description.pattern", "response.inferenceProfileName.pattern"} <= set(deviations)
    sections = deviating.markdown.split("## Deviations", 1)[1]
    for clause in deviations:
        body = sections.split(f"### `{clause}`", 1)[1].split("\n### ", 1)[0]
        assert "Deviates as real AWS does" in body
        assert "Response:" in body and "\ncurl -sS -i -X GET " in body, clause


def test_the_sdk_matrix_heading_appears_once(failing: Reports) -> None:
    assert failing.markdown.count("## SDK matrix") == 1
    assert "| boto3 " in failing.markdown.split("## SDK matrix", 1)[1]


def test_description_values_are_redacted_everywhere_unless_asked(failing: Reports, tmp_path: Path) -> None:
    # The failing run quotes List pages whose summaries carry descriptions (bodies longer than the quoting limit).
    assert "<redacted>" in failing.markdown
    for text in (failing.markdown, failing.html, json.dumps(failing.json)):
        assert DESCRIPTION_WORDS not in text
    shown = _run(tmp_path, "--seed", "12", "--examples", "1", "--strict", "--show-sensitive")
    assert DESCRIPTION_WORDS in shown.markdown and DESCRIPTION_WORDS in shown.html


# ------------------------------------------------------------------------------------------------ JUnit
def test_junit_classnames_are_the_clause_parts_never_a_path(deviating: Reports) -> None:
    cases = list(deviating.junit.iter("testcase"))
    assert len(cases) == len(deviating.json["clauses"])
    for case in cases:
        clause = case.find("properties/property[@name='clause']")
        assert clause is not None
        operation, _, local = clause.get("value", "").rpartition(":")
        expected = f"{operation}.{local.split('.')[0]}" if operation else local.split(".")[0]
        assert case.get("classname") == f"bedrock_conformance.{expected}"
        assert "file" not in case.attrib
    assert {c.get("classname") for c in cases} >= {
        "bedrock_conformance.request",
        "bedrock_conformance.response",
        "bedrock_conformance.ListInferenceProfiles.request",
        "bedrock_conformance.CreateInferenceProfile.response",
    }


def test_junit_suites_carry_seed_target_region_and_contract(deviating: Reports) -> None:
    for suite in deviating.junit.iter("testsuite"):
        props = {p.get("name"): p.get("value") for p in suite.findall("properties/property")}
        assert props["seed"] == "11" and props["region"] == "us-east-1"
        assert props["target"].startswith("mock") and props["contract"] == deviating.json["contract"]["digest"]


def test_junit_shows_deviations_and_skips_say_why_without_paths(deviating: Reports) -> None:
    outcomes = {}
    for case in deviating.junit.iter("testcase"):
        props = {p.get("name"): p.get("value") for p in case.findall("properties/property")}
        outcomes[props["clause"]] = props["outcome"]
        if props["outcome"] == "deviation":
            assert case.find("failure") is None and case.find("skipped") is None
            out = case.findtext("system-out") or ""
            assert out.startswith(f"deviation: {props['clause']} deviates as real AWS does")
            assert "reproduce: curl " in out
        skipped = case.find("skipped")
        if skipped is not None:
            assert skipped.text == skipped.get("message") and skipped.text
            assert ".py" not in skipped.text and "/" not in skipped.text.split(" ", 1)[0]
    assert outcomes == {c["id"]: c["outcome"] for c in deviating.json["clauses"]}
    assert "deviation" in outcomes.values() and "skip" in outcomes.values()


# ------------------------------------------------------------------------------------------------ HTML
class _Page(HTMLParser):
    """Every tag with its attributes, and the text of <style> and <script>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in = tag if tag in ("style", "script") else None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.inline.append(data)


def test_the_html_report_fetches_nothing(failing: Reports) -> None:
    page = _Page()
    page.feed(failing.html)
    for tag, attrs in page.tags:
        for name in ("src", "href", "action", "srcset", "poster", "data"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), (tag, name, value)
        assert not (tag == "link" and attrs.get("rel") == "stylesheet")
    assert not any(re.search(r"url\(|@import|https?://", text) for text in page.inline)
    policy = [a.get("content") or "" for t, a in page.tags if t == "meta" and a.get("http-equiv")]
    assert policy and policy[0].startswith("default-src 'none'")


def test_the_html_report_has_the_matrix_by_part_and_every_failure_with_its_exchange(failing: Reports) -> None:
    html = failing.html
    for part in ("request", "response", "error", "behaviour", "sdk"):
        assert f'<tbody class="part" data-part="{part}">' in html
    for clause in failing.json["clauses"]:
        assert f'data-clause="{clause["id"]}"' in html
    for clause in [c for c in _ids(failing, "fail") if not c.startswith("sdk.")]:
        detail = html.split(f'<details class="detail" id="detail-{clause}"', 1)[1].split("</details>", 1)[0]
        assert '<pre class="request">' in detail and '<pre class="response">' in detail
        assert '<pre class="reproduce">curl -sS -i -X GET' in detail
    assert 'id="sdk-matrix"' in html


def test_the_html_report_escapes_what_the_target_sent(deviating: Reports) -> None:
    report = json.loads(json.dumps(deviating.json))
    report["target"] = "<script>alert(1)</script>"
    clause = next(c for c in report["clauses"] if c["outcome"] == "deviation")
    clause["deviation"]["example"] = '"><img src=x onerror=alert(2)>'
    html = render_html(report)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html


# ------------------------------------------------------------------------------------------------ terminal
def test_reproduce_lines_are_cut_to_the_terminal_width_and_kept_whole_in_json(failing: Reports) -> None:
    whole = [f["reproduce"] for c in failing.json["clauses"] for f in c["failures"] if "reproduce" in f]
    assert whole and max(len(w) for w in whole) > 60
    narrow = render_terminal(failing.json, 60, "out.json")
    reproduce = [line for line in narrow.splitlines() if line.startswith("    reproduce: ")]
    assert reproduce and all(len(line) <= 60 for line in reproduce)
    assert any(line.endswith("…") for line in reproduce)
    assert "the whole commands are in out.json" in narrow
    wide = render_terminal(failing.json)
    assert any(line == f"    reproduce: {w}" for w in whole for line in wide.splitlines())
    assert "the whole commands" not in wide


# ------------------------------------------------------------------------------------------------ pytest front end
def test_pytest_on_the_suites_counts_deviations_apart_from_passes(tmp_path: Path) -> None:
    import subprocess
    import sys

    from bedrock_conformance._schemas import data_dir

    command = [sys.executable, "-m", "pytest", str(data_dir("suites")), "-q", "-p", "no:cacheprovider"]
    command += ["--bc-seed", "11", "--bc-examples", "2", "--junit-xml", str(tmp_path / "j.xml")]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-3000:]
    lines = done.stdout.strip().splitlines()
    summary = re.compile(r"\d+ pass, 0 fail, \d+ deviation, \d+ skip; \d+ requests")
    ours = next(line for line in lines if summary.fullmatch(line))
    passed, deviations, skipped = (int(n) for n in re.findall(r"(\d+) (?:pass|deviation|skip)\b", ours))
    assert deviations >= 2
    assert re.fullmatch(rf"{passed} passed, {skipped} skipped, {deviations} deviation in [\d.]+s", lines[-1]), lines[-1]
    cases = ET.parse(tmp_path / "j.xml").getroot().iter("testcase")
    assert all(c.get("classname", "").startswith("bedrock_conformance.") for c in cases)
