"""``bedrock-conformance validate``: saved answers judged clause by clause, without a target.

Which answer a document is: ``--operation NAME`` says so for every document. Without it, a JSON object with the List
page's summaries member is a ListInferenceProfiles page; one whose members all belong to the answer of
ListInferenceProfiles, CreateInferenceProfile or ListTagsForResource (checked in that order) is that answer; one with
any member of a GetInferenceProfile body is one; an object with none of these is refused (exit 2). A document that
is no JSON object is judged as a GetInferenceProfile body, whose type clause it fails.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from . import __version__
from ._model import Clause, Operation
from ._schemas import contract
from ._usage import UsageError
from ._validator import (
    Finding,
    Outcome,
    loads,
    outcomes_by_clause,
    validate_answer,
    validate_list_page,
    validate_response,
    worst,
)


def answer_operations() -> list[Operation]:
    """The operations whose success answer has members to judge (GetInferenceProfile's first): the --operation
    choices."""
    return [op for op in contract().operations.values() if op.output is not None and op.output.members]


def _kind(operation: str) -> str:
    the_contract = contract()
    if operation == the_contract.page_operation.name:
        return f"{operation} response"
    if operation == the_contract.list_operation.name:
        return f"{operation} page"
    return f"{operation} answer"


def _operation_of(item: Any, label: str) -> str:
    """Which answer a document is, by its members (the rule in this module's docstring)."""
    the_contract = contract()
    page = the_contract.page_operation.name
    if not isinstance(item, dict):
        return page
    if the_contract.list_member in item:
        return the_contract.list_operation.name
    members = set(item)
    siblings = [op for op in answer_operations() if op.name != page]
    for op in siblings:
        assert op.output is not None
        if members and members <= set(op.output.members):
            return op.name
    if members & set(the_contract.response.members):
        return page
    shown = ", ".join(sorted(members)[:5]) or "none"
    names = ", ".join(op.name for op in answer_operations())
    raise UsageError(
        f"{label} matches no answer: its members ({shown}) belong to none of {names}; name one with --operation"
    )


def _documents(path: Path, operation: str | None) -> list[tuple[str, str, Any]]:
    """(label, operation, body) for each answer in a file: one answer, or a JSON list of them."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise UsageError(f"cannot read {path}: not UTF-8 text ({exc.reason})") from exc
    if not text.strip():
        raise UsageError(f"nothing to validate: {path} is empty")
    try:
        data = loads(text)
    except ValueError as exc:
        raise UsageError(f"cannot read {path}: not JSON ({exc})") from exc
    if data == []:
        raise UsageError(f"nothing to validate: {path} is an empty JSON list")
    items = data if isinstance(data, list) else [data]
    out = []
    for index, item in enumerate(items):
        label = f"{path}[{index}]" if isinstance(data, list) else str(path)
        out.append((label, operation or _operation_of(item, label), item))
    return out


def _check(operation: str, body: Any, strict: bool, show_sensitive: bool) -> list[Finding]:
    the_contract = contract()
    if isinstance(body, str):
        # A JSON string is a value already read, not text to read again: the validators take a str as the raw body,
        # so it goes back as the JSON text it was (a saved '"{...}"' is a string, never the object inside it).
        body = json.dumps(body)
    if operation == the_contract.list_operation.name:
        return validate_list_page(body, strict=strict, show_sensitive=show_sensitive)
    if operation == the_contract.page_operation.name:
        return validate_response(body, strict=strict, show_sensitive=show_sensitive)
    return validate_answer(operation, body, strict=strict, show_sensitive=show_sensitive)


def _clauses(operation: str) -> list[Clause]:
    """A List page's summaries are GetInferenceProfile bodies: both are judged by response.json's clauses."""
    the_contract = contract()
    if operation in (the_contract.page_operation.name, the_contract.list_operation.name):
        return the_contract.body_clauses
    return the_contract.clauses_of("response", operation)


def _skip_reason(clause: Clause, operation: str, body: Any) -> str:
    """Why a saved document did not exercise a clause."""
    if clause.keyword.startswith("x-"):
        return "a saved body has no HTTP status line or headers to check"
    the_contract = contract()
    if clause.operation != the_contract.page_operation.name:
        top = clause.member.split(".", 1)[0]
        if top == "body":
            return "nothing in this document reaches this check"
        if not isinstance(body, dict) or top not in body:
            return f"{top} is absent from this document"
        return f"no {clause.member} value here is of the type this check applies to"
    steps = clause.pointer.split("/")
    if len(steps) < 3 or steps[1] != "properties":
        return "nothing in this document reaches this check"
    member = steps[2]
    listing = operation == the_contract.list_operation.name
    listed = body.get(the_contract.list_member) if listing and isinstance(body, dict) else [body]
    profiles = [p for p in listed if isinstance(p, dict)] if isinstance(listed, list) else []
    if not any(member in p for p in profiles):
        return f"{member} is absent from this document"
    return f"no {clause.member} value here is of the type this check applies to"


def _noted(finding: Finding) -> bool:
    return finding.outcome is not Outcome.PASS or finding.drift


def cmd_validate(args: argparse.Namespace) -> int:
    results = []
    documents = [doc for name in args.files for doc in _documents(Path(name), args.operation)]
    for label, operation, body in documents:
        findings = _check(operation, body, args.strict, args.show_sensitive)
        by_clause = outcomes_by_clause(findings)
        clauses = {c.id: by_clause.get(c.id, Outcome.SKIP) for c in _clauses(operation)}
        skips = {c.id: _skip_reason(c, operation, body) for c in _clauses(operation) if clauses[c.id] is Outcome.SKIP}
        results.append((label, _kind(operation), clauses, findings, skips))
    summary = {o.value: 0 for o in Outcome}
    for outcome in (o for result in results for o in result[2].values()):
        summary[outcome.value] += 1
    shown = (Outcome.FAIL, Outcome.DEVIATION) if args.failures_only else tuple(Outcome)
    if args.format == "json":
        doc = {
            "tool": {"name": "bedrock-conformance", "version": __version__},
            "contract": contract().digest,
            "strict": args.strict,
            "documents": [
                {
                    "file": label,
                    "kind": kind,
                    "clauses": {cid: o.value for cid, o in clauses.items() if o in shown},
                    "findings": [
                        f.to_dict()
                        for f in findings
                        if (f.outcome is not Outcome.PASS or f.drift) and f.outcome in shown
                    ],
                    "skips": {cid: why for cid, why in skips.items() if Outcome.SKIP in shown},
                }
                for label, kind, clauses, findings, skips in results
            ],
            "summary": summary,
        }
        print(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        for label, kind, clauses, findings, skips in results:
            lines = []
            for cid, outcome in clauses.items():
                if outcome not in shown:
                    continue
                notes = [f for f in findings if f.clause == cid and _noted(f)]
                lines.append(f"  {outcome.value:<9} {cid}")
                lines.extend(f"            {f.pointer or '/'}: {f.message}" for f in notes)
                if cid in skips:
                    lines.append(f"            {skips[cid]}")
            if lines or not args.failures_only:
                print("\n".join([f"{label}: {kind}", *lines]))
        print("summary: " + ", ".join(f"{n} {o}" for o, n in summary.items()))
    overall = worst(o for _l, _k, clauses, _f, _s in results for o in clauses.values())
    return 1 if overall is Outcome.FAIL else 0


def add_validate_arguments(validate: argparse.ArgumentParser) -> None:
    validate.add_argument("files", nargs="+", metavar="FILE", help="JSON file(s) to check")
    names = [op.name for op in answer_operations()]
    validate.add_argument(
        "--operation",
        choices=names,
        default=None,
        metavar="NAME",
        help=f"judge every document as this operation's answer: {', '.join(names)} (default: by its members: "
        "a List page has inferenceProfileSummaries; an object whose members all belong to a sibling's answer is "
        "that answer; one with a GetInferenceProfile member is a Get body; anything else is refused)",
    )
    validate.add_argument("--strict", action="store_true", help="count AWS's recorded deviations as failures")
    validate.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: %(default)s)"
    )
    validate.add_argument(
        "--failures-only", action="store_true", help="show only the clauses that fail or deviate (and the summary)"
    )
    validate.add_argument(
        "--show-sensitive", action="store_true", help="print description values instead of redacting them"
    )
