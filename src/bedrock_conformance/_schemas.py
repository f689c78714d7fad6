"""Load ``schemas/``: documents, clauses, deviations and error types. Nothing here spells a constraint."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

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


@dataclass(frozen=True)
class Clause:
    """One checkable sentence of the spec (or fact of the model), as annotated in a schema."""

    id: str
    keyword: str
    value: Any
    spec: str
    source: str
    document: str
    pointer: str

    @property
    def part(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def member(self) -> str:
        return self.id.split(".", 1)[1].rsplit(".", 1)[0]

    @property
    def constraint(self) -> str:
        return self.id.rsplit(".", 1)[1]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "spec": self.spec, "source": self.source, "schema": f"{self.document}#{self.pointer}"}


@dataclass(frozen=True)
class Deviation:
    """A recorded way in which real AWS breaks its own page."""

    clause: str
    summary: str
    rule: Mapping[str, Any]
    rule_text: str
    evidence: tuple[Mapping[str, str], ...]


@dataclass(frozen=True)
class ErrorType:
    name: str
    status: int
    fault: str
    clause: str


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


@dataclass
class Contract:
    """Every schema document, with the clauses and deviations they declare."""

    root: Path
    documents: dict[str, dict[str, Any]]
    clauses: dict[str, Clause] = field(default_factory=dict)
    deviations: dict[str, Deviation] = field(default_factory=dict)
    errors: dict[str, ErrorType] = field(default_factory=dict)

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
        return self.resolve(f"{document}#{pointer}", document)[0]

    def clauses_of(self, part: str) -> list[Clause]:
        return [c for c in self.clauses.values() if c.part == part]

    def clause(self, clause_id: str) -> Clause:
        try:
            return self.clauses[clause_id]
        except KeyError:
            raise SchemaError(f"no clause {clause_id!r} in schemas/") from None

    @property
    def path_label(self) -> str:
        """The URI label of GetInferenceProfile, read from request.json's path template."""
        path = self.documents["request.json"]["x-operation"]["path"]
        return path[path.index("{") + 1 : path.index("}")]

    def role(self, role: str) -> str:
        """The response member that plays ``role`` (arn, id, name, type, models, description)."""
        return str(self.documents["response.json"]["x-roles"][role])

    @property
    def message_member(self) -> str:
        """The one member of every error body."""
        return next(iter(self.documents["errors.json"]["properties"]))

    @property
    def list_member(self) -> str:
        """The member of a ListInferenceProfiles page that holds the summaries."""
        props = self.documents["operations.json"]["$defs"]["ListInferenceProfilesResponse"]["properties"]
        return next(name for name, sub in props.items() if sub.get("items", {}).get("$ref") == "response.json")

    @property
    def token_member(self) -> str:
        """The pagination member of a ListInferenceProfiles page (also its query parameter)."""
        props = self.documents["operations.json"]["$defs"]["ListInferenceProfilesResponse"]["properties"]
        return next(name for name in props if name != self.list_member)

    @property
    def transient_statuses(self) -> frozenset[int]:
        """The statuses of the modelled errors a retry may cure (errors.json x-transient: throttling, server fault)."""
        return frozenset(self.errors[name].status for name in self.documents["errors.json"]["x-transient"])

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
                if cid.split(".", 1)[0] not in PARTS or cid.count(".") < 2:
                    raise SchemaError(f"clause id {cid!r} is not <part>.<member>.<constraint>")
                # A clause with no keyword of its own (a behaviour clause) may carry its value as x-value.
                value = node.get(keyword, meta.get("x-value", True if keyword == "required" else None))
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
    for name, definition in documents["errors.json"]["$defs"].items():
        contract.errors[name] = ErrorType(
            name=name,
            status=definition["x-http-status"],
            fault=definition["x-fault"],
            clause=definition["x-clauses"]["x-http-status"]["id"],
        )
    return contract


@functools.lru_cache(maxsize=1)
def contract() -> Contract:
    """The shipped contract, loaded once."""
    return load_contract()
