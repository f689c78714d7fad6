"""Reports: one entry per clause in schemas/, as JSON, Markdown or terminal text."""

from __future__ import annotations

import json
import platform
import re
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import __version__
from ._engine import Recorder, RunConfig
from ._http import _body_for_report
from ._junit import annotate_junit as annotate_junit
from ._junit import summary_line as _summary_line
from ._matrix import grouped, markdown_matrix
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
    return contract().response.sensitive_members()


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


def _exchange_parts(result: Result, show_sensitive: bool = False) -> dict[str, Any]:
    """The request, the response (or the transport error) and a curl command that sends the request again."""
    if result.exchange is None:
        return {}
    data = result.exchange.to_dict()
    out: dict[str, Any] = {
        "request": data["request"],
        "response": data.get("response", {"error": result.exchange.error}),
    }
    response = result.exchange.response
    if response is not None and isinstance(out["response"], dict):
        if not show_sensitive:
            out["response"]["body"] = _redacted_body(response.body)
        if not _is_json(out["response"].get("body")):
            # NaN or Infinity read as a number: quote the body as the text it was, and keep the report JSON.
            out["response"]["body"] = response.body.decode("utf-8", "replace")
    out["reproduce"] = result.exchange.curl()
    return out


def _redacted_body(body: bytes) -> Any:
    """A body as the report quotes it, its sensitive members redacted before a long body is cut short (a cut body
    is quoted as text, where they could no longer be found)."""
    quoted = _body_for_report(body)
    if not isinstance(quoted, str):
        return _redact(quoted, _sensitive_members())
    try:
        parsed = json.loads(body)
    except ValueError:
        return quoted
    redacted = _redact(parsed, _sensitive_members())
    return _body_for_report(json.dumps(redacted, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _failure(result: Result, show_sensitive: bool = False) -> dict[str, Any]:
    return {"message": result.message, **_exchange_parts(result, show_sensitive)}


def _versions() -> dict[str, str]:
    """The versions of what a run depends on, as the report's run configuration shows them."""
    from importlib import metadata

    versions = {"python": platform.python_version()}
    for name in ("botocore", "boto3", "hypothesis", "pytest"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


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
    for clause in the_contract.clauses.values():  # the page's operation's first (the contract's order)
        results = by_clause.get(clause.id, [])
        # The same rule as the pytest outcome's (checks.clause_verdict).
        verdict = clause_verdict(results, recorder.skips.get(clause.id))
        outcome = verdict.outcome
        entry: dict[str, Any] = {
            "id": clause.id,
            "operation": clause.operation,
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
                **_exchange_parts(deviations[0], config.show_sensitive),
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
        "duration": round((datetime.now(timezone.utc) - (started or datetime.now(timezone.utc))).total_seconds(), 3),
        "versions": _versions(),
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


def run_configuration(report: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What the run was asked for and what it ran with, as (label, value) rows for the human-readable reports."""
    config, versions = report.get("config", {}), report.get("versions", {})
    sdks = [s for s in report.get("sdks", []) if isinstance(s, dict)]
    sdk_text = "; ".join(
        f"{s.get('sdk')} {s.get('version') or '(not run)'}" + (f" ({s['runtime']})" if s.get("runtime") else "")
        for s in sdks
    )
    duration = report.get("duration")
    rows = [
        ("Target", str(report["target"])),
        ("Region", str(config.get("region", ""))),
        ("Seed", str(report["seed"])),
        ("Examples per clause", str(config.get("examples", ""))),
        ("Strict", "yes" if config.get("strict") else "no"),
        ("Tool", f"bedrock-conformance {report['tool']['version']}"),
        ("Contract", str(report["contract"]["digest"])),
        ("botocore", str(versions.get("botocore", "?"))),
        ("boto3", str(versions.get("boto3", "?"))),
        ("Python", str(versions.get("python", "?"))),
        ("SDKs", sdk_text or "none (run the sdk.* suites with --sdk)"),
        ("Started", str(report["started"])),
        ("Duration", f"{duration:.1f} s" if isinstance(duration, (int, float)) else "?"),
        ("Requests sent", str(report["requests"])),
        ("Complete", "yes" if report["complete"] else "no: interrupted or stopped" + _stopped(report)),
    ]
    return rows


def _stopped(report: Mapping[str, Any]) -> str:
    return f" ({report['stopped']})" if report.get("stopped") else ""


def _shorten(text: str, room: int) -> tuple[str, bool]:
    if len(text) <= room:
        return text, False
    return text[: max(room - 1, 10)] + "…", True


def render_terminal(report: Mapping[str, Any], width: int | None = None, json_path: str | None = None) -> str:
    """The per-clause table and the first failures; with ``width`` (a terminal's), reproduce lines that would not
    fit are shortened with '…' and the JSON report keeps them whole."""
    lines = [f"bedrock-conformance {report['tool']['version']} against {report['target']} (seed {report['seed']})"]
    width_id = max(len(c["id"]) for c in report["clauses"])
    for c in report["clauses"]:
        note = ""
        if c["outcome"] == "skip":
            note = c.get("reason", "")
        elif c["outcome"] == "deviation":
            note = c["deviation"]["summary"]
        elif c["outcome"] == "fail" and "baseline" in c:
            note = f"known: {c['baseline']['reason']}"
        lines.append(
            f"{_MARK[c['outcome']]} {c['outcome']:<9} {c['id']:<{width_id}}  {c['checks']:>4} checks  {note}".rstrip()
        )
    failures = [c for c in report["clauses"] if c["failures"]]
    shortened = False
    if failures:
        lines.append("")
        lines.append("failures:")
        for c in failures:
            for f in c["failures"][:2]:
                lines.append(f"  {c['id']}: {f['message']}")
                if "reproduce" in f:
                    prefix = "    reproduce: "
                    command, cut = _shorten(f["reproduce"], width - len(prefix)) if width else (f["reproduce"], False)
                    shortened = shortened or cut
                    lines.append(prefix + command)
        if shortened:
            where = f"in {json_path}" if json_path else "with --report-json FILE"
            lines.append(f"  (reproduce lines shortened to the terminal's width: the whole commands are {where})")
    for clause in report["stale_baseline"]:
        lines.append(f"stale baseline entry: {clause} now passes")
    state = "" if report["complete"] else " (INCOMPLETE: interrupted)"
    lines.append(f"{_summary_line(report)}; {report['requests']} requests{state}")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _fence(text: str, language: str = "") -> list[str]:
    """A fenced code block that its own text cannot close."""
    run = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, run + 1)
    return [fence + language, text, fence]


def _as_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def _markdown_exchange(item: Mapping[str, Any]) -> list[str]:
    lines: list[str] = []
    if "request" in item:
        lines += ["", "Request:", "", *_fence(_as_json(item["request"]), "json")]
    if "response" in item:
        lines += ["", "Response:", "", *_fence(_as_json(item["response"]), "json")]
    if "reproduce" in item:
        lines += ["", "Reproduce:", "", *_fence(item["reproduce"], "sh")]
    return lines


def _same_exchange(one: Mapping[str, Any], other: Mapping[str, Any]) -> bool:
    """Two findings in one answer (one List page, say) quote the same exchange."""
    return "request" in one and all(one.get(k) == other.get(k) for k in ("request", "response", "reproduce"))


def render_markdown(report: Mapping[str, Any]) -> str:
    lines = ["# GetInferenceProfile conformance report", "", "## Run configuration", ""]
    lines += ["| | |", "|---|---|"]
    lines += [f"| {label} | {_cell(value)} |" for label, value in run_configuration(report)]
    lines += [
        "",
        f"Result: **{_summary_line(report)}**" + ("" if report["complete"] else "; **incomplete (interrupted)**"),
        "",
        "## Operations",
        "",
        *markdown_matrix(report["clauses"], _MARK),
        "",
        "## Clauses",
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
        lines.append("| " + " | ".join(_cell(x) for x in cells) + " |")
    failed = [c for c in report["clauses"] if c["failures"]]
    if failed:
        lines += ["", "## Failures"]
        for c in failed:
            lines += ["", f"### `{c['id']}`", "", f"> {_cell(c['spec'])}"]
            if "baseline" in c:
                lines += ["", f"Known failure (baseline): {c['baseline']['reason']}"]
            for number, f in enumerate(c["failures"], 1):
                lines += ["", f"**{number}.** {f['message']}"]
                if number > 1 and _same_exchange(f, c["failures"][number - 2]):
                    lines += ["", f"Request, response and reproduce line as in {number - 1}."]
                else:
                    lines += _markdown_exchange(f)
    deviating = [c for c in report["clauses"] if "deviation" in c]
    if deviating:
        lines += ["", "## Deviations"]
        for c in deviating:
            d = c["deviation"]
            lines += ["", f"### `{c['id']}`", "", f"> {_cell(c['spec'])}", ""]
            lines += [f"Deviates as real AWS does: {d['summary']} ({d['rule']}) Seen {d['seen']} times, e.g.:", ""]
            lines += [d["example"], *_markdown_exchange(d)]
    if report.get("sdk_matrix"):
        # The matrix is a section of its own, heading included.
        lines += ["", report["sdk_matrix"]]
    return "\n".join(lines) + "\n"


def render_html(report: Mapping[str, Any]) -> str:
    """One self-contained page: the clause matrix by part, a filter by outcome, and every failure and deviation
    with its request, response and reproduce line. Nothing is loaded from anywhere; every value is escaped."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("bedrock_conformance", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["as_json"] = _as_json
    env.tests["same_exchange"] = _same_exchange
    page = contract().page_operation.name  # its groups are keyed by their part alone, as before operations were
    parts = [(p if op == page else f"{op}:{p}", f"{op} · {p}", c) for op, p, c in grouped(report["clauses"])]
    return env.get_template("report.html.j2").render(
        report=report,
        configuration=run_configuration(report),
        summary_line=_summary_line(report),
        parts=parts,
        marks=_MARK,
        outcomes=list(_MARK),
    )


def write_reports(
    report: Mapping[str, Any], json_path: str | None, md_path: str | None, html_path: str | None = None
) -> None:
    if json_path:
        Path(json_path).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if md_path:
        Path(md_path).write_text(render_markdown(report), encoding="utf-8")
    if html_path:
        Path(html_path).write_text(render_html(report), encoding="utf-8")
