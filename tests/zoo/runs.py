"""Running ``bedrock-conformance run`` in-process against a zoo server and reading what it reported."""

from __future__ import annotations

import contextlib
import io
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bedrock_conformance import contract
from bedrock_conformance._http import Transport
from bedrock_conformance.cli import main
from bedrock_conformance.targets import DUMMY
from zoo.servers import LIST_PATH, Incoming, ZooServer


@dataclass
class Run:
    """What one run left behind: exit code, captured output and both reports."""

    code: int
    out: str
    err: str
    report: dict[str, Any] | None
    markdown: str

    def clause(self, clause_id: str) -> dict[str, Any]:
        assert self.report is not None, self.err
        return next(c for c in self.report["clauses"] if c["id"] == clause_id)

    def messages(self, clause_id: str) -> list[str]:
        return [f["message"] for f in self.clause(clause_id)["failures"]]

    def outcomes(self) -> dict[str, str]:
        assert self.report is not None, self.err
        return {c["id"]: c["outcome"] for c in self.report["clauses"]}

    def failed(self) -> list[str]:
        return [cid for cid, outcome in self.outcomes().items() if outcome == "fail"]


def run(tmp_path: Path, target: str, *extra: str, quiet: bool = True) -> Run:
    """``bedrock-conformance run --target TARGET --examples 2 --seed 1 ...`` with reports in ``tmp_path``."""
    json_path, md_path = tmp_path / "report.json", tmp_path / "report.md"
    for path in (json_path, md_path):
        path.unlink(missing_ok=True)
    argv = ["run", "--target", target, "--examples", "2", "--seed", "1"]
    argv += ["--report-json", str(json_path), "--report-md", str(md_path), *(["--quiet"] if quiet else []), *extra]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    report = json.loads(json_path.read_text()) if json_path.exists() else None
    markdown = md_path.read_text() if md_path.exists() else ""
    return Run(code, out.getvalue(), err.getvalue(), report, markdown)


def listed(zoo: ZooServer, index: int) -> dict[str, Any]:
    """The summary of the profile the zoo's mock lists at ``index``."""
    assert zoo.mock is not None
    transport = Transport(zoo.mock.url, "us-east-1", DUMMY)
    try:
        exchange = transport.send(transport.request("GET", LIST_PATH))
    finally:
        transport.close()
    assert exchange.response is not None
    summaries: list[dict[str, Any]] = exchange.response.json()[contract().list_member]
    return summaries[index]


def get_of(identifier: str) -> Callable[[Incoming], bool]:
    """Matches the GetInferenceProfile request for ``identifier``, its label encoded as botocore does."""
    path = f"{LIST_PATH}/{quote(identifier, safe='-_.~')}"

    def applies(request: Incoming) -> bool:
        return request.method == "GET" and request.path == path

    return applies


# ``bedrock-conformance`` as a child process that Ctrl-C can interrupt. A process started with SIGINT ignored (a
# background job of a non-interactive shell, as some CI runners are) passes that on, and Python then never raises
# KeyboardInterrupt; the child restores it first.
INTERRUPTIBLE_CLI = [
    sys.executable,
    "-c",
    "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "from bedrock_conformance.cli import main; sys.exit(main(sys.argv[1:]))",
]


def application_profiles(url: str) -> list[dict[str, Any]]:
    """The APPLICATION profiles the mock at ``url`` lists now (one page holds them all in these tests)."""
    transport = Transport(url, "us-east-1", DUMMY)
    try:
        page = transport.send(transport.request("GET", "/inference-profiles", query={"type": "APPLICATION"}))
    finally:
        transport.close()
    assert page.response is not None and page.response.status == 200
    return list(page.response.json()["inferenceProfileSummaries"])
