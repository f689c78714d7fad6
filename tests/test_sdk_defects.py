"""The ledger of known SDK defects matches a failure only when every part of an entry holds (sdk/_defects.py).

The entries are sdk.json's x-known-defects: botocore-leap-second (boto3 >= 1.35, sdk.response.parsed, a timestamp
with second 60, ValueError whose message says "second must be in 0..59") and js-two-digit-years (js >= 3.0.0,
sdk.response.timestamps, years written 0000-0099, each read as Y + 1900).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest
from packaging.specifiers import SpecifierSet

from bedrock_conformance.sdk import _defects
from bedrock_conformance.sdk._defects import Defect, _symptom_holds, instant, known_defect

PARSED, TIMESTAMPS = "sdk.response.parsed", "sdk.response.timestamps"
LEAP = "2016-12-31T23:59:60Z"
LEAP_ERROR = {"class": "ValueError", "message": f'Invalid timestamp "{LEAP}": second must be in 0..59'}


def leap(version: str | None = "1.40.0", **context: Any) -> str | None:
    found = known_defect("boto3", version, PARSED, {"raised": LEAP_ERROR, "timestamps": [LEAP], **context})
    return None if found is None else found.id


def years(wrong: list[tuple[str, str]], problems: int | None = None) -> str | None:
    context = {"wrong": wrong, "problems": len(wrong) if problems is None else problems, "resolution": 0.001}
    found = known_defect("js", "3.1164.0", TIMESTAMPS, context)
    return None if found is None else found.id


def test_the_leap_second_entry_matches_botocores_error_exactly() -> None:
    assert leap() == "botocore-leap-second"


@pytest.mark.parametrize("version", ["not a version", "", None], ids=["unparseable", "empty", "unknown"])
def test_a_version_that_is_no_pep_440_version_is_in_no_range(version: str | None) -> None:
    assert leap(version) is None


@pytest.mark.parametrize(
    "context",
    [
        {"raised": {"class": "ValueError", "message": "year 0 is out of range"}},  # another message
        {"raised": {"class": "TypeError", "message": LEAP_ERROR["message"]}},  # another class
        {"raised": None},  # no exception at all
        {"timestamps": ["2016-12-31T23:59:59Z"]},  # no leap second in the body
        {"timestamps": ["31 Dec 2016 23:59:60"]},  # no RFC 3339 date-time
        {"timestamps": []},
    ],
    ids=["other-message", "other-class", "not-raised", "second-59", "not-rfc3339", "no-timestamps"],
)
def test_a_failure_unlike_the_leap_second_entry_is_no_known_defect(context: dict[str, Any]) -> None:
    assert leap(**context) is None


def test_the_two_digit_year_entry_matches_every_year_read_as_y_plus_1900() -> None:
    assert years([("0001-01-01T00:00:00Z", "1901-01-01T00:00:00.000Z")]) == "js-two-digit-years"
    assert years([("0099-12-31T23:59:59.999Z", "1999-12-31T23:59:59.999Z")]) == "js-two-digit-years"


@pytest.mark.parametrize(
    ("wrong", "problems"),
    [
        ([("0100-01-01T00:00:00Z", "2000-01-01T00:00:00.000Z")], None),  # year 100: outside 0000-0099
        ([("0001-01-01T00:00:00Z", "2001-01-01T00:00:00.000Z")], None),  # read as Y + 2000
        ([], 0),  # nothing wrong was noted
        ([("0001-01-01T00:00:00Z", "1901-01-01T00:00:00.000Z")], 2),  # another problem besides (a naive value)
        ([("0001-01-01T00:00:00Z", "not a date")], None),
    ],
    ids=["year-100", "plus-2000", "none-noted", "other-problems", "unreadable"],
)
def test_a_misreading_unlike_the_two_digit_year_entry_is_no_known_defect(
    wrong: list[tuple[str, str]], problems: int | None
) -> None:
    assert years(wrong, problems) is None


def test_an_entry_whose_case_names_no_timestamp_matches_nothing() -> None:
    defect = Defect("x", "boto3", SpecifierSet(">=1"), PARSED, {}, {"raises": "ValueError"}, "s", ())
    assert _symptom_holds(defect, {"raised": {"class": "ValueError"}, "timestamps": [LEAP]}) is False


def test_an_entry_with_a_symptom_of_no_known_kind_matches_nothing() -> None:
    defect = Defect("x", "boto3", SpecifierSet(">=1"), PARSED, {"timestamp": {"second": 60}}, {"hangs": True}, "s", ())
    assert _symptom_holds(defect, {"raised": LEAP_ERROR, "timestamps": [LEAP]}) is False


def test_a_ledger_entry_with_an_invalid_version_range_is_refused_by_id(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = {"id": "bad-range", "sdk": "boto3", "versions": "1.35 and later", "clause": PARSED}
    monkeypatch.setattr(_defects, "sdk_facts", lambda: SimpleNamespace(known_defects=[entry]))
    _defects.known_defects.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"sdk\.json x-known-defects bad-range: Invalid specifier"):
            _defects.known_defects()
    finally:
        _defects.known_defects.cache_clear()


@pytest.mark.parametrize("text", ["2024-02-30T00:00:00Z", "2023-02-29T12:00:00Z", "2024-04-31T00:00:00+01:00"])
def test_a_date_time_of_a_day_no_calendar_has_is_no_instant(text: str) -> None:
    assert instant(text) is None


def test_an_offset_is_applied_to_the_instant() -> None:
    assert instant("2024-09-30T01:30:00-01:30") == datetime(2024, 9, 30, 3, 0, tzinfo=timezone.utc)
    assert instant("2024-09-30T00:00:00.5z") == datetime(2024, 9, 30, tzinfo=timezone.utc) + timedelta(seconds=0.5)
