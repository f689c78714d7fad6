"""The validator's fast paths agree with the plain way of doing the same check."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bedrock_conformance._ecma import compile_matcher, compile_whole
from bedrock_conformance._regex import matching, near_misses
from bedrock_conformance._schemas import contract
from bedrock_conformance._validator import _RFC3339, DATE_TIME_PATTERN, is_datetime


def _calendar_check(value: str) -> bool:
    """RFC 3339 date-time checked by building the datetime, as the validator once did."""
    m = _RFC3339.match(value)
    if not m:
        return False
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    if m.group(9) is not None and (int(m.group(9)) > 23 or int(m.group(10)) > 59):
        return False
    try:
        local = datetime(year, month, day, hour, minute, min(second, 59))
    except ValueError:
        return False
    # A leap second ends a UTC day: 23:59:60 in UTC, whatever offset it is written in.
    sign = -1 if m.group(8)[0] == "-" else 1
    offset = timedelta(hours=int(m.group(9) or 0), minutes=int(m.group(10) or 0)) * sign
    utc = local - offset
    return second <= 59 or (second == 60 and (utc.hour, utc.minute) == (23, 59))


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
    assert [is_datetime(s) for s in stamps] == [_calendar_check(s) for s in stamps]
    assert 1000 < sum(map(is_datetime, stamps)) < len(stamps) - 1000
    assert is_datetime("2024-02-29T23:59:60Z")
    assert not is_datetime("2023-02-29T00:00:00Z")
    assert not is_datetime("2100-02-29T00:00:00Z")


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
    assert (compile_matcher(pattern)(text) is None) == (compile_whole(pattern).match(text) is None)


def test_a_pattern_with_a_backreference_keeps_its_groups() -> None:
    assert compile_matcher(r"^(ab)\1$")("abab") is not None
    assert compile_matcher(r"^(ab)\1$")("abba") is None
