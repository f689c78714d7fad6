"""Model drift: compare schemas/ with the bedrock service model botocore ships, fact by fact.

``bedrock-conformance drift`` walks GetInferenceProfile and its siblings (the operations drift.json lists) in
both, and prints one row per fact: member presence, location (and a query parameter's SDK name), required flag,
type, bounds, pattern (without its ``^``/``$`` anchors), enum, timestamp format, sensitivity, idempotency token,
HTTP binding, error codes and statuses. A difference recorded in drift.json ``x-known-drift`` (with the model
value it records) is known drift; any other difference is new drift, and the command exits 1.
"""

from __future__ import annotations

import argparse
import enum
import gzip
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._model import ErrorType, KnownDrift, Operation, ServiceError, Shape
from ._schemas import Contract, SchemaError, load_contract

ABSENT = "absent"
PRESENT = "present"
NONE = "none"

# Smithy/botocore shape types as JSON Schema types; a timestamp is a string whose format row says which.
_JSON_TYPES = {
    "string": "string",
    "blob": "string",
    "timestamp": "string",
    "integer": "integer",
    "long": "integer",
    "short": "integer",
    "byte": "integer",
    "float": "number",
    "double": "number",
    "boolean": "boolean",
    "list": "array",
    "structure": "object",
    "map": "object",
}
# The botocore timestampFormat names, as JSON Schema formats (only iso8601 is a string format).
_TIMESTAMP_FORMATS = {"iso8601": "date-time", "rfc822": "http-date", "unixTimestamp": "epoch-seconds"}
# rest-json sends a body timestamp without a timestampFormat as epoch seconds.
_DEFAULT_TIMESTAMP_FORMAT = "epoch-seconds"
# Which JSON Schema keywords a model's min/max become, by JSON type.
_BOUNDS = {
    "string": ("minLength", "maxLength"),
    "array": ("minItems", "maxItems"),
    "integer": ("minimum", "maximum"),
    "number": ("minimum", "maximum"),
}
_LOCATIONS = ("uri", "querystring", "header", "headers")


class Status(str, enum.Enum):
    SAME = "same"
    KNOWN = "known"
    DRIFT = "DRIFT"
    STALE = "stale"

    def __str__(self) -> str:
        return self.value


@dataclass
class Row:
    """One compared fact: what schemas/ says, what the model says, and whether that is known."""

    operation: str
    member: str
    aspect: str
    schemas: str
    model: str
    status: Status = Status.SAME
    note: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.operation, self.member, self.aspect)

    def to_dict(self) -> dict[str, str]:
        return {
            "operation": self.operation,
            "member": self.member,
            "aspect": self.aspect,
            "schemas": self.schemas,
            "model": self.model,
            "status": self.status.value,
            "note": self.note,
        }


@dataclass
class DriftReport:
    model_label: str
    contract_digest: str
    rows: list[Row] = field(default_factory=list)

    @property
    def new(self) -> list[Row]:
        return [r for r in self.rows if r.status is Status.DRIFT]

    @property
    def exit_code(self) -> int:
        return 1 if self.new else 0

    def to_dict(self) -> dict[str, Any]:
        counts = {s.value: sum(1 for r in self.rows if r.status is s) for s in Status}
        return {
            "model": self.model_label,
            "contract": self.contract_digest,
            "rows": [r.to_dict() for r in self.rows],
            "summary": counts,
        }


class ModelError(ValueError):
    """The service model cannot be read, or lacks an operation drift.json names."""


# ------------------------------------------------------------------------------------------------ the model side
def load_model(path: str | Path | None, service: str) -> tuple[dict[str, Any], str]:
    """The raw service model (service-2.json, optionally gzipped) and a label saying where it came from."""
    if path is None:
        return _botocore_model(service)
    file = Path(path)
    try:
        raw = file.read_bytes()
        text = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
        model = json.loads(text)
    except OSError as exc:
        raise ModelError(f"cannot read model {file}: {exc.strerror or exc}") from exc
    except (ValueError, EOFError) as exc:
        raise ModelError(f"cannot read model {file}: not a (gzipped) JSON service model ({exc})") from exc
    if not isinstance(model, dict) or not isinstance(model.get("shapes"), dict):
        raise ModelError(f"cannot read model {file}: no 'shapes' in it, so it is not a botocore service model")
    version = model.get("metadata", {}).get("apiVersion", "?")
    return model, f"{file} ({service} {version})"


def _botocore_model(service: str) -> tuple[dict[str, Any], str]:
    """The model boto3 uses: found by the loader of botocore's sessions, so AWS_DATA_PATH (and the data_path
    setting) override the installed one exactly as they do for boto3."""
    import botocore
    import botocore.session
    from botocore.exceptions import BotoCoreError

    try:
        loader = botocore.session.get_session().get_component("data_loader")
        model: dict[str, Any] = loader.load_service_model(service, "service-2")
        version = loader.determine_latest_version(service, "service-2")
        _, where = loader.load_data_with_path(f"{service}/{version}/service-2")
    except BotoCoreError as exc:
        raise ModelError(f"cannot load botocore's {service} model: {exc}") from exc
    api = model.get("metadata", {}).get("apiVersion", "?")
    installed = Path(botocore.__file__).parent / "data"
    origin = "installed" if Path(where).is_relative_to(installed) else f"from {Path(where).parent}"
    return model, f"botocore {botocore.__version__} {service} {api} ({origin})"


def _strip_anchors(pattern: str) -> str:
    """The pattern without a leading '^' and an unescaped trailing '$': the page anchors, the model does not."""
    if pattern.startswith("^"):
        pattern = pattern[1:]
    if pattern.endswith("$"):
        backslashes = len(pattern[:-1]) - len(pattern[:-1].rstrip("\\"))
        if backslashes % 2 == 0:
            pattern = pattern[:-1]
    return pattern


def _show(value: Any) -> str:
    if value is None:
        return NONE
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return " | ".join(str(v) for v in value)
    return str(value)


# ------------------------------------------------------------------------------------------------ comparison
class _Comparer:
    """Walks one operation in schemas/ and in the model side by side, collecting rows."""

    def __init__(self, contract: Contract, model: Mapping[str, Any]) -> None:
        self.contract = contract
        self.model = model
        self.shapes: Mapping[str, Any] = model["shapes"]
        self.rows: list[Row] = []

    # ---- rows
    def add(self, operation: str, member: str, aspect: str, schemas: Any, model: Any) -> None:
        self.rows.append(Row(operation, member, aspect, _show(schemas), _show(model)))

    def operation(self, ours: Operation) -> None:
        name = ours.name
        op = self.model.get("operations", {}).get(name)
        if op is None:
            self.add(name, "operation", "member", PRESENT, ABSENT)
            return
        model_http = op.get("http", {})
        self.add(name, "http", "method", ours.method, model_http.get("method"))
        self.add(name, "http", "path", ours.path, model_http.get("requestUri"))
        self.add(name, "http", "status", ours.success_status, model_http.get("responseCode", 200))
        for side, schema in (("input", ours.input), ("output", ours.output)):
            shape_name = op.get(side, {}).get("shape")
            if schema is None and shape_name is None:
                continue
            if schema is None:
                members = self.shapes[shape_name].get("members", {})
                for member in members:
                    self.add(name, f"{side}.{member}", "member", ABSENT, PRESENT)
                continue
            if shape_name is None:
                self.add(name, side, "member", PRESENT, ABSENT)
                continue
            self.structure(name, side, schema, self.shapes[shape_name], top=True)
        self.errors(ours, op)

    def structure(self, op: str, path: str, schema: Shape, shape: Mapping[str, Any], *, top: bool) -> None:
        members = shape.get("members", {})
        wire = {m.get("locationName", name): (name, m) for name, m in members.items()}
        properties = schema.members
        required_model = set(shape.get("required", []))
        if shape.get("union") and len(members) == 1:
            # A union needs exactly one member set; with one member, that member is required.
            required_model = set(members)
        required_schema = set(schema.required)
        for name in sorted(set(wire) | set(properties), key=str.lower):
            where = f"{path}.{name}"
            self.add(
                op, where, "member", PRESENT if name in properties else ABSENT, PRESENT if name in wire else ABSENT
            )
            if name not in wire or name not in properties:
                continue
            model_name, member = wire[name]
            sub = properties[name]
            if top:
                self.add(op, where, "location", sub.location, member.get("location", "body"))
                if sub.location == "querystring" and path == "input":
                    # The SDK's name for a query parameter (typeEquals travels as type): operations.json x-query.
                    ours = self.contract.operation(op).query.get(name, name)
                    self.add(op, where, "sdkName", ours, model_name)
            self.add(op, where, "required", name in required_schema, model_name in required_model)
            if sub.idempotency_token or member.get("idempotencyToken"):
                self.add(op, where, "idempotencyToken", sub.idempotency_token, bool(member.get("idempotencyToken")))
            self.value(op, where, sub, member["shape"])

    def value(self, op: str, path: str, schema: Shape, shape_name: str) -> None:
        shape = self.shapes[shape_name]
        kind = shape.get("type", "")
        json_type = _JSON_TYPES.get(kind, kind)
        ours = schema.constraints
        self.add(op, path, "type", schema.type, json_type)
        if kind == "timestamp" or "format" in ours:
            model_format = _TIMESTAMP_FORMATS.get(shape.get("timestampFormat", ""), _DEFAULT_TIMESTAMP_FORMAT)
            self.add(op, path, "format", schema.limit("format"), model_format if kind == "timestamp" else None)
        low, high = _BOUNDS.get(json_type, ("minimum", "maximum"))
        for keyword, model_key in ((low, "min"), (high, "max")):
            if keyword in ours or model_key in shape:
                self.add(op, path, keyword, schema.limit(keyword), shape.get(model_key))
        if "pattern" in ours or "pattern" in shape:
            pattern = _strip_anchors(schema.limit("pattern")) if "pattern" in ours else None
            theirs = _strip_anchors(shape["pattern"]) if "pattern" in shape else None
            self.add(op, path, "pattern", pattern, theirs)
        if "enum" in ours or "enum" in shape:
            self.add(
                op,
                path,
                "enum",
                sorted(schema.enum) if "enum" in ours else None,
                sorted(shape["enum"]) if "enum" in shape else None,
            )
        if schema.sensitive or shape.get("sensitive"):
            self.add(op, path, "sensitive", schema.sensitive, bool(shape.get("sensitive")))
        if json_type == "array" and "member" in shape:
            items = schema.items or Shape(schema.name, schema.document, f"{schema.pointer}/items", schema.part, None)
            self.value(op, f"{path}[]", items, shape["member"]["shape"])
        elif kind == "structure":
            self.structure(op, path, schema, shape, top=False)

    def errors(self, operation: Operation, model_op: Mapping[str, Any]) -> None:
        """With exact errors, the operation's list (x-errors, or the page's) against the model's; else each error
        the model lists, against the error types schemas/ knows anywhere."""
        op = operation.name
        modelled = self.contract.errors
        service_errors = self.contract.service_errors
        body_members = sorted(self.contract.wire.body_members)
        model_errors = [e["shape"] for e in model_op.get("errors", [])]
        listed = set(operation.errors) if operation.exact_errors else set(modelled) | set(service_errors)
        names = sorted(set(model_errors) | (listed if operation.exact_errors else set()))
        for name in names:
            where = f"errors.{name}"
            ours: ErrorType | ServiceError | None = modelled.get(name) or service_errors.get(name)
            if name not in listed:
                ours = None
            in_model = name in model_errors
            self.add(op, where, "error", PRESENT if ours else ABSENT, PRESENT if in_model else ABSENT)
            if ours is None or not in_model:
                continue
            shape = self.shapes.get(name, {})
            self.add(op, where, "status", ours.status, shape.get("error", {}).get("httpStatusCode"))
            if ours.fault is not None:
                self.add(op, where, "fault", ours.fault, "server" if shape.get("fault") else "client")
            self.add(op, where, "members", body_members, sorted(shape.get("members", {})))


def known_drift(contract: Contract) -> list[KnownDrift]:
    assert contract.drift is not None
    return list(contract.drift.known)


def compare(contract: Contract, model: Mapping[str, Any], model_label: str = "model") -> DriftReport:
    """Every fact of every operation drift.json lists, judged same, known drift, or new drift."""
    comparer = _Comparer(contract, model)
    for operation in contract.operations.values():
        comparer.operation(operation)
    report = DriftReport(model_label, contract.digest, comparer.rows)
    known = {k.key: k for k in known_drift(contract)}
    seen: set[tuple[str, str, str]] = set()
    for row in report.rows:
        entry = known.get(row.key)
        if entry is not None:
            seen.add(row.key)
            if row.model == entry.model:
                row.status, row.note = Status.KNOWN, f"page: {entry.page}. {entry.summary}"
            else:
                row.status = Status.DRIFT
                row.note = f"known drift recorded the model value {entry.model!r}; the model changed since"
        elif row.schemas != row.model:
            row.status = Status.DRIFT
    for key, entry in known.items():
        if key not in seen:
            report.rows.append(
                Row(
                    *key,
                    schemas=entry.page,
                    model=ABSENT,
                    status=Status.STALE,
                    note="recorded as known drift, but the model no longer has it: drop it from drift.json",
                )
            )
    return report


# ------------------------------------------------------------------------------------------------ rendering
def _cell(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_table(report: DriftReport, *, show_same: bool = False) -> str:
    rows = [r for r in report.rows if show_same or r.status is not Status.SAME]
    header = ("status", "operation", "member", "aspect", "schemas/", "model")
    cells = [(r.status.value, r.operation, r.member, r.aspect, _cell(r.schemas), _cell(r.model)) for r in rows]
    widths = [max([len(h)] + [len(c[i]) for c in cells]) for i, h in enumerate(header)]
    lines = [f"schemas/ ({report.contract_digest[:19]}…) against {report.model_label}", ""]
    lines.append("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
    lines.append("  ".join("-" * w for w in widths))
    for row, cell in zip(rows, cells, strict=True):
        lines.append("  ".join(c.ljust(w) for c, w in zip(cell, widths, strict=True)).rstrip())
        if row.note:
            lines.append(f"    {row.note}")
    counts = report.to_dict()["summary"]
    lines.append("")
    lines.append(
        f"{counts['same']} same, {counts['known']} known drift, {counts['DRIFT']} new drift, {counts['stale']} stale"
        + ("" if show_same else " (--all shows the same ones too)")
    )
    return "\n".join(lines)


def render_markdown(report: DriftReport, *, show_same: bool = False) -> str:
    lines = [
        "# Model drift",
        "",
        f"schemas/ (`{report.contract_digest[:19]}…`) against {report.model_label}",
        "",
        "| Status | Operation | Member | Aspect | schemas/ | Model | Note |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in report.rows:
        if show_same or r.status is not Status.SAME:
            cells = [r.status.value, r.operation, f"`{r.member}`", r.aspect, f"`{r.schemas}`", f"`{r.model}`", r.note]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------------ command
def add_drift_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``bedrock-conformance drift``."""
    parser.add_argument(
        "--model", metavar="FILE", default=None, help="a service-2.json(.gz) to compare (default: botocore's)"
    )
    parser.add_argument("--schemas", metavar="DIR", default=None, help="a schemas/ folder (default: the shipped one)")
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    parser.add_argument("--all", action="store_true", help="also list the facts that agree")


def run_drift(args: argparse.Namespace) -> int:
    """Print the drift table; 0 when every difference is known drift, 1 on new drift, 2 on bad input."""
    try:
        contract = load_contract(Path(args.schemas)) if args.schemas else load_contract()
        assert contract.drift is not None
        service = contract.drift.service
        model, label = load_model(args.model, service)
        report = compare(contract, model, label)
    except (ModelError, SchemaError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (KeyError, TypeError, AttributeError) as exc:
        print(
            f"error: the model does not have the shape drift.json expects ({type(exc).__name__}: {exc})",
            file=sys.stderr,
        )
        return 2
    if args.format == "json":
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    elif args.format == "markdown":
        print(render_markdown(report, show_same=args.all), end="")
    else:
        print(render_table(report, show_same=args.all))
    return report.exit_code
