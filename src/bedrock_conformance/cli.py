"""The ``bedrock-conformance`` command: a thin layer over the library."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__
from ._schemas import SchemaError, contract
from ._validator import Finding, Outcome, outcomes_by_clause, validate_list_page, validate_response, worst


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def _documents(path: Path) -> list[tuple[str, str, Any]]:
    """(label, kind, body) for each response in a file: a Get body, a List page, or a JSON list of either."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise UsageError(f"cannot read {path}: not UTF-8 text ({exc.reason})") from exc
    except ValueError as exc:
        raise UsageError(f"cannot read {path}: not JSON ({exc})") from exc
    items = data if isinstance(data, list) else [data]
    list_member = contract().list_member
    out = []
    for index, item in enumerate(items):
        label = f"{path}[{index}]" if isinstance(data, list) else str(path)
        kind = (
            "ListInferenceProfiles page"
            if isinstance(item, dict) and list_member in item
            else "GetInferenceProfile response"
        )
        out.append((label, kind, item))
    return out


def _check(kind: str, body: Any, strict: bool, show_sensitive: bool) -> list[Finding]:
    if kind.startswith("List"):
        return validate_list_page(body, strict=strict, show_sensitive=show_sensitive)
    return validate_response(body, strict=strict, show_sensitive=show_sensitive)


def _response_clause_ids() -> list[str]:
    the_contract = contract()
    return [c.id for c in the_contract.clauses.values() if c.document == "response.json"]


def cmd_validate(args: argparse.Namespace) -> int:
    results = []
    for name in args.files:
        for label, kind, body in _documents(Path(name)):
            findings = _check(kind, body, args.strict, args.show_sensitive)
            by_clause = outcomes_by_clause(findings)
            clauses = {cid: by_clause.get(cid, Outcome.SKIP) for cid in _response_clause_ids()}
            results.append((label, kind, clauses, findings))
    summary = {o.value: 0 for o in Outcome}
    for _label, _kind, clauses, _findings in results:
        for outcome in clauses.values():
            summary[outcome.value] += 1
    if args.format == "json":
        doc = {
            "tool": {"name": "bedrock-conformance", "version": __version__},
            "contract": contract().digest,
            "strict": args.strict,
            "documents": [
                {
                    "file": label,
                    "kind": kind,
                    "clauses": {cid: o.value for cid, o in clauses.items()},
                    "findings": [f.to_dict() for f in findings if f.outcome is not Outcome.PASS or f.drift],
                }
                for label, kind, clauses, findings in results
            ],
            "summary": summary,
        }
        print(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        for label, kind, clauses, findings in results:
            print(f"{label}: {kind}")
            for cid, outcome in clauses.items():
                notes = [f for f in findings if f.clause == cid and (f.outcome is not Outcome.PASS or f.drift)]
                print(f"  {outcome.value:<9} {cid}")
                for f in notes:
                    print(f"            {f.pointer or '/'}: {f.message}")
        print("summary: " + ", ".join(f"{n} {o}" for o, n in summary.items()))
    overall = worst(o for _l, _k, clauses, _f in results for o in clauses.values())
    return 1 if overall is Outcome.FAIL else 0


def _wants_workers(pytest_args: list[str]) -> bool:
    """Whether the arguments passed on to pytest ask for pytest-xdist workers (-n N, -nN, --numprocesses)."""
    return any(a == "--numprocesses" or a.startswith(("-n", "--numprocesses=")) for a in pytest_args)


def cmd_run(args: argparse.Namespace) -> int:
    import pytest

    from ._http import TargetError
    from ._schemas import data_dir
    from ._suite import ConformancePlugin, config_from, open_session
    from .cassettes import CassetteError
    from .report import BaselineError, render_terminal
    from .sdk import SdkSpecError, parse_sdk

    config = config_from(args)
    config.quiet = args.quiet
    config.progress = not args.quiet and sys.stderr.isatty()
    if config.examples < 0:
        raise UsageError("--examples must be 0 or more")
    for sdk in config.sdks:
        try:
            parse_sdk(sdk)
        except SdkSpecError as exc:
            raise UsageError(str(exc)) from exc
    if _wants_workers(args.pytest_args or []) and importlib.util.find_spec("xdist") is None:
        raise UsageError("-n needs pytest-xdist: pip install pytest-xdist")
    try:
        plugin = ConformancePlugin(config)
        plugin.session = open_session(config, plugin.recorder)
    except (BaselineError, TargetError, CassetteError) as exc:
        raise UsageError(str(exc)) from exc
    # The unraisable/thread exception plugins run gc.collect() at session end (0.2-0.45 s) to report what -W hides.
    quiet_plugins = ["-p", "no:terminal", "-p", "no:cacheprovider", "-p", "no:unraisableexception"]
    pytest_args = [str(data_dir("suites")), *quiet_plugins, "-p", "no:threadexception", "-W", "ignore"]
    if args.junit_xml:
        pytest_args.append(f"--junit-xml={args.junit_xml}")
    status = pytest.main(pytest_args + list(args.pytest_args or []), plugins=[plugin])
    if plugin.report is not None and not config.quiet:
        # On a terminal, reproduce lines are cut to its width (the JSON report keeps them whole).
        width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
        print(render_terminal(plugin.report, width, config.report_json))
    if plugin.fatal is not None:
        raise UsageError(plugin.fatal)
    if plugin.interrupted:
        print("interrupted: the report was written and marked incomplete", file=sys.stderr)
        return 130
    if plugin.report is None:
        raise UsageError(f"the suites did not run (pytest exit {int(status)})")
    return plugin.exit_code


def cmd_cassettes_check(args: argparse.Namespace) -> int:
    from .cassettes import CassetteError, lint

    try:
        problems, checked = lint(Path(args.directory))
    except CassetteError as exc:
        raise UsageError(str(exc)) from exc
    for problem in problems:
        print(f"{problem.where}: {problem.message}")
    print(f"{len(problems)} problems; {checked} clause checks of recorded answers")
    return 1 if problems else 0


def cmd_replay(args: argparse.Namespace) -> int:
    from ._http import TargetError
    from .cassettes import CassetteError, compare, read_directory
    from .targets import TargetOptions, open_target

    try:
        interactions = read_directory(Path(args.directory))
        target = open_target(
            TargetOptions(
                spec=args.target,
                region=args.region,
                aws_profile=args.aws_profile,
                timeout=args.timeout,
                allow_writes=args.allow_writes or None,
            )
        )
    except (CassetteError, TargetError) as exc:
        raise UsageError(str(exc)) from exc
    try:
        differences, total = compare(interactions, target.transport)
    except TargetError as exc:
        raise UsageError(str(exc)) from exc
    finally:
        target.close()
    recorded = interactions[0].meta.get("target", "?") if interactions else "?"
    title = f"parity: {target.name} vs recorded {recorded}"
    for difference in differences:
        print(f"{difference.where}: {difference.what}")
    print(f"{title}: {total - len({d.where for d in differences})} of {total} interactions agree")
    if args.report_json:
        doc = {
            "target": target.name,
            "recorded": recorded,
            "interactions": total,
            "differences": [{"where": d.where, "what": d.what} for d in differences],
        }
        Path(args.report_json).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return 1 if differences else 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="bedrock-conformance", description="Conformance suite for Amazon Bedrock GetInferenceProfile."
    )
    parser.add_argument("--version", action="version", version=f"bedrock-conformance {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    validate = sub.add_parser(
        "validate", help="check saved GetInferenceProfile / ListInferenceProfiles JSON clause by clause"
    )
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.add_argument("--strict", action="store_true", help="count AWS's recorded deviations as failures")
    validate.add_argument("--format", choices=("text", "json"), default="text")
    validate.add_argument(
        "--show-sensitive", action="store_true", help="print description values instead of redacting them"
    )
    validate.set_defaults(func=cmd_validate)

    from ._suite import add_options

    run = sub.add_parser("run", help="run the conformance suites against a target and report per clause")
    add_options(run.add_argument)
    run.add_argument("--junit-xml", metavar="FILE", help="also write JUnit XML (one test case per clause)")
    run.add_argument("--quiet", action="store_true", help="no per-clause table on the terminal and no progress line")
    run.add_argument("pytest_args", nargs="*", metavar="-- PYTEST_ARGS", help="extra arguments for pytest")
    run.set_defaults(func=cmd_run)

    cassettes = sub.add_parser("cassettes", help="work with recorded cassettes")
    cassettes_sub = cassettes.add_subparsers(dest="cassettes_command", required=True, parser_class=_Parser)
    check = cassettes_sub.add_parser("check", help="lint a folder of cassettes: parse, secrets, clause checks")
    check.add_argument("directory", metavar="DIR")
    check.set_defaults(func=cmd_cassettes_check)

    replay = sub.add_parser("replay", help="re-send recorded requests to another implementation and diff the answers")
    replay.add_argument("directory", metavar="DIR")
    replay.add_argument("--target", required=True, help="mock, http(s)://HOST:PORT, aws[:REGION] or moto")
    replay.add_argument("--region", default="us-east-1")
    replay.add_argument("--aws-profile", default=None)
    replay.add_argument("--timeout", type=float, default=10.0)
    replay.add_argument("--report-json", metavar="FILE")
    replay.add_argument("--allow-writes", action="store_true", help="re-send recorded creates and deletes too")
    replay.set_defaults(func=cmd_replay)

    from . import drift

    drift_cmd = sub.add_parser("drift", help="compare schemas/ with botocore's bedrock model; exit 1 on new drift")
    drift.add_drift_arguments(drift_cmd)
    drift_cmd.set_defaults(func=drift.run_drift)

    from .mock import _cli as mock_cli

    mock = sub.add_parser("mock", help="serve the reference mock until SIGINT/SIGTERM (prints its URL first)")
    mock_cli.add_arguments(mock)
    mock.set_defaults(func=mock_cli.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return int(args.func(args))
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except SchemaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("BEDROCK_CONFORMANCE_DEBUG"):
            raise
        print(
            f"internal error: {type(exc).__name__}: {exc} (set BEDROCK_CONFORMANCE_DEBUG=1 for a traceback)",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
