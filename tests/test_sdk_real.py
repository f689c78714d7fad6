"""boto3, aiobotocore and the AWS SDK for JavaScript v3, each driven through the sdk.* suites for real.

aiobotocore runs in an environment of its own in the cache (it pins an older botocore than the project's),
and the JavaScript SDK is installed there from sdk/js/package-lock.json: the first run installs them.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import io
import json
import shutil
from pathlib import Path

import pytest

from bedrock_conformance._engine import Recorder, RunConfig
from bedrock_conformance._validator import Outcome
from bedrock_conformance.checks import Result
from bedrock_conformance.cli import main
from bedrock_conformance.sdk import SdkRun, render_sdk_matrix, run_sdk_suite, sdk_clause_ids
from bedrock_conformance.sdk._spec import parse_sdk, retry_modes

CONFIG = RunConfig(seed=11, examples=3)
SDKS = ("boto3", "aiobotocore", "js")
# What each SDK's client-side validation rejects (botocore checks only the minimum length).
REJECTS = {"boto3": ["minLength"], "aiobotocore": ["minLength"], "js": []}
LEAP_SECOND = "2016-12-31T23:59:60Z"


@pytest.fixture(scope="module")
def all_runs() -> dict[str, tuple[SdkRun, Recorder]]:
    """Each SDK's run, once per module (js only where Node.js is installed)."""
    runs = {}
    for name in SDKS:
        if name == "js" and shutil.which("node") is None:
            continue
        recorder = Recorder()
        runs[name] = (run_sdk_suite(name, recorder, CONFIG), recorder)
    return runs


@pytest.fixture(params=SDKS)
def sdk_run(request: pytest.FixtureRequest, all_runs: dict[str, tuple[SdkRun, Recorder]]) -> tuple[SdkRun, Recorder]:
    if request.param not in all_runs:
        pytest.skip("Node.js is not installed")
    return all_runs[request.param]


def _results(run: SdkRun, clause: str) -> list[Result]:
    return [r for r in run.results if r.clause == clause]


def test_the_sdk_runs_and_keeps_every_sdk_clause_but_its_known_defects(sdk_run: tuple[SdkRun, Recorder]) -> None:
    run, recorder = sdk_run
    assert run.skipped is None
    assert run.version
    # Whatever an SDK gets wrong is a failure unless the ledger (sdk.json x-known-defects) names it exactly.
    assert [r.message for r in run.results if r.outcome is Outcome.FAIL] == []
    for result in run.results:
        if result.outcome is Outcome.DEVIATION:
            assert result.context["defect"]["id"] in result.message
    assert {r.clause for r in run.results} == set(sdk_clause_ids())
    assert recorder.results == run.results


@pytest.mark.parametrize("name", ["boto3", "aiobotocore"])
def test_botocore_cannot_parse_a_leap_second(all_runs: dict[str, tuple[SdkRun, Recorder]], name: str) -> None:
    run, _ = all_runs[name]
    (known,) = [r for r in _results(run, "sdk.response.parsed") if r.outcome is not Outcome.PASS]
    assert known.outcome is Outcome.DEVIATION
    assert LEAP_SECOND in known.message and "raised ValueError" in known.message


def test_the_js_sdk_reads_years_before_100_as_the_1900s(all_runs: dict[str, tuple[SdkRun, Recorder]]) -> None:
    if "js" not in all_runs:
        pytest.skip("Node.js is not installed")
    run, _ = all_runs["js"]
    results = _results(run, "sdk.response.timestamps")
    assert Outcome.FAIL not in {r.outcome for r in results}
    failures = [r.message for r in results if r.outcome is Outcome.DEVIATION]
    assert any("'0001-01-01T00:00:00Z' became '1901-01-01T00:00:00.000Z'" in m for m in failures)
    assert any("'0099-12-31T23:59:59.999Z' became '1999-12-31T23:59:59.999Z'" in m for m in failures)
    assert not any("9999-12-31" in m or "2024-02-29" in m for m in failures)


def test_client_side_validation_is_reported_as_information(sdk_run: tuple[SdkRun, Recorder]) -> None:
    run, _ = sdk_run
    (info,) = _results(run, "sdk.validation.clientSide")
    assert info.outcome is Outcome.PASS
    assert info.context["rejects"] == REJECTS[run.name]
    # Whatever it does not reject reaches the server, which answers ValidationException.
    assert sum(t["sent"] for t in info.context["tally"].values()) > 0


def test_each_retry_mode_makes_the_attempts_it_documents(sdk_run: tuple[SdkRun, Recorder]) -> None:
    run, _ = sdk_run
    modes = retry_modes(parse_sdk(run.name))
    retried = _results(run, "sdk.retry.retried")
    assert retried
    for result in retried:
        assert result.context["attempts"] == modes[result.context["mode"]]["maxAttempts"]
    assert {r.context["mode"] for r in retried} >= set(modes)
    assert all("1 attempt" in r.message for r in _results(run, "sdk.retry.notRetried"))


def test_every_modelled_error_raises_its_modelled_exception_however_typed(
    sdk_run: tuple[SdkRun, Recorder],
) -> None:
    run, _ = sdk_run
    for clause in ("sdk.errorType.header", "sdk.errorType.body", "sdk.errorMessage.capitalised"):
        results = _results(run, clause)
        assert len({r.context["error"] for r in results}) == 5, clause
        assert all(r.outcome is Outcome.PASS for r in results)


def test_python_sdks_report_their_installed_versions(sdk_run: tuple[SdkRun, Recorder]) -> None:
    run, _ = sdk_run
    if run.name == "boto3":
        assert run.version == importlib.metadata.version("boto3")
        assert run.core == f"botocore {importlib.metadata.version('botocore')}"
    elif run.name == "aiobotocore":
        assert run.core is not None and run.core.startswith("botocore ")
    else:
        assert run.runtime is not None and run.runtime.startswith("Node.js")


def test_the_matrix_has_a_row_per_sdk_that_ran(all_runs: dict[str, tuple[SdkRun, Recorder]]) -> None:
    runs = [run for run, _ in all_runs.values()]
    table = render_sdk_matrix(runs)
    rows = [line for line in table.splitlines() if line.startswith("| ") and " ✔ " in line]
    assert len(rows) == len(runs)
    for run in runs:
        assert any(row.startswith(f"| {run.label} |") for row in rows)


@pytest.mark.parametrize("strict", [False, True], ids=["default", "strict"])
def test_a_run_with_the_sdks_passes_with_their_known_defects_shown_and_fails_under_strict(
    tmp_path: Path, strict: bool
) -> None:
    sdks = ["boto3"] + (["js"] if shutil.which("node") else [])
    argv = ["run", "--seed", "11", "--examples", "3", "--report-json", str(tmp_path / "r.json"), "--quiet"]
    argv += [arg for sdk in sdks for arg in ("--sdk", sdk)] + (["--strict"] if strict else [])
    with contextlib.redirect_stdout(io.StringIO()):
        code = main(argv)
    report = json.loads((tmp_path / "r.json").read_text())
    clauses = {c["id"]: c for c in report["clauses"]}
    known = ["sdk.response.parsed"] + (["sdk.response.timestamps"] if "js" in sdks else [])
    if strict:
        assert code == 1
        # --strict also fails AWS's recorded deviations; of the sdk.* clauses, exactly the known defects fail.
        assert sorted(c for c in report["new_failures"] if c.startswith("sdk.")) == sorted(known)
        assert all("known" in clauses[c]["failures"][0]["message"] for c in known)
    else:
        assert (code, report["new_failures"]) == (0, [])
        for clause in known:
            assert clauses[clause]["outcome"] == "deviation"
            assert clauses[clause]["deviation"]["summary"].startswith("known SDK defect ")
            assert clauses[clause]["deviation"]["evidence"]
