"""pytest-xdist: workers split a run's requests, and every worker judges each clause from all of them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mutants import MUTANTS, Call, Proxy, Reply, Upstream
from zoo.runs import INTERRUPTIBLE_CLI

from bedrock_conformance._engine import Recorder
from bedrock_conformance.cli import main
from bedrock_conformance.mock import MockServer
from bedrock_conformance.parallel import Pool, PoolError, Share, _pool
from bedrock_conformance.targets import TargetOptions, open_target

pytest.importorskip("xdist")

JUNIT = {"pass": "passed", "deviation": "passed", "fail": "failed", "skip": "skipped"}


def _run(tmp_path: Path, name: str, *args: str, workers: int = 0) -> tuple[int, dict[str, Any], dict[str, str]]:
    report, junit = tmp_path / f"{name}.json", tmp_path / f"{name}.xml"
    argv = ["run", "--quiet", "--report-json", str(report), "--junit-xml", str(junit), *args]
    argv += ["--", "-p", "no:unraisableexception", *(["-n", str(workers)] if workers else [])]
    code = main(argv)
    cases = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        outcome = "failed" if case.find("failure") is not None else "passed"
        outcome = "skipped" if case.find("skipped") is not None else outcome
        cases[case.attrib["name"].split("[", 1)[1].rstrip("]")] = outcome
    return code, json.loads(report.read_text(encoding="utf-8")), cases


@pytest.fixture(scope="module")
def reference_mock() -> Iterator[MockServer]:
    with MockServer() as mock:
        yield mock


def test_a_parallel_run_gives_every_clause_the_serial_outcome_without_repeating_suites(tmp_path: Path) -> None:
    _, serial, _ = _run(tmp_path, "serial", "--seed", "4", "--examples", "4")
    code, parallel, junit = _run(tmp_path, "parallel", "--seed", "4", "--examples", "4", workers=2)
    assert code == 0
    outcomes = {c["id"]: c["outcome"] for c in parallel["clauses"]}
    assert outcomes == {c["id"]: c["outcome"] for c in serial["clauses"]}
    assert junit == {clause: JUNIT[outcome] for clause, outcome in outcomes.items()}
    # The behaviour suite and the List pages ran once, on one worker, as in a serial run.
    checks = lambda report: {c["id"]: c["checks"] for c in report["clauses"] if c["id"].startswith("behaviour.")}  # noqa: E731
    assert checks(parallel) == checks(serial)


@pytest.mark.parametrize("name", ["rejects-valid-partition", "accepts-trailing-newline", "unknown-identifier-found"])
def test_each_workers_verdict_is_the_clauses_outcome_over_every_workers_requests(
    name: str, reference_mock: MockServer, tmp_path: Path
) -> None:
    # The case that exposes a mutant goes to one worker; the clause's test may run on the other.
    mutant = next(m for m in MUTANTS if m.name == name)
    with Proxy(reference_mock, mutant.build()) as proxy:
        code, report, junit = _run(tmp_path, name, "--target", proxy.url, "--seed", "1", "--examples", "4", workers=2)
    assert code == 1
    outcomes = {c["id"]: c["outcome"] for c in report["clauses"]}
    assert outcomes[mutant.breaks] == "fail"
    assert junit == {clause: JUNIT[outcome] for clause, outcome in outcomes.items()}


def test_the_same_seed_and_workers_send_the_same_requests(tmp_path: Path) -> None:
    runs = [_run(tmp_path, f"r{i}", "--seed", "9", "--examples", "6", workers=2)[1] for i in range(2)]
    assert runs[0]["requests"] == runs[1]["requests"]
    assert [c["checks"] for c in runs[0]["clauses"]] == [c["checks"] for c in runs[1]["clauses"]]


def test_a_target_that_cannot_be_reached_stops_every_worker_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bedrock_conformance.cli", "run", "--target", "http://127.0.0.1:1", "--", "-n", "2"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "cannot reach http://127.0.0.1:1" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_an_interrupted_parallel_run_keeps_what_every_worker_sent(reference_mock: MockServer, tmp_path: Path) -> None:
    seen = threading.Semaphore(0)

    def slow(call: Call, upstream: Upstream) -> Reply:
        seen.release()
        time.sleep(0.02)
        return upstream(call)

    report = tmp_path / "r.json"
    with Proxy(reference_mock, slow) as proxy:
        argv = [*INTERRUPTIBLE_CLI, "run", "--target", proxy.url, "--seed", "1"]
        argv += ["--examples", "300", "--report-json", str(report), "--", "-n", "2"]
        run = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        for _ in range(60):  # both workers are sending by then
            assert seen.acquire(timeout=60)
        os.killpg(run.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
        _, err = run.communicate(timeout=60)
    assert run.returncode == 130, err.decode()[-1000:]
    written = json.loads(report.read_text(encoding="utf-8"))
    assert written["complete"] is False
    assert written["requests"] >= 60 - 2  # each worker may have had one request in flight
    assert sum(c["checks"] for c in written["clauses"]) > 60


def test_workers_keep_the_runs_request_budget_together(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "r.json"
    assert main(["run", "--quiet", "--budget", "40", "--report-json", str(report), "--", "-n", "2"]) == 2
    assert "request budget of 40 used up" in capsys.readouterr().err
    assert json.loads(report.read_text(encoding="utf-8"))["requests"] <= 40


@pytest.mark.parametrize(("share", "budget", "rate"), [(Share(0, 2), 21, 2.0), (Share(1, 2), 20, 2.0), (None, 41, 4.0)])
def test_a_worker_gets_its_share_of_the_budget_and_the_rate(
    reference_mock: MockServer, share: Share | None, budget: int, rate: float
) -> None:
    target = open_target(TargetOptions(spec=reference_mock.url, budget=41, rate=4.0, share=share))
    try:
        assert (target.transport.options.budget, target.transport.options.rate) == (budget, rate)
    finally:
        target.close()


@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_shares_split_the_cases_and_deal_each_exercise_to_one_worker(count: int) -> None:
    shares = [Share(i, count) for i in range(count)]
    values = list(range(23))
    assert sorted(v for s in shares for v in s.part(values)) == values
    assert sum(s.quota(25) for s in shares) == 25
    assert max(s.quota(25) for s in shares) - min(s.quota(25) for s in shares) <= 1
    for unit in range(4):
        assert sum(s.deals(unit) for s in shares) == 1
    for handicap in (0, 10, 1000):
        quotas = [s.quota(100, handicap) for s in shares]
        assert quotas == QUOTAS[count, handicap]
        # The worker with extra cases of its own (unit 0 is dealt from the last worker down) takes fewer of these,
        # so that all draw about as many in all, and none fewer than zero.
        assert [s.deals(0) for s in shares] == [i == count - 1 for i in range(count)]
        totals = [q + (handicap if s.deals(0) else 0) for s, q in zip(shares, quotas, strict=True)]
        assert count == 1 or handicap * (count - 1) > 100 or max(totals) - min(totals) <= 1
    assert len({s.salt("x") for s in shares}) == count


# Each worker's share of 100 generated cases when the last worker also draws `handicap` cases of its own, worked out
# by hand: the last worker takes about (100 - handicap * (count - 1)) / count, the others split the rest evenly,
# the first ones taking the remainder.
QUOTAS = {
    (1, 0): [100],
    (1, 10): [100],
    (1, 1000): [100],
    (2, 0): [50, 50],
    (2, 10): [55, 45],
    (2, 1000): [100, 0],
    (3, 0): [34, 33, 33],
    (3, 10): [37, 36, 27],
    (3, 1000): [50, 50, 0],
    (5, 0): [20, 20, 20, 20, 20],
    (5, 10): [22, 22, 22, 22, 12],
    (5, 1000): [25, 25, 25, 25, 0],
}


def test_workers_pool_their_results_and_a_dead_one_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = Pool(tmp_path, Share(0, 2)), Pool(tmp_path, Share(1, 2))
    mine, theirs = Recorder(), Recorder()
    mine.skip("a.b.c", "mine")
    theirs.skip("d.e.f", "theirs")
    theirs.exchanges = 3
    second.announce()
    second.publish(theirs, "stopped there")
    pooled, fatal = first.gather(mine)
    assert (pooled.skips, pooled.exchanges, fatal) == ({"a.b.c": "mine", "d.e.f": "theirs"}, 3, "stopped there")
    assert mine.skips == {"a.b.c": "mine"}  # a worker's own results stay its own: the controller merges those

    (tmp_path / "share-1").unlink()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (tmp_path / "alive-1").write_text(gone.stdout.strip(), encoding="ascii")
    monkeypatch.setattr(_pool, "REPLACE_SECONDS", 0.05)
    with pytest.raises(PoolError, match="worker 2 of 2 went down before sharing its results"):
        first.gather(mine)
