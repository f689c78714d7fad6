"""The conformance run end to end: report shapes, exit codes, baseline, determinism, targets."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from bedrock_conformance._schemas import contract, data_dir
from bedrock_conformance.cli import main
from bedrock_conformance.mock import MockServer


def _run(tmp_path: Path, *args: str, name: str = "r.json") -> tuple[int, dict[str, Any]]:
    code = main(["run", "--quiet", "--report-json", str(tmp_path / name), *args])
    return code, json.loads((tmp_path / name).read_text())


@pytest.fixture(scope="module")
def default_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, Any], Path]:
    root = tmp_path_factory.mktemp("run")
    code = main(
        [
            "run",
            "--seed",
            "11",
            "--examples",
            "5",
            "--quiet",
            "--report-json",
            str(root / "r.json"),
            "--report-md",
            str(root / "r.md"),
            "--junit-xml",
            str(root / "j.xml"),
        ]
    )
    return code, json.loads((root / "r.json").read_text()), root


def test_the_reference_mock_passes_with_zero_failures(default_run: Any) -> None:
    code, report, _ = default_run
    assert code == 0
    assert report["summary"]["fail"] == 0
    # In its default region (us-east-1) the mock serves no profile with more than five models (the six-model
    # apac profile is served in Asia-Pacific regions only: tests/test_conformant_variants.py runs there).
    assert {c["id"]: c["outcome"] for c in report["clauses"]}["response.models.maxItems"] == "pass"


def test_every_clause_in_the_schemas_appears_exactly_once_with_its_spec(default_run: Any) -> None:
    _, report, _ = default_run
    ids = [c["id"] for c in report["clauses"]]
    assert ids == list(contract().clauses) and len(set(ids)) == len(ids)
    for clause in report["clauses"]:
        assert clause["spec"] == contract().clause(clause["id"]).spec
        assert clause["outcome"] in ("pass", "fail", "deviation", "skip")
        assert set(clause) >= {"id", "outcome", "spec", "checks", "failures"}
        if clause["outcome"] == "skip":
            assert clause["reason"]


def test_the_report_names_tool_target_contract_seed_and_summary(default_run: Any) -> None:
    _, report, _ = default_run
    assert report["tool"]["name"] == "bedrock-conformance" and report["tool"]["version"]
    assert report["target"].startswith("mock")
    assert report["contract"]["digest"] == contract().digest
    assert report["seed"] == 11
    assert sum(report["summary"].values()) == len(report["clauses"])


def test_the_recorded_aws_deviations_show_as_deviations_against_the_mock(default_run: Any) -> None:
    _, report, _ = default_run
    deviations = {c["id"]: c for c in report["clauses"] if c["outcome"] == "deviation"}
    assert {"response.description.pattern", "response.inferenceProfileName.pattern"} <= set(deviations)
    for entry in deviations.values():
        assert entry["deviation"]["evidence"] and entry["deviation"]["summary"]


def test_markdown_is_a_conformance_matrix_and_junit_has_a_case_per_clause(default_run: Any) -> None:
    _, report, root = default_run
    markdown = (root / "r.md").read_text()
    assert markdown.count("\n| `") == len(report["clauses"])
    cases = ET.parse(root / "j.xml").getroot().iter("testcase")
    names = " ".join(c.get("name", "") for c in cases)
    assert "request.inferenceProfileIdentifier.pattern" in names and "error.ThrottlingException.status" in names


def test_the_same_seed_sends_the_same_requests(tmp_path: Path) -> None:
    _, first = _run(tmp_path, "--seed", "5", "--examples", "4", name="a.json")
    _, second = _run(tmp_path, "--seed", "5", "--examples", "4", name="b.json")
    assert first["requests"] == second["requests"]
    assert [(c["id"], c["checks"]) for c in first["clauses"]] == [(c["id"], c["checks"]) for c in second["clauses"]]


def test_examples_sets_the_generated_cases_per_clause(tmp_path: Path) -> None:
    _, small = _run(tmp_path, "--seed", "5", "--examples", "1", name="a.json")
    _, large = _run(tmp_path, "--seed", "5", "--examples", "20", name="b.json")
    pattern = "request.inferenceProfileIdentifier.pattern"
    checks = {r["id"]: r["checks"] for r in small["clauses"]}, {r["id"]: r["checks"] for r in large["clauses"]}
    assert checks[1][pattern] > checks[0][pattern]


def test_strict_turns_the_mocks_deviations_into_failures(tmp_path: Path) -> None:
    code, report = _run(tmp_path, "--seed", "5", "--examples", "1", "--strict")
    assert code == 1
    failed = {c["id"] for c in report["clauses"] if c["outcome"] == "fail"}
    assert "response.description.pattern" in failed


def test_an_unreachable_target_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--target", "http://127.0.0.1:1"]) == 2
    assert capsys.readouterr().err == "error: cannot reach http://127.0.0.1:1: connection refused\n"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--target", "gopher://x"], "unknown target"),
        (["--examples", "-1"], "--examples"),
        (["--nope"], "unrecognized arguments"),
        (["--baseline", "/nonexistent.json"], "cannot read baseline"),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(args: list[str], expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", *args]) == 2
    lines = capsys.readouterr().err.splitlines()
    # A flag argparse refuses comes after the command's usage line, as argparse does it.
    errors = [line for line in lines if not line.startswith("usage: ")]
    assert len(errors) == 1 and expected in errors[0] and len(lines) <= 2


def _moto_run(tmp_path: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    # moto implements no inference-profile operation: a target with many failures to gate on. It answers every
    # request 500, so each is sent once: retries would only wait (half of the run) for the same lasting 500.
    pytest.importorskip("moto.server")
    return _run(tmp_path, "--target", "moto", "--seed", "5", "--examples", "1", "--max-attempts", "1", *extra)


@pytest.fixture(scope="module")
def moto_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, Any]]:
    """One run against moto without a baseline, shared by the tests that read it (each baseline run is their own)."""
    return _moto_run(tmp_path_factory.mktemp("moto"))


def _failed(report: dict[str, Any]) -> list[str]:
    return sorted(c["id"] for c in report["clauses"] if c["outcome"] == "fail")


def test_a_baseline_of_known_failures_keeps_the_run_green_and_flags_stale_entries(
    tmp_path: Path, moto_run: tuple[int, dict[str, Any]]
) -> None:
    code, report = moto_run
    failed = _failed(report)
    assert code == 1 and failed
    baseline = {"known_failures": [{"clause": c, "reason": "denied by policy"} for c in failed]}
    baseline["known_failures"].append({"clause": "response.status.enum", "reason": "fixed long ago"})
    (tmp_path / "baseline.json").write_text(json.dumps(baseline))
    code, report = _moto_run(tmp_path, "--baseline", str(tmp_path / "baseline.json"))
    assert code == 0
    assert report["new_failures"] == [] and report["stale_baseline"] == ["response.status.enum"]


def test_a_new_failure_beyond_the_baseline_fails_the_run(tmp_path: Path, moto_run: tuple[int, dict[str, Any]]) -> None:
    failed = _failed(moto_run[1])
    assert len(failed) >= 2
    (tmp_path / "baseline.json").write_text(json.dumps({"known_failures": [{"clause": failed[0], "reason": "x"}]}))
    code, report = _moto_run(tmp_path, "--baseline", str(tmp_path / "baseline.json"))
    assert code == 1 and sorted(report["new_failures"]) == failed[1:]


def test_failures_carry_request_response_message_and_a_curl_reproduce_line(
    moto_run: tuple[int, dict[str, Any]],
) -> None:
    _, report = moto_run
    failure = next(f for c in report["clauses"] for f in c["failures"])
    assert set(failure) >= {"request", "response", "message", "reproduce"}
    assert failure["reproduce"].startswith("curl ") and "--aws-sigv4" in failure["reproduce"]
    assert "Authorization" not in json.dumps(failure["request"]["headers"]).replace('"<scrubbed>"', "")


def test_access_denied_everywhere_is_inconclusive_not_a_failure(tmp_path: Path) -> None:
    with MockServer(deny=["resource:*"]) as mock:
        code, report = _run(tmp_path, "--target", mock.url, "--seed", "5", "--examples", "1")
    outcomes = {c["id"]: c for c in report["clauses"]}
    assert code == 0
    assert outcomes["behaviour.unknownIdentifier.notFound"]["outcome"] == "skip"
    assert "denied" in outcomes["behaviour.unknownIdentifier.notFound"]["reason"]


def test_moto_is_a_target_whose_missing_operations_are_failures_not_a_crash(
    moto_run: tuple[int, dict[str, Any]],
) -> None:
    code, report = moto_run
    assert code == 1
    failed = {c["id"] for c in report["clauses"] if c["outcome"] == "fail"}
    assert "request.inferenceProfileIdentifier.pattern" in failed


def test_the_suites_run_under_plain_pytest_too(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(data_dir("suites")),
            "-q",
            "-p",
            "no:cacheprovider",
            "--bc-seed",
            "2",
            "--bc-examples",
            "1",
            "--bc-report-json",
            str(tmp_path / "r.json"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert json.loads((tmp_path / "r.json").read_text())["summary"]["fail"] == 0


def test_failure_bodies_in_reports_redact_the_sensitive_description_unless_asked() -> None:
    from bedrock_conformance._engine import Recorder, RunConfig
    from bedrock_conformance._http import Exchange, Request, Response
    from bedrock_conformance._validator import Outcome
    from bedrock_conformance.checks import Result
    from bedrock_conformance.report import build_report

    body = json.dumps({"description": "secret roadmap", "status": "DELETING"}).encode()
    exchange = Exchange(Request("GET", "http://x/inference-profiles/a"), Response(200, {}, body))
    recorder = Recorder()
    recorder.add([Result("response.status.enum", Outcome.FAIL, "DELETING", exchange)])
    quiet = json.dumps(build_report(recorder, RunConfig(), "t"))
    shown = json.dumps(build_report(recorder, RunConfig(show_sensitive=True), "t"))
    assert "secret roadmap" not in quiet and "<redacted>" in quiet
    assert "secret roadmap" in shown


def test_workers_without_pytest_xdist_are_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "xdist" else real(name, *a))
    for workers in (["-n", "2"], ["-n2"], ["--numprocesses=2"]):
        assert main(["run", "--", *workers]) == 2
        assert capsys.readouterr().err == "error: -n needs pytest-xdist: pip install pytest-xdist\n"


# A plugin another installed package declares (pytest-randomly, say): it writes a file when pytest configures it.
_FOREIGN_PLUGIN = """
import os
def pytest_configure(config):
    with open(os.environ["FOREIGN_PLUGIN_LOG"], "a") as log:
        log.write("configured\\n")
"""


def test_a_run_loads_no_other_packages_plugin_unless_the_user_passes_pytest_arguments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another package's pytest plugin (one that reorders or reseeds tests, say) stays out of a plain run; a run given
    pytest arguments after ``--`` leaves pytest as it is, so that every option and plugin the user names works."""
    site = tmp_path / "site"
    (site / "foreign_dist-1.0.dist-info").mkdir(parents=True)
    (site / "foreign_dist-1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: foreign-dist\n")
    (site / "foreign_dist-1.0.dist-info" / "entry_points.txt").write_text("[pytest11]\nforeign = foreign_plugin\n")
    (site / "foreign_plugin.py").write_text(_FOREIGN_PLUGIN)
    log = tmp_path / "configured.log"
    monkeypatch.setenv("FOREIGN_PLUGIN_LOG", str(log))
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()

    assert _run(tmp_path, "--examples", "1")[0] == 0
    assert not log.exists()
    assert "PYTEST_DISABLE_PLUGIN_AUTOLOAD" not in os.environ  # put back as it was

    assert _run(tmp_path, "--examples", "1", "--", "-x", name="user.json")[0] == 0
    assert log.read_text() == "configured\n"


# A run in a fresh process that logs a warning record and raises a Python warning as it ends (outside every test's
# phases, where pytest's capture would swallow them anyway).
_NOISY_RUN = """
import logging, sys, warnings
from bedrock_conformance.cli import main
from bedrock_conformance.frontend._plugin import ConformancePlugin

real = ConformancePlugin.pytest_sessionfinish

def noisy(self, session, exitstatus):
    logging.getLogger("some.library").warning("LOGGED-DURING-THE-RUN")
    warnings.warn("WARNED-DURING-THE-RUN", UserWarning)
    return real(self, session, exitstatus)

ConformancePlugin.pytest_sessionfinish = noisy
sys.exit(main(["run", "--examples", "1", "--quiet", "--report-json", sys.argv[1], *sys.argv[2:]]))
"""


@pytest.mark.parametrize("user_args", [[], ["--", "-x"]], ids=["plain", "with-pytest-arguments"])
def test_log_records_and_warnings_raised_during_a_run_stay_off_its_output(tmp_path: Path, user_args: list[str]) -> None:
    """As pytest's logging and warnings plugins keep them off a run whose terminal output is off, a plain run (which
    loads neither) drops them too."""
    done = subprocess.run(
        [sys.executable, "-c", _NOISY_RUN, str(tmp_path / "r.json"), *user_args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads((tmp_path / "r.json").read_text())["summary"]["fail"] == 0
    for noise in ("LOGGED-DURING-THE-RUN", "WARNED-DURING-THE-RUN"):
        assert noise not in done.stdout + done.stderr
