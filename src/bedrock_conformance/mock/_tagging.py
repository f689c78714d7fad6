"""The tags of the mock's application inference profiles: TagResource, UntagResource and ListTagsForResource.

Member names come from the operations' ``x-members`` in ``schemas/operations.json``, the bounds of a request from
its shape (the service checks them first), and the number of tags a profile may carry from errors.json's
``tooManyTags`` answer. The service finds the profile and authorises the caller; this module keeps the tags.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .._model import Operation
from .._schemas import contract
from ._answers import answer, limit


@dataclass(frozen=True)
class TagMembers:
    """A tag's members (key, value) as the model names them."""

    key: str
    value: str


@functools.cache
def tag_members() -> TagMembers:
    create = contract().create_operation
    tags = create.members[create.roles["tags"]].items
    assert tags is not None
    return TagMembers(**tags.roles)


def _pairs(tags: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    names = tag_members()
    return {str(tag[names.key]): str(tag[names.value]) for tag in tags}


class Tags:
    """Every tagged resource's tags, by ARN, in the order they were first given."""

    def __init__(self) -> None:
        self._tags: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()

    def checked(self, resource: str, tags: Iterable[Mapping[str, Any]], existing: Mapping[str, str]) -> dict[str, str]:
        """``existing`` with ``tags`` added (a key given again takes its new value); TooManyTags past the limit."""
        merged = {**existing, **_pairs(tags)}
        most = limit("tooManyTags")
        if len(merged) > most:
            raise answer("tooManyTags", resource=resource, count=len(merged), limit=most)
        return merged

    def create(self, resource: str, tags: Mapping[str, str]) -> None:
        """The tags a profile is created with (already ``checked``)."""
        with self._lock:
            self._tags[resource] = dict(tags)

    def drop(self, resource: str) -> None:
        with self._lock:
            self._tags.pop(resource, None)

    def serve(self, operation: Operation, resource: str, document: Mapping[str, Any]) -> bytes:
        """The answer of a tagging operation on ``resource``, told apart by the roles its input members play:
        tags to add (TagResource), keys to remove (UntagResource), or neither (ListTagsForResource)."""
        roles = operation.roles
        with self._lock:
            current = self._tags.get(resource, {})
            if "tags" in roles:
                self._tags[resource] = self.checked(resource, document[roles["tags"]], current)
                return b"{}"
            if "keys" in roles:
                gone = set(document[roles["keys"]])
                self._tags[resource] = {k: v for k, v in current.items() if k not in gone}
                return b"{}"
            names = tag_members()
            listed = [{names.key: k, names.value: v} for k, v in current.items()]
        return json.dumps({operation.output_roles["tags"]: listed}, ensure_ascii=False).encode("utf-8")
