"""Conformant variants: servers that answer differently from the reference mock but break no clause."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from bedrock_conformance import contract

from ._family import VALIDATING_GATEWAY
from ._pagination import pagination_variants
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


def _get_and_list(get: Callable[[Body], Body], lists: Callable[[Body], Body]) -> Callable[[], Handler]:
    """Rewrite Get answers with ``get`` and List summaries with ``lists``."""
    on_get, on_list = on_profiles(get, lists=False)(), on_profiles(lists, get=False)()
    return stateless(lambda call, upstream: on_get(call, lambda inner: on_list(inner, upstream)))


def _updated(value: Callable[[str], str]) -> Callable[[Body], Body]:
    def rewrite(body: Body) -> Body:
        if isinstance(body.get(m.updated), str):
            body[m.updated] = value(body[m.updated])
        return body

    return rewrite


# The leap second at the end of 2016, in UTC and in India's offset (+05:30): one instant, written twice.
LEAP_UTC, LEAP_INDIA = "2016-12-31T23:59:60Z", "2017-01-01T05:29:60+05:30"


def _nanos_utc(value: str) -> str:
    """The mock's timestamp 100 ns later, with nine fractional digits and 'Z'."""
    whole, _, fraction = value.removesuffix("Z").partition(".")
    return f"{whole}.{(fraction + '000000')[:6]}100Z"


def _nanos_india(value: str) -> str:
    """The same instant as ``_nanos_utc`` gives, written in +05:30 with seven fractional digits."""
    whole, _, fraction = value.removesuffix("Z").partition(".")
    local = datetime.fromisoformat(whole + "+00:00") + timedelta(hours=5, minutes=30)
    return f"{local:%Y-%m-%dT%H:%M:%S}.{(fraction + '000000')[:6]}1+05:30"


def _namespaced_header(reply: Reply, name: str, message: str) -> Reply:
    """The type as a Smithy shape id with its namespace, and AWS's ':http://…' suffix after it."""
    header = ERRORS["x-type-header"]
    return reply.with_header(header, f"com.amazonaws.bedrock#{name}:{ERRORS['x-type-namespace']}")


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
    """List pages hold one summary each when no maxResults is asked for, as if the request asked for maxResults=1
    (a maxResults that is asked for is validated and honoured as the mock does)."""
    if not call.is_list:
        return upstream(call)
    size = contract().documents["operations.json"]["$defs"]["ListInferenceProfiles"]["x-members"]["pageSize"]
    return upstream(call) if size in call.query else upstream(call.with_query({**call.query, size: "1"}))


ERROR_TYPE = "error.errorType.required"
MESSAGE = "error.message.required"

VARIANTS = [
    Variant("reference-mock-through-proxy", stateless(passthrough), "the proxy adds nothing", ("response.body.type",)),
    Variant(
        "list-query-validated-by-a-gateway",
        VALIDATING_GATEWAY,
        "a gateway refuses List queries outside the page (maxResults 1..1000, nextToken, type) in its own words",
        ("ListInferenceProfiles:request.maxResults.maximum", "ListInferenceProfiles:request.maxResults.minimum"),
    ),
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
        "error-type-header-namespaced",
        stateless(_error_rewrite(_namespaced_header)),
        "x-amzn-ErrorType: com.amazonaws.bedrock#<name>:http://… (botocore keeps what follows the last '#')",
        (
            ERROR_TYPE,
            "error.ValidationException.status",
            "error.ResourceNotFoundException.status",
            "request.inferenceProfileIdentifier.pattern",
            "behaviour.unknownIdentifier.notFound",
        ),
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
        "leap-second-updated-at",
        on_profiles(_updated(lambda _: LEAP_UTC)),
        f"every profile was last updated in the leap second {LEAP_UTC}",
        ("response.updatedAt.format", "behaviour.listSummary.equalsGet"),
    ),
    Variant(
        "leap-second-updated-at-with-offset",
        _get_and_list(_updated(lambda _: LEAP_INDIA), _updated(lambda _: LEAP_UTC)),
        f"updatedAt is the leap second written {LEAP_INDIA} in Get and {LEAP_UTC} in List",
        ("response.updatedAt.format", "behaviour.listSummary.equalsGet"),
    ),
    Variant(
        "nanosecond-timestamps-in-two-offsets",
        _get_and_list(_updated(_nanos_utc), _updated(_nanos_india)),
        "updatedAt with nanoseconds, '…100Z' in Get and the same instant '…1+05:30' in List",
        ("response.updatedAt.format", "behaviour.listSummary.equalsGet"),
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
    *pagination_variants(Variant),
]
