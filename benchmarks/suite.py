"""The conformance run: overhead per request (row 1), scaling with --examples (row 5), pytest-xdist (row 6)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._harness import Row, middle, progress, repeat

# Generated cases per clause for the scaling row.
SCALES = (10, 100, 1000)
# A super-linear run is one whose cost per added example grows by more than half from the small to the big step.
LINEAR_BOUND = 1.5
# A bigger run for row 6's notes, where the fixed cost of starting workers weighs less.
BIG_RUN = 1000


@dataclass
class RunResult:
    seconds: float
    report: dict[str, Any]
    exit_code: int

    @property
    def requests(self) -> int:
        return int(self.report["requests"])


def child_environment(keep: bool) -> tuple[dict[str, str], str | None]:
    """The environment for timed runs, and a note when it differs from ours.

    With PYTHONDONTWRITEBYTECODE set, pytest cannot cache its assertion rewriting of plugin modules (hypothesis
    registers a plugin: about ninety modules) and redoes it in every process, about 2 s each. Users rarely set it,
    so timed runs go without it unless ``keep`` says otherwise.
    """
    env = dict(os.environ)
    if keep or "PYTHONDONTWRITEBYTECODE" not in env:
        return env, None
    del env["PYTHONDONTWRITEBYTECODE"]
    return env, "PYTHONDONTWRITEBYTECODE was set here and is unset for the timed runs (--keep-env keeps it)"


def _run_in_process(seed: int) -> RunResult:
    """``bedrock-conformance run`` through its own main() in this process, timed from call to return."""
    from bedrock_conformance import cli

    with tempfile.TemporaryDirectory(prefix="bc-bench-") as tmp:
        path = Path(tmp) / "report.json"
        start = time.perf_counter()
        code = cli.main(["run", "--quiet", "--seed", str(seed), "--report-json", str(path)])
        seconds = time.perf_counter() - start
        return RunResult(seconds, json.loads(path.read_text(encoding="utf-8")), code)


def _run_subprocess(seed: int, env: Mapping[str, str], *pytest_args: str, examples: int | None = None) -> RunResult:
    """``bedrock-conformance run`` as a user starts it: a new interpreter, wall time from spawn to exit."""
    with tempfile.TemporaryDirectory(prefix="bc-bench-") as tmp:
        path = Path(tmp) / "report.json"
        argv = [sys.executable, "-m", "bedrock_conformance.cli", "run", "--quiet", "--seed", str(seed)]
        argv += ["--report-json", str(path)]
        if examples is not None:
            argv += ["--examples", str(examples)]
        if pytest_args:
            argv += ["--", *pytest_args]
        start = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, text=True, check=False, env=dict(env))
        seconds = time.perf_counter() - start
        if not path.exists():
            raise RuntimeError(f"{' '.join(argv)} wrote no report (exit {done.returncode}): {done.stderr.strip()}")
        return RunResult(seconds, json.loads(path.read_text(encoding="utf-8")), done.returncode)


def _outcomes(report: dict[str, Any]) -> dict[str, str]:
    return {c["id"]: c["outcome"] for c in report["clauses"]}


# ------------------------------------------------------------------------------------------------ row 1
def _boto3_loop(calls: int) -> float:
    """Seconds for ``calls`` boto3 get_inference_profile calls against a mock started as the run starts its own."""
    import boto3
    from botocore.config import Config

    from bedrock_conformance.mock import MockServer

    with MockServer() as mock:
        client = boto3.client(
            "bedrock",
            region_name="us-east-1",
            endpoint_url=mock.url,
            aws_access_key_id="AKIDBENCHMARK0000000",
            aws_secret_access_key="benchmark-secret-key-0000000000000000000",
            config=Config(retries={"max_attempts": 1}),
        )
        profiles = client.list_inference_profiles()["inferenceProfileSummaries"]
        identifiers = [p["inferenceProfileId"] for p in profiles]
        client.get_inference_profile(inferenceProfileIdentifier=identifiers[0])
        start = time.perf_counter()
        for index in range(calls):
            client.get_inference_profile(inferenceProfileIdentifier=identifiers[index % len(identifiers)])
        return time.perf_counter() - start


def suite_overhead(times: int) -> Row:
    """Row 1: a default run's wall time per request it sent, against one bare boto3 call."""
    row = Row(
        "1",
        "suite: default run against the embedded mock, wall time / requests sent",
        "bare loop of boto3 get_inference_profile against the same mock, per call",
        1.5,
        at_least=False,
    )
    # One run first: the process pays imports and compiled strategies once, as every later run would not.
    _run_in_process(0)
    runs: list[RunResult] = []
    loops: list[float] = []

    def measure(index: int) -> None:
        runs.append(_run_in_process(index + 1))

    def baseline(index: int) -> None:
        run = runs[-1]
        loops.append(_boto3_loop(run.requests) / run.requests)
        row.samples.append((run.seconds / run.requests) / loops[-1])
        per_case = run.seconds / run.requests * 1000
        progress(f"  row 1 rep {index + 1}: {per_case:.2f} ms per case, boto3 {loops[-1] * 1000:.2f} ms per call")

    repeat(times, measure, baseline)
    row.notes += [
        f"run: {middle([r.seconds / r.requests for r in runs]) * 1000:.2f} ms per request "
        f"({middle([r.seconds for r in runs]):.2f} s for {middle([r.requests for r in runs]):.0f} requests, "
        "in process, after one warm-up run)",
        f"boto3: {middle(loops) * 1000:.2f} ms per get_inference_profile call, as many calls as the run sent",
    ]
    return row


# ------------------------------------------------------------------------------------------------ row 5
def scaling(times: int, env: Mapping[str, str], scales: Sequence[int] = SCALES) -> Row:
    """Row 5: how the run's time grows with --examples; the ratio compares the cost per added example."""
    small, mid, big = scales
    row = Row(
        "5",
        f"scaling: run time per added example, --examples {mid}→{big}",
        f"the same, --examples {small}→{mid}",
        LINEAR_BOUND,
        at_least=False,
    )
    timings: dict[int, list[RunResult]] = {n: [] for n in scales}

    def step(n: int) -> Any:
        def run(index: int) -> None:
            timings[n].append(_run_subprocess(index + 1, env, examples=n))
            progress(f"  row 5 rep {index + 1}: --examples {n}: {timings[n][-1].seconds:.2f} s")
            if n == big:
                t = [timings[k][-1].seconds for k in scales]
                row.samples.append(((t[2] - t[1]) / (big - mid)) / ((t[1] - t[0]) / (mid - small)))

        return run

    repeat(times, *(step(n) for n in scales))
    verdict = "linear" if row.met else "NOT linear: the cost per example grows with the number of examples"
    row.notes.append(f"1.0 is linear (the same cost for every added example); {verdict}")
    for n in scales:
        seconds, requests = middle([r.seconds for r in timings[n]]), middle([r.requests for r in timings[n]])
        row.notes.append(
            f"--examples {n}: {seconds:.2f} s, {requests:.0f} requests, {seconds / requests * 1000:.1f} ms per request"
        )
    return row


# ------------------------------------------------------------------------------------------------ row 6 and wall time
def parallel(times: int, env: Mapping[str, str], workers: int = 2) -> tuple[Row, Row]:
    """Row 6: the default run with pytest-xdist ``-n 2`` against the same run serial; also its wall time (#4, #15)."""
    row = Row(
        "6",
        f"parallel: default run with pytest-xdist -n {workers}, speed-up",
        "the same run serial (same seed)",
        1.6,
        at_least=True,
    )
    wall = Row(
        "w",
        "default `bedrock-conformance run` wall time, the whole family (issues #4, #15)",
        "10 s budget on a 2-core machine (issue #15; #4 allowed 30 s)",
        10.0,
        at_least=False,
        unit=" s",
    )
    if importlib.util.find_spec("xdist") is None:
        raise ImportError("pytest-xdist is not installed", name="pytest-xdist")
    flags = ("-n", str(workers))
    # Untimed: the first runs write the bytecode and assertion-rewrite caches every later run reads.
    _run_subprocess(0, env)
    _run_subprocess(0, env, *flags)
    runs: dict[str, list[RunResult]] = {"serial": [], "parallel": [], "big serial": [], "big parallel": []}

    def run_serial(index: int) -> None:
        runs["serial"].append(_run_subprocess(index + 1, env))
        wall.samples.append(runs["serial"][-1].seconds)

    def run_parallel(index: int) -> None:
        runs["parallel"].append(_run_subprocess(index + 1, env, *flags))
        serial, spread = runs["serial"][-1].seconds, runs["parallel"][-1].seconds
        row.samples.append(serial / spread)
        progress(f"  row 6 rep {index + 1}: serial {serial:.2f} s, -n {workers} {spread:.2f} s")

    def run_big(index: int) -> None:
        runs["big serial"].append(_run_subprocess(index + 1, env, examples=BIG_RUN))
        runs["big parallel"].append(_run_subprocess(index + 1, env, *flags, examples=BIG_RUN))

    repeat(times, run_serial, run_parallel, run_big)
    same = all(
        _outcomes(a.report) == _outcomes(b.report)
        for a, b in zip(runs["serial"] + runs["big serial"], runs["parallel"] + runs["big parallel"], strict=True)
    )
    codes = sorted({r.exit_code for results in runs.values() for r in results})
    seconds = {name: middle([r.seconds for r in results]) for name, results in runs.items()}
    requests = {name: middle([r.requests for r in results]) for name, results in runs.items()}
    row.notes += [
        f"default run: serial {seconds['serial']:.2f} s, -n {workers} {seconds['parallel']:.2f} s "
        f"(medians, subprocess wall time); requests serial {requests['serial']:.0f}, "
        f"-n {workers} {requests['parallel']:.0f}",
        f"--examples {BIG_RUN}: serial {seconds['big serial']:.2f} s, -n {workers} {seconds['big parallel']:.2f} s, "
        f"speed-up {seconds['big serial'] / seconds['big parallel']:.2f}×",
        "merged -n reports: "
        + ("the same outcome for every clause as the serial runs" if same else "OUTCOMES DIFFER from the serial runs")
        + f"; exit codes {codes}",
    ]
    wall.notes.append(f"{requests['serial']:.0f} requests; summary {runs['serial'][0].report['summary']}")
    return row, wall
