"""The run's pytest plugin off its usual path: --record with workers, a bug in the suites, a target that cannot be
opened when a test starts, what pytest-xdist workers hand back (or do not), and the plugin of users' own tests given
a marker it cannot take. Hooks pytest-xdist calls are called here with stand-ins for its nodes."""

from __future__ import annotations

import io
import os
import pickle
import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bedrock_conformance import cli
from bedrock_conformance._engine import Recorder, RunConfig
from bedrock_conformance._progress import Progress
from bedrock_conformance.exercises import family
from bedrock_conformance.frontend import _plugin
from bedrock_conformance.frontend._plugin import POOL_KEY, XDIST_KEY, ConformancePlugin
from bedrock_conformance.parallel import Pool, Share, _pool, published

RECORD_WITH_WORKERS = "--record writes one cassette per suite from one process: drop -n"


def _refused_url() -> str:
    """A loopback port nobody listens on (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def _node(gateway: str, **attributes: Any) -> Any:
    return SimpleNamespace(gateway=SimpleNamespace(id=gateway), **attributes)


# ------------------------------------------------------------------------------------------------ the CLI
def test_record_with_workers_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", "--quiet", "--record", str(tmp_path / "c"), "--", "-n", "2"]) == 2
    assert capsys.readouterr().err == f"error: {RECORD_WITH_WORKERS}\n"
    assert not (tmp_path / "c").exists()


def test_pytest_on_the_suites_by_module_name_refuses_record_with_workers(tmp_path: Path) -> None:
    """--pyargs names the suites by module (and test): their options are known, and --bc-record with -n is refused."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--pyargs",
            "bedrock_conformance.suites.test_request::test_request_clause",
            "--bc-record",
            str(tmp_path / "c"),
            "-n",
            "2",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 4, done.stdout + done.stderr
    assert done.stderr.strip() == f"ERROR: {RECORD_WITH_WORKERS}"


def test_a_bug_in_the_suites_stops_the_run_as_an_internal_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken() -> list[str]:
        raise RuntimeError("the clause table is gone")

    monkeypatch.setattr(family, "answer_clause_ids", broken)
    assert cli.main(["run", "--quiet", "--examples", "1", "--", "-k", "test_answer_clause"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("error: internal error in ")
    assert line.endswith(
        "test_answers.py::test_answer_clause[CreateInferenceProfile:response.body.type]: "
        "RuntimeError: the clause table is gone"
    )


# ------------------------------------------------------------------------------------------------ hooks
def test_a_target_that_cannot_be_opened_when_a_test_starts_stops_the_run() -> None:
    url = _refused_url()
    plugin = ConformancePlugin(RunConfig(target=url))
    item = SimpleNamespace(session=SimpleNamespace(shouldstop=False))
    with pytest.raises(pytest.skip.Exception, match=r"^stopped: cannot reach .*: connection refused$"):
        plugin.pytest_runtest_setup(item)  # type: ignore[arg-type]
    assert plugin.fatal == item.session.shouldstop == f"cannot reach {url}: connection refused"
    assert plugin.exit_code == 2


def test_a_worker_that_cannot_open_the_target_shares_why_and_judges_nothing(tmp_path: Path) -> None:
    url = _refused_url()
    plugin = ConformancePlugin(RunConfig(target=url), worker=True)
    plugin.pool = Pool(tmp_path, Share(0, 2))
    plugin.pytest_runtestloop(SimpleNamespace())  # type: ignore[arg-type]
    assert plugin.fatal == f"cannot reach {url}: connection refused"
    ((index, _state, why),) = list(published(tmp_path))
    assert (index, why) == (0, f"cannot reach {url}: connection refused")


def test_a_worker_whose_sibling_never_starts_stops_with_that_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_plugin, "send_share", lambda session: None)  # this worker's share sends nothing here
    monkeypatch.setattr(_pool, "START_SECONDS", -1.0)  # the sibling is overdue at once
    plugin = ConformancePlugin(RunConfig(target="mock"), worker=True)
    plugin.pool = Pool(tmp_path, Share(0, 2))
    try:
        plugin.pytest_runtestloop(SimpleNamespace())  # type: ignore[arg-type]
    finally:
        assert plugin.session is not None
        plugin.session.close()
    assert plugin.fatal == "pytest-xdist worker 2 of 2 never started"


def test_a_worker_that_goes_down_without_results_stops_the_run_naming_it() -> None:
    plugin = ConformancePlugin(RunConfig())
    plugin.pytest_testnodedown(_node("gw1"), "Not properly terminated")
    plugin.pytest_testnodedown(_node("gw0", workeroutput={}), None)
    assert plugin.fatal == "pytest-xdist worker gw1 went down: Not properly terminated"  # the first reason stays
    other = ConformancePlugin(RunConfig())
    other.pytest_testnodedown(_node("gw0", workeroutput={}), None)
    assert other.fatal == "pytest-xdist worker gw0 went down: no results"


def test_a_worker_without_a_share_hands_its_results_back_all_the_same() -> None:
    """--dist each, or a replay: no pool, so no share index; its results still count."""
    theirs = Recorder()
    theirs.skip("response.status.enum", "theirs")
    plugin = ConformancePlugin(RunConfig())
    output = pickle.dumps((theirs.state(), None, True))
    plugin.pytest_testnodedown(_node("gw0", workeroutput={XDIST_KEY: output}), None)
    assert plugin.recorder.skips == {"response.status.enum": "theirs"}
    assert (plugin.interrupted, plugin.merged_shares, plugin.fatal) == (True, set(), None)


def test_a_worker_without_a_pool_gets_the_runs_configuration_only() -> None:
    plugin = ConformancePlugin(RunConfig(seed=7))
    node = _node("gw0", workerinput={"workercount": 2})
    plugin.pytest_configure_node(node)
    assert set(node.workerinput) == {"workercount", XDIST_KEY} and POOL_KEY not in node.workerinput
    assert node.workerinput[XDIST_KEY]["seed"] == 7


def test_the_progress_line_counts_the_tests_the_workers_collected() -> None:
    plugin = ConformancePlugin(RunConfig())
    plugin.pytest_xdist_node_collection_finished(_node("gw0"), ["a", "b", "c"])  # no progress line: nothing to do
    plugin.progress = Progress(open(os.devnull, "w"), None)  # noqa: SIM115 (closed below)
    try:
        plugin.pytest_xdist_node_collection_finished(_node("gw0"), ["a", "b", "c"])
        assert plugin.progress.line() == "bedrock-conformance: 0/3 clauses"
    finally:
        plugin.progress.stream.close()


def test_a_worker_that_never_opened_a_session_still_hands_back_its_results() -> None:
    plugin = ConformancePlugin(RunConfig(), worker=True)
    plugin.fatal = "cannot reach http://127.0.0.1:1: connection refused"
    config = SimpleNamespace(workeroutput={})
    plugin.pytest_sessionfinish(SimpleNamespace(config=config), 0)  # type: ignore[arg-type]
    state, fatal, interrupted = pickle.loads(config.workeroutput[XDIST_KEY])
    assert (fatal, interrupted) == ("cannot reach http://127.0.0.1:1: connection refused", False)
    assert state == Recorder().state()


def test_a_controller_without_a_session_reports_on_the_target_it_was_given_and_exits_2(tmp_path: Path) -> None:
    url = _refused_url()
    plugin = ConformancePlugin(RunConfig(target=url, report_json=str(tmp_path / "r.json"), quiet=True))
    plugin.fatal = f"cannot reach {url}: connection refused"
    plugin.pytest_sessionfinish(SimpleNamespace(), 2)  # type: ignore[arg-type]
    assert plugin.report is not None
    assert (plugin.report["target"], plugin.report["stopped"], plugin.report["complete"]) == (
        url,
        f"cannot reach {url}: connection refused",
        False,
    )
    assert (tmp_path / "r.json").exists() and plugin.exit_code == 2
    lines: list[str] = []
    plugin.pytest_terminal_summary(SimpleNamespace(write_line=lines.append))
    assert lines == []  # --quiet: no table


# ------------------------------------------------------------------------------------------------ users' tests
def test_a_positional_bedrock_mock_marker_is_one_line_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(
        textwrap.dedent(
            """
            import pytest

            @pytest.mark.bedrock_mock("eu-west-1")
            def test_positional(bedrock_mock):
                pass
            """
        ),
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_user.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    message = "@pytest.mark.bedrock_mock takes keyword arguments only (MockServer's options)"
    assert done.returncode == 1, done.stdout
    assert f"\n{message}\n" in done.stdout  # the error's whole report, no traceback through the fixture
    assert "pytest_plugin.py" not in done.stdout and "raise " not in done.stdout


# ------------------------------------------------------------------------------------------------ pool, progress
def test_a_worker_without_a_pool_or_that_cannot_see_its_directory_judges_alone(tmp_path: Path) -> None:
    assert _pool.pool_from({}, POOL_KEY) is None  # serial, --dist each, a replay
    elsewhere = {"directory": str(tmp_path / "on-another-machine"), "index": 1, "count": 2}
    assert _pool.pool_from({POOL_KEY: elsewhere}, POOL_KEY) is None
    here = _pool.pool_from({POOL_KEY: {**elsewhere, "directory": str(tmp_path)}}, POOL_KEY)
    assert here is not None and (here.directory, here.share) == (tmp_path, Share(1, 2))


class _Gone:
    """A terminal that went away: every write fails."""

    def __init__(self) -> None:
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        raise OSError(5, "Input/output error")

    def flush(self) -> None:
        pass


def test_progress_on_a_terminal_that_went_away_stops_quietly() -> None:
    stream = _Gone()
    progress = Progress(stream, lambda: 3)  # type: ignore[arg-type]
    progress.start()
    progress.stop()
    assert stream.writes == 1  # the first line failed; nothing more was tried


def test_progress_without_requests_counts_clauses_and_clears_its_line() -> None:
    stream = io.StringIO()
    progress = Progress(stream, None)
    progress.done, progress.total = 3, 10
    progress.stop()  # never started: draws the last state and clears it all the same
    text = "bedrock-conformance: 3/10 clauses"
    assert stream.getvalue() == "\r" + text + "\r" + " " * len(text) + "\r"
