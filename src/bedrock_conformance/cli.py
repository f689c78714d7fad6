"""The ``bedrock-conformance`` command: a thin layer over the library."""

from __future__ import annotations

import argparse
import json
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


def cmd_run(args: argparse.Namespace) -> int:
    import pytest

    from ._engine import Session
    from ._http import TargetError
    from ._schemas import data_dir
    from ._suite import ConformancePlugin, config_from
    from .report import BaselineError
    from .targets import TargetOptions, open_target

    config = config_from(args)
    config.quiet = args.quiet
    if config.examples < 0:
        raise UsageError("--examples must be 0 or more")
    try:
        plugin = ConformancePlugin(config)
    except BaselineError as exc:
        raise UsageError(str(exc)) from exc
    try:
        target = open_target(
            TargetOptions(
                spec=config.target,
                region=config.region,
                aws_profile=config.aws_profile,
                timeout=config.timeout,
                insecure=config.insecure,
                budget=config.budget,
                rate=config.rate,
                allow_writes=config.allow_writes,
                seed=config.seed,
            )
        )
    except TargetError as exc:
        raise UsageError(str(exc)) from exc
    plugin.session = Session(target, config, plugin.recorder)
    plugin._owned = True
    pytest_args = [str(data_dir("suites")), "-q", "--no-header", "-p", "no:cacheprovider", "-W", "ignore"]
    if args.junit_xml:
        pytest_args.append(f"--junit-xml={args.junit_xml}")
    status = pytest.main(pytest_args + list(args.pytest_args or []), plugins=[plugin])
    if status == pytest.ExitCode.INTERRUPTED or plugin.interrupted:
        print("interrupted: the report was written and marked incomplete", file=sys.stderr)
        return 130
    if plugin.report is None:
        raise UsageError(f"the suites did not run (pytest exit {int(status)})")
    return plugin.exit_code


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
    run.add_argument("--quiet", action="store_true", help="no per-clause table on the terminal")
    run.add_argument("pytest_args", nargs="*", metavar="-- PYTEST_ARGS", help="extra arguments for pytest")
    run.set_defaults(func=cmd_run)

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


if __name__ == "__main__":
    sys.exit(main())
