"""Building blocks for broken servers: canned error answers, and rewrites of every profile body the mock sends."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from bedrock_conformance import contract
from bedrock_conformance._http import FORCE_ERROR_HEADER
from bedrock_conformance.mock._members import ProfileMembers
from bedrock_conformance.mock._members import profile as _profile_members

from ._proxy import Call, Handler, Reply, Upstream

Body = dict[str, Any]
Rewrite = Callable[[Body], Body]


def members() -> ProfileMembers:
    """Response member names by role, from response.json's x-members."""
    return _profile_members()


def response_bound(member: str, keyword: str) -> Any:
    """A keyword's value on a response member (maxLength of inferenceProfileName, ...)."""
    return contract().documents["response.json"]["properties"][member][keyword]


def identifier_bound(keyword: str) -> int:
    """minLength or maxLength of the GetInferenceProfile identifier."""
    the_contract = contract()
    return int(the_contract.documents["request.json"]["properties"][the_contract.path_label][keyword])


def error_status(name: str) -> int:
    return int(contract().errors[name].status)


def error_reply(name: str, message: str = "broken on purpose", *, status: int | None = None) -> Reply:
    """A rest-json error the way AWS sends it (type header with namespace, JSON body with message)."""
    errors = contract().documents["errors.json"]
    headers = {
        "Content-Type": "application/json",
        errors["x-type-header"]: f"{name}:{errors['x-type-namespace']}",
    }
    body = json.dumps({contract().message_member: message}).encode()
    return Reply(error_status(name) if status is None else status, headers, body)


def error_name(reply: Reply) -> str | None:
    """The error type the mock put in its type header."""
    value = reply.header(contract().documents["errors.json"]["x-type-header"])
    return value.split(":", 1)[0] if value else None


def is_error(reply: Reply, name: str) -> bool:
    return reply.status >= 400 and error_name(reply) == name


def listing(call: Call) -> Call:
    """A ListInferenceProfiles request signed like ``call`` (the mock checks the signature's form, not its value)."""
    path = contract().documents["operations.json"]["$defs"]["ListInferenceProfiles"]["x-operation"]["path"]
    # Without the header that forces an error on the request it copies: the listing itself must answer.
    headers = tuple((k, v) for k, v in call.headers if k.lower() != FORCE_ERROR_HEADER.lower())
    return Call("GET", str(path), headers)


def listed(call: Call, upstream: Upstream) -> list[Body]:
    """The profiles the mock lists for requests signed like ``call``."""
    page = upstream(listing(call)).json()
    return list(page[contract().list_member])


def some_profile(call: Call, upstream: Upstream) -> Reply:
    """The mock's 200 answer for the first profile it lists."""
    first = listed(call, upstream)[0]
    return upstream(call.with_label(first[members().id]))


def _map_bodies(call: Call, reply: Reply, rewrite: Rewrite, *, get: bool, lists: bool) -> Reply:
    if reply.status != 200:
        return reply
    if lists and call.is_list:
        page = reply.json()
        member = contract().list_member
        page[member] = [rewrite(copy.deepcopy(item)) for item in page[member]]
        return reply.with_json(page)
    if get and call.label is not None:
        return reply.with_json(rewrite(copy.deepcopy(reply.json())))
    return reply


def on_profiles(rewrite: Rewrite, *, get: bool = True, lists: bool = True) -> Callable[[], Handler]:
    """Rewrite every profile body: Get answers and List summaries alike, so that they still agree."""

    def build() -> Handler:
        def handle(call: Call, upstream: Upstream) -> Reply:
            return _map_bodies(call, upstream(call), rewrite, get=get, lists=lists)

        return handle

    build.rewrite = rewrite  # type: ignore[attr-defined]  # what the zoo's blame rules judge
    build.lists = lists  # type: ignore[attr-defined]  # whether List summaries are rewritten too
    return build


class Renaming:
    """Rewrite identity members (id, ARN) of every body, and map the new identifiers back on the way in.

    A server whose ARN breaks a response clause still resolves that ARN; without the reverse map, the mutation
    would also break the listed-profile behaviour clauses, which is not the point of the mutant.
    """

    def __init__(self, rewrite: Rewrite, *, first_only: bool = False) -> None:
        self.rewrite = rewrite
        self.aliases: dict[str, str] = {}
        # A rewrite that gives every profile the same identifier can only be mapped back for one of them.
        self.first_only = first_only
        self.chosen: Any = None

    def _rename(self, body: Body) -> Body:
        m = members()
        before = {role: body.get(role) for role in (m.id, m.arn)}
        if self.first_only:
            self.chosen = self.chosen or before[m.id]
            if before[m.id] != self.chosen:
                return body
        after = self.rewrite(body)
        for role, old in before.items():
            new = after.get(role)
            if isinstance(old, str) and isinstance(new, str) and new != old:
                self.aliases[new] = old
        return after

    def __call__(self, call: Call, upstream: Upstream) -> Reply:
        label = call.label
        if label is not None and label in self.aliases:
            call = call.with_label(self.aliases[label])
        return _map_bodies(call, upstream(call), self._rename, get=True, lists=True)


def renaming(rewrite: Rewrite, *, first_only: bool = False) -> Callable[[], Handler]:
    def build() -> Handler:
        return Renaming(rewrite, first_only=first_only)

    build.rewrite = rewrite  # type: ignore[attr-defined]  # what the zoo's blame rules judge
    return build


def stateless(handler: Handler) -> Callable[[], Handler]:
    return lambda: handler


def setting(member: str, value: Any) -> Rewrite:
    def rewrite(body: Body) -> Body:
        body[member] = value
        return body

    return rewrite


def dropping(member: str) -> Rewrite:
    def rewrite(body: Body) -> Body:
        body.pop(member, None)
        return body

    return rewrite
