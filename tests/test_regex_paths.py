"""Pattern constructs the contract's own patterns never use: negated classes, ECMA-262's ``[^]``, lookaheads, options
that end in a digit, classes that let a plausible intruder through. Each expected value is derived by hand from the
rules of tests/test_nearmiss_kinds.py's docstring (a broken character is the first punctuation character the construct
does not allow, then whitespace, the extra intruders ``é€\\u2028\\x00``, digits and letters, then the ends of the
class's own ranges; a class contributes its first member; the plausible intruders ``_``, space, ``é``, ``٣``, ``%``,
``/``, ``!`` in that order) and from ECMA-262, restated as Python ``re``.
"""

from __future__ import annotations

import re

import pytest

from bedrock_conformance._draw import draw
from bedrock_conformance._ecma import _uncaptured
from bedrock_conformance._near import _options, near_miss_examples_by_kind, overlap_examples, overlapping
from bedrock_conformance._regex import _c, _Class, _node_strategy, _parser, _tree, branch_examples, matching, pump

EMPTY = {"literal": (), "class": (), "case": (), "alternative": (), "separator": (), "percent": (), "count": ()}


# ------------------------------------------------------------------------------------------------ negated classes
def test_a_negated_class_that_allows_every_punctuation_character_is_broken_by_what_it_excludes() -> None:
    # Before the fix each of these raised StopIteration: only punctuation and whitespace were tried.
    assert near_miss_examples_by_kind("[^a-z]+") == {
        **EMPTY,
        # The first letter, 'a', after every punctuation, whitespace, extra and digit is allowed.
        "class": ("a",),
        # The class's upper-case members in lower case; '%41' keeps the pattern ('%', '4', '1' are no letters).
        "case": ("a",),
        # No copy at all, one fewer than '+' needs.
        "count": ("",),
    }
    # A negated character no intruder is: the character itself.
    assert near_miss_examples_by_kind("[^\u4e00]") == {**EMPTY, "class": ("\u4e00",)}
    # A class of every BMP character: the first character after its range.
    assert near_miss_examples_by_kind("[\u0000-\uffff]") == {**EMPTY, "class": ("\U00010000",), "percent": ("%41",)}


def test_a_negated_character_is_broken_by_itself_and_members_skip_it() -> None:
    assert near_miss_examples_by_kind("[^:]") == {**EMPTY, "class": (":",)}
    assert near_miss_examples_by_kind("[^a]") == {**EMPTY, "class": ("a",)}
    # The shortest member is the first ASCII letter the class allows.
    assert branch_examples("[^a]") == ("b",)
    assert all(re.fullmatch("[^a]", v) for v in branch_examples("[^a]"))


# ------------------------------------------------------------------------------------------------ ECMA-262 [^]
def test_ecma_any_character_class_takes_a_letter_and_has_no_class_near_miss() -> None:
    assert branch_examples("a[^]b") == ("aab",)
    # '[^]' matches every character, a line terminator too: no character breaks it, only the literals around it.
    assert near_miss_examples_by_kind("a[^]b") == {**EMPTY, "literal": ("!ab", "aa!"), "case": ("Aab", "aaB")}


def test_ecma_any_character_class_generates_single_characters() -> None:
    values = draw(matching("[^]"), 30, 1, "test_regex_paths")
    assert values and all(re.fullmatch("(?s).", v) for v in values)


# ------------------------------------------------------------------------------------------------ other constructs
def test_a_lookahead_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"^unsupported regex construct ASSERT$"):
        matching("a(?=b)")


def test_pump_gives_up_when_a_repeat_cannot_grow_that_far() -> None:
    def valid(s: str) -> bool:
        return re.fullmatch("a{1,3}b", s) is not None

    # Repeating the 'a' is valid once and twice ('aab', 'aaab') but not three times ('aaaab').
    assert pump("ab", 5, valid) is None
    assert pump("ab", 4, valid) == "aaab"


def test_options_ending_in_a_digit_get_no_letter_changed() -> None:
    assert near_miss_examples_by_kind("(a1|b2)") == {
        **EMPTY,
        "literal": ("!1", "a!", "!2", "b!"),
        "case": ("A1", "B2"),
        # A plural and a part added, but no last letter changed: the options end in a digit.
        "alternative": ("a1s", "a1-x", "b2s", "b2-x"),
    }


def test_a_plausible_intruder_the_class_allows_is_no_near_miss() -> None:
    assert near_miss_examples_by_kind("[a-c_]") == {
        **EMPTY,
        # '_' is a member: of the plausible intruders only space, é, ٣, %, / break the class ('!' came first).
        "class": ("!", " ", "\u00e9", "\u0663", "%", "/"),
        "case": ("A",),
        "percent": ("%61",),
    }


def test_a_pattern_of_one_word_has_no_overlapping_members() -> None:
    assert overlap_examples("a") == ()
    assert overlapping("a").is_empty


# ------------------------------------------------------------------------------------------------ internals
def test_python_class_categories_are_read_though_translate_spells_them_out() -> None:
    # translate() writes ECMA \d as an explicit range, so a class built from the contract never holds a category;
    # one read from Python's own '[\d_]' does, and an unsupported one ('\D' inside a class) is refused.
    (_, items) = _parser.parse(r"[\d_]")[0]
    assert _Class(list(items)).members == [*"0123456789", "_"]
    (_, items) = _parser.parse(r"[\D_]")[0]
    with pytest.raises(ValueError, match=r"^unsupported class item CATEGORY$"):
        _Class(list(items))


def test_a_lone_literal_node_draws_itself_and_a_non_branch_has_no_options() -> None:
    # _part answers a literal without a strategy; the node strategy still draws the literal itself.
    assert set(draw(_node_strategy((_c.LITERAL, ord("a"))), 3, 1, "test_regex_paths")) == {"a"}
    assert _options(_tree("ab")[0]) is None


def test_uncaptured_keeps_a_bracket_first_in_a_class_literal() -> None:
    # In Python re, a ']' first in a class (after any '^') is a member: the '(' after it is no group.
    assert _uncaptured("[](](a)") == "[](](?:a)"
    assert _uncaptured("[^](]") == "[^](]"
    assert _uncaptured(r"[\]](b)") == r"[\]](?:b)"
    assert re.fullmatch(_uncaptured("[](](a)"), "(a")
