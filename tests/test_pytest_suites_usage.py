"""``pytest suites`` without the CLI: a target or baseline that cannot be used ends the run in one line, exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bedrock_conformance._schemas import data_dir


def _pytest_suites(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", str(data_dir("suites")), "-p", "no:cacheprovider", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_an_unreachable_target_is_one_line_and_exit_2(tmp_path: Path, workers: list[str]) -> None:
    if workers:
        pytest.importorskip("xdist")
    done = _pytest_suites(tmp_path, "--bc-target", "http://127.0.0.1:1", *workers)
    assert done.returncode == 2
    assert (done.stdout + done.stderr).strip().splitlines() == [
        "Exit: cannot reach http://127.0.0.1:1: connection refused"
    ]


def test_a_missing_baseline_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = _pytest_suites(tmp_path, "--bc-baseline", str(tmp_path / "none.json"))
    assert done.returncode == 2
    lines = (done.stdout + done.stderr).strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Exit: cannot read baseline {tmp_path / 'none.json'}")
