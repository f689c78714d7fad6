"""The ECMA-262 pattern translation, against literal tables written from ECMA-262 (non-unicode mode, with the web
compatibility grammar of Annex B that JavaScript engines implement), not from the translator.

Every row names a pattern, strings it matches as a whole and strings it does not. Each row is checked through both
compiled forms: ``compile_whole`` (capturing groups kept) and ``whole_match`` (the group-free fast path).
"""

from __future__ import annotations

import pytest

from bedrock_conformance._ecma import PatternError, compile_whole, translate, whole_match

# (pattern, matches, does not match): ECMA-262 22.2 (RegExp) semantics written out by hand.
TABLE: list[tuple[str, list[str], list[str]]] = [
    # CharacterEscape :: ControlEscape (t n v f r) and \0 not followed by a digit.
    (r"\t", ["\t"], ["t", "\\t", " "]),
    (r"\n", ["\n"], ["n", "\r"]),
    (r"\v", ["\x0b"], ["v", "\x0c"]),
    (r"\f", ["\x0c"], ["f", "\x0b"]),
    (r"\r", ["\r"], ["r", "\n"]),
    (r"\0", ["\x00"], ["0", "\\0", ""]),
    (r"a\0", ["a\x00"], ["a0"]),
    (r"\0a", ["\x00a"], ["0a"]),
    (r"\0\t", ["\x00\t"], ["0t"]),
    # \0 followed by a digit is not NUL then the digit (Annex B reads a legacy octal escape there).
    (r"\01", [], ["\x001", "\x00"]),
    # \xHH: exactly two hexadecimal digits, either case; fewer is the identity escape of "x" (Annex B).
    (r"\x41", ["A"], ["x41", "\\x41", "a"]),
    (r"\x6a", ["j"], ["J", "x6a"]),
    (r"\x6A", ["j"], ["J"]),
    (r"\x414", ["A4"], ["A", "x414"]),
    (r"\x7e\x21", ["~!"], ["~"]),
    (r"\x4", ["x4"], ["\x04", "4"]),
    (r"\x4g", ["x4g"], ["\x04g"]),
    (r"\xg1", ["xg1"], ["g1"]),
    (r"\x", ["x"], ["\\x", ""]),
    (r"a\x", ["ax"], ["a"]),
    # \uHHHH: exactly four hexadecimal digits; fewer is the identity escape of "u" (Annex B, non-unicode mode).
    (r"\u0041", ["A"], ["u0041", "a"]),
    (r"\u00e9", ["\u00e9"], ["\u00c9", "e"]),
    (r"\u00E9", ["\u00e9"], ["\u00c9"]),
    (r"\u2028", ["\u2028"], ["\u2029"]),
    (r"\u00411", ["A1"], ["A", "\u0411"]),
    (r"\u004", ["u004"], ["\x04", "\u004a"]),
    (r"\u", ["u"], [""]),
    # Non-unicode mode: \u{...} is the identity escape "u" followed by the quantifier {2}.
    (r"\u{2}", ["uu"], ["\x02", "u{2}", "u"]),
    # \c ControlLetter: the letter's code point modulo 32, either case.
    (r"\cJ", ["\n"], ["cJ", "\\cJ", "J"]),
    (r"\cj", ["\n"], ["cj"]),
    (r"\ca", ["\x01"], ["ca"]),
    (r"\cA", ["\x01"], ["cA"]),
    (r"\cZ", ["\x1a"], ["cZ"]),
    (r"\cM\cJ", ["\r\n"], ["\n\r"]),
    # \c not followed by an ASCII letter: Annex B reads a literal backslash, then "c" as itself.
    (r"\c", ["\\c"], ["c", "\\"]),
    (r"\c1", ["\\c1"], ["c1", "\x11"]),
    (r"\c@", ["\\c@"], ["c@", "\x00"]),
    ("\\c\u00e9", ["\\c\u00e9"], ["\t", "c\u00e9"]),
    # IdentityEscape: any other character stands for itself.
    (r"\.", ["."], ["a", "\\."]),
    (r"\$", ["$"], ["", "\\$"]),
    (r"\^", ["^"], [""]),
    (r"\/", ["/"], ["\\/"]),
    (r"\(\)", ["()"], [""]),
    (r"\[a]", ["[a]"], ["a"]),
    (r"\\", ["\\"], ["\\\\", ""]),
    (r"\-", ["-"], ["\\-"]),
    (r"\z", ["z"], ["\\z"]),
    # Class escapes outside a class: ASCII digits and word characters; \s is WhiteSpace and LineTerminator.
    (r"\d", ["0", "9"], ["a", "\u0663", "\uff10"]),
    (r"\D", ["a", "\u0663"], ["0", "9"]),
    (r"\w", ["a", "Z", "0", "_"], ["-", "\u00e9", "\u0663"]),
    (r"\W", ["-", "\u00e9", " "], ["a", "_", "0"]),
    (r"\s", ["\t", "\n", "\x0b", "\x0c", "\r", " ", "\u00a0", "\u1680", "\u2000", "\u200a", "\u2028"], ["a"]),
    (r"\s", ["\u2029", "\u202f", "\u205f", "\u3000", "\ufeff"], ["\u200b", "\x85", "\x1c", "\u180e"]),
    (r"\S", ["a", "\u200b", "\x85"], [" ", "\ufeff", "\u3000", "\n"]),
    (r"\d\d", ["42"], ["4", "4a"]),
    # Assertions: ^ and $ are the input's ends (no multiline flag); \b and \B are ASCII word boundaries.
    ("^a$", ["a"], ["a\n", "\na"]),
    ("a$", ["a"], ["a\n"]),
    (r"a\b", ["a"], ["a "]),
    (r"a\bb", [], ["ab", "a b"]),
    (r"a\Bb", ["ab"], ["a b"]),
    (r"a\b-", ["a-"], ["a"]),
    (r"a\B-", [], ["a-"]),
    (r"-\B-", ["--"], []),
    (r"\u00e9\ba", ["\u00e9a"], []),
    (r"\u00e9\Ba", [], ["\u00e9a"]),
    (r"\b", [], [""]),
    (r"\B", [""], []),
    # The dot: any code unit but the four LineTerminators.
    (".", ["a", "\t", "\x0b", "\x0c", "\x85", "\u00a0"], ["\n", "\r", "\u2028", "\u2029", ""]),
    # Character classes.
    ("[abc]", ["a", "c"], ["d", "", "ab"]),
    ("[^abc]", ["d", "\n"], ["a", "c"]),
    ("[a-c]", ["a", "b", "c"], ["d", "`"]),
    ("[a-a]", ["a"], ["b"]),
    ("[-a]", ["-", "a"], ["b"]),
    ("[a-]", ["-", "a"], ["b"]),
    ("[a-c-e]", ["b", "-", "e"], ["d"]),
    ("[a-cx-z]", ["b", "y"], ["d", "-"]),
    ("[]", [], ["", "a", "]"]),
    ("a[]", [], ["a"]),
    ("[^]", ["a", "\n", "\u2028", "]"], ["", "ab"]),
    (r"[\]]", ["]"], ["\\", "\\]"]),
    (r"[^\]]", ["a", "\\"], ["]"]),
    (r"[\\]", ["\\"], ["]"]),
    (r"[\t]", ["\t"], ["t"]),
    (r"[\n\r]", ["\n", "\r"], ["n"]),
    (r"[\0]", ["\x00"], ["0"]),
    (r"[\x41-\x43]", ["A", "B", "C"], ["D", "x", "@"]),
    (r"[\u0061-\u0063]", ["a", "c"], ["d", "u"]),
    (r"[\cJ]", ["\n"], ["c", "J"]),
    (r"[\c*]", ["\\", "c", "*"], ["\n", "\x0a"]),
    (r"[\b]", ["\x08"], ["b", "\\"]),
    (r"[\B]", ["B"], ["\x08"]),
    (r"[\.]", ["."], ["a", "\\"]),
    (r"[\-]", ["-"], ["\\"]),
    # An escaped '-' is a ClassEscape atom, not the range operator; it can end a range.
    (r"[a\-c]", ["a", "-", "c"], ["b"]),
    (r"[a\x2dc]", ["a", "-", "c"], ["b"]),
    (r"[!-\-]", ["!", "+", "-"], ["."]),
    (r"[\x21-\x2d]", ["!", "+", "-"], ["."]),
    # Class escapes in a class; a range only between two single characters (Annex B: \d-z is a union).
    (r"[\d]", ["5"], ["a"]),
    (r"[\d-z]", ["5", "-", "z"], ["m", "a"]),
    (r"[a-\d]", ["a", "-", "5"], ["b"]),
    (r"[\d-]", ["5", "-"], ["a"]),
    (r"[\w-]", ["a", "_", "-"], ["."]),
    (r"[\s]", ["\u00a0", "\ufeff"], ["\x85", "s"]),
    (r"[\sa]", [" ", "a"], ["b"]),
    (r"[^\d]", ["a", "-"], ["5"]),
    (r"[\D]", ["a"], ["5"]),
    (r"[^\D]", ["5"], ["a"]),
    (r"[\Da]", ["a", "b"], ["5"]),
    (r"[^\Da]", ["5"], ["a", "b"]),
    (r"[\D\d]", ["a", "5", "\n"], [""]),
    (r"[^\D\d]", [], ["a", "5", "\n"]),
    (r"[\W\d]", ["5", "-"], ["a", "_"]),
    (r"[^\W\d]", ["a", "_"], ["5", "-"]),
    (r"[\S]", ["a"], [" "]),
    (r"[^\S]", [" ", "\u3000"], ["a"]),
    (r"[\S\s]", ["a", " ", "\n"], []),
    (r"[0-9\W]", ["5", "-"], ["a"]),
    (r"[^0-9\W]", ["a", "_"], ["5", "-"]),
    # Groups: capturing, non-capturing, named, backreferences, alternatives, look-arounds.
    ("(a)", ["a"], ["", "aa"]),
    ("(a|b)+", ["a", "abba"], ["", "abc"]),
    ("(?:ab)+", ["abab"], ["aba"]),
    (r"(a)\1", ["aa"], ["ab", "a"]),
    (r"(a)(b)\2\1", ["abba"], ["abab"]),
    (r"(?<x>a)b", ["ab"], ["b"]),
    ("(?=a)a", ["a"], ["b"]),
    ("(?!a)[ab]", ["b"], ["a"]),
    ("a(?<=a)", ["a"], ["b"]),
    ("(?<!b)a", ["a"], ["ba"]),
    ("((a)(b))c", ["abc"], ["ab"]),
    (r"([(])\)", ["()"], ["(("]),
    (r"[(]b", ["(b"], ["?b", ":b", "b"]),
    # ECMA has no "']' first is literal" rule: [^] is a whole class (any character), the next ']' a literal.
    (r"([^]a])+", ["xa]", "xa]\na]"], ["bc", "a", "]"]),
    # Quantifiers pass through.
    ("a{2,3}", ["aa", "aaa"], ["a", "aaaa"]),
    ("ab?c*", ["a", "abcc"], ["abb"]),
]


def _rows() -> list[tuple[str, str, bool]]:
    rows = [(p, s, True) for p, yes, _ in TABLE for s in yes]
    return rows + [(p, s, False) for p, _, no in TABLE for s in no]


@pytest.mark.parametrize(("pattern", "value", "expected"), _rows())
def test_ecma_pattern_matches_as_ecma_262_says(pattern: str, value: str, expected: bool) -> None:
    assert whole_match(pattern, value) is expected
    assert (compile_whole(pattern).match(value) is not None) is expected


@pytest.mark.parametrize(
    "pattern",
    [
        "\\",  # ends with a backslash
        "a\\",
        "[a\\",
        "[a",  # unterminated class
        "[",
        "[^",
        "[z-a]",  # range out of order
        "[\\x43-\\x41]",
        "(",
        "a)",
        "*a",
    ],
)
def test_a_pattern_that_is_no_ecma_regular_expression_raises_pattern_error(pattern: str) -> None:
    with pytest.raises(PatternError):
        compile_whole(pattern)
    with pytest.raises(PatternError):
        whole_match(pattern, "a")


def test_pattern_errors_say_what_is_wrong() -> None:
    with pytest.raises(PatternError, match=r"^pattern ends with a backslash$"):
        translate("a\\")
    with pytest.raises(PatternError, match=r"^unterminated character class$"):
        translate("[ab")
    with pytest.raises(PatternError, match=r"^range out of order in character class: 'z'-'a'$"):
        translate("[z-a]")
    with pytest.raises(PatternError, match=r"^cannot compile '\(a': "):
        compile_whole("(a")
    with pytest.raises(PatternError, match=r"^cannot compile 'b\)': "):
        whole_match("b)", "b")
    with pytest.raises(PatternError, match=r"^cannot compile '\(a\)\\\\2': "):
        whole_match(r"(a)\2", "aa")


def test_named_groups_keep_their_name_for_python() -> None:
    match = compile_whole(r"(?<year>\d{4})-(?<month>\d\d)").match("2024-09")
    assert match is not None
    assert match.group("year") == "2024"
    assert match.group("month") == "09"
