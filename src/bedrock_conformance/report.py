"""Reports: one entry per clause in schemas/, as JSON, Markdown or terminal text."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import __version__
from ._engine import Recorder, RunConfig
from ._schemas import contract
from ._validator import REDACTED, Outcome
from .checks import Result, clause_verdict

MAX_FAILURES = 5


class BaselineError(ValueError):
    pass


def load_baseline(path: str) -> dict[str, str]:
    """``{"known_failures": [{"clause": id, "reason": why}, ...]}`` -> {clause: reason}."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        entries = data["known_failures"]
        known = {str(e["clause"]): str(e.get("reason", "")) for e in entries}
    except OSError as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc.strerror or exc}") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise BaselineError(f"baseline {path} is not {{'known_failures': [{{'clause', 'reason'}}]}}: {exc}") from exc
    unknown = sorted(set(known) - set(contract().clauses))
    if unknown:
        raise BaselineError(f"baseline {path} names clauses that do not exist: {', '.join(unknown)}")
    return known


def _sensitive_members() -> frozenset[str]:
    props = contract().documents["response.json"]["properties"]
    return frozenset(name for name, schema in props.items() if schema.get("x-sensitive"))


def _redact(value: Any, members: frozenset[str]) -> Any:
    """Sensitive members (description) of bodies quoted in a report, as the validator's findings show them."""
    if isinstance(value, dict):
        return {k: REDACTED if k in members and isinstance(v, str) else _redact(v, members) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v, members) for v in value]
    return value


def _is_json(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except ValueError:
        return False
    return True


def _failure(result: Result, show_sensitive: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"message": result.message}
    if result.exchange is not None:
        data = result.exchange.to_dict()
        out["request"] = data["request"]
        out["response"] = data.get("response", {"error": result.exchange.error})
        if result.exchange.response is not None and not _is_json(out["response"].get("body")):
            # NaN or Infinity read as a number: quote the body as the text it was, and keep the report JSON.
            out["response"]["body"] = result.exchange.response.body.decode("utf-8", "replace")
        if not show_sensitive and isinstance(out["response"], dict) and "body" in out["response"]:
            out["response"]["body"] = _redact(out["response"]["body"], _sensitive_members())
        out["reproduce"] = result.exchange.curl()
    return out


def build_report(
    recorder: Recorder,
    config: RunConfig,
    target_name: str,
    *,
    complete: bool = True,
    baseline: Mapping[str, str] | None = None,
    started: datetime | None = None,
) -> dict[str, Any]:
    the_contract = contract()
    baseline = baseline or {}
    by_clause: dict[str, list[Result]] = {}
    for result in recorder.results:
        by_clause.setdefault(result.clause, []).append(result)
    clauses = []
    summary = {o.value: 0 for o in Outcome}
    for clause in the_contract.clauses.values():
        results = by_clause.get(clause.id, [])
        # The same rule as the pytest outcome's (checks.clause_verdict).
        verdict = clause_verdict(results, recorder.skips.get(clause.id))
        outcome = verdict.outcome
        entry: dict[str, Any] = {
            "id": clause.id,
            "outcome": outcome.value,
            "spec": clause.spec,
            "source": clause.source,
            "checks": len(verdict.decided),
            "retries": _retries(results),
            "failures": [_failure(r, config.show_sensitive) for r in results if r.outcome is Outcome.FAIL][
                :MAX_FAILURES
            ],
        }
        if outcome is Outcome.SKIP:
            entry["reason"] = verdict.reason
        if verdict.inconclusive:
            # Answers that decided nothing (a throttle that outlived its retries, a denial before access was proven).
            entry["inconclusive"] = {"checks": len(verdict.inconclusive), "note": verdict.reason}
        deviations = [r for r in results if r.outcome is Outcome.DEVIATION and r.finding and r.finding.deviation]
        if deviations:
            deviation = deviations[0].finding.deviation  # type: ignore[union-attr]
            assert deviation is not None
            entry["deviation"] = {
                "summary": deviation.summary,
                "rule": deviation.rule_text,
                "evidence": [dict(e) for e in deviation.evidence],
                "seen": len(deviations),
                "example": deviations[0].message,
            }
        known = [r for r in results if r.outcome is Outcome.DEVIATION and "defect" in r.context]
        if known and "deviation" not in entry:
            defect = known[0].context["defect"]
            entry["deviation"] = {
                "summary": f"known SDK defect {defect['id']}: {defect['summary']}",
                "rule": "schemas/sdk.json x-known-defects",
                "evidence": defect["evidence"],
                "seen": len(known),
                "example": known[0].message,
            }
        drift = [r.message for r in results if r.finding is not None and r.finding.drift]
        if drift:
            entry["drift"] = sorted(set(drift))[:20]
        if clause.id in baseline:
            entry["baseline"] = {"reason": baseline[clause.id], "stale": outcome is not Outcome.FAIL}
        summary[outcome.value] += 1
        clauses.append(entry)
    new_failures = [c["id"] for c in clauses if c["outcome"] == "fail" and c["id"] not in baseline]
    return {
        "tool": {"name": "bedrock-conformance", "version": __version__},
        "target": target_name,
        "contract": {"digest": the_contract.digest, "clauses": len(the_contract.clauses)},
        "seed": config.seed,
        "config": {"examples": config.examples, "strict": config.strict, "region": config.region},
        "started": (started or datetime.now(timezone.utc)).isoformat(timespec="seconds"),
        "complete": complete,
        "requests": recorder.exchanges,
        "retries": recorder.retries,
        "clauses": clauses,
        "summary": summary,
        "new_failures": new_failures,
        "sdks": [run.to_dict() for run in recorder.sdk_runs],
        "sdk_matrix": _sdk_matrix(recorder),
        "stale_baseline": sorted(c["id"] for c in clauses if c.get("baseline", {}).get("stale")),
    }


def _retries(results: list[Result]) -> int:
    """How many times the clause's requests were sent again (each exchange counted once)."""
    exchanges = {id(r.exchange): r.exchange for r in results if r.exchange is not None}
    return sum(e.attempts - 1 for e in exchanges.values())


def _sdk_matrix(recorder: Recorder) -> str | None:
    if not recorder.sdk_runs:
        return None
    from .sdk import render_sdk_matrix

    return str(render_sdk_matrix(recorder.sdk_runs))


def exit_code(report: Mapping[str, Any]) -> int:
    return 1 if report["new_failures"] else 0


_MARK = {"pass": "✔", "fail": "✘", "deviation": "≈", "skip": "–"}


def render_terminal(report: Mapping[str, Any]) -> str:
    lines = [f"bedrock-conformance {report['tool']['version']} against {report['target']} (seed {report['seed']})"]
    width = max(len(c["id"]) for c in report["clauses"])
    for c in report["clauses"]:
        note = ""
        if c["outcome"] == "skip":
            note = c.get("reason", "")
        elif c["outcome"] == "deviation":
            note = c["deviation"]["summary"]
        elif c["outcome"] == "fail" and "baseline" in c:
            note = f"known: {c['baseline']['reason']}"
        lines.append(
            f"{_MARK[c['outcome']]} {c['outcome']:<9} {c['id']:<{width}}  {c['checks']:>4} checks  {note}".rstrip()
        )
    failures = [c for c in report["clauses"] if c["failures"]]
    if failures:
        lines.append("")
        lines.append("failures:")
        for c in failures:
            for f in c["failures"][:2]:
                lines.append(f"  {c['id']}: {f['message']}")
                if "reproduce" in f:
                    lines.append(f"    reproduce: {f['reproduce']}")
    for clause in report["stale_baseline"]:
        lines.append(f"stale baseline entry: {clause} now passes")
    s = report["summary"]
    state = "" if report["complete"] else " (INCOMPLETE: interrupted)"
    lines.append(
        f"{s['pass']} pass, {s['fail']} fail, {s['deviation']} deviation, {s['skip']} skip; "
        f"{report['requests']} requests{state}"
    )
    return "\n".join(lines)


def render_markdown(report: Mapping[str, Any]) -> str:
    s = report["summary"]
    lines = [
        "# GetInferenceProfile conformance report",
        "",
        f"- Target: `{report['target']}`",
        f"- Tool: bedrock-conformance {report['tool']['version']}; contract `{report['contract']['digest'][:19]}…`",
        f"- Seed: {report['seed']}; started {report['started']}; {report['requests']} requests"
        + ("" if report["complete"] else "; **incomplete (interrupted)**"),
        f"- Result: **{s['pass']} pass, {s['fail']} fail, {s['deviation']} deviation, {s['skip']} skip**",
        "",
        "| Clause | Outcome | Checks | Spec | Notes |",
        "|---|---|---:|---|---|",
    ]
    for c in report["clauses"]:
        note = ""
        if c["failures"]:
            note = c["failures"][0]["message"]
        elif c["outcome"] == "deviation":
            note = f"deviates as AWS does: {c['deviation']['summary']}"
        elif c["outcome"] == "skip":
            note = c.get("reason", "")
        cells = [f"`{c['id']}`", f"{_MARK[c['outcome']]} {c['outcome']}", str(c["checks"]), c["spec"], note]
        lines.append("| " + " | ".join(x.replace("|", "\\|").replace("\n", " ") for x in cells) + " |")
    if report.get("sdk_matrix"):
        lines += ["", "## SDK matrix", "", report["sdk_matrix"]]
    return "\n".join(lines) + "\n"


def write_reports(report: Mapping[str, Any], json_path: str | None, md_path: str | None) -> None:
    if json_path:
        Path(json_path).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if md_path:
        Path(md_path).write_text(render_markdown(report), encoding="utf-8")
