"""Strategy paths the shipped identifier and body schemas never take: plain strings and integers, schemas and keywords
with no strategy, clause pointers through ``$defs``, lengths a pattern cannot reach. Expected values are literal
bounds and hand-derived examples, never the validator's verdicts."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from bedrock_conformance import _strategies
from bedrock_conformance._draw import draw
from bedrock_conformance._schemas import contract
from bedrock_conformance._strategies import (
    _path_of,
    from_schema,
    identifier_examples,
    invalid_bodies,
    invalid_identifiers,
    valid_identifiers,
)


def test_a_string_without_a_pattern_keeps_its_length_bounds() -> None:
    bounded = draw(from_schema({"type": "string", "minLength": 2, "maxLength": 4}, "response.json"), 40, 1, "paths")
    assert bounded and all(isinstance(v, str) and 2 <= len(v) <= 4 for v in bounded)
    # No maximum: at most 20 characters past the minimum.
    open_ended = draw(from_schema({"type": "string", "minLength": 3}, "response.json"), 40, 1, "paths")
    assert open_ended and all(3 <= len(v) <= 23 for v in open_ended)


def test_an_integer_keeps_its_minimum_and_maximum() -> None:
    values = draw(from_schema({"type": "integer", "minimum": 1, "maximum": 3}, "operations.json"), 40, 1, "paths")
    assert set(values) == {1, 2, 3}
    unbounded = draw(from_schema({"type": "integer"}, "operations.json"), 40, 1, "paths")
    assert all(isinstance(v, int) and -(2**31) <= v <= 2**31 for v in unbounded)


def test_a_schema_of_a_type_the_contract_never_uses_has_no_strategy() -> None:
    with pytest.raises(ValueError, match=r"^no strategy for schema \{'type': 'boolean'\}$"):
        from_schema({"type": "boolean"}, "response.json")


def test_the_content_type_clause_has_no_body_violation() -> None:
    # The Content-Type is a header, not a member: no body breaks it.
    with pytest.raises(ValueError, match=r"^no violation strategy for x-content-type$"):
        invalid_bodies("response.body.contentType")


def test_a_clause_path_skips_defs_and_reads_properties_and_items() -> None:
    clause = contract().clause("ListTagsForResource:response.tags.key.pattern")
    assert clause.node_pointer == "/$defs/ListTagsForResourceResponse/properties/tags/items/properties/key"
    assert _path_of(clause) == ["tags", "*", "key"]


@pytest.fixture
def small_identifier(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The identifier schema replaced by 'a{1,3}|b:c', 1 to 5 characters, judged by Python re."""
    schema = {"pattern": "a{1,3}|b:c", "minLength": 1, "maxLength": 5}
    monkeypatch.setattr(_strategies, "_identifier_schema", lambda: schema)
    monkeypatch.setattr(_strategies, "_identifier_ok", lambda v: re.fullmatch("a{1,3}|b:c", v) and 1 <= len(v) <= 5)
    # The strategies built from the identifier schema are cached per process: build them anew from the small one.
    cached = (identifier_examples, valid_identifiers, invalid_identifiers)
    for function in cached:
        function.cache_clear()
    yield
    for function in cached:
        function.cache_clear()


@pytest.mark.usefixtures("small_identifier")
def test_lengths_no_member_reaches_get_no_example() -> None:
    # Every branch and repeat count; 'b:c' has the most colons but neither it nor 'a' grows to 4 or 5 characters.
    assert identifier_examples() == {
        "branch 0": "a",
        "branch 1": "aa",
        "branch 2": "aaa",
        "branch 3": "b:c",
        "length 1": "a",
    }
