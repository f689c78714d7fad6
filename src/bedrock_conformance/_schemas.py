"""The contract module: read ``schemas/`` once into typed objects (``_model``). Nothing here spells a constraint.
No other module reads the raw documents: they ask the contract for operations, shapes, errors and facts."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ._facts import clause_ids, plain, read_errors, read_facts
from ._model import (
    CONSTRAINT_KEYWORDS,
    BehaviourRule,
    Clause,
    Constraint,
    Creates,
    Deviation,
    DriftFacts,
    ErrorType,
    ErrorWire,
    Operation,
    SdkFacts,
    ServiceError,
    Shape,
    split_clause_id,
)

DOCUMENTS = (
    "request.json",
    "response.json",
    "errors.json",
    "behaviour.json",
    "operations.json",
    "deviations.json",
    "sdk.json",
    "drift.json",
)
PARTS = ("request", "response", "error", "behaviour", "sdk", "model")
REQUEST, RESPONSE, ERRORS, BEHAVIOUR, OPERATIONS, DEVIATIONS, SDK, DRIFT = DOCUMENTS


class SchemaError(RuntimeError):
    """``schemas/`` is missing or inconsistent."""


def data_dir(name: str) -> Path:
    """A top-level folder of the project (schemas, suites, cassettes): shipped in the wheel, or the checkout's.

    The wheel ships the suites as the package ``bedrock_conformance.suites`` (for ``pytest --pyargs``), the rest
    under ``bedrock_conformance/_data``.
    """
    package = Path(str(resources.files("bedrock_conformance")))
    shipped = package / name if name == "suites" else package / "_data" / name
    if shipped.is_dir():
        return shipped
    checkout = Path(__file__).resolve().parents[2] / name
    if checkout.is_dir():
        return checkout
    raise SchemaError(f"no {name}/ found (looked in {shipped} and {checkout})")


def schemas_dir() -> Path:
    return data_dir("schemas")


def _render(spec: str, value: Any) -> str:
    if isinstance(value, list):
        shown = " | ".join(str(v) for v in value)
    elif value is None or isinstance(value, bool):
        return spec
    else:
        shown = str(value)
    return spec.replace("{value}", shown)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


@dataclass(frozen=True, eq=False)
class Contract:
    """Every schema document, read once into clauses, deviations, errors, operations and the facts around them.

    ``documents`` is the raw JSON, for the digest and for compiling a node; only this module reads it."""

    root: Path
    documents: dict[str, dict[str, Any]]
    clauses: dict[str, Clause] = field(default_factory=dict)
    deviations: dict[str, Deviation] = field(default_factory=dict)
    errors: dict[str, ErrorType] = field(default_factory=dict)
    service_errors: dict[str, ServiceError] = field(default_factory=dict)
    operations: dict[str, Operation] = field(default_factory=dict)
    behaviour: dict[str, BehaviourRule] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    arn_templates: dict[str, str] = field(default_factory=dict)
    resource_types: dict[str, str] = field(default_factory=dict)
    content_type: str = ""
    content_type_clause: str = ""
    signing_name: str = ""
    error_wire: ErrorWire | None = None
    sdk: SdkFacts | None = None
    drift: DriftFacts | None = None

    @property
    def digest(self) -> str:
        """SHA-256 of the canonical JSON of every document: the contract's version."""
        canon = json.dumps(self.documents, sort_keys=True, separators=(",", ":")).encode()
        return "sha256:" + hashlib.sha256(canon).hexdigest()

    def resolve(self, ref: str, document: str) -> tuple[dict[str, Any], str, str]:
        """Follow ``$ref`` from ``document``; return (schema, document, pointer)."""
        target, _, pointer = ref.partition("#")
        doc_name = target.rsplit("/", 1)[-1] if target else document
        if doc_name not in self.documents:
            raise SchemaError(f"$ref {ref!r} in {document} names no schema document")
        node: Any = self.documents[doc_name]
        for token in [t for t in pointer.split("/") if t]:
            token = token.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or token not in node:
                raise SchemaError(f"$ref {ref!r} in {document} points nowhere")
            node = node[token]
        return node, doc_name, pointer

    def schema(self, document: str, pointer: str = "") -> dict[str, Any]:
        """The JSON Schema node at ``document#pointer``, for code that compiles JSON Schema (validator, strategies)."""
        return self.resolve(f"{document}#{pointer}", document)[0]

    def schema_of(self, shape: Shape) -> dict[str, Any]:
        """The JSON Schema node a shape was read from."""
        return self.schema(shape.document, shape.pointer)

    def part_of(self, document: str) -> str:
        """The clause part (request, response, error, ...) of a document's own clauses."""
        return str(self.documents[document].get("x-part", "model"))

    @staticmethod
    def clause_ids(node: Mapping[str, Any]) -> dict[str, str]:
        """The clause each keyword of a schema node carries: {keyword: clause id}."""
        return clause_ids(node)

    @staticmethod
    def is_sensitive(node: Mapping[str, Any]) -> bool:
        """Whether a schema node is @sensitive: never echoed in findings, reports or answers."""
        return bool(node.get("x-sensitive"))

    @property
    def body_clauses(self) -> list[Clause]:
        """The clauses response.json declares: those a GetInferenceProfile body (or a List summary) is judged by."""
        return [c for c in self.clauses.values() if c.document == RESPONSE]

    def clauses_of(self, part: str, operation: str | None = None) -> list[Clause]:
        """The clauses of one part of one operation (default: the page's, GetInferenceProfile)."""
        name = operation or self.page_operation.name
        return [c for c in self.clauses.values() if c.part == part and c.operation == name]

    def clause(self, clause_id: str) -> Clause:
        try:
            return self.clauses[clause_id]
        except KeyError:
            raise SchemaError(f"no clause {clause_id!r} in schemas/") from None

    def operation(self, name: str) -> Operation:
        try:
            return self.operations[name]
        except KeyError:
            raise SchemaError(f"no operation {name!r} in schemas/") from None

    @property
    def page_operation(self) -> Operation:
        """The operation the page describes (request.json and response.json): GetInferenceProfile."""
        return next(op for op in self.operations.values() if op.input.document == REQUEST)

    @property
    def response(self) -> Shape:
        """A GetInferenceProfile body (and each ListInferenceProfiles summary)."""
        output = self.page_operation.output
        assert output is not None
        return output

    @property
    def list_operation(self) -> Operation:
        """The operation whose answer is a page of profiles (ListInferenceProfiles)."""
        return next(op for op in self.operations.values() if "items" in op.output_roles)

    @property
    def create_operation(self) -> Operation:
        """The operation that makes a profile (CreateInferenceProfile)."""
        return next(op for op in self.operations.values() if op.creates is not None)

    @property
    def delete_operation(self) -> Operation:
        """The operation that removes a profile (DeleteInferenceProfile)."""
        return next(op for op in self.operations.values() if op.deletable_types)

    @property
    def path_label(self) -> str:
        """The URI label of GetInferenceProfile, read from request.json's path template."""
        label = self.page_operation.label
        assert label is not None
        return label

    def role(self, role: str) -> str:
        """The response member that plays ``role`` (arn, id, name, type, models, description)."""
        return str(self.roles[role])

    @property
    def wire(self) -> ErrorWire:
        assert self.error_wire is not None
        return self.error_wire

    @property
    def message_member(self) -> str:
        """The one member of every error body."""
        return self.wire.message_member

    @property
    def list_member(self) -> str:
        """The member of a ListInferenceProfiles page that holds the summaries."""
        return self.list_operation.output_roles["items"]

    @property
    def token_member(self) -> str:
        """The pagination member of a ListInferenceProfiles page (also its query parameter)."""
        return self.list_operation.output_roles["token"]

    @property
    def transient_statuses(self) -> frozenset[int]:
        """The statuses of the modelled errors a retry may cure (errors.json x-transient: throttling, server fault)."""
        return frozenset(e.status for e in self.errors.values() if e.transient)

    def error_for_status(self, status: int) -> ErrorType | None:
        return next((e for e in self.errors.values() if e.status == status), None)


def _walk(node: Any, pointer: str) -> Iterator[tuple[dict[str, Any], str]]:
    if isinstance(node, dict):
        yield node, pointer
        for key, child in node.items():
            yield from _walk(child, f"{pointer}/{_escape(key)}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _walk(child, f"{pointer}/{index}")


def load_contract(root: Path | None = None) -> Contract:
    """Read and cross-check every document in ``root`` (default: the shipped schemas)."""
    root = root or schemas_dir()
    documents: dict[str, dict[str, Any]] = {}
    for name in DOCUMENTS:
        path = root / name
        try:
            documents[name] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SchemaError(f"cannot read schema {path}: {exc}") from exc
    contract = Contract(root=root, documents=documents)
    for name, doc in documents.items():
        for node, pointer in _walk(doc, ""):
            for keyword, meta in node.get("x-clauses", {}).items():
                cid = meta["id"]
                if cid in contract.clauses:
                    raise SchemaError(f"clause {cid} is declared twice ({name}#{pointer})")
                local = split_clause_id(cid)[1]
                if local.split(".", 1)[0] not in PARTS or local.count(".") < 2:
                    raise SchemaError(f"clause id {cid!r} is not <part>.<member>.<constraint>")
                # No keyword of its own (a behaviour clause): its x-value; beside a $ref: the keyword it names.
                owner = contract.resolve(node["$ref"], name)[0] if "$ref" in node and keyword not in node else node
                # A member's required clause is about the member, not about the members it requires of its own.
                value = True if keyword == "required" else owner.get(keyword, meta.get("x-value"))
                contract.clauses[cid] = Clause(
                    id=cid,
                    keyword=keyword,
                    value=value,
                    spec=_render(meta["spec"], value),
                    source=meta["source"],
                    document=name,
                    pointer=f"{pointer}/x-clauses/{_escape(keyword)}",
                )
    for entry in documents["deviations.json"].get("x-deviations", []):
        if entry["clause"] not in contract.clauses:
            raise SchemaError(f"deviation names unknown clause {entry['clause']!r}")
        contract.deviations[entry["clause"]] = Deviation(
            clause=entry["clause"],
            summary=entry["summary"],
            rule=entry["rule"],
            rule_text=entry["rule_text"],
            evidence=tuple(entry["evidence"]),
        )
    wire = read_errors(documents[ERRORS], contract.errors, contract.service_errors)
    _read_operations(contract)
    page = contract.page_operation.name
    for cid, clause in sorted(contract.clauses.items(), key=lambda kv: kv[1].prefix is not None):  # page's first
        if (clause.prefix or page) not in contract.operations:
            raise SchemaError(f"clause {cid} names operation {clause.prefix!r}, which schemas/ does not define")
        contract.clauses[cid] = dataclasses.replace(contract.clauses.pop(cid), operation=clause.prefix or page)
    return dataclasses.replace(contract, error_wire=wire, **read_facts(documents))


def _shape(contract: Contract, name: str, document: str, pointer: str) -> Shape:
    """The shape of the node written at ``document#pointer``, its ``$ref`` chain followed.

    Keywords beside a ``$ref`` win over the target's, as in the validator; members and items are read where the
    node that supplies them is written.
    """
    node = contract.schema(document, pointer)
    merged: dict[str, Any] = {}
    origin: dict[str, tuple[str, str]] = {}
    where, at, part = document, pointer, contract.part_of(document)
    while True:
        for key, value in node.items():
            if key not in merged and key != "$ref":
                merged[key], origin[key] = value, (where, at)
        if "$ref" not in node:
            break
        node, where, at = contract.resolve(node["$ref"], where)
        part = contract.part_of(where)
    clauses = Contract.clause_ids(merged)
    members: dict[str, Shape] = {}
    if "properties" in merged:
        doc, ptr = origin["properties"]
        members = {m: _shape(contract, m, doc, f"{ptr}/properties/{_escape(m)}") for m in merged["properties"]}
    items = None
    if "items" in merged:
        doc, ptr = origin["items"]
        items = _shape(contract, name, doc, f"{ptr}/items")
    return Shape(
        name=name,
        document=document,
        pointer=pointer,
        part=part,
        type=merged.get("type"),
        constraints={k: Constraint(k, merged[k], clauses.get(k)) for k in CONSTRAINT_KEYWORDS if k in merged},
        members=members,
        required=tuple(merged.get("required", ())),
        items=items,
        location=str(merged.get("x-location", "body")),
        sensitive=Contract.is_sensitive(merged),
        on_page=bool(merged.get("x-on-page", True)),
        default=merged.get("x-default"),
        clauses=clauses,
        roles=plain(merged.get("x-members", {})),
        idempotency_token=bool(merged.get("x-idempotency-token")),
    )


def _ref(ref: str | None) -> tuple[str, str] | None:
    """``document#pointer`` as (document, pointer)."""
    document, _, pointer = (ref or "").partition("#")
    return (document, pointer) if ref else None


def _read_operations(contract: Contract) -> None:
    """Every operation drift.json's x-operations indexes: its HTTP binding, input and output, IAM and errors.

    An operation is data: an x-operation definition (request.json or operations.json $defs) and drift.json's entry.
    """
    docs = contract.documents
    for name, spec in plain(docs[DRIFT]["x-operations"]).items():
        input_ref, output_ref = _ref(spec["input"]), _ref(spec.get("output"))
        assert input_ref is not None
        definition = contract.schema(*input_ref)
        http = definition["x-operation"]
        iam = definition["x-iam"]
        creates = definition.get("x-creates")
        exact = bool(spec.get("exactErrors"))
        input_shape = _shape(contract, name, *input_ref)
        query = definition.get("x-query") or {
            m: m for m, s in input_shape.members.items() if s.location == "querystring"
        }
        contract.operations[name] = Operation(
            name=name,
            method=http["method"],
            path=http["path"],
            success_status=int(http["successStatus"]),
            input=input_shape,
            output=_shape(contract, f"{name}Response", *output_ref) if output_ref else None,
            iam_action=iam["action"],
            iam_resource_type=iam["resourceType"],
            query=dict(query),
            exact_errors=exact,
            errors=tuple(definition.get("x-errors", contract.errors if exact else ())),
            invalid_answer=definition.get("x-invalid-answer"),
            valid_answers=tuple(definition.get("x-valid-answers", ())),
            creates=None
            if creates is None
            else Creates(
                creates["type"], creates["status"], creates["idAlphabet"], int(creates["idLength"]), creates["source"]
            ),
            deletable_types=tuple(definition.get("x-deletable-types", ())),
        )
    unlisted = [n for n, d in docs[OPERATIONS]["$defs"].items() if "x-operation" in d and n not in contract.operations]
    if unlisted:
        raise SchemaError(f"operations.json defines {', '.join(unlisted)} but drift.json x-operations does not list it")


@functools.lru_cache(maxsize=1)
def contract() -> Contract:
    """The shipped contract, loaded once."""
    return load_contract()
