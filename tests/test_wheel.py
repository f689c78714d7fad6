"""The wheel is the whole tool: built from the checkout, it runs from anywhere with nothing beside it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built with the installed hatchling (no network)."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", str(ROOT), "-w", str(out)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("bedrock_conformance-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel's contents alone, in a folder that goes first on PYTHONPATH."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    return target


def test_the_wheel_ships_schemas_suites_cassettes_and_the_published_responses(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    package = "bedrock_conformance/"
    for schema in ("request", "response", "errors", "behaviour", "operations", "deviations", "sdk", "drift"):
        assert f"{package}_data/schemas/{schema}.json" in names
    assert f"{package}_data/schemas/published/responses.json" in names
    assert f"{package}_data/schemas/published/observations.json" in names
    for suite in ("__init__", "conftest", "test_request", "test_response", "test_errors", "test_behaviour"):
        assert f"{package}suites/{suite}.py" in names
    for cassette in ("mock/request.yaml", "mock/errors.yaml", "mock/behaviour.yaml", "published/behaviour.yaml"):
        assert f"{package}_data/cassettes/{cassette}" in names
    assert f"{package}mock/catalogue.json" in names
    records = json.loads(zipfile.ZipFile(wheel).read(f"{package}_data/schemas/published/responses.json"))["records"]
    assert records and all(r["id"].startswith("rec-") and r["source"].startswith("https://") for r in records)


def _outside(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "AWS_ENDPOINT_URL_BEDROCK")}
    env["PYTHONPATH"] = str(installed)
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_the_installed_wheel_runs_replays_and_serves_pytest_from_any_folder(installed: Path, tmp_path: Path) -> None:
    where = _outside(installed, tmp_path, "-c", "import bedrock_conformance; print(bedrock_conformance.__file__)")
    assert Path(where.stdout.strip()).is_relative_to(installed), where.stdout + where.stderr
    assert not Path(where.stdout.strip()).is_relative_to(ROOT)

    run = _outside(installed, tmp_path, "-m", "bedrock_conformance", "run", "--seed", "1", "--quiet")
    assert run.returncode == 0, run.stdout + run.stderr

    for name in ("mock", "published"):
        report = tmp_path / f"{name}.json"
        replay = _outside(
            installed, tmp_path, "-m", "bedrock_conformance", "run", "--target", f"replay:{name}", "--quiet",
            "--report-json", str(report),
        )  # fmt: skip
        assert replay.returncode == 0, replay.stdout + replay.stderr
        assert json.loads(report.read_text())["clauses"]
    evidence = [
        e
        for c in json.loads((tmp_path / "published.json").read_text())["clauses"]
        for e in (c.get("deviation") or {}).get("evidence", [])
    ]
    assert evidence and all(e["source"].startswith("https://") for e in evidence)

    suites = _outside(
        installed, tmp_path, "-m", "pytest", "--pyargs", "bedrock_conformance.suites", "--bc-target", "mock",
        "--bc-seed", "1", "-q", "-p", "no:cacheprovider",
    )  # fmt: skip
    assert suites.returncode == 0, suites.stdout + suites.stderr
    summary = suites.stdout.strip().splitlines()[-1]
    assert " passed" in summary and not re.search(r"\b\d+ failed\b", summary), summary
    assert "pass, 0 fail" in suites.stdout  # the suites' conftest ran the run and printed its summary
