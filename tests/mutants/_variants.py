"""Conformant variants: servers that answer differently from the reference mock but break no clause."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from bedrock_conformance import contract

from ._proxy import Call, Handler, Reply, Upstream, passthrough
from ._rewrites import Body, dropping, error_name, members, on_profiles, stateless

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


def _every(nth: int, status: int, error: str, message: str) -> Callable[[], Handler]:
    """Every ``nth`` request answered with a well-formed modelled error, as a gateway under load answers it."""

    def build() -> Handler:
        counter = itertools.count(1)
        lock = threading.Lock()

        def handle(call: Call, upstream: Upstream) -> Reply:
            with lock:
                n = next(counter)
            if n % nth:
                return upstream(call)
            headers = {"Content-Type": "application/json", "x-amzn-ErrorType": error}
            return Reply(status, headers, json.dumps({"message": message}).encode())

        return handle

    return build


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
        "content-type-with-charset",
        stateless(_charset),
        "Content-Type: application/json; charset=utf-8",
        ("response.body.contentType",),
    ),
    # The page says of both errors "retry your request": one that a retry cures is no finding.
    Variant(
        "throttles-every-5th-request",
        _every(5, 429, "ThrottlingException", "Rate exceeded"),
        "every 5th request is answered 429 ThrottlingException, whatever it asked",
        ("response.body.type", "behaviour.listedProfile.resolvesByArn"),
    ),
    Variant(
        "fails-every-7th-request",
        _every(7, 500, "InternalServerException", "An internal server error occurred. Retry your request."),
        "every 7th request is answered 500 InternalServerException, whatever it asked",
        ("response.body.type", "behaviour.listedProfile.resolvesByArn"),
    ),
]
