"""The mutant zoo: broken servers, each the reference mock behind one rewrite that breaks one clause."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, unquote

from bedrock_conformance import Outcome, contract, validate_response

from . import _blame
from ._family import list_mutants
from ._family_writes import write_mutants
from ._pagination import pagination_mutants, pagination_undecidable
from ._lifecycle import lifecycle_mutants
from ._proxy import Call, Handler, Reply, Upstream
from ._rewrites import (
    Body,
    dropping,
    error_reply,
    error_status,
    identifier_bound,
    is_error,
    listed,
    members,
    on_profiles,
    renaming,
    response_bound,
    setting,
    some_profile,
    stateless,
)

m = members()
NOT_FOUND, INVALID = "ResourceNotFoundException", "ValidationException"
THROTTLED, DENIED, INTERNAL = "ThrottlingException", "AccessDeniedException", "InternalServerException"
MAX_ID = identifier_bound("maxLength")
MIN_ID = identifier_bound("minLength")

REQUEST_PATTERN = "request.inferenceProfileIdentifier.pattern"
REQUEST_MAX = "request.inferenceProfileIdentifier.maxLength"
REQUEST_MIN = "request.inferenceProfileIdentifier.minLength"
UNKNOWN = "behaviour.unknownIdentifier.notFound"
ENDS_WITH_ID = "behaviour.inferenceProfileArn.endsWithId"
PERCENT = "behaviour.inferenceProfileIdentifier.percentDecoded"
IDENTIFIES = "behaviour.inferenceProfileIdentifier.identifiesProfile"
LIST_PAGE = "behaviour.listInferenceProfiles.isListPage"
TOKEN_ADVANCES = "behaviour.listInferenceProfiles.nextTokenAdvances"
LIST_ENDS = "behaviour.listInferenceProfiles.ends"


@dataclass(frozen=True)
class Mutant:
    """A broken server: what it breaks, what that necessarily breaks too, and how it is built."""

    name: str
    breaks: str
    build: Callable[[], Handler]
    doc: str
    args: tuple[str, ...] = ()
    # Set when the engine misjudges this mutant today: the test is then a strict xfail naming the bug.
    engine_bug: str | None = None
    # What the rewrite does to answers, for the blame rules (_blame.py): how it answers identifiers (a status, or
    # None where it answers as the mock), and which error it re-sends as (error, status, type).
    answer: Callable[[str], int | None] | None = None
    retype: tuple[str, int, str | None] | None = None
    # Whether the rewrite answers some Get with an ARN other than the one asked by (rule 4).
    other_arn: bool = False
    # Whether the rewrite ignores List's nextToken, whatever it is, and whether it then gives the first page again
    # (rule 5).
    ignores_token: bool = False
    restarts: bool = False
    # Rule 6 (_blame.py): the clauses of the other write suite that the rewrite answers as well, because it is keyed on
    # a request's kind, not on its validity.
    crosses: frozenset[str] = frozenset()

    @functools.cached_property
    def also(self) -> frozenset[str]:
        """Clauses the mutation cannot help breaking as well, by the rules in _blame.py (body, error, identifiers)."""
        extras: set[str] = set()
        rewrite = getattr(self.build, "rewrite", None)
        if rewrite is not None:
            extras |= _blame.by_body(rewrite)
            if getattr(self.build, "lists", False):
                extras |= _blame.by_list_summary(rewrite)
        retype = self.retype or getattr(self.build(), "retype", None)
        if retype is not None:
            extras |= _blame.by_error(*retype)
        if self.answer is not None:
            extras |= _blame.by_identifiers(self.answer)
        if self.other_arn:
            extras.add(_blame.IDENTIFIES)
        if self.ignores_token:
            extras |= _blame.by_token(self.restarts)
        extras |= self.crosses
        return frozenset(extras - {self.breaks})

    @functools.cached_property
    def expected(self) -> frozenset[str]:
        """The suite must fail exactly these clauses."""
        return self.also | {self.breaks}


# ------------------------------------------------------------------------------------------------ request clauses
def _accepts_invalid(call: Call, upstream: Upstream) -> Reply:
    """Invalid identifiers of a valid length are answered 200 with a profile: the pattern is never checked."""
    reply = upstream(call)
    label = call.label
    if label is not None and MIN_ID <= len(label) <= MAX_ID and is_error(reply, INVALID):
        return some_profile(call, upstream)
    return reply


def _trailing_newline(call: Call, upstream: Upstream) -> Reply:
    """A server that matches with Python's re and '$', which accepts one trailing newline."""
    label = call.label
    if label is not None and label.endswith("\n") and len(label) > 1:
        return upstream(call.with_label(label[:-1]))
    return upstream(call)


def _forgets_iso_b(call: Call, upstream: Upstream) -> Reply:
    """A stricter pattern that forgot one partition: aws-iso-b ARNs get 400."""
    label = call.label
    if label is not None and label.startswith("arn:aws-iso-b:"):
        return error_reply(INVALID, "Value failed to satisfy constraint: Member must satisfy regular expression")
    return upstream(call)


def _max_off_by_one(call: Call, upstream: Upstream) -> Reply:
    """Maximum length checked with '<' instead of '<=': a valid identifier of exactly the maximum gets 400."""
    label = call.label
    if label is not None and len(label) >= MAX_ID:
        return error_reply(INVALID, f"Member must have length less than {MAX_ID}")
    return upstream(call)


def _truncates(call: Call, upstream: Upstream) -> Reply:
    """Only the first maxLength characters are read: an overlong identifier is looked up truncated."""
    label = call.label
    if label is not None and len(label) > MAX_ID:
        return upstream(call.with_label(label[:MAX_ID]))
    return upstream(call)


def _min_two(call: Call, upstream: Upstream) -> Reply:
    """Minimum length 2: a one-character identifier gets 400."""
    label = call.label
    if label is not None and len(label) <= MIN_ID:
        return error_reply(INVALID, f"Member must have length greater than {MIN_ID}")
    return upstream(call)


def _as_mock(identifier: str) -> int:
    """The status the mock gives an identifier no profile has: 404 if valid, else 400."""
    return 404 if _blame.valid(identifier) else 400


def _invalid_as(name: str) -> Handler:
    """Every identifier the mock rejects with ValidationException is answered ``name`` instead, every time."""

    def handle(call: Call, upstream: Upstream) -> Reply:
        reply = upstream(call)
        # Identifiers only: List's query is validated as the mock does (its clauses have their own mutants).
        return error_reply(name, "try again later") if call.label is not None and is_error(reply, INVALID) else reply

    return handle


# Loose validators: each accepts what the page's pattern rejects in one way, and looks the identifier up (404).
# The page's pattern, restated for Python's re.fullmatch (whole string, no trailing newline).
_PARTITIONS, _TYPES = "(|-us-gov|-cn|-iso|-iso-b)", "(inference-profile|application-inference-profile)"
_ARN = "arn:aws{partition}:bedrock:(|[0-9a-z-]{{0,20}}):(|[0-9]{{12}}):{types}/"
_BARE = "[a-zA-Z0-9-:.]+"


def _page_like(
    partitions: str = _PARTITIONS, types: str = _TYPES, bare: str = _BARE, flags: int = 0
) -> re.Pattern[str]:
    return re.compile("(" + _ARN.format(partition=partitions, types=types) + ")?" + bare, flags)


def _loosely(pattern: re.Pattern[str]) -> Handler:
    """Identifiers ``pattern`` accepts are looked up (404) even when the page's pattern rejects them."""

    def handle(call: Call, upstream: Upstream) -> Reply:
        reply = upstream(call)
        label = call.label
        loose = label is not None and MIN_ID <= len(label) <= MAX_ID and pattern.fullmatch(label) is not None
        if loose and is_error(reply, INVALID):
            return error_reply(NOT_FOUND, f"Inference profile {label} not found.")
        return reply

    return handle


_CASE_INSENSITIVE = _page_like(flags=re.IGNORECASE)
# Python's \w and \d on str: '_' and every Unicode letter and digit ('é', '٣').
_WORD = re.compile(r"(arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[\w-]{0,20}):(|\d{12}):" + _TYPES + r"/)?[\w\-:.]+")
_ANY_TYPE = _page_like(types="[a-z-]+")
_ANY_PARTITION = _page_like(partitions="(-[^:/]+)?")
_WHOLE_ARN = re.compile(_ARN.format(partition=_PARTITIONS, types=_TYPES) + _BARE)


def _decodes_twice(call: Call, upstream: Upstream) -> Reply:
    """The label is percent-decoded twice before it is checked and looked up: '%2541' on the wire becomes 'A'."""
    raw = call.raw_label
    if raw is None or "%" not in raw:
        return upstream(call)
    return upstream(call.with_label(unquote(unquote(raw))))


def _arn_prefix(call: Call, upstream: Upstream) -> Reply:
    """Every identifier that starts with 'arn:' is checked as an ARN: bare ids such as 'arn:x' get 400."""
    label = call.label
    if label is not None and label.startswith("arn:") and not _WHOLE_ARN.fullmatch(label):
        return error_reply(INVALID, "Value failed to satisfy constraint: Member must satisfy regular expression")
    return upstream(call)


LOOSE_MUTANTS = [
    Mutant(
        "pattern-case-insensitive",
        REQUEST_PATTERN,
        stateless(_loosely(_CASE_INSENSITIVE)),
        "the pattern is matched ignoring case: ARN:aws:…, arn:AWS:…, Inference-Profile/ are looked up",
    ),
    Mutant(
        "pattern-with-python-word-class",
        REQUEST_PATTERN,
        stateless(_loosely(_WORD)),
        "classes written with Python's \\w and \\d: '_', 'é' and '٣' are accepted",
    ),
    Mutant(
        "pattern-any-resource-type",
        REQUEST_PATTERN,
        stateless(_loosely(_ANY_TYPE)),
        "any resource type is accepted in an ARN: foundation-model/, prompt-router/",
    ),
    Mutant(
        "pattern-any-aws-partition",
        REQUEST_PATTERN,
        stateless(_loosely(_ANY_PARTITION)),
        "any aws-* partition is accepted: aws-iso-f, aws-eusc, aws-foo",
    ),
    Mutant("label-decoded-twice", REQUEST_PATTERN, stateless(_decodes_twice), _decodes_twice.__doc__ or ""),
    Mutant("arn-prefix-means-arn", REQUEST_PATTERN, stateless(_arn_prefix), _arn_prefix.__doc__ or ""),
]

REQUEST_MUTANTS = [
    *LOOSE_MUTANTS,
    Mutant(
        "invalid-identifier-internal-error",
        REQUEST_PATTERN,
        stateless(_invalid_as(INTERNAL)),
        "every invalid identifier gets HTTP 500 InternalServerException, however often it is retried",
        answer=lambda i: None if _blame.valid(i) else error_status(INTERNAL),
    ),
    Mutant(
        "accepts-invalid-identifier",
        REQUEST_PATTERN,
        stateless(_accepts_invalid),
        _accepts_invalid.__doc__ or "",
        answer=lambda i: 200 if MIN_ID <= len(i) <= MAX_ID and not _blame.valid(i) else None,
    ),
    Mutant(
        "accepts-trailing-newline",
        REQUEST_PATTERN,
        stateless(_trailing_newline),
        _trailing_newline.__doc__ or "",
        answer=lambda i: _as_mock(i[:-1]) if i.endswith("\n") and len(i) > 1 else None,
    ),
    Mutant(
        "rejects-valid-partition",
        REQUEST_PATTERN,
        stateless(_forgets_iso_b),
        _forgets_iso_b.__doc__ or "",
        answer=lambda i: 400 if i.startswith("arn:aws-iso-b:") else None,
    ),
    Mutant(
        "rejects-maximum-length",
        REQUEST_MAX,
        stateless(_max_off_by_one),
        _max_off_by_one.__doc__ or "",
        answer=lambda i: 400 if len(i) >= MAX_ID else None,
    ),
    Mutant(
        "accepts-overlong-identifier",
        REQUEST_MAX,
        stateless(_truncates),
        _truncates.__doc__ or "",
        answer=lambda i: _as_mock(i[:MAX_ID]) if len(i) > MAX_ID else None,
    ),
    Mutant(
        "rejects-minimum-length",
        REQUEST_MIN,
        stateless(_min_two),
        _min_two.__doc__ or "",
        answer=lambda i: 400 if len(i) <= MIN_ID else None,
    ),
]


# ------------------------------------------------------------------------------------------------ response clauses
def _epoch(value: Any) -> Any:
    """An RFC 3339 string as epoch seconds (a number, as rest-json's default timestamp format would send)."""
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp() if value else 0


def _resource_tail(body: Body, tail: str) -> Body:
    """Give the profile a new ID, and its ARN the same new ending."""
    old = body[m.id]
    body[m.arn] = body[m.arn][: -len(old)] + tail
    body[m.id] = tail
    return body


def _long_arn(body: Body) -> Body:
    limit = int(response_bound(m.arn, "maxLength"))
    body[m.arn] = body[m.arn] + ":" + "0" * (limit - len(body[m.arn]))
    return body


def _long_id(body: Body) -> Body:
    limit = int(response_bound(m.id, "maxLength"))
    return _resource_tail(body, body[m.id] + "." + "0" * (limit - len(body[m.id])))


def _with_models(models: Callable[[list[Any]], Any]) -> Callable[[Body], Body]:
    def rewrite(body: Body) -> Body:
        body[m.models] = models(body[m.models])
        return body

    return rewrite


def _epoch_member(member: str) -> Callable[[Body], Body]:
    def rewrite(body: Body) -> Body:
        body[member] = _epoch(body.get(member))
        return body

    return rewrite


def _nan_member(body: Body) -> Body:
    """A member whose value Python's json writes as NaN: the body is no longer JSON (RFC 8259)."""
    body["latencyScore"] = float("nan")
    return body


def _get_and_list(get: Callable[[Body], Body], lists: Callable[[Body], Body]) -> Callable[[], Handler]:
    """Rewrite Get answers with ``get`` and List summaries with ``lists``."""
    on_get, on_list = on_profiles(get, lists=False)(), on_profiles(lists, get=False)()
    return stateless(lambda call, upstream: on_get(call, lambda inner: on_list(inner, upstream)))


def _nanoseconds(value: str, last_three: str) -> str:
    """A mock timestamp ('…:SSZ' or '…:SS.ffffffZ') with nine fractional digits, the last three ``last_three``."""
    whole, _, fraction = value.removesuffix("Z").partition(".")
    return f"{whole}.{(fraction + '000000')[:6]}{last_three}Z"


def _updated_at(last_three: str) -> Callable[[Body], Body]:
    def rewrite(body: Body) -> Body:
        if isinstance(body.get(m.updated), str):
            body[m.updated] = _nanoseconds(body[m.updated], last_three)
        return body

    return rewrite


def _non_json(call: Call, upstream: Upstream) -> Reply:
    reply = upstream(call)
    if call.label is not None and reply.status == 200:
        return reply.with_body(b"<InferenceProfile>not JSON</InferenceProfile>")
    return reply


def _json_array(call: Call, upstream: Upstream) -> Reply:
    reply = upstream(call)
    if call.label is not None and reply.status == 200:
        return reply.with_json([reply.json()])
    return reply


def _plain_text(call: Call, upstream: Upstream) -> Reply:
    reply = upstream(call)
    return reply.with_header("Content-Type", "text/plain") if reply.status == 200 else reply


def _response(clause: str, build: Callable[[], Handler], doc: str, bug: str | None = None) -> Mutant:
    return Mutant("response:" + clause.removeprefix("response."), clause, build, doc, engine_bug=bug)


def _response_mutants() -> list[Mutant]:
    name_max = int(response_bound(m.name, "maxLength"))
    text_max = int(response_bound(m.text, "maxLength"))
    models_max = int(response_bound(m.models, "maxItems"))
    return [
        _response(
            "response.body.type",
            stateless(_non_json),
            "Get answers 200 with an XML body",
        ),
        Mutant(
            "get-body-is-a-json-array",
            "response.body.type",
            stateless(_json_array),
            "Get answers 200 with the profile wrapped in a JSON array",
        ),
        Mutant(
            "nan-in-body",
            "response.body.type",
            on_profiles(_nan_member),
            "every profile carries latencyScore: NaN, which Python's json reads but is not JSON",
        ),
        _response("response.body.contentType", stateless(_plain_text), "200 answers say Content-Type: text/plain"),
        _response("response.createdAt.type", on_profiles(_epoch_member(m.created)), "createdAt as epoch seconds"),
        _response("response.createdAt.format", on_profiles(setting(m.created, "yesterday")), "createdAt 'yesterday'"),
        _response("response.updatedAt.type", on_profiles(_epoch_member(m.updated)), "updatedAt as epoch seconds"),
        _response("response.updatedAt.format", on_profiles(setting(m.updated, "yesterday")), "updatedAt 'yesterday'"),
        _response("response.description.type", on_profiles(setting(m.text, 42)), "description is a number"),
        _response(
            "response.description.minLength",
            on_profiles(setting(m.text, "")),
            "description is empty",
        ),
        _response(
            "response.description.maxLength",
            on_profiles(setting(m.text, "a" * (text_max + 1))),
            f"a {text_max + 1}-character description",
        ),
        _response(
            "response.description.pattern",
            on_profiles(setting(m.text, "Routes requests; everywhere!")),
            "a description with ';' and '!', which neither the page nor AWS's deviation allows",
        ),
        _response("response.inferenceProfileArn.required", on_profiles(dropping(m.arn)), "no inferenceProfileArn"),
        _response("response.inferenceProfileArn.type", on_profiles(setting(m.arn, 42)), "inferenceProfileArn is 42"),
        _response(
            "response.inferenceProfileArn.minLength",
            renaming(setting(m.arn, "")),
            "inferenceProfileArn is empty",
        ),
        _response(
            "response.inferenceProfileArn.maxLength",
            renaming(_long_arn),
            "an ARN one character over the maximum, padded with ':000…'",
        ),
        _response(
            "response.inferenceProfileArn.pattern",
            renaming(lambda b: setting(m.arn, b[m.arn].replace("arn:aws:", "arn:aws-eu:", 1))(b)),
            "an ARN in a partition that does not exist (aws-eu)",
        ),
        _response("response.inferenceProfileId.required", on_profiles(dropping(m.id)), "no inferenceProfileId"),
        _response("response.inferenceProfileId.type", on_profiles(setting(m.id, 42)), "inferenceProfileId is 42"),
        _response(
            "response.inferenceProfileId.minLength",
            renaming(setting(m.id, ""), first_only=True),
            "the first listed profile's inferenceProfileId is empty",
        ),
        _response(
            "response.inferenceProfileId.maxLength",
            renaming(_long_id),
            "an ID one character over the maximum (the ARN ends with it)",
        ),
        _response(
            "response.inferenceProfileId.pattern",
            renaming(lambda b: _resource_tail(b, b[m.id] + "\n")),
            "an ID with a trailing newline (Python's '$' would accept it; ECMA-262's does not)",
        ),
        _response("response.inferenceProfileName.required", on_profiles(dropping(m.name)), "no inferenceProfileName"),
        _response("response.inferenceProfileName.type", on_profiles(setting(m.name, 42)), "the name is 42"),
        _response(
            "response.inferenceProfileName.minLength",
            on_profiles(setting(m.name, "")),
            "the name is empty",
        ),
        _response(
            "response.inferenceProfileName.maxLength",
            on_profiles(setting(m.name, "A" * (name_max + 1))),
            f"a {name_max + 1}-character name",
        ),
        _response(
            "response.inferenceProfileName.pattern",
            on_profiles(setting(m.name, "Claude (US)")),
            "a name with parentheses",
        ),
        _response("response.models.required", on_profiles(dropping(m.models)), "no models"),
        _response("response.models.type", on_profiles(_with_models(lambda ms: ms[0])), "models is one object"),
        _response("response.models.minItems", on_profiles(setting(m.models, [])), "models is empty"),
        _response(
            "response.models.maxItems",
            on_profiles(_with_models(lambda ms: [ms[0]] * (models_max + 1))),
            f"{models_max + 1} identical models (AWS's deviation allows more models, but each listed once)",
        ),
        _response(
            "response.models.items.type",
            on_profiles(_with_models(lambda ms: [x[m.model] for x in ms])),
            "models lists bare ARN strings",
        ),
        _response(
            "response.models.modelArn.type",
            on_profiles(_with_models(lambda ms: [{m.model: 42} for _ in ms])),
            "modelArn is 42",
        ),
        _response(
            "response.models.modelArn.pattern",
            on_profiles(
                _with_models(lambda ms: [{m.model: x[m.model].replace(":foundation-model/", ":model/")} for x in ms])
            ),
            "a modelArn with resource type 'model'",
        ),
        _response("response.status.required", on_profiles(dropping(m.status)), "no status"),
        _response("response.status.type", on_profiles(setting(m.status, True)), "status is true"),
        _response("response.status.enum", on_profiles(setting(m.status, "DELETING")), "status DELETING"),
        _response("response.type.required", on_profiles(dropping(m.type)), "no type"),
        _response("response.type.type", on_profiles(setting(m.type, ["SYSTEM_DEFINED"])), "type is an array"),
        _response("response.type.enum", on_profiles(setting(m.type, "CUSTOM")), "type CUSTOM"),
    ]


RESPONSE_MUTANTS = _response_mutants()


# ------------------------------------------------------------------------------------------------ error clauses
def _retype(source: str, target: str | None, status: int | None) -> Handler:
    """Answer the mock's ``source`` errors as ``target`` with ``status`` (None: the status ``target`` has)."""

    def handle(call: Call, upstream: Upstream) -> Reply:
        reply = upstream(call)
        if not is_error(reply, source):
            return reply
        message = reply.json().get(contract().message_member, "")
        return error_reply(target or source, message, status=status)

    # What the blame rules judge: the error rewritten, and the status and type it is now sent with.
    handle.retype = (source, status or error_status(target or source), target or source)  # type: ignore[attr-defined]
    return handle


def _untyped_not_found(call: Call, upstream: Upstream) -> Reply:
    reply = upstream(call)
    if is_error(reply, NOT_FOUND):
        return reply.without_header(contract().documents["errors.json"]["x-type-header"])
    return reply


def _error_body(body: bytes) -> Handler:
    def handle(call: Call, upstream: Upstream) -> Reply:
        reply = upstream(call)
        return reply.with_body(body) if reply.status >= 400 else reply

    return handle


ERROR_MUTANTS = [
    Mutant(
        "validation-with-422",
        "error.ValidationException.status",
        stateless(_retype(INVALID, None, 422)),
        "ValidationException is sent with HTTP 422",
    ),
    Mutant(
        "not-found-with-400",
        "error.ResourceNotFoundException.status",
        stateless(_retype(NOT_FOUND, None, error_status(INVALID))),
        "ResourceNotFoundException is sent with HTTP 400",
    ),
    Mutant(
        "throttling-with-500",
        "error.ThrottlingException.status",
        stateless(_retype(NOT_FOUND, THROTTLED, error_status(INTERNAL))),
        "unknown identifiers get ThrottlingException with HTTP 500",
    ),
    Mutant(
        "access-denied-with-500",
        "error.AccessDeniedException.status",
        stateless(_retype(NOT_FOUND, DENIED, error_status(INTERNAL))),
        "unknown identifiers get AccessDeniedException with HTTP 500",
    ),
    Mutant(
        "internal-error-with-503",
        "error.InternalServerException.status",
        stateless(_retype(NOT_FOUND, INTERNAL, 503)),
        "unknown identifiers get InternalServerException with HTTP 503",
    ),
    Mutant(
        "untyped-not-found",
        "error.errorType.required",
        stateless(_untyped_not_found),
        "404 answers carry no x-amzn-ErrorType header and no code in the body",
        retype=(NOT_FOUND, error_status(NOT_FOUND), None),
    ),
    Mutant("error-body-not-json", "error.body.type", stateless(_error_body(b"Not Found")), "error bodies are text"),
    Mutant("error-without-message", "error.message.required", stateless(_error_body(b"{}")), "error bodies are {}"),
    Mutant(
        "error-message-not-string",
        "error.message.type",
        stateless(_error_body(b'{"message": 42}')),
        "error bodies are {'message': 42}",
    ),
]


# ------------------------------------------------------------------------------------------------ behaviour clauses
def _unknown_found(call: Call, upstream: Upstream) -> Reply:
    reply = upstream(call)
    return some_profile(call, upstream) if is_error(reply, NOT_FOUND) else reply


class _SecondListed:
    """Breaks lookups of the second listed profile only, by ID or by ARN, as ``how`` says."""

    def __init__(self, by_arn: bool, how: Callable[[Call, Upstream], Reply]) -> None:
        self.by_arn = by_arn
        self.how = how
        self.second: Body | None = None

    def __call__(self, call: Call, upstream: Upstream) -> Reply:
        label = call.label
        if label is None:
            return upstream(call)
        if self.second is None:
            self.second = listed(call, upstream)[1]
        if label == self.second[m.arn if self.by_arn else m.id]:
            return self.how(call, upstream)
        return upstream(call)


def _missing(call: Call, upstream: Upstream) -> Reply:
    return error_reply(NOT_FOUND, f"Inference profile {call.label} not found.")


def _renamed(call: Call, upstream: Upstream) -> Reply:
    reply = upstream(call)
    body = reply.json()
    body[m.name] = body[m.name] + " by ARN"
    return reply.with_json(body)


def _arn_differs(call: Call, upstream: Upstream) -> Reply:
    reply = upstream(call)
    label = call.label
    if label is not None and label.startswith("arn:") and reply.status == 200:
        return _renamed(call, lambda _: reply)
    return reply


def _swap_resource_type(body: Body) -> Body:
    types = contract().documents["behaviour.json"]["x-resource-types"]
    own, other = types[body[m.type]], next(v for k, v in types.items() if k != body[m.type])
    body[m.arn] = body[m.arn].replace(f":{own}/", f":{other}/", 1)
    return body


def _application_as_system(call: Call, upstream: Upstream) -> Reply:
    reply = upstream(call)
    if call.label is None or reply.status != 200:
        return reply
    body = reply.json()
    return reply.with_json(_swap_resource_type(body)) if body.get(m.type) == "APPLICATION" else reply


def _partial_decoding(call: Call, upstream: Upstream) -> Reply:
    """Decodes only the escapes botocore sends (%3A, %2F); any other escape is taken literally."""
    raw = call.raw_label
    if raw is None or "%" not in raw:
        return upstream(call)
    decoded = re.sub("%3[Aa]", ":", re.sub("%2[Ff]", "/", raw))
    # Re-encode what is left so that the mock, which decodes, sees the literal '%XX'.
    return upstream(call.with_raw_label(decoded.replace("%", "%25").replace(":", "%3A").replace("/", "%2F")))


def _no_decoding(call: Call, upstream: Upstream) -> Reply:
    """Labels are looked up as sent: any percent-escape makes an identifier that names nothing (404)."""
    raw = call.raw_label
    if raw is not None and "%" in raw:
        return error_reply(NOT_FOUND, f"Inference profile {raw} not found.")
    return upstream(call)


def _case_insensitive(call: Call, upstream: Upstream) -> Reply:
    """Identifiers are looked up ignoring case: US.ANTHROPIC... answers with the us.anthropic... profile."""
    reply = upstream(call)
    label = call.label
    if label is None or not is_error(reply, NOT_FOUND):
        return reply
    for body in listed(call, upstream):
        for name in (body[m.id], body[m.arn]):
            if name.lower() == label.lower():
                return upstream(call.with_label(name))
    return reply


def _by_resource_id(call: Call, upstream: Upstream) -> Reply:
    """An ARN is looked up by its resource id alone: another account's, region's or partition's ARN resolves."""
    reply = upstream(call)
    label = call.label
    if label is None or not label.startswith("arn:") or "/" not in label or not is_error(reply, NOT_FOUND):
        return reply
    found = upstream(call.with_label(label.split("/", 1)[1]))
    return found if found.status == 200 else reply


def _made_up(call: Call, upstream: Upstream) -> Reply:
    """Any well-formed ARN that names no profile is answered 200 with a profile made up for it."""
    reply = upstream(call)
    label = call.label
    if label is None or not label.startswith("arn:") or not is_error(reply, NOT_FOUND):
        return reply
    kind, _, resource = label.split(":", 5)[-1].partition("/")
    types = {v: k for k, v in contract().documents["behaviour.json"]["x-resource-types"].items()}
    model = some_profile(call, upstream)
    body = {**model.json(), m.arn: label, m.id: resource, m.type: types.get(kind)}
    if any(f.outcome is Outcome.FAIL for f in validate_response(body)):
        return reply  # only what passes for a profile
    return model.with_json(body)


def _on_list(rewrite: Callable[[Call, Upstream], Reply]) -> Handler:
    def handle(call: Call, upstream: Upstream) -> Reply:
        return rewrite(call, upstream) if call.is_list else upstream(call)

    return handle


def _without_summaries(call: Call, upstream: Upstream) -> Reply:
    """List answers 200 with an object that has no inferenceProfileSummaries."""
    reply = upstream(call)
    if reply.status != 200:
        return reply
    page = reply.json()
    page.pop(contract().list_member, None)
    return reply.with_json(page)


_TOKEN = contract().token_member


def _repeated_token(call: Call, upstream: Upstream) -> Reply:
    """Every List page says there is more, with the same nextToken, and that token gives the first page again."""
    reply = upstream(call.with_query({k: v for k, v in call.query.items() if k != _TOKEN}))
    return reply.with_json({**reply.json(), _TOKEN: "page-2"}) if reply.status == 200 else reply


def _never_ends(call: Call, upstream: Upstream) -> Reply:
    """After the first page, List hands out empty pages, each with a new nextToken, without end."""
    given = call.query.get(_TOKEN)
    reply = upstream(call.with_query({k: v for k, v in call.query.items() if k != _TOKEN}))
    if reply.status != 200:
        return reply
    page = reply.json()
    if given is not None:
        page[contract().list_member] = []
    number = given.rpartition("-")[2] if given else ""
    page[_TOKEN] = f"page-{int(number) + 1 if number.isdigit() else 2}"
    return reply.with_json(page)


BEHAVIOUR_MUTANTS = [
    Mutant(
        "case-insensitive-lookup",
        IDENTIFIES,
        stateless(_case_insensitive),
        _case_insensitive.__doc__ or "",
        answer=lambda i: (
            200 if i not in _blame.listed() and i.lower() in {n.lower() for n in _blame.listed()} else None
        ),
    ),
    Mutant(
        "arn-resolved-by-resource-id",
        IDENTIFIES,
        stateless(_by_resource_id),
        _by_resource_id.__doc__ or "",
        answer=lambda i: (
            200
            if i.startswith("arn:") and i not in _blame.listed() and i.split("/", 1)[-1] in _blame.listed()
            else None
        ),
    ),
    Mutant("unknown-arn-made-up", UNKNOWN, stateless(_made_up), _made_up.__doc__ or ""),
    Mutant(
        "unknown-identifiers-500",
        UNKNOWN,
        stateless(_retype(NOT_FOUND, INTERNAL, None)),
        "every valid identifier that names no profile gets 500 InternalServerException, every time",
    ),
    Mutant(
        "list-page-without-summaries",
        LIST_PAGE,
        stateless(_on_list(_without_summaries)),
        _without_summaries.__doc__ or "",
    ),
    Mutant(
        "list-repeats-next-token",
        TOKEN_ADVANCES,
        stateless(_on_list(_repeated_token)),
        _repeated_token.__doc__ or "",
        ignores_token=True,
        restarts=True,
    ),
    Mutant(
        "list-never-ends", LIST_ENDS, stateless(_on_list(_never_ends)), _never_ends.__doc__ or "", ignores_token=True
    ),
    Mutant(
        "unknown-identifier-found",
        UNKNOWN,
        stateless(_unknown_found),
        "unknown identifiers get 200 and a profile",
        answer=lambda i: 200 if _blame.valid(i) and i not in _blame.listed() else None,
    ),
    Mutant(
        "unknown-identifier-denied",
        UNKNOWN,
        stateless(_retype(NOT_FOUND, DENIED, None)),
        "unknown identifiers get AccessDeniedException (with its own HTTP 403)",
    ),
    Mutant(
        "second-profile-lost-by-id",
        "behaviour.listedProfile.resolvesById",
        lambda: _SecondListed(False, _missing),
        "the second listed profile gets 404 by its ID (by its ARN it resolves)",
    ),
    Mutant(
        "second-profile-lost-by-arn",
        "behaviour.listedProfile.resolvesByArn",
        lambda: _SecondListed(True, _missing),
        "the second listed profile gets 404 by its ARN",
    ),
    Mutant(
        "second-profile-differs-by-arn",
        "behaviour.listedProfile.resolvesByArn",
        lambda: _SecondListed(True, _renamed),
        "the second listed profile has another name when fetched by its ARN",
    ),
    Mutant(
        "every-profile-differs-by-arn",
        "behaviour.listedProfile.resolvesByArn",
        stateless(_arn_differs),
        "every profile has another name when fetched by its ARN",
    ),
    Mutant(
        "get-differs-from-list",
        "behaviour.listSummary.equalsGet",
        on_profiles(lambda b: setting(m.name, b[m.name] + " v2")(b), lists=False),
        "Get bodies carry another name than the List summaries",
    ),
    Mutant(
        "description-date-time-rendered-twice",
        "behaviour.listSummary.equalsGet",
        _get_and_list(setting(m.text, "2024-09-30T00:00:00Z"), setting(m.text, "2024-09-30T00:00:00.000Z")),
        "the description is '2024-09-30T00:00:00Z' in Get and '2024-09-30T00:00:00.000Z' in List: text that looks "
        "like one instant, but a description is not a timestamp, so the two differ",
    ),
    Mutant(
        "updated-at-100-ns-apart",
        "behaviour.listSummary.equalsGet",
        _get_and_list(_updated_at("100"), _updated_at("200")),
        "updatedAt ends in .…100 ns in Get and .…200 ns in List: two instants 100 nanoseconds apart",
    ),
    Mutant(
        "arn-does-not-end-with-id",
        ENDS_WITH_ID,
        renaming(lambda b: setting(m.arn, b[m.arn] + "-1")(b)),
        "every ARN ends with '-1' after the ID",
    ),
    Mutant(
        "system-profile-with-application-arn",
        "behaviour.inferenceProfileArn.resourceType",
        renaming(_swap_resource_type),
        "system-defined profiles carry application-inference-profile ARNs",
    ),
    Mutant(
        "application-profile-with-system-arn",
        "behaviour.inferenceProfileArn.resourceType",
        stateless(_application_as_system),
        "application profiles carry inference-profile ARNs (needs --allow-writes to create one)",
        other_arn=True,
        args=("--allow-writes",),
    ),
    Mutant("decodes-only-colon-and-slash", PERCENT, stateless(_partial_decoding), _partial_decoding.__doc__ or ""),
    Mutant(
        "no-percent-decoding",
        PERCENT,
        stateless(_no_decoding),
        _no_decoding.__doc__ or "",
        # botocore percent-encodes ':' and '/', and nothing else in a valid identifier: any other escape means
        # the identifier broke the pattern.
        answer=lambda i: 404 if quote(i, safe="") != i else None,
    ),
]

MUTANTS: list[Mutant] = [
    *REQUEST_MUTANTS,
    *RESPONSE_MUTANTS,
    *ERROR_MUTANTS,
    *BEHAVIOUR_MUTANTS,
    *list_mutants(Mutant),
    *pagination_mutants(Mutant),
    *write_mutants(Mutant),
    *lifecycle_mutants(Mutant),
]


# ------------------------------------------------------------------------------------------------ undecidable servers
@dataclass(frozen=True)
class Undecidable:
    """A server whose answers never decide some clauses: the suite must skip them, saying why, and fail nothing."""

    name: str
    build: Callable[[], Handler]
    doc: str
    skips: frozenset[str]
    # Words every skipped clause's reason must contain.
    reason: str


def _listed_throttled(call: Call, upstream: Upstream) -> Reply:
    """Every Get of a listed profile, by ID or ARN and however spelled, gets HTTP 429 ThrottlingException."""
    label = call.label
    if label is not None and label in {p[key] for p in listed(call, upstream) for key in (m.id, m.arn)}:
        return error_reply(THROTTLED, "Too many requests, please wait before trying again.")
    return upstream(call)


UNDECIDABLE = [
    Undecidable(
        "listed-profiles-throttled",
        stateless(_listed_throttled),
        _listed_throttled.__doc__ or "",
        frozenset({"behaviour.listedProfile.resolvesById", PERCENT}),
        "answers stayed HTTP 429 ThrottlingException after",
    ),
    Undecidable(
        "invalid-identifier-throttled",
        stateless(_invalid_as(THROTTLED)),
        "every invalid identifier gets HTTP 429 ThrottlingException, however often it is retried",
        frozenset({REQUEST_PATTERN, REQUEST_MAX}),
        "answers stayed HTTP 429 ThrottlingException after",
    ),
    *pagination_undecidable(Undecidable),
]
