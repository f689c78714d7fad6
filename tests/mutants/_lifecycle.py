"""Broken and conformant servers for the lifecycle clauses: the reference mock behind a rewrite of Create, Delete and
the tagging operations.

The model's facts are restated here, never read from the code under test: CreateInferenceProfile is
``POST /inference-profiles`` (inferenceProfileName, description, modelSource.copyFrom, clientRequestToken, tags),
DeleteInferenceProfile ``DELETE /inference-profiles/{id}``, TagResource ``POST /tagResource`` (resourceARN, tags),
UntagResource ``POST /untagResource`` (resourceARN, tagKeys), ListTagsForResource ``POST /listTagsForResource``
(resourceARN; answers tags); a tag is {key, value}; a resource carries at most 50 tags; ConflictException,
ValidationException and TooManyTagsException are 400, ResourceNotFoundException 404, AccessDeniedException 403,
InternalServerException 500. Every mutant runs with --allow-writes (a URL target is read-only otherwise).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar
from urllib.parse import unquote

from ._proxy import Call, Handler, Reply, Upstream

PROFILES, TAG, UNTAG, LIST_TAGS = "/inference-profiles", "/tagResource", "/untagResource", "/listTagsForResource"
NAME, TEXT, TOKEN, TAGS, KEYS, RESOURCE = (
    "inferenceProfileName",
    "description",
    "clientRequestToken",
    "tags",
    "tagKeys",
    "resourceARN",
)
TAG_LIMIT = 50
STATUS = {
    "ConflictException": 400,
    "ValidationException": 400,
    "TooManyTagsException": 400,
    "ResourceNotFoundException": 404,
    "AccessDeniedException": 403,
    "InternalServerException": 500,
}
WRITES = ("--allow-writes",)
# The suite names its lifecycle profiles with this prefix; a mutant confined to them breaks no other suite's clause.
OURS = "bc-lc-"
APPLICATION_ARN = ":application-inference-profile/"

CREATED_RESOLVES = "CreateInferenceProfile:behaviour.inferenceProfileArn.resolves"
SAME_TOKEN = "CreateInferenceProfile:behaviour.clientRequestToken.idempotent"
TOKEN_REUSED = "CreateInferenceProfile:behaviour.clientRequestToken.differentBodyRefused"
DUPLICATE_NAME = "CreateInferenceProfile:behaviour.inferenceProfileName.unique"
UNKNOWN_SOURCE = "CreateInferenceProfile:behaviour.modelSource.copyFromFound"
DELETED = "DeleteInferenceProfile:behaviour.inferenceProfileIdentifier.deleted"
SYSTEM_REFUSED = "DeleteInferenceProfile:behaviour.inferenceProfileIdentifier.systemDefinedRefused"
DELETED_TWICE = "DeleteInferenceProfile:behaviour.inferenceProfileIdentifier.deletedTwiceNotFound"
CREATE_TAGS = "ListTagsForResource:behaviour.tags.fromCreate"
ADDED_TAGS = "ListTagsForResource:behaviour.tags.fromTagResource"
UNTAGGED = "UntagResource:behaviour.tagKeys.removesExactly"
TOO_MANY = "TagResource:behaviour.tags.perResourceLimit"
LIFECYCLE = frozenset(
    {
        CREATED_RESOLVES,
        SAME_TOKEN,
        TOKEN_REUSED,
        DUPLICATE_NAME,
        UNKNOWN_SOURCE,
        DELETED,
        SYSTEM_REFUSED,
        DELETED_TWICE,
        CREATE_TAGS,
        ADDED_TAGS,
        UNTAGGED,
        TOO_MANY,
    }
)
M = TypeVar("M")


def error(name: str, message: str = "broken on purpose") -> Reply:
    headers = {
        "Content-Type": "application/json",
        "x-amzn-ErrorType": f"{name}:http://internal.amazon.com/coral/com.amazon.bedrock/",
    }
    return Reply(STATUS[name], headers, json.dumps({"message": message}).encode())


def ok(body: Any) -> Reply:
    return Reply(200, {"Content-Type": "application/json"}, json.dumps(body).encode())


def error_of(reply: Reply) -> str | None:
    value = reply.header("x-amzn-ErrorType")
    return value.split(":", 1)[0] if reply.status >= 400 and value else None


def body_of(call: Call) -> dict[str, Any]:
    try:
        value = json.loads(call.body or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def with_body(call: Call, body: dict[str, Any]) -> Call:
    return replace(call, body=json.dumps(body).encode())


def is_create(call: Call) -> bool:
    return call.method == "POST" and call.path == PROFILES


def deleted_label(call: Call) -> str | None:
    """The identifier a Delete names, decoded; None for any other request."""
    if call.method != "DELETE" or not call.path.startswith(PROFILES + "/"):
        return None
    return unquote(call.path[len(PROFILES) + 1 :])


def _fingerprint(body: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in body.items() if k != TOKEN}, sort_keys=True)


# ------------------------------------------------------------------------------------------------ Create
def _second_profile_for(same_body: bool) -> Callable[[], Handler]:
    """A Create with a token seen before makes a new profile (under a new name, so the mock lets it), when its body
    is the same as before (``same_body``) or when it differs."""

    def build() -> Handler:
        seen: dict[str, str] = {}

        def handle(call: Call, upstream: Upstream) -> Reply:
            if not is_create(call):
                return upstream(call)
            body = body_of(call)
            token = body.get(TOKEN)
            if not isinstance(token, str) or token not in seen:
                reply = upstream(call)
                if reply.status == 201 and isinstance(token, str):
                    seen[token] = _fingerprint(body)
                return reply
            if (seen[token] == _fingerprint(body)) != same_body:
                return upstream(call)
            fresh = {k: v for k, v in body.items() if k != TOKEN} | {NAME: f"{body[NAME]}-again"}
            return upstream(with_body(call, fresh))

        return handle

    return build


def _duplicate_names() -> Handler:
    """A Create with a new token and the name of a profile this server made makes a second profile: the name is not
    unique (the mock is shown another name, so that it lets it)."""
    made: set[str] = set()
    tokens: set[str] = set()

    def handle(call: Call, upstream: Upstream) -> Reply:
        if not is_create(call):
            return upstream(call)
        body = body_of(call)
        name, token = body.get(NAME), body.get(TOKEN)
        if isinstance(name, str) and name in made and isinstance(token, str) and token not in tokens:
            call = with_body(call, body | {NAME: f"{name}-twin"})
        reply = upstream(call)
        if reply.status == 201 and isinstance(name, str):
            made.add(name)
            if isinstance(token, str):
                tokens.add(token)
        return reply

    return handle


def _unknown_source_fails(call: Call, upstream: Upstream) -> Reply:
    """A Create copying a source that names nothing gets 500 InternalServerException, not 404."""
    reply = upstream(call)
    if is_create(call) and error_of(reply) == "ResourceNotFoundException":
        return error("InternalServerException", "An internal server error occurred.")
    return reply


def _forgets_description(call: Call, upstream: Upstream) -> Reply:
    """A Get of one of the suite's application profiles answers without the description it was created with."""
    reply = upstream(call)
    label = call.label
    if reply.status != 200 or label is None or APPLICATION_ARN not in label:
        return reply
    body = reply.json()
    if str(body.get(NAME, "")).startswith(OURS):
        body.pop(TEXT, None)
        return reply.with_json(body)
    return reply


# ------------------------------------------------------------------------------------------------ Delete
def _system_deleted(call: Call, upstream: Upstream) -> Reply:
    """A Delete of a SYSTEM_DEFINED profile is answered 200 (and nothing is deleted)."""
    label = deleted_label(call)
    if label is not None and APPLICATION_ARN not in label:
        return ok({})
    return upstream(call)


def _still_gettable() -> Handler:
    """A deleted profile of the suite's still answers its Gets with the body it had."""
    bodies: dict[str, bytes] = {}
    gone: set[str] = set()

    def handle(call: Call, upstream: Upstream) -> Reply:
        label = call.label
        if label is not None and label in gone:
            return Reply(200, {"Content-Type": "application/json"}, bodies[label])
        reply = upstream(call)
        if label is not None and reply.status == 200 and str(reply.json().get(NAME, "")).startswith(OURS):
            bodies[label] = reply.body
        deleted = deleted_label(call)
        if deleted is not None and reply.status == 200 and deleted in bodies:
            gone.add(deleted)
        return reply

    return handle


def _second_delete_succeeds(call: Call, upstream: Upstream) -> Reply:
    """A Delete of an application profile that is gone is answered 200, not 404."""
    reply = upstream(call)
    label = deleted_label(call)
    if label is not None and APPLICATION_ARN in label and error_of(reply) == "ResourceNotFoundException":
        return ok({})
    return reply


# ------------------------------------------------------------------------------------------------ tags
def _drops_create_tags(call: Call, upstream: Upstream) -> Reply:
    """The tags a profile is created with are ignored."""
    if is_create(call) and TAGS in body_of(call):
        return upstream(with_body(call, {k: v for k, v in body_of(call).items() if k != TAGS}))
    return upstream(call)


def _loses_first_tagging() -> Handler:
    """A profile's first TagResource is answered 200 and does nothing."""
    tagged: set[str] = set()

    def handle(call: Call, upstream: Upstream) -> Reply:
        if call.method == "POST" and call.path == TAG:
            resource = str(body_of(call).get(RESOURCE))
            if resource not in tagged:
                tagged.add(resource)
                return ok({})
        return upstream(call)

    return handle


def _untags_everything(call: Call, upstream: Upstream) -> Reply:
    """UntagResource removes every tag, not only the keys it names."""
    if call.method == "POST" and call.path == UNTAG:
        body = body_of(call)
        listed = upstream(replace(call, target=LIST_TAGS, body=json.dumps({RESOURCE: body[RESOURCE]}).encode()))
        keys = [tag["key"] for tag in listed.json().get(TAGS, [])] if listed.status == 200 else []
        return upstream(with_body(call, body | {KEYS: keys or body[KEYS]}))
    return upstream(call)


def _no_tag_limit(call: Call, upstream: Upstream) -> Reply:
    """TagResource past the limit is accepted: tag 51 is answered 200."""
    reply = upstream(call)
    if call.method == "POST" and call.path == TAG and error_of(reply) == "TooManyTagsException":
        return ok({})
    return reply


def _tag_limit_off_by_one(call: Call, upstream: Upstream) -> Reply:
    """TagResource is refused once a profile would reach the limit (50 tags), not only past it."""
    if call.method == "POST" and call.path == TAG:
        body = body_of(call)
        listed = upstream(replace(call, target=LIST_TAGS, body=json.dumps({RESOURCE: body[RESOURCE]}).encode()))
        if listed.status == 200:
            keys = {tag["key"] for tag in listed.json().get(TAGS, [])} | {tag["key"] for tag in body[TAGS]}
            if len(keys) >= TAG_LIMIT:
                return error("TooManyTagsException", f"at most {TAG_LIMIT - 1} tags")
    return upstream(call)


def _stateless(handler: Handler) -> Callable[[], Handler]:
    return lambda: handler


def lifecycle_mutants(mutant: Callable[..., M]) -> list[M]:
    """The lifecycle mutants, each built with the zoo's ``Mutant``: at least one broken server per clause."""
    spec: list[tuple[str, str, Callable[[], Handler], str | None]] = [
        (
            "create-forgets-description",
            CREATED_RESOLVES,
            _stateless(_forgets_description),
            _forgets_description.__doc__,
        ),
        (
            "create-same-token-makes-a-second-profile",
            SAME_TOKEN,
            _second_profile_for(same_body=True),
            "the same token and body make a second profile (another ARN)",
        ),
        (
            "create-token-reuse-accepted",
            TOKEN_REUSED,
            _second_profile_for(same_body=False),
            "the same token with a different body is answered 201 with a new profile",
        ),
        ("create-duplicate-name-accepted", DUPLICATE_NAME, _duplicate_names, _duplicate_names.__doc__),
        ("create-unknown-source-500", UNKNOWN_SOURCE, _stateless(_unknown_source_fails), _unknown_source_fails.__doc__),
        ("delete-system-profile-accepted", SYSTEM_REFUSED, _stateless(_system_deleted), _system_deleted.__doc__),
        ("delete-leaves-profile-gettable", DELETED, _still_gettable, _still_gettable.__doc__),
        (
            "delete-twice-accepted",
            DELETED_TWICE,
            _stateless(_second_delete_succeeds),
            _second_delete_succeeds.__doc__,
        ),
        ("create-tags-dropped", CREATE_TAGS, _stateless(_drops_create_tags), _drops_create_tags.__doc__),
        ("tag-resource-lost", ADDED_TAGS, _loses_first_tagging, _loses_first_tagging.__doc__),
        ("untag-removes-every-key", UNTAGGED, _stateless(_untags_everything), _untags_everything.__doc__),
        ("tag-51-accepted", TOO_MANY, _stateless(_no_tag_limit), _no_tag_limit.__doc__),
        ("tag-50-refused", TOO_MANY, _stateless(_tag_limit_off_by_one), _tag_limit_off_by_one.__doc__),
    ]
    return [
        mutant(name, breaks, build, doc or "", args=WRITES, crosses=CROSSES.get(name, frozenset()))
        for name, breaks, build, doc in spec
    ]


_C, _D, _T = "CreateInferenceProfile:request.", "DeleteInferenceProfile:request.", "TagResource:request."
# Rule 6 (_blame.py): each of these rewrites answers a kind of request before (or instead of) the mock's validation,
# so it answers the write request clauses' requests of that kind too: the 2048-character copyFrom that keeps its
# pattern names no profile (500, not an answer the valid side allows); Deletes of overlong identifiers get 200; tags
# dropped from a Create are never validated; a resource's first TagResource is answered 200 whatever it names; 201 tags
# are refused as too many, not as an invalid request.
CROSSES: dict[str, frozenset[str]] = {
    "create-unknown-source-500": frozenset({_C + "modelSource.copyFrom.maxLength"}),
    "delete-system-profile-accepted": frozenset({_D + "inferenceProfileIdentifier.maxLength"}),
    "create-tags-dropped": frozenset(
        _C + f"tags.{m}" for m in ("maxItems", "key.minLength", "key.maxLength", "key.pattern", "value.maxLength")
    )
    | {_C + "tags.value.pattern"},
    "tag-resource-lost": frozenset(_T + f"resourceARN.{k}" for k in ("minLength", "maxLength", "pattern")),
    "tag-50-refused": frozenset({_T + "tags.maxItems"}),
}


# ------------------------------------------------------------------------------------------------ conformant variants
def _token_reuse_invalid(call: Call, upstream: Upstream) -> Reply:
    """A token reused with a different body is refused with 400 ValidationException, not ConflictException."""
    reply = upstream(call)
    if is_create(call) and error_of(reply) == "ConflictException" and TOKEN in reply.json().get("message", ""):
        return error("ValidationException", "The clientRequestToken was used with other parameters.")
    return reply


def _tags_reversed(call: Call, upstream: Upstream) -> Reply:
    """ListTagsForResource lists the tags in the reverse of the order they were given."""
    reply = upstream(call)
    if call.method == "POST" and call.path == LIST_TAGS and reply.status == 200:
        body = reply.json()
        return reply.with_json(body | {TAGS: list(reversed(body.get(TAGS, [])))})
    return reply


def _system_delete_denied(call: Call, upstream: Upstream) -> Reply:
    """A Delete of a SYSTEM_DEFINED profile is refused with 403 AccessDeniedException (IAM denies it first); an
    identifier out of contract still gets the mock's 400 ValidationException."""
    label = deleted_label(call)
    reply = upstream(call)  # a Delete of a system profile deletes nothing: the mock refuses it too
    if label is not None and APPLICATION_ARN not in label and reply.status != 400:
        return error("AccessDeniedException", "User is not authorized to perform: bedrock:DeleteInferenceProfile")
    return reply


LIFECYCLE_VARIANTS: list[tuple[str, Handler, str, tuple[str, ...]]] = [
    ("token-reuse-answered-validation", _token_reuse_invalid, _token_reuse_invalid.__doc__ or "", (TOKEN_REUSED,)),
    ("tags-listed-in-reverse", _tags_reversed, _tags_reversed.__doc__ or "", (CREATE_TAGS, ADDED_TAGS, UNTAGGED)),
    ("system-delete-denied", _system_delete_denied, _system_delete_denied.__doc__ or "", (SYSTEM_REFUSED,)),
]
