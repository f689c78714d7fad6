"""RFC 3339 date-times: which strings are one (calendar-checked, leap seconds included) and the instant each names."""

from __future__ import annotations

import calendar
from dataclasses import dataclass

from ._ecma import compile_whole

# RFC 3339 section 5.6 date-time, as an ECMA-262 pattern; the calendar is checked separately.
DATE_TIME_PATTERN = r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$"
_RFC3339 = compile_whole(DATE_TIME_PATTERN)


# The calendar as two-digit fields (the pattern admits ASCII digits only, so comparing the text compares the numbers):
# days in each month of a common year, the hours and minutes a clock shows, and what a leap second needs.
_MONTH_DAYS = {f"{month:02d}": calendar.monthrange(1, month)[1] for month in range(1, 13)}
_FEBRUARY, _NO_YEAR = f"{2:02d}", f"{0:04d}"
_LAST_HOUR, _LAST_MINUTE, _LEAP_SECOND = f"{23:02d}", f"{59:02d}", f"{60:02d}"


_MINUTES_A_DAY, _LAST_MINUTE_OF_DAY = 24 * 60, 23 * 60 + 59


def _offset_minutes(sign: str, hours: str | None, minutes: str | None) -> int:
    """The zone's offset from UTC in minutes ('Z' is 0)."""
    if hours is None or minutes is None:
        return 0
    total = int(hours) * 60 + int(minutes)
    return -total if sign == "-" else total


def is_datetime(value: str) -> bool:
    """RFC 3339 ``date-time`` (section 5.6), calendar-checked.

    A leap second (second 60) is allowed in the last minute of a UTC day, in whatever offset it is written:
    ``2016-12-31T23:59:60Z`` and ``2017-01-01T05:29:60+05:30`` are the same leap second.
    """
    m = _RFC3339.match(value)
    if m is None:
        return False
    year, month, day, hour, minute, second, _fraction, zone, offset_hour, offset_minute = m.groups()
    days = _MONTH_DAYS.get(month)
    if days is None or year == _NO_YEAR or hour > _LAST_HOUR or minute > _LAST_MINUTE:
        return False
    if offset_hour is not None and (offset_hour > _LAST_HOUR or offset_minute > _LAST_MINUTE):
        return False
    day_number = int(day)
    if day_number < 1 or (
        day_number > days and not (day_number == 29 and month == _FEBRUARY and calendar.isleap(int(year)))
    ):
        return False
    if second <= _LAST_MINUTE:
        return True
    if second != _LEAP_SECOND:
        return False
    local = int(hour) * 60 + int(minute)
    utc = (local - _offset_minutes(zone[0], offset_hour, offset_minute)) % _MINUTES_A_DAY
    return utc == _LAST_MINUTE_OF_DAY


@dataclass(frozen=True, slots=True, order=True)
class Instant:
    """The instant an RFC 3339 date-time names, exactly: its UTC minute, its second (60 in a leap second) and its
    decimal fraction without trailing zeros. Two renderings of one instant are equal, whatever their offset or
    precision; instants a nanosecond (or less) apart are not. No float or datetime is involved, so nothing is rounded
    and a leap second is an instant of its own, one second before the next day begins."""

    minute: int
    second: int
    fraction: str


def instant(value: str) -> Instant | None:
    """The instant of an RFC 3339 date-time, or None for a string that is not one."""
    if not is_datetime(value):
        return None
    m = _RFC3339.match(value)
    assert m is not None
    year, month, day, hour, minute, second, fraction, zone, offset_hour, offset_minute = m.groups()
    local = calendar.timegm((int(year), int(month), int(day), int(hour), int(minute), 0, 0, 0, 0)) // 60
    utc = local - _offset_minutes(zone[0], offset_hour, offset_minute)
    return Instant(utc, int(second), (fraction or ".")[1:].rstrip("0"))
