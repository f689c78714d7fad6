"""The SDK matrix: one row per SDK and version, one column per sdk.* clause, as a Markdown section."""

from __future__ import annotations

from collections.abc import Iterable

from .._schemas import contract
from .._validator import Outcome, worst
from ._run import SdkRun
from ._spec import clause_id, sdk_clause_ids

_MARK = {Outcome.PASS: "✔", Outcome.FAIL: "✘", Outcome.DEVIATION: "≈", Outcome.SKIP: "–"}
MAX_FAILURES = 3


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _own(run: SdkRun, message: str) -> str:
    """A result's message without the SDK label it starts with (the row already names the SDK)."""
    return message.removeprefix(f"{run.label}: ")


def _cell(run: SdkRun, clause: str) -> str:
    results = [r for r in run.results if r.clause == clause]
    if not results:
        return _MARK[Outcome.SKIP]
    outcome = worst(r.outcome for r in results)
    if clause == clause_id("clientSide"):
        rejects = results[-1].context.get("rejects") or []
        return "ℹ rejects " + (", ".join(rejects) if rejects else "nothing")
    failed = sum(1 for r in results if r.outcome is Outcome.FAIL)
    if failed:
        return f"{_MARK[outcome]} {failed}/{len(results)}"
    return f"{_MARK[outcome]} {len(results)}"


def render_sdk_matrix(runs: Iterable[SdkRun]) -> str:
    """A Markdown section: the matrix, then what each column means, then the first failures of each SDK."""
    runs = list(runs)
    clauses = sdk_clause_ids()
    lines = [
        "## SDK matrix",
        "",
        "Each cell: ✔ all checks passed (with their number), ✘ failed/run, – not run; the client-side validation"
        " column is information: the identifier constraints the SDK checks before sending.",
        "",
        "| SDK | Runtime | " + " | ".join(f"`{c}`" for c in clauses) + " |",
        "|---|---|" + "---|" * len(clauses),
    ]
    for run in runs:
        runtime = run.runtime or ""
        if run.core and run.core != f"{run.name} {run.version}":
            runtime = f"{runtime}, {run.core}" if runtime else run.core
        cells = [run.label, runtime, *(_cell(run, c) for c in clauses)]
        lines.append("| " + " | ".join(_escape(c) for c in cells) + " |")
    lines += ["", "| Clause | Spec |", "|---|---|"]
    the_contract = contract()
    lines += [f"| `{c}` | {_escape(the_contract.clause(c).spec)} |" for c in clauses]
    notes = []
    for run in runs:
        if run.skipped:
            notes.append(f"- **{run.label}**: {_escape(run.skipped)}")
        for clause in clauses:
            failures = [r for r in run.results if r.clause == clause and r.outcome is Outcome.FAIL]
            for result in failures[:MAX_FAILURES]:
                notes.append(f"- **{run.label}** `{clause}`: {_escape(_own(run, result.message))}")
            if len(failures) > MAX_FAILURES:
                notes.append(f"- **{run.label}** `{clause}`: … and {len(failures) - MAX_FAILURES} more")
        info = [r for r in run.results if r.clause == clause_id("clientSide")]
        if info:
            notes.append(f"- **{run.label}** `{clause_id('clientSide')}`: {_escape(_own(run, info[-1].message))}")
    if notes:
        lines += ["", *notes]
    return "\n".join(lines) + "\n"
