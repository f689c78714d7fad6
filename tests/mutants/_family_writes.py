"""Broken and conformant servers for the write clauses: the reference mock behind a rewrite of Create, Delete,
TagResource, UntagResource and ListTagsForResource requests.

The model's facts are restated here, never read from the code under test (botocore bedrock/2023-04-20
service-2.json): inferenceProfileName has length 1 to 64 and pattern ``([0-9a-zA-Z][ _-]?)+``; description 1 to 200
and ``([0-9a-zA-Z:.][ _-]?)+``; clientRequestToken 1 to 256 and ``[a-zA-Z0-9]([-a-zA-Z0-9]{0,254}[a-zA-Z0-9])?``;
modelSource.copyFrom at most 2048 and ``arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):
(inference-profile|foundation-model)/[a-zA-Z0-9-:.]+``; inferenceProfileName and modelSource are required; a TagList
holds at most 200 tags, a TagKeyList 200 keys; a tag key has length 1 to 128, a value at most 256, both
``[a-zA-Z0-9\\s._:/=+@-]*``; Delete's identifier at most 2048 and ``(arn:...:(inference-profile|application-inference-
profile)/)?[a-zA-Z0-9-:.]+``; resourceARN (TaggableResourcesArn) length 20 to 1011 and its pattern, whose branches
are anchored each (written below with ``\\A``/``\\Z`` for Python's ``re``, where ``$`` would also match before a final
newline). The paths: POST /inference-profiles, DELETE /inference-profiles/{id}, POST /tagResource, /untagResource,
/listTagsForResource. Each mutant needs ``--allow-writes`` (a proxy is a read-only target without it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import unquote

from ._proxy import Call, Handler, Reply, Upstream
from ._rewrites import error_reply, stateless

C, D, T, U, L = (
    "CreateInferenceProfile",
    "DeleteInferenceProfile",
    "TagResource",
    "UntagResource",
    "ListTagsForResource",
)
PATHS = {C: "/inference-profiles", T: "/tagResource", U: "/untagResource", L: "/listTagsForResource"}
DELETE_PREFIX = "/inference-profiles/"
NAME = r"([0-9a-zA-Z][ _-]?)+"
DESCRIPTION = r"([0-9a-zA-Z:.][ _-]?)+"
TOKEN = r"[a-zA-Z0-9]([-a-zA-Z0-9]{0,254}[a-zA-Z0-9])?"
COPY_FROM = (
    r"arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):(inference-profile|foundation-model)/"
    r"[a-zA-Z0-9-:.]+"
)
TAG = r"[a-zA-Z0-9\s._:/=+@-]*"
IDENTIFIER = (
    r"(arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):"
    r"(inference-profile|application-inference-profile)/)?[a-zA-Z0-9-:.]+"
)
_NO_LINE_END = r"[^\n\r\u2028\u2029]"
TAGGABLE = (
    rf"{_NO_LINE_END}*(\A[a-zA-Z0-9][a-zA-Z0-9\-]*\Z)|(\Aarn:aws(-[^:]+)?:bedrock:[a-z0-9-]{{1,20}}:[0-9]{{12}}:"
    r"custom-model/(imported)/[a-z0-9]{12}\Z)|(\Aarn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:([0-9]{12}|)((:(fine-tuning-"
    r"job|model-customization-job|custom-model)/[a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([a-z0-9-]{1,63}[.]){0,2}"
    r"[a-z0-9-]{1,63}([:][a-z0-9-]{1,63}){0,2}(/[a-z0-9]{12})\Z)|(:guardrail/[a-z0-9]+\Z)|(:automated-reasoning-policy/"
    r"[a-zA-Z0-9]+(:[a-zA-Z0-9]+)?\Z)|(:(inference-profile|application-inference-profile)/[a-zA-Z0-9-:.]+\Z)|"
    r"(:project/(proj_[a-z2-7]{20}|default)\Z)|(:(provisioned-model|model-invocation-job|model-evaluation-job|"
    r"evaluation-job|model-import-job|imported-model|async-invoke|provisioned-model-v2|provisioned-model-reservation|"
    rf"prompt-router|custom-model-deployment)/[a-z0-9]{{12}}\Z))){_NO_LINE_END}*"
)
APPLICATION_ARN = r"arn:aws:bedrock:[a-z0-9-]+:[0-9]{12}:application-inference-profile/[a-z0-9]{12}"
INVALID = "ValidationException"
# What a server that skips a check answers instead: the operation's success.
_FAKE_ARN = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/zzzzzzzzzzzz"
SUCCESS = {
    C: Reply(201, {"Content-Type": "application/json"}, json.dumps({"inferenceProfileArn": _FAKE_ARN}).encode()),
    D: Reply(200, {"Content-Type": "application/json"}, b"{}"),
    T: Reply(200, {"Content-Type": "application/json"}, b"{}"),
    U: Reply(200, {"Content-Type": "application/json"}, b"{}"),
    L: Reply(200, {"Content-Type": "application/json"}, b'{"tags":[]}'),
}
M = TypeVar("M")
Test = Callable[[Any], bool]


def _operation(call: Call) -> str | None:
    if call.method == "DELETE" and call.path.startswith(DELETE_PREFIX):
        return D
    return next((op for op, path in PATHS.items() if call.method == "POST" and call.path == path), None)


def _request(call: Call, operation: str) -> Any:
    """Delete's decoded identifier, or the JSON body (None when it is no JSON)."""
    if operation == D:
        return unquote(call.path[len(DELETE_PREFIX) :])
    try:
        return json.loads(call.body or b"{}")
    except ValueError:
        return None


def _on(operation: str, test: Test, answer: Callable[[Call, Upstream], Reply]) -> Handler:
    """Answer ``operation``'s requests for which ``test`` holds with ``answer``; the mock answers the rest."""

    def handle(call: Call, upstream: Upstream) -> Reply:
        if _operation(call) == operation:
            value = _request(call, operation)
            if test(value):
                return answer(call, upstream)
        return upstream(call)

    return handle


def _accepts(operation: str) -> Callable[[Call, Upstream], Reply]:
    return lambda call, upstream: SUCCESS[operation]


def _rejects(call: Call, upstream: Upstream) -> Reply:
    return error_reply(INVALID, "1 validation error detected: refused on purpose")


def _fails(call: Call, upstream: Upstream) -> Reply:
    return error_reply("InternalServerException", "broken on purpose", status=500)


def _string(value: Any, *path: str) -> str | None:
    for name in path:
        value = value[0] if isinstance(value, list) and value else value
        value = value.get(name) if isinstance(value, dict) else None
    return value if isinstance(value, str) else None


def _length(path: tuple[str, ...], broken: Callable[[int], bool]) -> Test:
    return lambda body: (s := _string(body, *path)) is not None and broken(len(s))


def _pattern(path: tuple[str, ...], regex: str, low: int, high: int) -> Test:
    """A value of an allowed length that ``regex`` does not match as a whole."""
    return lambda body: (s := _string(body, *path)) is not None and low <= len(s) <= high and not re.fullmatch(regex, s)


def _count(member: str, broken: Callable[[int], bool]) -> Test:
    return lambda body: isinstance(body, dict) and isinstance(body.get(member), list) and broken(len(body[member]))


def _missing(member: str) -> Test:
    return lambda body: isinstance(body, dict) and member not in body


def _tag_specs(op: str) -> list[tuple[str, str, Test]]:
    return [
        (f"{op}:request.tags.maxItems", "accepts 201 tags", _count("tags", lambda n: n > 200)),
        (f"{op}:request.tags.key.minLength", "accepts an empty tag key", _length(("tags", "key"), lambda n: n < 1)),
        (
            f"{op}:request.tags.key.maxLength",
            "accepts a 129-character tag key",
            _length(("tags", "key"), lambda n: n > 128),
        ),
        (
            f"{op}:request.tags.key.pattern",
            "accepts a tag key outside its pattern",
            _pattern(("tags", "key"), TAG, 1, 128),
        ),
        (
            f"{op}:request.tags.value.maxLength",
            "accepts a 257-character tag value",
            _length(("tags", "value"), lambda n: n > 256),
        ),
        (
            f"{op}:request.tags.value.pattern",
            "accepts a tag value outside its pattern",
            _pattern(("tags", "value"), TAG, 0, 256),
        ),
    ]


def _arn_specs(op: str) -> list[tuple[str, str, Test]]:
    arn = ("resourceARN",)
    return [
        (f"{op}:request.resourceARN.minLength", "accepts a 19-character resourceARN", _length(arn, lambda n: n < 20)),
        (
            f"{op}:request.resourceARN.maxLength",
            "accepts a 1012-character resourceARN",
            _length(arn, lambda n: n > 1011),
        ),
        (
            f"{op}:request.resourceARN.pattern",
            "accepts a resourceARN outside TaggableResourcesArn",
            _pattern(arn, TAGGABLE, 20, 1011),
        ),
    ]


# (clause broken, what the server does, which requests it answers as if they were valid)
ACCEPTING: list[tuple[str, str, Test]] = [
    (f"{C}:request.inferenceProfileName.required", "accepts a Create without a name", _missing("inferenceProfileName")),
    (f"{C}:request.modelSource.required", "accepts a Create without a model source", _missing("modelSource")),
    (
        f"{C}:request.inferenceProfileName.minLength",
        "accepts an empty name",
        _length(("inferenceProfileName",), lambda n: n < 1),
    ),
    (
        f"{C}:request.inferenceProfileName.maxLength",
        "accepts a 65-character name",
        _length(("inferenceProfileName",), lambda n: n > 64),
    ),
    (
        f"{C}:request.inferenceProfileName.pattern",
        "accepts a name outside its pattern",
        _pattern(("inferenceProfileName",), NAME, 1, 64),
    ),
    (f"{C}:request.description.minLength", "accepts an empty description", _length(("description",), lambda n: n < 1)),
    (
        f"{C}:request.description.maxLength",
        "accepts a 201-character description",
        _length(("description",), lambda n: n > 200),
    ),
    (
        f"{C}:request.description.pattern",
        "accepts a description outside its pattern",
        _pattern(("description",), DESCRIPTION, 1, 200),
    ),
    (
        f"{C}:request.clientRequestToken.minLength",
        "accepts an empty token",
        _length(("clientRequestToken",), lambda n: n < 1),
    ),
    (
        f"{C}:request.clientRequestToken.maxLength",
        "accepts a 257-character token",
        _length(("clientRequestToken",), lambda n: n > 256),
    ),
    (
        f"{C}:request.clientRequestToken.pattern",
        "accepts a token outside its pattern",
        _pattern(("clientRequestToken",), TOKEN, 1, 256),
    ),
    (
        f"{C}:request.modelSource.copyFrom.maxLength",
        "accepts a 2049-character source",
        _length(("modelSource", "copyFrom"), lambda n: n > 2048),
    ),
    (
        f"{C}:request.modelSource.copyFrom.pattern",
        "accepts a source outside its pattern",
        _pattern(("modelSource", "copyFrom"), COPY_FROM, 1, 2048),
    ),
    *_tag_specs(C),
    (
        f"{D}:request.inferenceProfileIdentifier.maxLength",
        "accepts a 2049-character identifier",
        lambda v: isinstance(v, str) and len(v) > 2048,
    ),
    (
        f"{D}:request.inferenceProfileIdentifier.pattern",
        "accepts an identifier outside its pattern",
        lambda v: isinstance(v, str) and len(v) <= 2048 and not re.fullmatch(IDENTIFIER, v),
    ),
    *_arn_specs(T),
    *_tag_specs(T),
    *_arn_specs(U),
    (f"{U}:request.tagKeys.maxItems", "accepts 201 tag keys", _count("tagKeys", lambda n: n > 200)),
    *_arn_specs(L),
]
# (name, clause broken, operation, doc, which requests, answer)
OTHERS: list[tuple[str, str, str, str, Test, Callable[[Call, Upstream], Reply]]] = [
    (
        "create-500-on-non-json-body",
        f"{C}:request.body.type",
        C,
        "a Create body that is not a JSON object gets 500 InternalServerException, not a 400",
        lambda body: not isinstance(body, dict),
        _fails,
    ),
    (
        "create-rejects-200-tags",
        f"{C}:request.tags.maxItems",
        C,
        "the maximum checked with '<': a Create with 200 tags gets 400 ValidationException",
        _count("tags", lambda n: n >= 200),
        _rejects,
    ),
    (
        "list-tags-rejects-application-profile-arn",
        f"{L}:request.resourceARN.pattern",
        L,
        "ListTagsForResource refuses a well-formed application-inference-profile ARN with ValidationException",
        lambda body: (s := _string(body, "resourceARN")) is not None and re.fullmatch(APPLICATION_ARN, s) is not None,
        _rejects,
    ),
]


def _slug(clause: str, doc: str) -> str:
    operation = clause.split(":")[0]
    short = {C: "create", D: "delete", T: "tag", U: "untag", L: "list-tags"}[operation]
    return f"{short}-" + re.sub(r"[^a-z0-9]+", "-", doc.lower()).strip("-")


def write_mutants(mutant: Callable[..., M]) -> list[M]:
    """The write mutants, each built with the zoo's ``Mutant`` and run with --allow-writes: one or more broken
    servers per write request clause."""
    out = [
        mutant(
            _slug(clause, doc),
            clause,
            stateless(_on(clause.split(":")[0], test, _accepts(clause.split(":")[0]))),
            doc,
            ("--allow-writes",),
        )
        for clause, doc, test in ACCEPTING
    ]
    # Rule 6 (_blame.py): refusing every application-profile ARN refuses the lifecycle's tag listings too.
    lists_tags = frozenset({f"{L}:behaviour.tags.fromCreate", f"{L}:behaviour.tags.fromTagResource"})
    out += [
        mutant(
            name,
            clause,
            stateless(_on(op, test, answer)),
            doc,
            ("--allow-writes",),
            crosses=lists_tags if op == L and "application" in name else frozenset(),
        )
        for name, clause, op, doc, test, answer in OTHERS
    ]
    return out


def _validates_writes_itself(call: Call, upstream: Upstream) -> Reply:
    """A gateway that checks every write request by the model itself, in its own words, before the service sees it."""
    operation = _operation(call)
    if operation is None:
        return upstream(call)
    value = _request(call, operation)
    if operation == C and not isinstance(value, dict):
        return error_reply(INVALID, "the gateway could not read the body")
    tests = [test for clause, _doc, test in ACCEPTING if clause.startswith(f"{operation}:")]
    if operation == C:
        tests += [_missing("inferenceProfileName"), _missing("modelSource")]
    if any(test(value) for test in tests):
        return error_reply(INVALID, "1 validation error detected: the gateway refused the request")
    return upstream(call)


VALIDATING_WRITE_GATEWAY = stateless(_validates_writes_itself)
