"""The request clauses of CreateInferenceProfile, DeleteInferenceProfile, TagResource, UntagResource and
ListTagsForResource: the model's numbers and patterns, the ECMA-262 meaning of TaggableResourcesArn, what the
shipped cassette holds, and that a run deletes whatever it creates, even when interrupted.

Every fact is restated from botocore's bedrock/2023-04-20 service-2.json (the shapes InferenceProfileName,
InferenceProfileDescription, IdempotencyToken, InferenceProfileModelSourceArn, TagList, TagKey, TagValue,
InferenceProfileIdentifier, TaggableResourcesArn, TagKeyList), never read from the code under test.
TooManyTagsException's documentation: "50 tags per resource", so 200 tags (within TagList's max) may get a
TooManyTagsException, never a ValidationException.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from mutants import MUTANTS, VARIANTS, Call, Proxy, Reply, Upstream, run_conformance
from mutants._family_writes import VALIDATING_WRITE_GATEWAY, C, D, L, T, U
from mutants._rewrites import error_reply
from zoo import servers as zoo
from zoo.runs import application_profiles, run

from bedrock_conformance._ecma import whole_match
from bedrock_conformance._engine import RunConfig
from bedrock_conformance._schemas import contract
from bedrock_conformance._validator import failing, shape_validator
from bedrock_conformance.exercises import run_write_requests, write_request_clause_ids
from bedrock_conformance.frontend import open_session
from bedrock_conformance.mock import MockServer

ROOT = Path(__file__).resolve().parent.parent
NAME = "^([0-9a-zA-Z][ _-]?)+$"
DESCRIPTION = "^([0-9a-zA-Z:.][ _-]?)+$"
TOKEN = "^[a-zA-Z0-9]([-a-zA-Z0-9]{0,254}[a-zA-Z0-9])?$"
COPY_FROM = (
    "^arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):(inference-profile|foundation-model)/"
    "[a-zA-Z0-9-:.]+$"
)
TAG = "^[a-zA-Z0-9\\s._:/=+@-]*$"
IDENTIFIER = (
    "^(arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):"
    "(inference-profile|application-inference-profile)/)?[a-zA-Z0-9-:.]+$"
)
TAGGABLE = (
    ".*(^[a-zA-Z0-9][a-zA-Z0-9\\-]*$)|(^arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:custom-model/(imported)/"
    "[a-z0-9]{12}$)|(^arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:([0-9]{12}|)((:(fine-tuning-job|model-customization-job"
    "|custom-model)/[a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([a-z0-9-]{1,63}[.]){0,2}[a-z0-9-]{1,63}([:][a-z0-9-]{1,63})"
    "{0,2}(/[a-z0-9]{12})$)|(:guardrail/[a-z0-9]+$)|(:automated-reasoning-policy/[a-zA-Z0-9]+(:[a-zA-Z0-9]+)?$)|(:("
    "inference-profile|application-inference-profile)/[a-zA-Z0-9-:.]+$)|(:project/(proj_[a-z2-7]{20}|default)$)|(:("
    "provisioned-model|model-invocation-job|model-evaluation-job|evaluation-job|model-import-job|imported-model|"
    "async-invoke|provisioned-model-v2|provisioned-model-reservation|prompt-router|custom-model-deployment)/"
    "[a-z0-9]{12}$))).*"
)


def _tags(op: str) -> dict[str, Any]:
    return {
        f"{op}:request.tags.maxItems": 200,
        f"{op}:request.tags.key.minLength": 1,
        f"{op}:request.tags.key.maxLength": 128,
        f"{op}:request.tags.key.pattern": TAG,
        f"{op}:request.tags.value.maxLength": 256,
        f"{op}:request.tags.value.pattern": TAG,
    }


def _arn(op: str) -> dict[str, Any]:
    return {
        f"{op}:request.resourceARN.minLength": 20,
        f"{op}:request.resourceARN.maxLength": 1011,
        f"{op}:request.resourceARN.pattern": TAGGABLE,
    }


# Each clause and the model's value for it, in the order the contract lists them.
WRITE_CLAUSES: dict[str, Any] = {
    f"{C}:request.body.type": "object",
    f"{C}:request.inferenceProfileName.required": True,
    f"{C}:request.inferenceProfileName.minLength": 1,
    f"{C}:request.inferenceProfileName.maxLength": 64,
    f"{C}:request.inferenceProfileName.pattern": NAME,
    f"{C}:request.description.minLength": 1,
    f"{C}:request.description.maxLength": 200,
    f"{C}:request.description.pattern": DESCRIPTION,
    f"{C}:request.clientRequestToken.minLength": 1,
    f"{C}:request.clientRequestToken.maxLength": 256,
    f"{C}:request.clientRequestToken.pattern": TOKEN,
    f"{C}:request.modelSource.required": True,
    f"{C}:request.modelSource.copyFrom.maxLength": 2048,
    f"{C}:request.modelSource.copyFrom.pattern": COPY_FROM,
    **_tags(C),
    f"{D}:request.inferenceProfileIdentifier.maxLength": 2048,
    f"{D}:request.inferenceProfileIdentifier.pattern": IDENTIFIER,
    **_arn(T),
    **_tags(T),
    **_arn(U),
    f"{U}:request.tagKeys.maxItems": 200,
    **_arn(L),
}


def test_the_write_clauses_are_the_models_facts_in_order() -> None:
    assert write_request_clause_ids() == list(WRITE_CLAUSES)
    for clause_id, value in WRITE_CLAUSES.items():
        clause = contract().clause(clause_id)
        assert (clause.operation, clause.value, clause.source) == (clause_id.split(":")[0], value, "model"), clause_id
        if not isinstance(value, bool):
            assert "{value}" not in clause.spec and (str(value) in clause.spec or clause.keyword == "type"), clause_id


# TaggableResourcesArn under ECMA-262 (no multiline flag): '^' matches only at the start of the input and '$' only at
# its end (not before a final newline, as Python's '$' does), '.' matches no line terminator, '[^:]' matches one.
# Every branch of the alternation is anchored on both sides, so a value matches when one branch is the whole value.
TAGGABLE_MATCHES = [
    "a",  # the bare-name branch (the length is minLength's business, not the pattern's)
    "a" * 20,
    "abc-DEF-123",
    "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123def456",
    "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0",
    "arn:aws:bedrock:us-east-1::inference-profile/x",  # the account may be empty in the third branch
    "arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:guardrail/abc123",
    "arn:aws-x\ny:bedrock:us-east-1:123456789012:guardrail/abc",  # '[^:]' matches a newline
    "arn:aws:bedrock:us-east-1:123456789012:custom-model/imported/abcdefghij12",
    "arn:aws:bedrock:us-east-1:123456789012:project/default",
    "arn:aws:bedrock:us-east-1:123456789012:automated-reasoning-policy/Abc:V1",
]
TAGGABLE_MISSES = [
    "",
    "a" * 20 + "\n",  # '$' is the end of the input only
    "\n" + "a" * 20,  # '^' is the start of the input only, and '.*' does not cross a newline
    "-abc",
    "a b" + "c" * 17,
    "xarn:aws:bedrock:us-east-1:123456789012:guardrail/abc",  # '^' inside the branch: no prefix
    "arn:aws:bedrock:us-east-1:123456789012:guardrail/abc\n",
    "arn:aws:bedrock:us-east-1:123456789012:guardrail/ABC",
    "arn:aws:bedrock:us-east-1:123456789012:guardrail/abc-x",  # '$' inside the branch: no suffix
    "arn:aws:bedrock:us-east-1:12345678901:guardrail/abc",
    "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc def",
    "arn:aws:bedrock:us-east-1:123456789012:custom-model/imported/abcdefghij1",
    "arn:aws:s3:::bucket-name-here",
]


@pytest.mark.parametrize("value", TAGGABLE_MATCHES)
def test_taggable_arn_matches(value: str) -> None:
    assert whole_match(TAGGABLE, value)
    broken = failing(shape_validator(contract().operation(T).input).validate({"resourceARN": value, "tags": []}))
    assert f"{T}:request.resourceARN.pattern" not in broken


@pytest.mark.parametrize("value", TAGGABLE_MISSES)
def test_taggable_arn_misses(value: str) -> None:
    assert not whole_match(TAGGABLE, value)
    broken = failing(shape_validator(contract().operation(T).input).validate({"resourceARN": value, "tags": []}))
    assert f"{T}:request.resourceARN.pattern" in broken


def _interactions() -> list[tuple[str, Any, int, str | None]]:
    """(clause, request body or identifier, status, error type) of each tagged interaction of the shipped cassette."""
    data = yaml.safe_load((ROOT / "cassettes" / "mock" / "family_writes.yaml").read_text(encoding="utf-8"))
    out = []
    for interaction in data["interactions"]:
        request, response = interaction["request"], interaction["response"]
        clause = (request.get("headers") or {}).get("x-bedrock-conformance-check", [None])[0]
        if clause is None:
            continue
        body = request.get("body") or {}
        sent = body["json"] if "json" in body else body.get("string", "")
        if request["method"] == "DELETE":
            sent = request["uri"].rsplit("/", 1)[1]
        kind = (response.get("headers") or {}).get("x-amzn-ErrorType", [None])[0]
        out.append((clause, sent, response["status"]["code"], kind.split(":")[0] if kind else None))
    return out


def _rejected(status: int, kind: str | None) -> bool:
    return status == 400 and kind == "ValidationException"


def test_the_shipped_cassette_rejects_what_breaks_the_model_and_accepts_what_keeps_it() -> None:
    seen: dict[str, set[bool]] = {}
    for clause, sent, status, kind in _interactions():
        if clause.endswith("tags.maxItems") or clause.endswith("tagKeys.maxItems"):
            member = sent["tags" if "tags" in sent else "tagKeys"]
            invalid = len(member) > 200
            assert len(member) in (200, 201)
        elif clause.endswith("clientRequestToken.maxLength"):
            invalid = len(sent["clientRequestToken"]) > 256
        elif clause.endswith("resourceARN.minLength"):
            invalid = len(sent["resourceARN"]) < 20
        elif clause.endswith("resourceARN.maxLength"):
            invalid = len(sent["resourceARN"]) > 1011
        elif clause.endswith("resourceARN.pattern"):
            invalid = not whole_match(TAGGABLE, sent["resourceARN"])
        elif clause.endswith("tags.key.maxLength"):
            invalid = len(sent["tags"][0]["key"]) > 128
        elif clause.endswith(".required"):
            invalid = clause.split(".")[-2] not in sent
        elif clause.endswith("body.type"):
            invalid = not isinstance(sent, dict)
            if invalid:  # a body that does not deserialise: a 400, ValidationException or SerializationException
                assert status == 400 and kind in ("ValidationException", "SerializationException"), (clause, sent)
                seen.setdefault(clause, set()).add(invalid)
                continue
        else:
            continue
        seen.setdefault(clause, set()).add(invalid)
        if invalid:
            assert _rejected(status, kind), (clause, status, kind)
        else:
            # A valid token goes with the name of the run's tagging profile: ConflictException, nothing is made.
            refusals = ("TooManyTagsException", "ConflictException")
            assert status in (200, 201, 404) or (status == 400 and kind in refusals), (clause, status)
    # Both sides of each of these clauses are in the cassette.
    assert all(sides == {True, False} for sides in seen.values()), seen
    assert len(seen) >= 15


def test_200_tags_are_not_a_validation_error_and_201_are() -> None:
    sizes = {
        (clause, len(sent["tags"])): (status, kind)
        for clause, sent, status, kind in _interactions()
        if clause.endswith("tags.maxItems")
    }
    assert sizes[(f"{C}:request.tags.maxItems", 201)] == (400, "ValidationException")
    assert sizes[(f"{C}:request.tags.maxItems", 200)] == (400, "TooManyTagsException")  # 50 per resource
    assert sizes[(f"{T}:request.tags.maxItems", 201)] == (400, "ValidationException")
    assert sizes[(f"{T}:request.tags.maxItems", 200)] == (400, "TooManyTagsException")


def _applications(server: zoo.ZooServer) -> list[dict[str, Any]]:
    assert server.mock is not None
    return application_profiles(server.mock.url)


def test_without_allow_writes_every_write_clause_is_a_skip_saying_so(tmp_path: Path) -> None:
    with zoo.ZooServer(zoo.passthrough) as server:
        result = run(tmp_path, server.url)
        methods = set(server.methods())
    assert result.code == 0, result.err
    assert methods == {"GET"}
    clauses = {c["id"]: c for c in result.report["clauses"]}
    for clause_id in WRITE_CLAUSES:
        assert clauses[clause_id]["outcome"] == "skip" and "needs --allow-writes" in clauses[clause_id]["reason"]


def test_with_allow_writes_every_write_clause_passes_and_nothing_is_left(tmp_path: Path) -> None:
    with zoo.ZooServer(zoo.passthrough) as server:
        before = _applications(server)
        result = run(tmp_path, server.url, "--allow-writes")
        after = _applications(server)
    assert result.code == 0, result.err
    clauses = {c["id"]: c["outcome"] for c in result.report["clauses"]}
    assert {clauses[c] for c in WRITE_CLAUSES} == {"pass"}
    assert after == before == []


class _Interrupting:
    """A transport that raises KeyboardInterrupt at its ``at``-th POST, as Ctrl-C would; DELETEs go through."""

    def __init__(self, inner: Any, at: int) -> None:
        self.inner, self.at, self.posts = inner, at, 0

    def send(self, request: Any) -> Any:
        if request.method == "POST":
            self.posts += 1
            if self.posts == self.at:
                raise KeyboardInterrupt
        return self.inner.send(request)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.mark.parametrize("at", [3, 20, 40])
def test_an_interrupt_still_deletes_what_was_created(at: int) -> None:
    with zoo.ZooServer(zoo.passthrough) as server:
        session = open_session(RunConfig(target=server.url, allow_writes=True, seed=1, examples=1))
        try:
            session.target.transport = _Interrupting(session.target.transport, at)  # type: ignore[misc]
            with pytest.raises(KeyboardInterrupt):
                run_write_requests(session)
        finally:
            session.target.close()
        assert _applications(server) == []
    assert session.ledger.arns == [] and session.ledger.pending == set()


def test_every_value_sent_for_a_length_clause_is_the_bound_or_next_to_it() -> None:
    bounds = {c: v for c, v in WRITE_CLAUSES.items() if c.endswith(("Length", "maxItems")) and isinstance(v, int)}
    for clause, sent, _status, _kind in _interactions():
        if clause not in bounds or not clause.endswith("maxLength") or not isinstance(sent, dict):
            continue
        member = clause.split(":request.", 1)[1].rsplit(".", 1)[0]
        value: Any = sent
        for name in member.split("."):
            value = value[0] if isinstance(value, list) else value
            value = value[name]
        assert len(value) in (bounds[clause], bounds[clause] + 1), clause
        assert re.fullmatch(r"[ -~]*", json.dumps(value)), clause


def _loses_created_answers(call: Call, upstream: Upstream) -> Reply:
    """Every Create that succeeds is answered 500 InternalServerException: the profile exists, its ARN is lost."""
    reply = upstream(call)
    if call.method == "POST" and call.path == "/inference-profiles" and 200 <= reply.status < 300:
        return error_reply("InternalServerException", status=500)
    return reply


def test_profiles_whose_create_answer_was_lost_are_found_and_deleted(tmp_path: Path) -> None:
    with MockServer() as mock, Proxy(mock, _loses_created_answers) as proxy:
        result = run_conformance(proxy.url, tmp_path / "report.json", "--allow-writes")
        leaked = application_profiles(mock.url)
    assert result.code == 1  # every valid Create got a 500
    # Every suite that creates enters its Creates in the session's ledger, which finds a lost answer's profile by name.
    assert [p["inferenceProfileName"] for p in leaked] == []


def _conformant(name: str) -> Any:
    if name == "write-requests-validated-by-a-gateway":
        return VALIDATING_WRITE_GATEWAY()
    return next(v for v in VARIANTS if v.name == name).build()


# Not "fails-every-7th-request": the transport never repeats a POST after a 5xx (a repeated Create may create twice),
# so a 500 to a write is the server's final answer, and a failure.
@pytest.mark.parametrize("name", ["write-requests-validated-by-a-gateway", "throttles-every-5th-request"])
def test_conformant_servers_pass_every_write_clause(name: str, tmp_path: Path) -> None:
    """A gateway that refuses out-of-model writes in its own words, and a server that throttles now and then (a 429
    is repeated: the request was not carried out), pass every write clause, and nothing is left behind."""
    with MockServer() as mock:
        with Proxy(mock, _conformant(name)) as proxy:
            result = run_conformance(proxy.url, tmp_path / "report.json", "--allow-writes")
        left = [p["inferenceProfileName"] for p in application_profiles(mock.url)]
    assert result.failing == set(), {c: result.messages(c)[:1] for c in result.failing}
    assert {result.outcomes[c] for c in WRITE_CLAUSES} == {"pass"}
    assert [n for n in left if not n.startswith("bc-1-")] == []


def test_the_zoo_breaks_every_write_clause_and_some_both_ways() -> None:
    by_clause: dict[str, set[str]] = {}
    for mutant in MUTANTS:
        by_clause.setdefault(mutant.breaks, set()).add(mutant.name)
    assert set(WRITE_CLAUSES) <= set(by_clause)
    assert {"create-accepts-201-tags", "create-rejects-200-tags"} <= by_clause[f"{C}:request.tags.maxItems"]
    assert "create-accepts-a-257-character-token" in by_clause[f"{C}:request.clientRequestToken.maxLength"]
    assert "create-500-on-non-json-body" in by_clause[f"{C}:request.body.type"]
    arn_pattern = by_clause[f"{L}:request.resourceARN.pattern"]
    assert {"list-tags-accepts-a-resourcearn-outside-taggableresourcesarn"} <= arn_pattern
    assert "list-tags-rejects-application-profile-arn" in arn_pattern
    assert "create-accepts-a-create-without-a-name" in by_clause[f"{C}:request.inferenceProfileName.required"]
    assert all(m.args == ("--allow-writes",) for m in MUTANTS if m.breaks in WRITE_CLAUSES)


def test_a_replay_judges_the_recorded_write_requests(tmp_path: Path) -> None:
    result = run(tmp_path, f"replay:{ROOT / 'cassettes' / 'mock'}")
    assert result.code == 0, result.err
    outcomes = {c["id"]: c["outcome"] for c in result.report["clauses"]}
    assert {outcomes[c] for c in WRITE_CLAUSES} == {"pass"}


def test_a_replay_without_the_write_cassette_skips_saying_so(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "cassettes" / "mock", tmp_path / "set")
    (tmp_path / "set" / "family_writes.yaml").unlink()
    result = run(tmp_path, f"replay:{tmp_path / 'set'}")
    assert result.code == 0, result.err
    clauses = {c["id"]: c for c in result.report["clauses"]}
    for clause_id in WRITE_CLAUSES:
        assert clauses[clause_id]["outcome"] == "skip", clause_id
        assert "the cassettes hold no request that exercises this clause" in clauses[clause_id]["reason"]


def test_a_replay_fails_a_recorded_201_tags_create_that_was_accepted(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "cassettes" / "mock", tmp_path / "set")
    path = tmp_path / "set" / "family_writes.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for interaction in data["interactions"]:
        request = interaction["request"]
        tags = ((request.get("body") or {}).get("json") or {}).get("tags")
        if request["method"] == "POST" and request["uri"].endswith("/inference-profiles") and len(tags or []) == 201:
            interaction["response"] = {
                "status": {"code": 201, "message": "Created"},
                "headers": {"Content-Type": ["application/json"]},
                "body": {
                    "json": {
                        "inferenceProfileArn": "arn:aws:bedrock:us-east-1:123456789012:"
                        "application-inference-profile/zzzzzzzzzzzz",
                        "status": "ACTIVE",
                    }
                },
            }
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = run(tmp_path, f"replay:{tmp_path / 'set'}")
    failing = {c["id"] for c in result.report["clauses"] if c["outcome"] == "fail"}
    assert failing == {f"{C}:request.tags.maxItems"}, result.err


def _botocore_shapes() -> dict[str, Any]:
    import gzip

    import botocore

    folder = Path(botocore.__file__).parent / "data" / "bedrock" / "2023-04-20"
    path = folder / "service-2.json"
    text = path.read_text() if path.exists() else gzip.decompress((folder / "service-2.json.gz").read_bytes()).decode()
    model = json.loads(text)
    return {"operations": model["operations"], "shapes": model["shapes"]}


@pytest.mark.parametrize(
    "clause_id", [c for c, v in WRITE_CLAUSES.items() if not isinstance(v, bool) and not c.endswith("body.type")]
)
def test_each_write_bound_is_botocores(clause_id: str) -> None:
    """The literal table above against botocore's own service model (the model, not the code under test)."""
    model = _botocore_shapes()
    operation, local = clause_id.split(":request.")
    *members, keyword = local.split(".")
    shape = model["shapes"][model["operations"][operation]["input"]["shape"]]
    for member in members:
        shape = model["shapes"][shape["members"][member]["shape"]]
        if shape["type"] == "list" and member != members[-1]:
            shape = model["shapes"][shape["member"]["shape"]]
    expected = WRITE_CLAUSES[clause_id]
    if keyword == "pattern":
        assert expected in (shape["pattern"], f"^{shape['pattern']}$"), clause_id
    else:
        assert shape[{"minLength": "min", "maxLength": "max", "maxItems": "max"}[keyword]] == expected, clause_id
