"""A contract module: the facts ``_schemas`` reads beside the shapes (how errors travel, the behaviour rules, roles,
SDK and drift facts), each read from its document into ``_model``'s typed objects. Nothing here spells a constraint."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from ._model import (
    BehaviourRule,
    DriftFacts,
    ErrorType,
    ErrorWire,
    KnownDrift,
    MockAnswer,
    SdkFacts,
    ServiceError,
    ValidationWording,
)

RESPONSE, BEHAVIOUR, OPERATIONS, SDK, DRIFT = (
    "response.json",
    "behaviour.json",
    "operations.json",
    "sdk.json",
    "drift.json",
)


def clause_ids(node: Mapping[str, Any]) -> dict[str, str]:
    """The clause each keyword of a schema node carries: {keyword: clause id}."""
    return {keyword: meta["id"] for keyword, meta in node.get("x-clauses", {}).items()}


def plain(entries: Mapping[str, Any]) -> dict[str, Any]:
    """A mapping of a schema without its ``about`` note."""
    return {k: v for k, v in entries.items() if k != "about"}


def _behaviour_rules(doc: Mapping[str, Any]) -> dict[str, BehaviourRule]:
    """behaviour.json's rules: the page operation's by their key, and each sibling operation's (under ``x-family``)
    as ``<Operation>:<key>``."""
    blocks: list[tuple[str, Mapping[str, Any]]] = [("", doc["x-clauses"])]
    blocks += [(f"{op}:", block["x-clauses"]) for op, block in doc.get("x-family", {}).items()]
    return {
        prefix + key: BehaviourRule(
            key=prefix + key,
            clause=meta["id"],
            expect_error=meta.get("x-expect-error"),
            inconclusive_error=meta.get("x-inconclusive-error"),
            other_account_error=meta.get("x-other-account-error"),
            value=meta.get("x-value"),
            accept_errors=tuple(meta.get("x-accept-errors", ())),
        )
        for prefix, clauses in blocks
        for key, meta in clauses.items()
    }


def read_errors(
    doc: Mapping[str, Any], errors: dict[str, ErrorType], service_errors: dict[str, ServiceError]
) -> ErrorWire:
    """errors.json: the modelled and service errors (filled into ``errors`` and ``service_errors``), and how errors
    travel (returned)."""
    transient = tuple(doc["x-transient"])
    for name, definition in doc["$defs"].items():
        errors[name] = ErrorType(
            name=name,
            status=definition["x-http-status"],
            fault=definition["x-fault"],
            clause=definition["x-clauses"]["x-http-status"]["id"],
            default_message=definition["x-default-message"],
            transient=name in transient,
        )
    for name, entry in doc["x-service-errors"].items():
        if isinstance(entry, dict):
            status, source, fault = entry["x-http-status"], entry["source"], entry.get("x-fault")
            service_errors[name] = ServiceError(name, status, source, fault)
    words = doc["x-validation-message"]
    clauses = clause_ids(doc)
    return ErrorWire(
        type_header=doc["x-type-header"],
        type_body_members=tuple(doc["x-type-body-members"]),
        message_members=tuple(doc["x-message-members"]),
        namespace=doc["x-type-namespace"],
        body_members=tuple(doc["properties"]),
        body_clause=clauses["type"],
        type_clause=clauses["x-type-header"],
        message_clauses=clause_ids(next(iter(doc["properties"].values()))),
        transient=transient,
        validation=ValidationWording(
            one=words["one"],
            many=words["many"],
            separator=words["separator"],
            detail=words["detail"],
            detail_null=words["detailNull"],
            detail_sensitive=words["detailSensitive"],
            list_member=words["listMember"],
            enum_separator=words["enumSeparator"],
            constraints=dict(words["constraints"]),
        ),
        mock_answers={
            key: MockAnswer(entry["error"], entry.get("message"), entry.get("limit"))
            for key, entry in doc["x-mock-answers"].items()
            if isinstance(entry, dict)
        },
    )


def read_facts(docs: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Roles, ARN templates, resource types, content type, signing name, behaviour rules, sdk.json and drift.json:
    the Contract fields they fill, by name."""
    response = docs[RESPONSE]
    facts: dict[str, Any] = {
        "roles": dict(response["x-roles"]),
        "arn_templates": plain(response["x-arn-templates"]),
        "content_type": response["x-content-type"],
        "content_type_clause": clause_ids(response)["x-content-type"],
        "resource_types": dict(docs[BEHAVIOUR]["x-resource-types"]),
        "signing_name": docs[OPERATIONS]["x-service"]["signingName"],
    }
    facts["behaviour"] = _behaviour_rules(docs[BEHAVIOUR])
    sdk = docs[SDK]
    facts["sdk"] = SdkFacts(
        operation=sdk["x-operation"],
        # The page operation's by their key; each sibling's (under x-family) as <Operation>:<key>.
        clauses={
            **clause_ids(sdk),
            **{
                f"{op}:{key}": cid
                for op, block in sdk.get("x-family", {}).items()
                if isinstance(block, dict)
                for key, cid in clause_ids(block).items()
            },
        },
        edge_timestamps=tuple(sdk["x-edge-timestamps"]["values"]),
        sdks={k: v for k, v in sdk["x-sdks"].items() if isinstance(v, dict)},
        known_defects=tuple(sdk.get("x-known-defects", {}).get("defects", [])),
    )
    drift = docs[DRIFT]
    facts["drift"] = DriftFacts(
        service=drift["x-model"]["service"],
        # Each entry's keys are KnownDrift's fields; page and model are compared as text.
        known=tuple(
            KnownDrift(**{f.name: str(e[f.name]) for f in dataclasses.fields(KnownDrift)})
            for e in drift.get("x-known-drift", [])
        ),
    )
    return facts
