"""The explicit members and near misses of small patterns, written out by hand from the rules in _regex.py's
docstrings: the shortest member except where a branch or a repeat count is forced; a near miss breaks one construct
in one named way and keeps the rest at its shortest.

The hand derivations use: a broken character is the first punctuation character (``!``) the construct does not
allow; a class contributes its first member; a repeat of unbounded maximum counts as at most its minimum plus 12; and
the characters a loose class lets through (``_``, space, ``é``, ``٣``, ``%``, ``/``, ``!``) are tried in that order.
"""

from __future__ import annotations

import re

from bedrock_conformance._near import near_miss_examples, near_miss_examples_by_kind
from bedrock_conformance._regex import branch_examples, pump

EMPTY = {"literal": (), "class": (), "case": (), "alternative": (), "separator": (), "percent": (), "count": ()}


def test_literals_and_a_separator() -> None:
    assert near_miss_examples_by_kind("a-b") == {
        **EMPTY,
        # Each literal replaced by '!'.
        "literal": ("!-b", "a!b", "a-!"),
        # The word starting at 'a' upper-cased, the run of literals starting there upper-cased; the word 'b'.
        "case": ("A-b", "A-B", "a-B"),
        # The separator '-' dropped, doubled, tripled.
        "separator": ("ab", "a--b", "a---b"),
        # Only a separator is percent-encoded (a letter is not: '%61' would decode to the same letter).
        "percent": ("a%2Db",),
    }
    assert near_miss_examples("a-b") == (
        "!-b",
        "a!b",
        "a-!",
        "A-b",
        "A-B",
        "a-B",
        "ab",
        "a--b",
        "a---b",
        "a%2Db",
    )


def test_a_class_in_a_fixed_repeat_and_an_optional_literal() -> None:
    plausible = ["_", " ", "\u00e9", "\u0663", "%", "/"]
    assert near_miss_examples_by_kind("[a-c]{2}x?") == {
        **EMPTY,
        # The optional 'x' present (its repeat forced to one copy) and broken.
        "literal": ("aa!",),
        # The last copy of the class broken: with 'x?' left out and taken, then each plausible intruder both ways.
        "class": ("a!", "a!x", *[v for ch in plausible for v in (f"a{ch}", f"a{ch}x")]),
        # The class's letters in the other case; the optional 'x' present and upper-cased.
        "case": ("aA", "aaX"),
        # The class's first letter percent-encoded.
        "percent": ("a%61",),
        # One copy too few and too many (with 'x?' out and in), then 'x' twice.
        "count": ("a", "ax", "aaa", "aaax", "aaxx"),
    }


def test_an_alternation_of_literals_gets_values_made_from_its_options() -> None:
    by_kind = near_miss_examples_by_kind("(|-us-gov|-cn)x")
    # One letter changed, a plural, a part added, the last and the first part dropped; then the separator and foo.
    assert by_kind["alternative"] == (
        "-us-gofx",
        "-us-govsx",
        "-us-gov-xx",
        "-usx",
        "-govx",
        "-cfx",
        "-cnsx",
        "-cn-xx",
        "-foox",
    )
    # Words of a length between half the shortest option and twice the longest (without the separator) join in.
    with_words = near_miss_examples_by_kind("(|-us-gov|-cn)x", ("eu", "gov-cloud-west-x", "a"))
    assert with_words["alternative"] == (*by_kind["alternative"], "-eux", "-ax")
    assert with_words["literal"][:2] == ("!us-govx", "-!s-govx")
    assert by_kind["separator"][:3] == ("us-govx", "--us-govx", "---us-govx")


def test_alternatives_without_a_common_separator() -> None:
    assert near_miss_examples_by_kind("(ab|cd)")["alternative"] == ("af", "abs", "ab-x", "cf", "cds", "cd-x")
    assert near_miss_examples_by_kind("(a-b|c)")["alternative"] == ("a-f", "a-bs", "a-b-x", "a", "b", "f", "cs", "c-x")


def test_branch_examples_take_every_branch_and_repeat_extreme() -> None:
    assert branch_examples("(|-us-gov|-cn)x") == ("x", "-us-govx", "-cnx")
    assert branch_examples("[a-c]{2}x?") == ("aa", "aax")
    assert branch_examples("b+") == ("b", "bb", "b" * 13)
    assert branch_examples("c*") == ("", "c", "c" * 12)
    assert branch_examples("d{2,5}") == ("dd", "ddd", "ddddd")
    # A branch inside a branch: forcing the inner one takes the outer branch that leads to it.
    assert branch_examples("(e|f(gg|h))i") == ("ei", "fggi", "fhi")
    # Python's parser makes an alternation of single characters a class: its first member stands for it.
    assert branch_examples("(e|f(g|h))i") == ("ei", "fgi")


def test_pump_grows_a_value_by_repeating_one_character() -> None:
    def valid(s: str) -> bool:
        return re.fullmatch("a+b", s) is not None

    assert pump("ab", 5, valid) == "aaaab"
    assert pump("ab", 2, valid) == "ab"
    assert pump("ab", 1, valid) is None
    assert pump("ba", 2, valid) is None
    assert pump("ab", 4, lambda s: s == "ab") is None
    assert pump("x1", 4, lambda s: re.fullmatch("x1+", s) is not None) == "x111"
    assert pump("", 3, lambda s: re.fullmatch("z*", s) is not None) == "zzz"


def test_an_optional_group_is_taken_where_its_inside_is_broken() -> None:
    assert near_miss_examples_by_kind("(a-)?b") == {
        **EMPTY,
        # 'a' and '-' broken inside the group (taken once); 'b' broken with the group left out and taken.
        "literal": ("!-b", "a!b", "!", "a-!"),
        # The word 'a' (and the run 'a-') upper-cased inside the group; 'b' upper-cased with the group left out.
        "case": ("A-b", "B"),
        "separator": ("ab", "a--b", "a---b"),
        "percent": ("a%2Db",),
        # The group twice, one more than its maximum.
        "count": ("a-a-b",),
    }


# An alternation's near misses, from _alternatives' rules: one option's last letter changed (to the first of f, q, x,
# z that differs from it, ignoring case), a plural, a part added ('-x', or the options' shared leading separator and
# 'x'); with a part between separators dropped at either end; '-foo' when the options share a leading separator; and
# each given word (with that separator) of at least half the shortest and at most twice the longest option's length.
ALTERNATIVES = [
    (["-us-gov", "-cn"], (), ["-us-gof", "-us-govs", "-us-gov-x", "-us", "-gov", "-cf", "-cns", "-cn-x", "-foo"]),
    (["-us-gov-x"], (), ["-us-gov-f", "-us-gov-xs", "-us-gov-x-x", "-us-gov", "-gov-x", "-foo"]),
    # Upper-case letters are part of a part, not separators; an upper-case last letter is changed ignoring case.
    (["-usGov"], (), ["-usGof", "-usGovs", "-usGov-x", "-foo"]),
    (["-ABF"], (), ["-ABq", "-ABFs", "-ABF-x", "-foo"]),
    # No shared separator: options starting with one letter, or with different ones, have none.
    (["us", "uk"], (), ["uf", "uss", "us-x", "uks", "uk-x"]),
    (["", "us", "cn"], (), ["uf", "uss", "us-x", "cf", "cns", "cn-x"]),
    # Words of 3 to 12 characters for options of 6 (after the separator).
    (
        ["-abcdef"],
        ("ab", "abc", "x" * 12, "y" * 13),
        ["-abcdeq", "-abcdefs", "-abcdef-x", "-foo", "-abc", "-" + "x" * 12],
    ),
    ([], ("ab",), []),
]


def test_the_near_misses_of_an_alternation() -> None:
    from bedrock_conformance._near import _alternatives

    for options, words, expected in ALTERNATIVES:
        assert _alternatives(options, words) == expected, options


def test_a_word_of_several_letters_is_also_capitalised() -> None:
    # Words start at 'a' and at 'c' (after a digit): each upper-cased, 'ab' capitalised, the run 'ab1c' upper-cased.
    assert near_miss_examples_by_kind("ab1c")["case"] == ("AB1c", "Ab1c", "AB1C", "ab1C")
    assert near_miss_examples_by_kind("ab")["case"] == ("AB", "Ab")
