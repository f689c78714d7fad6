"""Conformant variants: servers that answer differently from the reference mock but break no clause."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from bedrock_conformance import contract

from ._proxy import Call, Handler, Reply, Upstream, passthrough
from ._rewrites import Body, dropping, error_name, listed, members, on_profiles, stateless

m = members()
ERRORS = contract().documents["errors.json"]


@dataclass(frozen=True)
class Variant:
    """A server the suite must not blame, and the clauses whose checks prove the variation was seen and passed."""

    name: str
    build: Callable[[], Handler]
    doc: str
    exercises: tuple[str, ...]


def _error_rewrite(rewrite: Callable[[Reply, str, str], Reply]) -> Handler:
    """Rewrite every error answer, given its type and message as the mock sent them."""

    def handle(call: Call, upstream: Upstream) -> Reply:
        reply = upstream(call)
        name = error_name(reply)
        if reply.status < 400 or name is None:
            return reply
        return rewrite(reply, name, str(reply.json()[contract().message_member]))

    return handle


def _type_in_body(member: str, spell: Callable[[str], str]) -> Handler:
    """No type header: the type is in the body's ``member`` instead."""

    def rewrite(reply: Reply, name: str, message: str) -> Reply:
        body = {member: spell(name), contract().message_member: message}
        return reply.without_header(ERRORS["x-type-header"]).with_json(body)

    return _error_rewrite(rewrite)


def _capitalised_message(reply: Reply, name: str, message: str) -> Reply:
    capitalised = next(x for x in ERRORS["x-message-members"] if x != contract().message_member)
    return reply.with_json({capitalised: message})


def _bare_lowercase_header(reply: Reply, name: str, message: str) -> Reply:
    return reply.without_header(ERRORS["x-type-header"]).with_header(ERRORS["x-type-header"].lower(), name)


def _extra_member(body: Body) -> Body:
    body["routingConfiguration"] = {"mode": "cross-region"}
    return body


def _instant(value: str, *, offset: bool) -> str:
    """The instant a quarter second later, with milliseconds, written with '+00:00' (offset) or 'Z'."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc) + timedelta(milliseconds=250)
    text = moment.isoformat(timespec="milliseconds")
    return text if offset else text.replace("+00:00", "Z")


def _timestamps(*, offset: bool) -> Callable[[Body], Body]:
    def rewrite(body: Body) -> Body:
        for member in (m.created, m.updated):
            if isinstance(body.get(member), str):
                body[member] = _instant(body[member], offset=offset)
        return body

    return rewrite


_GET_OFFSET = on_profiles(_timestamps(offset=True), lists=False)()
_LIST_ZULU = on_profiles(_timestamps(offset=False), get=False)()


def _offset_in_get(call: Call, upstream: Upstream) -> Reply:
    """Get answers write timestamps with '+00:00' and List summaries with 'Z': the same instants, written twice."""
    return _GET_OFFSET(call, lambda inner: _LIST_ZULU(inner, upstream))


def _charset(call: Call, upstream: Upstream) -> Reply:
    reply = upstream(call)
    media = contract().documents["response.json"]["x-content-type"]
    return reply.with_header("Content-Type", f"{media}; charset=utf-8") if reply.status == 200 else reply


class ApplicationProfiles:
    """Holds application profiles, created on the first request; List shows them only under type=APPLICATION.

    That is the reference mock's (and AWS's) listing: without a type filter only system-defined profiles are listed.
    Every identifier asked for is kept, so that a test can see the application profiles were found and resolved.
    """

    COUNT = 2
    _made = itertools.count()

    def __init__(self) -> None:
        self.created: list[str] = []
        self.asked: list[str] = []

    def __call__(self, call: Call, upstream: Upstream) -> Reply:
        if not self.created:
            self._create(call, upstream)
        if call.label is not None:
            self.asked.append(call.label)
        return upstream(call)

    def _create(self, call: Call, upstream: Upstream) -> None:
        ops = contract().documents["operations.json"]["$defs"]
        create = ops["CreateInferenceProfile"]
        source = listed(call, upstream)[0][m.arn]
        names = create["x-members"]
        _, outer, inner = names["source"].split("/")
        for _ in range(self.COUNT):
            body = {names["name"]: f"variant app {next(self._made)}", outer: {inner: source}}
            headers = tuple((k, v) for k, v in call.headers if k.lower() != "content-type")
            headers += (("Content-Type", "application/json"),)
            made = upstream(
                Call(create["x-operation"]["method"], create["x-operation"]["path"], headers, json.dumps(body).encode())
            )
            assert made.status < 300, made.body
            self.created.append(made.json()[ops["CreateInferenceProfileResponse"]["x-members"]["arn"]])


def _one_per_page(call: Call, upstream: Upstream) -> Reply:
    """List pages hold one summary each, as if every request asked for maxResults=1."""
    if not call.is_list:
        return upstream(call)
    size = contract().documents["operations.json"]["$defs"]["ListInferenceProfiles"]["x-members"]["pageSize"]
    return upstream(call.with_query({**call.query, size: "1"}))


ERROR_TYPE = "error.errorType.required"
MESSAGE = "error.message.required"

VARIANTS = [
    Variant("reference-mock-through-proxy", stateless(passthrough), "the proxy adds nothing", ("response.body.type",)),
    Variant(
        "error-type-in-body-code",
        stateless(_type_in_body("code", lambda name: name)),
        "errors carry their type as the body's code, with no x-amzn-ErrorType header",
        (ERROR_TYPE, "error.ValidationException.status", "error.ResourceNotFoundException.status"),
    ),
    Variant(
        "error-type-in-body-__type",
        stateless(_type_in_body("__type", lambda name: f"com.amazon.bedrock#{name}")),
        "errors carry a namespaced __type in the body, with no x-amzn-ErrorType header",
        (ERROR_TYPE, "error.ValidationException.status", "error.ResourceNotFoundException.status"),
    ),
    Variant(
        "error-type-header-lowercase-bare",
        stateless(_error_rewrite(_bare_lowercase_header)),
        "x-amzn-errortype in lower case, the type without its namespace",
        (ERROR_TYPE, "error.ValidationException.status"),
    ),
    Variant(
        "capitalised-message",
        stateless(_error_rewrite(_capitalised_message)),
        "error bodies say Message, as IAM denials do",
        (MESSAGE, "error.message.type"),
    ),
    Variant(
        "unknown-extra-member",
        on_profiles(_extra_member),
        "every profile carries a member the model does not know (model drift, not a failure)",
        ("model.response.members", "behaviour.listSummary.equalsGet"),
    ),
    Variant(
        "fractional-offset-timestamps",
        stateless(_offset_in_get),
        "timestamps with milliseconds, '+00:00' in Get answers and 'Z' in List summaries",
        ("response.createdAt.format", "response.updatedAt.format", "behaviour.listSummary.equalsGet"),
    ),
    Variant(
        "no-description",
        on_profiles(dropping(m.text)),
        "no profile has the optional description",
        ("response.inferenceProfileName.required", "behaviour.listSummary.equalsGet"),
    ),
    Variant(
        "application-profiles-listed-by-type",
        ApplicationProfiles,
        ApplicationProfiles.__doc__ or "",
        ("behaviour.listedProfile.resolvesById", "behaviour.inferenceProfileArn.resourceType"),
    ),
    Variant(
        "one-summary-per-page",
        stateless(_one_per_page),
        _one_per_page.__doc__ or "",
        (
            "behaviour.listInferenceProfiles.isListPage",
            "behaviour.listInferenceProfiles.nextTokenAdvances",
            "behaviour.listInferenceProfiles.ends",
            "behaviour.listedProfile.resolvesById",
        ),
    ),
    Variant(
        "content-type-with-charset",
        stateless(_charset),
        "Content-Type: application/json; charset=utf-8",
        ("response.body.contentType",),
    ),
]
