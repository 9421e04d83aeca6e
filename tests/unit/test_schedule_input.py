"""Reading what organisers type about *when*, and keeping a rule's rhythm when it changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from events_app.domain import recurrence
from events_app.domain.errors import DomainError
from events_app.domain.schedule import (
    Choice,
    anchor_from,
    dst_warnings,
    parse_local,
    resolve_duration,
    resolve_rule,
    resolve_start,
)
from tests.helpers.parsing import local

TZ = "Europe/Amsterdam"


def test_local_times_are_written_without_an_offset() -> None:
    assert parse_local("2026-10-01T15:00", "first_start") == local(2026, 10, 1, 15)
    for bad in ("2026-10-01T15:00+02:00", "2026-13-01T15:00", "1-10-2026 15:00"):
        with pytest.raises(DomainError) as caught:
            parse_local(bad, "first_start")
        assert caught.value.field == "first_start"


def test_start_from_date_and_time_or_from_the_current_value() -> None:
    assert resolve_start(None, date(2026, 10, 1), "15:00", default=None) == local(2026, 10, 1, 15)
    current = local(2026, 10, 1, 15)
    assert resolve_start(None, None, "16:00", default=current) == local(2026, 10, 1, 16)
    with pytest.raises(DomainError, match="either"):
        resolve_start("2026-10-01T15:00", date(2026, 10, 1), None, default=None)
    with pytest.raises(DomainError) as caught:
        resolve_start(None, date(2026, 10, 1), None, default=None)
    assert caught.value.field == "start_time"


def test_duration_from_minutes_or_end_time() -> None:
    start = local(2026, 10, 1, 15)
    assert resolve_duration(start, 90, None, default=None) == timedelta(minutes=90)
    assert resolve_duration(start, None, "16:15", default=None) == timedelta(minutes=75)
    assert resolve_duration(start, None, None, default=timedelta(hours=2)) == timedelta(hours=2)
    with pytest.raises(DomainError) as caught:
        resolve_duration(start, None, "14:00", default=None)
    assert (caught.value.code, caught.value.field) == ("end_before_start", "end_time")


def test_rule_from_text_or_builder() -> None:
    assert resolve_rule("rrule:freq=weekly;byday=th;interval=2", None, TZ) == (
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"
    )
    built = resolve_rule(None, Choice("monthly", month_weekday=(2, 1)), TZ)
    assert built == "FREQ=MONTHLY;BYDAY=2TU"
    assert resolve_rule("", None, TZ) is None
    with pytest.raises(DomainError) as caught:
        resolve_rule("FREQ=SECONDLY", None, TZ)
    assert (caught.value.code, caught.value.field) == ("invalid_rrule", "rule")


def test_anchor_keeps_the_fortnightly_rhythm() -> None:
    rule = "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"
    old_first = local(2026, 10, 1, 15)
    cut = datetime(2027, 2, 28, 23, tzinfo=UTC)  # 1 March 2027, 00:00 in Amsterdam
    first = anchor_from(rule, old_first, time(16), timedelta(hours=1), TZ, cut)
    assert first == local(2027, 3, 4, 16)  # 4 March is in the rhythm, 11 March is not
    tuesday = anchor_from(
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", old_first, time(15), timedelta(hours=1), TZ, cut
    )
    assert tuesday == local(2027, 3, 2, 15)
    assert anchor_from(None, old_first, time(15), timedelta(hours=1), TZ, cut) is None
    ended = "FREQ=WEEKLY;BYDAY=TH;UNTIL=20261231"
    assert anchor_from(ended, old_first, time(15), timedelta(hours=1), TZ, cut) is None


def test_anchor_of_a_series_that_has_not_begun_keeps_its_first_day() -> None:
    rule = "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"
    old_first = local(2026, 10, 1, 15)
    today = datetime(2026, 9, 1, 8, tzinfo=UTC)
    first = anchor_from(rule, old_first, time(16), timedelta(hours=1), TZ, today)
    assert first == local(2026, 10, 1, 16)  # not 3 or 17 September, before the series began


def test_dst_warnings_name_the_night() -> None:
    slots = recurrence.expand(
        "FREQ=WEEKLY;BYDAY=SU",
        local(2026, 10, 18, 2, 30),
        timedelta(minutes=30),
        TZ,
        window_start=datetime(2026, 10, 1, tzinfo=UTC),
        window_end=datetime(2027, 4, 10, tzinfo=UTC),
    )
    warnings = dst_warnings(slots, time(2, 30))
    assert len(warnings) == 2
    assert warnings[0].startswith("On 25 October 2026 the clocks go back")
    assert warnings[1].startswith("On 28 March 2027 the clocks go forward")
