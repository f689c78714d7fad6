"""Member names by the part they play, read from the schemas' ``x-members``: the mock spells no member name."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._schemas import contract


@dataclass(frozen=True)
class ProfileMembers:
    """A GetInferenceProfile body (and each ListInferenceProfiles summary)."""

    id: str
    arn: str
    name: str
    text: str
    created: str
    updated: str
    models: str
    model: str
    status: str
    type: str


@dataclass(frozen=True)
class ListMembers:
    """ListInferenceProfiles: the query members that page and filter, and the page's members."""

    page_size: str
    token: str
    filter: str
    items: str
    next_token: str


@dataclass(frozen=True)
class CreateMembers:
    """CreateInferenceProfile: its input members (``source`` is a JSON pointer) and its answer's."""

    name: str
    text: str
    source: str
    token: str
    tags: str
    arn: str
    status: str

    def source_of(self, document: Mapping[str, Any]) -> Any:
        node: Any = document
        for token in self.source.split("/")[1:]:
            node = node[token]
        return node


@functools.cache
def profile() -> ProfileMembers:
    return ProfileMembers(**contract().response.roles)


@functools.cache
def listing() -> ListMembers:
    operation = contract().list_operation
    request, response = operation.roles, operation.output_roles
    return ListMembers(request["pageSize"], request["token"], request["filter"], response["items"], response["token"])


@functools.cache
def creation() -> CreateMembers:
    operation = contract().create_operation
    request, response = operation.roles, operation.output_roles
    return CreateMembers(**request, arn=response["arn"], status=response["status"])
