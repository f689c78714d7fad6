"""The typed contract: operations, shapes, constraints, errors and the facts around them, as ``_schemas`` reads them.

Only ``_schemas`` builds these from the JSON documents; every other module reads the contract through them, so a key
renamed in a schema is one change in one place (botocore's ServiceModel, OperationModel and Shape).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# The JSON Schema keywords that constrain a value, in the order clauses are listed.
CONSTRAINT_KEYWORDS = (
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "enum",
    "minItems",
    "maxItems",
    "uniqueItems",
    "format",
)


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
    # The operation the clause is about: the prefix of ``<Operation>:<part>.<member>.<constraint>``, or the page's
    # operation (GetInferenceProfile) for an id without one. ``_schemas`` fills it in and checks the operation exists.
    operation: str = ""

    @property
    def prefix(self) -> str | None:
        """The operation an id names before its colon, None when it names none (GetInferenceProfile's ids)."""
        return split_clause_id(self.id)[0]

    @property
    def local(self) -> str:
        """The id without its operation prefix: ``<part>.<member>.<constraint>``."""
        return split_clause_id(self.id)[1]

    @property
    def part(self) -> str:
        return self.local.split(".", 1)[0]

    @property
    def node_pointer(self) -> str:
        """Where in its document the schema node that carries this clause is."""
        return self.pointer.rsplit("/x-clauses/", 1)[0]

    @property
    def member(self) -> str:
        return self.local.split(".", 1)[1].rsplit(".", 1)[0]

    @property
    def constraint(self) -> str:
        return self.local.rsplit(".", 1)[1]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "spec": self.spec, "source": self.source, "schema": f"{self.document}#{self.pointer}"}


def split_clause_id(clause_id: str) -> tuple[str | None, str]:
    """``ListInferenceProfiles:request.maxResults.maximum`` as (operation, local id); (None, id) without a prefix.

    Only the text before the first ``.`` may hold the prefix: a member or constraint never makes an id prefixed.
    """
    head = clause_id.split(".", 1)[0]
    if ":" not in head:
        return None, clause_id
    operation, _, _ = head.partition(":")
    return operation, clause_id[len(operation) + 1 :]


@dataclass(frozen=True)
class Deviation:
    """A recorded way in which real AWS breaks its own page."""

    clause: str
    summary: str
    rule: Mapping[str, Any]
    rule_text: str
    evidence: tuple[Mapping[str, str], ...]


@dataclass(frozen=True)
class Constraint:
    """One JSON Schema keyword of a member, its limit, and the clause that states it (None when none does)."""

    keyword: str
    value: Any
    clause: str | None


@dataclass(frozen=True, eq=False)
class Shape:
    """A schema node with its ``$ref`` followed: a structure, a list or a scalar, as a member or a whole body.

    ``document`` and ``pointer`` say where the node is written, so the validator and the strategies can compile it.
    """

    name: str
    document: str
    pointer: str
    part: str
    type: str | None
    constraints: Mapping[str, Constraint] = field(default_factory=dict)
    members: Mapping[str, Shape] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    items: Shape | None = None
    location: str = "body"
    sensitive: bool = False
    on_page: bool = True
    default: Any = None
    clauses: Mapping[str, str] = field(default_factory=dict)
    roles: Mapping[str, str] = field(default_factory=dict)
    # The member botocore fills in with a fresh token when the caller gives none (x-idempotency-token).
    idempotency_token: bool = False

    def limit(self, keyword: str) -> Any:
        """The value of a constraint keyword (``maxLength``, ``enum``, ...), or None when the shape has none."""
        found = self.constraints.get(keyword)
        return None if found is None else found.value

    @property
    def pattern(self) -> str | None:
        return self.limit("pattern")

    @property
    def enum(self) -> tuple[Any, ...]:
        return tuple(self.limit("enum") or ())

    @property
    def timestamp(self) -> bool:
        return self.limit("format") == "date-time"

    def is_required(self, member: str) -> bool:
        return member in self.required

    def member_at(self, pointer: str) -> Shape:
        """The member a JSON pointer into a value of this shape names (``/modelSource/copyFrom``)."""
        shape = self
        for token in [t for t in pointer.split("/") if t]:
            shape = shape.members[token]
        return shape

    def timestamps(self) -> list[str]:
        """The members that are RFC 3339 date-times, in schema order."""
        return [name for name, member in self.members.items() if member.timestamp]

    def sensitive_members(self) -> frozenset[str]:
        return frozenset(name for name, member in self.members.items() if member.sensitive)


@dataclass(frozen=True)
class Creates:
    """What a create operation makes: the profile type and status, and the alphabet and length of new IDs."""

    type: str
    status: str
    id_alphabet: str
    id_length: int
    source: str


@dataclass(frozen=True, eq=False)
class Operation:
    """One operation: its HTTP binding, its input and output shapes, its IAM authorisation and its errors."""

    name: str
    method: str
    path: str
    success_status: int
    input: Shape
    output: Shape | None
    iam_action: str
    iam_resource_type: str
    query: Mapping[str, str]
    exact_errors: bool
    errors: tuple[str, ...] = ()
    invalid_answer: str | None = None
    valid_answers: tuple[str, ...] = ()
    creates: Creates | None = None
    deletable_types: tuple[str, ...] = ()

    @property
    def label(self) -> str | None:
        """The URI label of the path template (``inferenceProfileIdentifier``), None when the path has none."""
        if "{" not in self.path:
            return None
        return self.path[self.path.index("{") + 1 : self.path.index("}")]

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(self.path.lstrip("/").split("/"))

    def path_for(self, label_value: str) -> str:
        """The path with its label replaced by ``label_value`` (already encoded)."""
        return self.path if self.label is None else self.path.replace("{" + self.label + "}", label_value)

    @property
    def members(self) -> Mapping[str, Shape]:
        return self.input.members

    def located(self, location: str) -> dict[str, Shape]:
        """The input members bound to ``location`` (uri, querystring or body)."""
        return {name: member for name, member in self.members.items() if member.location == location}

    @property
    def roles(self) -> Mapping[str, str]:
        return self.input.roles

    @property
    def output_roles(self) -> Mapping[str, str]:
        return {} if self.output is None else self.output.roles


@dataclass(frozen=True)
class ErrorType:
    """A modelled error of the operation: its status, its fault side, its default message and its clause."""

    name: str
    status: int
    fault: str
    clause: str
    default_message: str = ""
    transient: bool = False


@dataclass(frozen=True)
class ServiceError:
    """An error outside the operation's model that the service's front door still answers with."""

    name: str
    status: int
    source: str
    fault: str | None = None


@dataclass(frozen=True)
class MockAnswer:
    """Which error the reference mock answers in one situation, with its message template and limit."""

    error: str
    message: str | None
    limit: int | None


@dataclass(frozen=True)
class ValidationWording:
    """How a ValidationException message lists the constraints a request broke, in AWS's words."""

    one: str
    many: str
    separator: str
    detail: str
    detail_null: str
    detail_sensitive: str
    list_member: str
    enum_separator: str
    constraints: Mapping[str, str]


@dataclass(frozen=True)
class ErrorWire:
    """How rest-json errors travel: the type header, the body members that type or word them, and their clauses."""

    type_header: str
    type_body_members: tuple[str, ...]
    message_members: tuple[str, ...]
    namespace: str
    body_members: tuple[str, ...]
    body_clause: str
    type_clause: str
    message_clauses: Mapping[str, str]
    transient: tuple[str, ...]
    validation: ValidationWording
    mock_answers: Mapping[str, MockAnswer]

    @property
    def message_member(self) -> str:
        """The one member of every error body."""
        return self.body_members[0]


@dataclass(frozen=True)
class BehaviourRule:
    """A behaviour clause: its id, the errors it expects, and its value (a limit such as the pages a list may take)."""

    key: str
    clause: str
    expect_error: str | None = None
    inconclusive_error: str | None = None
    other_account_error: str | None = None
    value: Any = None
    # Errors any of which the clause accepts (x-accept-errors), where no one error is the only right answer.
    accept_errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class KnownDrift:
    """A difference between schemas/ and the service model already known (drift.json)."""

    operation: str
    member: str
    aspect: str
    page: str
    model: str
    summary: str
    source: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.operation, self.member, self.aspect)


@dataclass(frozen=True)
class DriftFacts:
    """What ``bedrock-conformance drift`` compares: the model's service name and the known differences."""

    service: str
    known: tuple[KnownDrift, ...]


@dataclass(frozen=True)
class SdkFacts:
    """sdk.json: the operation SDKs are driven with, the sdk.* clauses, edge timestamps, SDKs and known defects."""

    operation: str
    clauses: Mapping[str, str]
    edge_timestamps: tuple[str, ...]
    sdks: Mapping[str, Mapping[str, Any]]
    known_defects: tuple[Mapping[str, Any], ...]
