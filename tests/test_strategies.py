"""The strategies draw what they claim, judged by the page's rules written out by hand (``page_oracle``), never by
the validator they are built beside."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from page_oracle import (
    ARN,
    BARE_ID,
    DEVIATION,
    FAIL,
    ID_MAX,
    ID_MIN,
    PASS,
    REQ,
    broken,
    identifier_ok,
    identifier_verdicts,
    response_verdicts,
)

from bedrock_conformance._draw import draw
from bedrock_conformance._regex import branch_examples, pump
from bedrock_conformance._strategies import (
    breakable_response_clauses,
    deviating_bodies,
    identifier_examples,
    invalid_bodies,
    invalid_identifier_examples,
    invalid_identifiers,
    request_clauses,
    valid_bodies,
    valid_identifiers,
)

PATTERN, MAXIMUM, MINIMUM = REQ + "pattern", REQ + "maxLength", REQ + "minLength"
# The empty identifier is the only one shorter than the minimum, and '+' in the page's pattern rejects it too.
# A string member whose pattern needs a character breaks that pattern when it is empty. Nothing else is entangled.
PAGE_ENTANGLED = {
    MINIMUM: {PATTERN},
    **{
        f"response.{m}.minLength": {f"response.{m}.pattern"}
        for m in ("description", "inferenceProfileArn", "inferenceProfileId", "inferenceProfileName")
    },
}
# Page partitions and resource types, for the near misses that must use others.
PAGE_PARTITIONS = ("aws", "aws-us-gov", "aws-cn", "aws-iso", "aws-iso-b")
PAGE_TYPES = ("inference-profile", "application-inference-profile")


def _expected(clause: str) -> set[str]:
    return {clause} | PAGE_ENTANGLED.get(clause, set())


def _explicit(clause: str = PATTERN) -> tuple[str, ...]:
    return invalid_identifier_examples(clause)


# ------------------------------------------------------------------------------------------------ the oracle itself
@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("us.anthropic.claude-3-sonnet-20240229-v1:0", True),
        ("us.anthropic.claude-3-sonnet-20240229-v1:0\n", False),
        ("arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/06vsfs68yb4g", True),
        ("arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/06vsfs68yb4g\n", False),
        ("ARN:aws:bedrock:::inference-profile/x", False),
        ("arn:x", True),
        ("a_b", False),
    ],
)
def test_the_oracle_reads_the_page_as_a_whole_string_match(value: str, ok: bool) -> None:
    assert identifier_ok(value) is ok


# ------------------------------------------------------------------------------------------------ valid identifiers
@given(valid_identifiers())
def test_every_valid_identifier_draw_keeps_the_page(value: str) -> None:
    assert identifier_verdicts(value) == {MINIMUM: PASS, MAXIMUM: PASS, PATTERN: PASS}, value


def test_explicit_valid_identifiers_cover_every_branch_and_the_boundary_lengths() -> None:
    examples = identifier_examples()
    values = list(examples.values())
    for value in values:
        assert identifier_ok(value), value
    assert {ID_MIN, ID_MAX - 1, ID_MAX} <= {len(v) for v in values}
    joined = " ".join(values)
    for partition in PAGE_PARTITIONS:
        assert f"arn:{partition}:" in joined
    assert ":inference-profile/" in joined and ":application-inference-profile/" in joined
    assert re.search(r"bedrock:::", joined), "empty region and account form"
    assert re.search(r":\d{12}:", joined), "an account form"
    assert any(":" not in v and "/" not in v for v in values), "a bare id"
    assert any(v.startswith("arn:") and len(v) == ID_MAX and ARN.fullmatch(v) for v in values)


def test_explicit_valid_identifiers_include_bare_ids_that_begin_like_an_arn() -> None:
    values = list(identifier_examples().values())
    overlaps = [v for v in values if v.startswith("arn") and not ARN.fullmatch(v) and BARE_ID.fullmatch(v)]
    assert "arn:x" in overlaps
    assert any(re.fullmatch(r"arn[.-]x", v) for v in overlaps), "a bare id 'arn.x'"
    assert any(re.fullmatch(r"arn:aws[^/]*:bedrock:[^/]*", v) for v in overlaps), "an ARN's head without its type"
    assert any(":inference-profile:" in v or ":inference-profile." in v for v in overlaps), "no '/' after the type"


def test_random_valid_identifiers_include_bare_ids_that_begin_like_an_arn() -> None:
    drawn = draw(valid_identifiers(), 100, 1, "oracle")
    assert all(identifier_ok(v) for v in drawn)
    assert sum(v.startswith("arn:") and not ARN.fullmatch(v) for v in drawn) >= 5


def test_branch_examples_take_every_alternative() -> None:
    assert set(branch_examples("^(a|bc|)x{1,3}$")) >= {"x", "ax", "bcx", "axxx"}


def test_pump_grows_a_value_to_an_exact_length_and_keeps_it_valid() -> None:
    grown = pump("arn:x/y", 50, lambda s: re.fullmatch(r"arn:x/[a-z]+", s) is not None)
    assert grown is not None and len(grown) == 50


# ------------------------------------------------------------------------------------------------ invalid identifiers
@pytest.mark.parametrize("clause", [c.id for c in request_clauses() if c.member == "inferenceProfileIdentifier"])
def test_every_invalid_identifier_breaks_its_clause_and_no_other(clause: str) -> None:
    @settings(max_examples=30)
    @given(invalid_identifiers(clause))
    def check(value: str) -> None:
        assert broken(identifier_verdicts(value)) == _expected(clause), value

    check()


@pytest.mark.parametrize("clause", [c.id for c in request_clauses() if c.member == "inferenceProfileIdentifier"])
def test_every_explicit_invalid_identifier_breaks_its_clause_and_no_other(clause: str) -> None:
    examples = _explicit(clause)
    assert examples
    for value in examples:
        assert broken(identifier_verdicts(value)) == _expected(clause), value


def test_the_maximum_is_broken_by_2049_otherwise_valid_characters() -> None:
    examples = _explicit(MAXIMUM)
    assert {len(v) for v in examples} == {ID_MAX + 1}
    assert any(ARN.fullmatch(v) for v in examples) and any(BARE_ID.fullmatch(v) for v in examples)


def test_explicit_pattern_violations_include_a_trailing_newline_and_the_counts() -> None:
    seen = _explicit()
    assert any(v.endswith("\n") and identifier_ok(v[:-1]) for v in seen), "a valid value with a trailing newline"
    joined = "\n".join(seen)
    assert any(v.endswith("/") for v in seen), "nothing after the slash"
    assert re.search(r"bedrock::\d{11}:", joined) and re.search(r"bedrock::\d{13}:", joined), "11 and 13 digits"
    assert re.search(r"bedrock:[0-9a-z-]{21}:", joined), "a 21-character region"
    assert any(len(v) > 20 and "!" in v for v in seen), "one forbidden character in a long literal"


@pytest.mark.parametrize("char", ["_", " ", "é", "٣", "%", "/"])
def test_explicit_pattern_violations_put_each_nearby_character_in_each_class(char: str) -> None:
    seen = _explicit()
    # In the region, the account, the ARN's resource id and a bare id: every class of the page's pattern.
    assert any(re.fullmatch(rf"arn:aws:bedrock:{re.escape(char)}::inference-profile/[^/]+", v) for v in seen)
    assert any(re.fullmatch(rf"arn:aws:bedrock::\d{{11}}{re.escape(char)}:inference-profile/[^/]+", v) for v in seen)
    assert any(re.fullmatch(rf"arn:aws:bedrock:::inference-profile/{re.escape(char)}", v) for v in seen)
    assert char in seen, f"{char!r} alone, where a bare id stands"


def test_explicit_pattern_violations_flip_the_case_of_each_literal_part() -> None:
    seen = _explicit()
    assert any(v.startswith("ARN:aws:bedrock:") for v in seen)
    assert any(v.startswith("arn:AWS:bedrock:") for v in seen)
    assert any(":BEDROCK:" in v or ":Bedrock:" in v for v in seen)
    assert any("Inference-profile/" in v or "INFERENCE-PROFILE/" in v for v in seen)
    assert any(re.match(r"arn:aws:bedrock:[A-Z]", v) for v in seen), "an upper-case region"
    for value in seen:
        if value.lower() != value and "\n" not in value:
            assert not identifier_ok(value), value


def test_explicit_pattern_violations_use_partitions_and_resource_types_not_on_the_page() -> None:
    seen = _explicit()
    partitions = {
        m.group(1) for v in seen if (m := re.fullmatch(r"arn:(aws[a-z0-9-]*):bedrock:::inference-profile/-", v))
    }
    others = partitions - set(PAGE_PARTITIONS)
    assert {"aws-iso-f", "aws-eusc", "aws-foo"} <= others, others
    assert any(p.startswith("aws-us") for p in others) and len(others) >= 8
    types = {m.group(1) for v in seen if (m := re.fullmatch(r"arn:aws:bedrock:::([a-z-]+)/-", v))}
    assert {"foundation-model", "prompt-router", "provisioned-model"} <= types - set(PAGE_TYPES)
    assert len(types - set(PAGE_TYPES)) >= 8


def test_explicit_pattern_violations_drop_and_repeat_separators() -> None:
    seen = _explicit()
    assert "arn:aws:bedrock::inference-profile/-" in seen, "'::' -> ':'"
    assert any("inference-profile//" in v for v in seen), "'/' -> '//'"
    assert any(v.startswith("arn:::aws:") for v in seen), "':' -> ':::'"
    assert any(v.startswith("arnaws:") for v in seen), "':' dropped"


def test_explicit_pattern_violations_include_escapes_only_a_second_decoding_accepts() -> None:
    seen = _explicit()
    doubly = [v for v in seen if "%" in v and identifier_ok(unquote(v))]
    # One in each class, and separators: the bare id, the ARN's resource id, the region, the account, ':' and '/'.
    assert "%41" in doubly
    assert any(v.startswith("arn%3Aaws:") for v in doubly)
    assert any(v.endswith("inference-profile%2F-") for v in doubly)
    assert any(re.search(r"bedrock::\d{11}%3\d:", v) for v in doubly)
    assert len(doubly) >= 8


def test_random_pattern_violations_reach_every_loose_validator() -> None:
    """Each of these loose validators accepts some of 300 drawn near misses (the zoo runs them as servers)."""
    drawn = draw(invalid_identifiers(PATTERN), 300, 1, PATTERN)
    assert not any(identifier_ok(v) for v in drawn)
    word = re.compile(
        r"(arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[\w-]{0,20}):(|\d{12}):"
        r"(inference-profile|application-inference-profile)/)?[\w\-:.]+"
    )
    page = BARE_ID.pattern
    loose = {
        "case-insensitive": lambda v: re.fullmatch(ARN.pattern, v, re.I) or re.fullmatch(page, v, re.I),
        "\\w": word.fullmatch,
        "other resource types": lambda v: re.fullmatch(
            ARN.pattern.replace("(inference-profile|application-inference-profile)", "[a-z-]+"), v
        ),
        "any aws-* partition": lambda v: re.fullmatch(
            ARN.pattern.replace("(|-us-gov|-cn|-iso|-iso-b)", "(-[^:/]+)?"), v
        ),
        "double decoding": lambda v: identifier_ok(unquote(v)),
    }
    for name, accepts in loose.items():
        assert sum(bool(accepts(v)) for v in drawn) >= 3, name


# ------------------------------------------------------------------------------------------------ response bodies
@given(valid_bodies())
def test_every_valid_body_keeps_every_clause(body: dict) -> None:
    verdicts = response_verdicts(body)
    assert set(verdicts.values()) == {PASS}, {c: v for c, v in verdicts.items() if v != PASS}


@pytest.mark.parametrize("clause", [c.id for c in breakable_response_clauses()])
def test_every_invalid_body_breaks_its_clause_and_no_other(clause: str) -> None:
    @settings(max_examples=15)
    @given(invalid_bodies(clause))
    def check(body: object) -> None:
        verdicts = response_verdicts(body)
        assert broken(verdicts) == _expected(clause), body
        assert not broken(verdicts, DEVIATION), body

    check()


def test_enum_violations_include_a_member_in_another_case() -> None:
    drawn = draw(invalid_bodies("response.status.enum"), 40, 1, "enum")
    assert any(isinstance(b["status"], str) and b["status"].upper() == "ACTIVE" for b in drawn)


@pytest.mark.parametrize(
    "clause",
    [
        "response.description.pattern",
        "response.inferenceProfileName.pattern",
        "response.models.maxItems",
        "response.models.modelArn.pattern",
    ],
)
def test_deviating_bodies_deviate_on_their_clause_only(clause: str) -> None:
    @settings(max_examples=10)
    @given(deviating_bodies(clause))
    def check(body: dict) -> None:
        verdicts = response_verdicts(body)
        assert broken(verdicts, DEVIATION) == {clause}, body
        assert not broken(verdicts, FAIL), body

    check()
