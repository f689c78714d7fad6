"""The pytest plugin that runs the suites: orders them, records or replays cassettes, pools pytest-xdist workers'
results, stops cleanly on a fatal error, and writes the report."""

from __future__ import annotations

import dataclasses
import pickle
import shutil
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from .._engine import Recorder, RunConfig, Session
from .._http import TargetError
from .._progress import Progress
from .._validator import Outcome
from ..cassettes import CassetteError, Recording, recording_metadata
from ..checks import clause_verdict
from ..parallel import Pool, PoolError, pool_from, published, send_share
from ..report import annotate_junit, build_report, exit_code, load_baseline, render_terminal, write_reports
from ._open import open_session

PLUGIN_NAME = "bedrock-conformance-run"
# pytest-xdist: the run's configuration goes to each worker, and each worker's results come back, under this key.
XDIST_KEY = "bedrock_conformance"
POOL_KEY = "bedrock_conformance_pool"
MODULE_ORDER = (
    "test_request",
    "test_behaviour",
    "test_errors",
    "test_response",
    "test_sdk",
    "test_family",
    "test_pagination",
    "test_family_writes",
    "test_lifecycle",
    "test_answers",
)


def _group(item: pytest.Item) -> str:
    module = getattr(item, "module", None)
    name = module.__name__.rsplit(".", 1)[-1] if module is not None else "other"
    return name.removeprefix("test_")


class ConformancePlugin:
    """Orders the suites, records or replays cassettes per suite, stops cleanly on a fatal error, writes the report.

    Under pytest-xdist (``-n N``) each worker runs with the controller's configuration and hands its results back;
    the controller alone writes the one merged report.
    """

    def __init__(self, config: RunConfig, session: Session | None = None, *, worker: bool = False):
        self.config = config
        self.worker = worker
        self.session = session
        self.recorder = session.recorder if session else Recorder()
        self.baseline = load_baseline(config.baseline) if config.baseline else {}
        self.started = datetime.now(timezone.utc)
        self.report: dict[str, Any] | None = None
        self.interrupted = False
        self.fatal: str | None = None
        self.recording: Recording | None = None
        # pytest-xdist: the controller's shared directory and its next share index; a worker's pool.
        self.pool_directory: str | None = None
        self.shares: dict[str, int] = {}
        self.merged_shares: set[int] = set()
        self.pool: Pool | None = None
        # On a terminal, the progress line (the controller's alone).
        self.progress: Progress | None = None

    def _open(self) -> Session:
        if self.session is None:
            self.session = open_session(self.config, self.recorder, self.pool.share if self.pool else None)
        if self.config.record and self.recording is None:
            target = self.session.target
            mock = target.kind == "mock"
            attempts = self.config.max_attempts
            self.recording = Recording(
                Path(self.config.record),
                self.config.record_mode,
                recording_metadata(
                    "mock" if mock else target.name,
                    target.kind,
                    self.config.region,
                    self.config.seed,
                    self.config.examples,
                    can_force_errors=target.can_force_errors,
                    writes=target.writes,
                    **({"max_attempts": attempts} if attempts != RunConfig.max_attempts else {}),
                ),
                self.config.scrub_account,
                target.transport.endpoint,
                # A stable host for the mock, whose port changes every run, keeps regenerated cassettes identical.
                "http://mock.bedrock-conformance.invalid" if mock else target.transport.endpoint,
            )
        return self.session

    def pytest_configure(self, config: pytest.Config) -> None:
        if self.config.record and getattr(config.option, "numprocesses", None):
            raise pytest.UsageError("--record writes one cassette per suite from one process: drop -n")
        if not (self.worker or config.option.help or config.option.collectonly):
            self._check_target(bool(getattr(config.option, "numprocesses", None)))
        if self.worker:
            self.pool = pool_from(getattr(config, "workerinput", {}), POOL_KEY)
        elif (
            getattr(config.option, "numprocesses", None)
            and config.getoption("dist", "no") not in ("no", "each")
            and not self.config.target.startswith("replay:")
        ):
            # A replay looks answers up per suite's cassette, so its workers each judge what they replay.
            self.pool_directory = tempfile.mkdtemp(prefix="bedrock-conformance-pool-")

    def _check_target(self, workers: bool) -> None:
        """Before any test: a target that cannot be opened ends the run in one line, exit 2 (not a skip per test).

        Under pytest-xdist the workers open their own; the controller only checks that it can be opened."""
        if self.session is not None:
            return
        try:
            if workers:
                open_session(self.config).close()
            else:
                self._open()
        except (TargetError, CassetteError) as exc:
            pytest.exit(str(exc), returncode=2)

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        if not self.config.progress or self.worker:
            return
        # Under pytest-xdist the requests are the workers' until they hand their results back: clauses only.
        parallel = bool(getattr(session.config.option, "numprocesses", None))
        self.progress = Progress(sys.stderr, None if parallel else lambda: self.recorder.exchanges)
        self.progress.start()

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        if self.progress is not None:
            self.progress.total = len(ids)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.progress is not None and report.when == "teardown":
            self.progress.done += 1

    def _stop_progress(self) -> None:
        if self.progress is not None:
            self.progress.stop()

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        self._stop_progress()
        # pytest's junitxml wrote its file at session finish; the report it is made to agree with exists by now.
        junit = getattr(config.option, "xmlpath", None)
        if junit and self.report is not None and not self.worker:
            annotate_junit(junit, self.report)
        if self.pool_directory is not None:
            shutil.rmtree(self.pool_directory, ignore_errors=True)

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """xdist controller: a worker runs with this run's configuration, the seed included, and its share."""
        node.workerinput[XDIST_KEY] = dataclasses.asdict(self.config)
        if self.pool_directory is not None:
            count = int(node.workerinput["workercount"])
            # A worker that replaces one that died takes over its share.
            free = [i for i in range(count) if i not in self.shares.values()]
            index = free[0] if free else len(self.shares) % count
            self.shares[node.gateway.id] = index
            node.workerinput[POOL_KEY] = {"directory": self.pool_directory, "index": index, "count": count}

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        """xdist controller: fold a finished worker's results into this run's."""
        output = getattr(node, "workeroutput", {}).get(XDIST_KEY)
        index = self.shares.pop(node.gateway.id, None) if error else self.shares.get(node.gateway.id)
        if output is None:
            self.fatal = self.fatal or f"pytest-xdist worker {node.gateway.id} went down: {error or 'no results'}"
            return
        # Pickled by our own worker process, a child of this one.
        state, fatal, interrupted = pickle.loads(output)
        self.recorder.merge(state)
        self.fatal = self.fatal or fatal
        self.interrupted = self.interrupted or interrupted
        if index is not None:
            self.merged_shares.add(index)

    def _recover_shares(self) -> None:
        """xdist controller: what a worker sent and shared, but never handed back (interrupted or gone), counts."""
        if self.pool_directory is None:
            return
        for index, state, _ in published(Path(self.pool_directory)):
            if index not in self.merged_shares:
                self.recorder.merge(state)
                self.merged_shares.add(index)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> None:
        """xdist worker with a pool: send this worker's share, then pool every worker's results for the verdicts."""
        pool = self.pool
        if pool is None:
            return
        pool.announce()
        try:
            send_share(self._open())
        except (TargetError, CassetteError) as exc:
            self.fatal = self.fatal or str(exc)
        finally:
            pool.publish(self.recorder, self.fatal)  # even on the way out: the others wait for it
        if self.session is None:
            return
        try:
            self.session.evidence, theirs = pool.gather(self.recorder)
        except PoolError as exc:
            theirs = str(exc)
        self.fatal = self.fatal or theirs

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        def rank(item: pytest.Item) -> int:
            name = "test_" + _group(item)
            return MODULE_ORDER.index(name) if name in MODULE_ORDER else len(MODULE_ORDER)

        items.sort(key=rank)
        if self.progress is not None:
            self.progress.total = len(items)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        if self.fatal is not None:
            pytest.skip(f"stopped: {self.fatal}")
        try:
            session = self._open()
        except (TargetError, CassetteError) as exc:
            self._stop(item, str(exc))
            pytest.skip(f"stopped: {exc}")
        group = _group(item)
        if self.recording is not None:
            self.recording.metadata["can_force_errors"] = session.target.can_force_errors
            try:
                self.recording.switch(group, session.target.transport)
            except CassetteError as exc:
                self._stop(item, str(exc))
                pytest.skip(f"stopped: {exc}")
        if session.replay is not None:
            session.replay.group = f"{self.config.target.partition(':')[2]}/{group}.yaml"

    def _stop(self, item: pytest.Item, message: str) -> None:
        self.fatal = self.fatal or message
        item.session.shouldstop = message

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        outcome = yield
        if call.excinfo is None:
            self._mark_deviation(item, outcome.get_result())
            return
        error = call.excinfo.value
        if isinstance(error, (TargetError, CassetteError)):
            self._stop(item, str(error))
            outcome.get_result().longrepr = f"stopped: {error}"
        elif not isinstance(error, (pytest.fail.Exception, pytest.skip.Exception, pytest.xfail.Exception)):
            # A bug in the suite itself must never pass for a clean run.
            self._stop(item, f"internal error in {item.nodeid}: {type(error).__name__}: {error}")

    def _mark_deviation(self, item: pytest.Item, report: pytest.TestReport) -> None:
        """A clause test that passed because its clause deviates as real AWS does says so (see
        ``pytest_report_teststatus``), by the same rule the verdict and the reports take (checks.clause_verdict)."""
        callspec = getattr(item, "callspec", None)
        clause = callspec.params.get("clause") if callspec is not None else None
        if report.when != "call" or not report.passed or not isinstance(clause, str) or self.session is None:
            return
        evidence = self.session.evidence or self.session.recorder
        if clause_verdict(evidence.of(clause), evidence.skips.get(clause)).outcome is Outcome.DEVIATION:
            report.user_properties.append(("outcome", Outcome.DEVIATION.value))

    def pytest_report_teststatus(self, report: pytest.TestReport, config: pytest.Config) -> Any:
        """pytest's own summary counts deviations apart from passes: ``52 passed, 3 deviation, 13 skipped``."""
        if report.when == "call" and report.passed and ("outcome", Outcome.DEVIATION.value) in report.user_properties:
            return Outcome.DEVIATION.value, "D", "DEVIATION"
        return None

    def pytest_keyboard_interrupt(self) -> None:
        self.interrupted = True

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self.worker:
            if self.session is not None:
                self.session.close()
            output = (self.recorder.state(), self.fatal, self.interrupted)
            session.config.workeroutput[XDIST_KEY] = pickle.dumps(output)  # type: ignore[attr-defined]
            return
        self._stop_progress()
        if self.recording is not None and self.session is not None:
            complete = not self.interrupted and self.fatal is None
            self.recording.finish(self.session.target.transport, complete=complete)
        self._recover_shares()
        target_name = self.session.target.name if self.session else self.config.target
        self.report = build_report(
            self.recorder,
            self.config,
            target_name,
            complete=not self.interrupted and self.fatal is None,
            baseline=self.baseline,
            started=self.started,
        )
        if self.fatal is not None:
            self.report["stopped"] = self.fatal
        write_reports(self.report, self.config.report_json, self.config.report_md, self.config.report_html)
        if self.session is not None:
            self.session.close()

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.report is not None and not self.config.quiet:
            terminalreporter.write_line("")
            # On a terminal, reproduce lines are cut to its width (the JSON report keeps them whole).
            width = shutil.get_terminal_size().columns if getattr(terminalreporter, "isatty", False) else None
            for line in render_terminal(self.report, width, self.config.report_json).splitlines():
                terminalreporter.write_line(line)

    @property
    def exit_code(self) -> int:
        if self.fatal is not None or self.report is None:
            return 2
        return exit_code(self.report)
