"""The validator's fast paths agree with oracles that share no code with them: a date-time reader written by hand,
Python's own regular-expression engine, and literal tables."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bedrock_conformance._ecma import compile_matcher
from bedrock_conformance._near import near_misses
from bedrock_conformance._regex import matching
from bedrock_conformance._schemas import contract
from bedrock_conformance._validator import DATE_TIME_PATTERN, is_datetime

DIGITS = "0123456789"


def _number(text: str, width: int) -> int | None:
    """``text`` as a number if it is exactly ``width`` ASCII digits."""
    return int(text) if len(text) == width and all(c in DIGITS for c in text) else None


def _rfc3339(value: str) -> bool:
    """RFC 3339 section 5.6 date-time, read by hand, character by character (no pattern, no datetime).

    full-date: YYYY-MM-DD, year 0001-9999 (as Python's calendar), month 01-12, day up to the month's last (February
    29 in years divisible by 4, except centuries not divisible by 400); 'T' or 't'; HH:MM:SS, hour 00-23, minute
    00-59, second 00-59 or a leap second 60 in minute 59; an optional '.' and one or more digits; 'Z', 'z' or
    +HH:MM / -HH:MM with hour 00-23 and minute 00-59.
    """
    if len(value) < 20 or value[4] != "-" or value[7] != "-" or value[10] not in "Tt":
        return False
    year, month, day = _number(value[0:4], 4), _number(value[5:7], 2), _number(value[8:10], 2)
    if value[13] != ":" or value[16] != ":":
        return False
    hour, minute, second = _number(value[11:13], 2), _number(value[14:16], 2), _number(value[17:19], 2)
    if None in (year, month, day, hour, minute, second):
        return False
    rest = value[19:]
    if rest.startswith("."):
        digits = len(rest) - len(rest[1:].lstrip(DIGITS)) - 1
        if digits == 0:
            return False
        rest = rest[1 + digits :]
    if rest not in ("Z", "z"):
        if len(rest) != 6 or rest[0] not in "+-" or rest[3] != ":":
            return False
        oh, om = _number(rest[1:3], 2), _number(rest[4:6], 2)
        if oh is None or om is None or oh > 23 or om > 59:
            return False
    assert year is not None and month is not None and day is not None
    assert hour is not None and minute is not None and second is not None
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    last = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    if year == 0 or not 1 <= month <= 12 or not 1 <= day <= last[month - 1]:
        return False
    if hour > 23 or minute > 59 or second > 60:
        return False
    # A leap second ends a UTC day: 23:59:60 in UTC, whatever offset it is written in.
    shift = 0 if rest in ("Z", "z") else (1 if rest[0] == "+" else -1) * (int(rest[1:3]) * 60 + int(rest[4:6]))
    return second <= 59 or (hour * 60 + minute - shift) % 1440 == 23 * 60 + 59


def test_is_datetime_agrees_with_building_the_datetime_on_every_date_and_clock_edge() -> None:
    two = [f"{n:02d}" for n in range(100)]
    years = [f"{y:04d}" for y in (0, 1, 4, 100, 400, 1900, 2000, 2023, 2024, 2100, 9999)]
    stamps = [f"{y}-{m}-{d}T00:00:00Z" for y in years for m in two[:14] for d in two[:33]]
    stamps += [
        f"2024-12-31T{h}:{mi}:{s}+{oh}:{om}"
        for h, mi in zip(two, two[::-1], strict=True)
        for s, oh, om in [(h, mi, h), (mi, h, mi)]
    ]
    stamps += [f"2024-06-30T23:{m}:60.5Z" for m in two] + [
        f"2024-06-30T{h}:59:{s}Z" for h in two[20:26] for s in two[55:]
    ]
    assert [is_datetime(s) for s in stamps] == [_rfc3339(s) for s in stamps]
    assert 1000 < sum(map(is_datetime, stamps)) < len(stamps) - 1000
    assert is_datetime("2024-02-29T23:59:60Z")
    assert not is_datetime("2023-02-29T00:00:00Z")
    assert not is_datetime("2100-02-29T00:00:00Z")
    for text, expected in DATE_TIMES.items():
        assert is_datetime(text) is expected, text
        assert _rfc3339(text) is expected, text


# The hand-written reader above is itself checked on literal cases.
DATE_TIMES = {
    "2024-08-20T00:00:00Z": True,
    "2024-08-20t00:00:00z": True,
    "2024-08-20T00:00:00.123456789+05:30": True,
    "2024-08-20T23:59:60-00:00": True,
    "2000-02-29T00:00:00Z": True,
    "9999-12-31T23:59:59Z": True,
    "0001-01-01T00:00:00Z": True,
    "0000-01-01T00:00:00Z": False,
    "2024-08-20 00:00:00Z": False,
    "2024-08-20T00:00:00": False,
    "2024-08-20T00:00:00.Z": False,
    "2024-08-20T00:00:00Z\n": False,
    "2024-08-20T00:00:00+0530": False,
    "2024-08-20T00:00:00+24:00": False,
    "2024-08-20T00:00:00+05:60": False,
    "2024-08-20T24:00:00Z": False,
    "2024-08-20T00:60:00Z": False,
    "2024-08-20T00:58:60Z": False,
    "2024-08-20T00:00:61Z": False,
    "2024-13-01T00:00:00Z": False,
    "2024-00-01T00:00:00Z": False,
    "2024-04-31T00:00:00Z": False,
    "2024-08-00T00:00:00Z": False,
    "1900-02-29T00:00:00Z": False,
    "2024-08-2OT00:00:00Z": False,
    "２０２４-08-20T00:00:00Z": False,
    "2024-08-20T00:00:00.١Z": False,
    "24-08-20T00:00:00Z": False,
}


# ECMA-262's \s: WhiteSpace (TAB, VT, FF, SP, NBSP, ZWNBSP and every Zs: U+1680, U+2000-U+200A, U+202F, U+205F,
# U+3000) and LineTerminator (LF, CR, LS, PS), spelt out (Python's own \s is ASCII under re.ASCII, and Unicode's
# isspace() beyond it: U+001C-U+001F and U+0085 are no ECMA-262 whitespace).
_ECMA_SPACE = "[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"


def _python_oracle(pattern: str, text: str) -> bool:
    """The pattern run by Python's own engine over the whole string, as the suite reads every pattern: ASCII \\d,
    ECMA-262's \\s, and nothing left over (not even the trailing newline Python's '$' would let through)."""
    return re.fullmatch(_ecma_spaces(pattern), text, re.ASCII) is not None


def _ecma_spaces(pattern: str) -> str:
    """\\s and \\S as ECMA-262 reads them: the whitespace class above, inside a [...] or on their own."""
    out, in_class, i = [], False, 0
    while i < len(pattern):
        pair = pattern[i : i + 2]
        if pair == "\\s":
            out.append(_ECMA_SPACE[1:-1] if in_class else _ECMA_SPACE)
        elif pair == "\\S" and not in_class:
            out.append("[^" + _ECMA_SPACE[1:])
        elif pattern[i] == "\\":
            out.append(pair)
        else:
            in_class = (in_class or pattern[i] == "[") and pattern[i] != "]"
            out.append(pattern[i])
            i += 1
            continue
        i += 2
    return "".join(out)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_group_free_patterns_match_exactly_what_the_translated_patterns_match(data: st.DataObject) -> None:
    patterns = sorted(
        {c.value for c in contract().clauses.values() if c.keyword == "pattern"}
        | {r["pattern"] for d in contract().deviations.values() for r in [d.rule] if "pattern" in r}
        | {DATE_TIME_PATTERN}
    )
    pattern = data.draw(st.sampled_from(patterns))
    text = data.draw(st.one_of(matching(pattern), near_misses(pattern), st.text(max_size=20)))
    assert (compile_matcher(pattern)(text) is not None) is _python_oracle(pattern, text)


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("^[a-zA-Z0-9-:.]+$", "us.anthropic.claude-3-haiku-20240307-v1:0", True),
        ("^[a-zA-Z0-9-:.]+$", "us.anthropic.claude\n", False),
        ("^[a-zA-Z0-9-:.]+$", "", False),
        ("^[a-zA-Z0-9-:.]+$", "a/b", False),
        ("^([0-9a-zA-Z][ _-]?)+$", "US Anthropic Claude 3 Haiku", True),
        ("^([0-9a-zA-Z][ _-]?)+$", "US  Claude", False),
        ("^([0-9a-zA-Z][ _-]?)+$", "Claude 3.5", False),
        ("^(ab)\\1$", "abab", True),
        ("^(ab)\\1$", "abba", False),
        ("([a-zA-Z0-9_-]+|arn:aws(-[^:]+)?:bedrock:[0-9a-z-]{1,20}:[0-9]{12}:project/[a-zA-Z0-9_-]+)", "!!a!!", False),
        ("([a-zA-Z0-9_-]+|arn:aws(-[^:]+)?:bedrock:[0-9a-z-]{1,20}:[0-9]{12}:project/[a-zA-Z0-9_-]+)", "a_b-c", True),
        (DATE_TIME_PATTERN, "2024-08-20T00:00:00Z", True),
        (DATE_TIME_PATTERN, "2024-08-20T00:00:00Z\n", False),
        (DATE_TIME_PATTERN, "2024-08-20T00:00:00\u0660Z", False),
    ],
)
def test_matchers_on_literal_ecma_cases(pattern: str, text: str, expected: bool) -> None:
    assert (compile_matcher(pattern)(text) is not None) is expected
    assert _python_oracle(pattern, text) is expected
