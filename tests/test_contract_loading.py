"""Loading ``schemas/``: the clauses, errors and deviations read from the shipped documents (literal values from the
GetInferenceProfile page), and a copied ``schemas/`` folder broken one way at a time, which must be refused with a
``SchemaError`` that says what is wrong.

Each test calls ``load_contract`` itself (never the cached ``contract()``), so that mutation testing attributes it.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bedrock_conformance import _schemas
from bedrock_conformance._schemas import Clause, SchemaError, data_dir, load_contract, schemas_dir


def _copy(tmp_path: Path, edit: Callable[[dict[str, dict[str, Any]]], None] | None = None) -> Path:
    """A copy of the shipped schemas/ with ``edit`` applied to its parsed documents."""
    root = tmp_path / "schemas"
    shutil.copytree(schemas_dir(), root)
    if edit is not None:
        documents = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in root.glob("*.json")}
        edit(documents)
        for name, document in documents.items():
            (root / name).write_text(json.dumps(document, indent=1), encoding="utf-8")
    return root


def test_a_page_clause_is_read_with_its_keyword_value_spec_and_place() -> None:
    clause = load_contract().clauses["request.inferenceProfileIdentifier.maxLength"]
    assert clause == Clause(
        id="request.inferenceProfileIdentifier.maxLength",
        keyword="maxLength",
        value=2048,
        spec="inferenceProfileIdentifier \u2014 Length Constraints: Maximum length of 2048.",
        source="page",
        document="request.json",
        pointer="/properties/inferenceProfileIdentifier/x-clauses/maxLength",
        operation="GetInferenceProfile",
    )
    assert (clause.part, clause.member, clause.constraint) == ("request", "inferenceProfileIdentifier", "maxLength")
    assert clause.to_dict() == {
        "id": "request.inferenceProfileIdentifier.maxLength",
        "spec": "inferenceProfileIdentifier \u2014 Length Constraints: Maximum length of 2048.",
        "source": "page",
        "schema": "request.json#/properties/inferenceProfileIdentifier/x-clauses/maxLength",
    }


def test_clause_values_lists_required_and_keywordless_clauses() -> None:
    clauses = load_contract().clauses
    # An enum's values are shown joined by " | " where the spec says {value}.
    assert clauses["response.type.enum"].value == ["SYSTEM_DEFINED", "APPLICATION"]
    assert clauses["response.type.enum"].spec == "type \u2014 Valid Values: SYSTEM_DEFINED | APPLICATION"
    assert clauses["response.status.enum"].spec.endswith("Valid Values: ACTIVE")
    # A required clause sits on the member, which has no "required" keyword of its own: its value is True.
    required = clauses["response.inferenceProfileArn.required"]
    assert required.value is True
    assert required.keyword == "required"
    assert required.source == "model"
    assert required.spec == (
        "inferenceProfileArn is a required member of GetInferenceProfileResponse in the service model."
    )
    assert required.member == "inferenceProfileArn"
    # A behaviour clause with no keyword of its own takes x-value, or None.
    assert clauses["behaviour.listInferenceProfiles.ends"].value == 100
    assert clauses["behaviour.listInferenceProfiles.ends"].pointer == "/x-clauses/listEnds"
    assert clauses["behaviour.listInferenceProfiles.ends"].document == "behaviour.json"
    assert clauses["behaviour.listedProfile.resolvesById"].value is None
    # A clause on a document's root, on an x- keyword.
    content_type = clauses["response.body.contentType"]
    assert (content_type.value, content_type.spec) == (
        "application/json",
        "HTTP/1.1 200 Content-type: application/json",
    )
    assert content_type.pointer == "/x-clauses/x-content-type"
    assert clauses["response.models.modelArn.pattern"].member == "models.modelArn"
    assert clauses["response.models.modelArn.pattern"].constraint == "pattern"
    assert clauses["response.models.modelArn.pattern"].pointer == (
        "/properties/models/items/properties/modelArn/x-clauses/pattern"
    )


def test_the_five_errors_with_status_and_fault_from_the_page() -> None:
    contract = load_contract()
    # name, status, fault, clause, and whether a retry may cure it (throttling and the server fault).
    assert {n: (e.name, e.status, e.fault, e.clause, e.transient) for n, e in contract.errors.items()} == {
        "AccessDeniedException": ("AccessDeniedException", 403, "client", "error.AccessDeniedException.status", False),
        "InternalServerException": (
            "InternalServerException",
            500,
            "server",
            "error.InternalServerException.status",
            True,
        ),
        "ResourceNotFoundException": (
            "ResourceNotFoundException",
            404,
            "client",
            "error.ResourceNotFoundException.status",
            False,
        ),
        "ThrottlingException": ("ThrottlingException", 429, "client", "error.ThrottlingException.status", True),
        "ValidationException": ("ValidationException", 400, "client", "error.ValidationException.status", False),
    }
    assert contract.transient_statuses == frozenset({429, 500})
    assert contract.error_for_status(404) == contract.errors["ResourceNotFoundException"]
    assert contract.error_for_status(418) is None
    assert contract.clauses["error.ThrottlingException.status"].value == 429
    assert sorted(c.id for c in contract.clauses_of("error")) == [
        "error.AccessDeniedException.status",
        "error.InternalServerException.status",
        "error.ResourceNotFoundException.status",
        "error.ThrottlingException.status",
        "error.ValidationException.status",
        "error.body.type",
        "error.errorType.required",
        "error.message.required",
        "error.message.type",
    ]


def test_member_names_the_page_gives() -> None:
    contract = load_contract()
    assert contract.path_label == "inferenceProfileIdentifier"
    assert contract.message_member == "message"
    assert contract.list_member == "inferenceProfileSummaries"
    assert contract.token_member == "nextToken"
    assert [contract.role(r) for r in ("arn", "id", "name", "type", "models", "description")] == [
        "inferenceProfileArn",
        "inferenceProfileId",
        "inferenceProfileName",
        "type",
        "models",
        "description",
    ]


def test_references_resolve_or_say_where_they_point_nowhere() -> None:
    contract = load_contract()
    schema, document, pointer = contract.resolve("response.json#/properties/status", "operations.json")
    assert (schema["enum"], document, pointer) == (["ACTIVE"], "response.json", "/properties/status")
    schema, document, _ = contract.resolve("#/properties/type", "response.json")
    assert (schema["enum"], document) == (["SYSTEM_DEFINED", "APPLICATION"], "response.json")
    assert contract.resolve("https://example.invalid/x/errors.json#", "request.json")[1] == "errors.json"
    assert contract.schema("request.json", "/properties/inferenceProfileIdentifier")["maxLength"] == 2048
    with pytest.raises(SchemaError, match=r"^\$ref 'nothing\.json#/a' in request\.json names no schema document$"):
        contract.resolve("nothing.json#/a", "request.json")
    with pytest.raises(SchemaError, match=r"^\$ref 'response\.json#/properties/nothing' in sdk\.json points nowhere$"):
        contract.resolve("response.json#/properties/nothing", "sdk.json")
    with pytest.raises(SchemaError, match=r"points nowhere$"):
        contract.resolve("response.json#/required/x", "sdk.json")
    with pytest.raises(SchemaError, match=r"^no clause 'response\.nothing\.here' in schemas/$"):
        contract.clause("response.nothing.here")


def test_the_digest_is_the_sha256_of_the_documents_and_follows_an_edit(tmp_path: Path) -> None:
    shipped = load_contract().digest
    assert shipped.startswith("sha256:")
    assert len(shipped) == len("sha256:") + 64
    same = _copy(tmp_path / "same")
    assert load_contract(same).digest == shipped
    assert load_contract(same).root == same

    def retitle(documents: dict[str, dict[str, Any]]) -> None:
        documents["sdk.json"]["title"] = "edited"

    assert load_contract(_copy(tmp_path / "edited", retitle)).digest != shipped


def test_pointers_escape_slash_and_tilde_in_member_names(tmp_path: Path) -> None:
    def add(documents: dict[str, dict[str, Any]]) -> None:
        documents["response.json"]["properties"]["a/b~c"] = {
            "maxLength": 7,
            "x-clauses": {"maxLength": {"id": "response.odd.maxLength", "source": "page", "spec": "at most {value}"}},
        }
        rules = documents["response.json"]["properties"]["a/b~c"]
        rules["x-clauses"]["x/y~z"] = {"id": "response.odd.slashed", "source": "model", "spec": "no {value}"}

    contract = load_contract(_copy(tmp_path, add))
    odd = contract.clauses["response.odd.maxLength"]
    assert (odd.value, odd.spec, odd.pointer) == (7, "at most 7", "/properties/a~1b~0c/x-clauses/maxLength")
    slashed = contract.clauses["response.odd.slashed"]
    assert (slashed.value, slashed.spec, slashed.pointer) == (
        None,
        "no {value}",
        "/properties/a~1b~0c/x-clauses/x~1y~0z",
    )
    assert contract.resolve("response.json#/properties/a~1b~0c", "response.json")[0]["maxLength"] == 7


def test_a_missing_document_is_refused(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "behaviour.json").unlink()
    with pytest.raises(SchemaError, match=r"^cannot read schema .*behaviour\.json: "):
        load_contract(root)
    with pytest.raises(SchemaError, match=r"^cannot read schema .*request\.json: "):
        load_contract(tmp_path / "nowhere")


def test_a_document_that_is_not_json_is_refused(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "drift.json").write_text('{"title": ', encoding="utf-8")
    with pytest.raises(SchemaError, match=r"^cannot read schema .*drift\.json: "):
        load_contract(root)


def test_a_clause_declared_twice_is_refused(tmp_path: Path) -> None:
    def twice(documents: dict[str, dict[str, Any]]) -> None:
        clauses = documents["response.json"]["properties"]["description"]["x-clauses"]
        clauses["maxLength"]["id"] = "response.description.minLength"

    with pytest.raises(
        SchemaError, match=r"^clause response\.description\.minLength is declared twice \(response\.json#/properties/"
    ):
        load_contract(_copy(tmp_path, twice))


def test_a_clause_declared_twice_across_documents_is_refused(tmp_path: Path) -> None:
    def twice(documents: dict[str, dict[str, Any]]) -> None:
        documents["sdk.json"]["x-clauses"]["encoding"]["id"] = "request.inferenceProfileIdentifier.pattern"

    with pytest.raises(
        SchemaError, match=r"^clause request\.inferenceProfileIdentifier\.pattern is declared twice \(sdk\.json#\)$"
    ):
        load_contract(_copy(tmp_path, twice))


@pytest.mark.parametrize("bad", ["reply.inferenceProfileId.maxLength", "response.maxLength", "response", ".a.b"])
def test_a_clause_id_that_is_not_part_member_constraint_is_refused(tmp_path: Path, bad: str) -> None:
    def rename(documents: dict[str, dict[str, Any]]) -> None:
        documents["response.json"]["properties"]["inferenceProfileId"]["x-clauses"]["maxLength"]["id"] = bad

    with pytest.raises(SchemaError, match=rf"^clause id '{bad}' is not <part>\.<member>\.<constraint>$"):
        load_contract(_copy(tmp_path, rename))


@pytest.mark.parametrize("part", ["request", "response", "error", "behaviour", "sdk", "model"])
def test_each_of_the_six_parts_is_a_clause_id_prefix(tmp_path: Path, part: str) -> None:
    def rename(documents: dict[str, dict[str, Any]]) -> None:
        documents["drift.json"].setdefault("x-clauses", {})["x-probe"] = {
            "id": f"{part}.probe.one",
            "source": "model",
            "spec": "probe",
            "x-value": "v",
        }

    contract = load_contract(_copy(tmp_path, rename))
    assert contract.clauses[f"{part}.probe.one"].value == "v"
    assert contract.clauses[f"{part}.probe.one"].part == part
    assert contract.clauses[f"{part}.probe.one"].member == "probe"


def test_a_deviation_naming_no_clause_is_refused(tmp_path: Path) -> None:
    def orphan(documents: dict[str, dict[str, Any]]) -> None:
        documents["deviations.json"]["x-deviations"][0]["clause"] = "response.nothing.here"

    with pytest.raises(SchemaError, match=r"^deviation names unknown clause 'response\.nothing\.here'$"):
        load_contract(_copy(tmp_path, orphan))


def test_a_deviation_is_read_field_by_field(tmp_path: Path) -> None:
    entry = {
        "clause": "response.status.enum",
        "summary": "a summary",
        "rule": {"status": ["ACTIVE", "PAUSED"]},
        "rule_text": "status may also be PAUSED",
        "evidence": [{"record": "r1"}, {"record": "r2"}],
    }

    def add(documents: dict[str, dict[str, Any]]) -> None:
        documents["deviations.json"]["x-deviations"].append(entry)

    contract = load_contract(_copy(tmp_path, add))
    deviation = contract.deviations["response.status.enum"]
    assert deviation.clause == "response.status.enum"
    assert deviation.summary == "a summary"
    assert deviation.rule == {"status": ["ACTIVE", "PAUSED"]}
    assert deviation.rule_text == "status may also be PAUSED"
    assert deviation.evidence == ({"record": "r1"}, {"record": "r2"})
    assert len(contract.deviations) == 5


def test_no_deviations_key_means_no_deviations(tmp_path: Path) -> None:
    def drop(documents: dict[str, dict[str, Any]]) -> None:
        del documents["deviations.json"]["x-deviations"]

    assert load_contract(_copy(tmp_path, drop)).deviations == {}


def test_data_dir_finds_the_project_folders_or_says_where_it_looked() -> None:
    assert (data_dir("schemas") / "request.json").is_file()
    assert data_dir("suites").name == "suites"
    assert data_dir("cassettes").name == "cassettes"
    with pytest.raises(SchemaError, match=r"^no nowhere/ found \(looked in .*nowhere and .*nowhere\)$"):
        data_dir("nowhere")


def test_data_dir_prefers_the_folders_a_wheel_ships(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A wheel ships schemas/ and cassettes/ under bedrock_conformance/_data, the suites as bedrock_conformance.suites.
    for shipped in ("_data/schemas", "_data/cassettes", "suites"):
        (tmp_path / shipped).mkdir(parents=True)
    monkeypatch.setattr(_schemas, "resources", SimpleNamespace(files=lambda package: tmp_path))
    assert data_dir("schemas") == tmp_path / "_data" / "schemas"
    assert data_dir("cassettes") == tmp_path / "_data" / "cassettes"
    assert data_dir("suites") == tmp_path / "suites"


def test_an_operation_schemas_does_not_define_is_refused_by_name() -> None:
    contract = load_contract()
    assert contract.operation("ListTagsForResource").name == "ListTagsForResource"
    with pytest.raises(SchemaError, match=r"^no operation 'GetFoundationModel' in schemas/$"):
        contract.operation("GetFoundationModel")


def test_an_operation_drift_json_does_not_index_is_refused(tmp_path: Path) -> None:
    def unlist(documents: dict[str, dict[str, Any]]) -> None:
        del documents["drift.json"]["x-operations"]["UntagResource"]

    with pytest.raises(
        SchemaError, match=r"^operations\.json defines UntagResource but drift\.json x-operations does not list it$"
    ):
        load_contract(_copy(tmp_path, unlist))


def test_every_operation_drift_json_does_not_index_is_named(tmp_path: Path) -> None:
    def unlist(documents: dict[str, dict[str, Any]]) -> None:
        del documents["drift.json"]["x-operations"]["UntagResource"]
        del documents["drift.json"]["x-operations"]["TagResource"]

    with pytest.raises(
        SchemaError, match=r"^operations\.json defines (\w+), (\w+) but drift\.json x-operations"
    ) as info:
        load_contract(_copy(tmp_path, unlist))
    assert set(str(info.value).split(" defines ")[1].split(" but ")[0].split(", ")) == {"TagResource", "UntagResource"}
