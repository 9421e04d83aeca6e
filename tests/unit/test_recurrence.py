"""Expanding series rules: DST in both directions, windows, COUNT/UNTIL, rule parsing and a
property test against an independent implementation (icalendar + recurring-ical-events)."""

from __future__ import annotations

import time as clock
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from hypothesis import given, settings
from hypothesis import strategies as st

from events_app.domain.errors import DomainError
from events_app.domain.recurrence import Slot, expand, next_dates, split_rule_at
from events_app.domain.rrules import RuleParts, build_rule, parse_rule, to_ical_rule
from events_app.domain.wallclock import is_ambiguous, is_nonexistent, to_utc, validate_timezone
from tests.helpers.parsing import local

TZ = "Europe/Amsterdam"
AMS = ZoneInfo(TZ)
HOUR = timedelta(hours=1)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def run(
    rule: str | None, first: datetime, a: datetime, b: datetime, duration: timedelta = HOUR
) -> list[Slot]:
    return expand(rule, first, duration, TZ, window_start=a, window_end=b)


# --- wall clock <-> UTC -------------------------------------------------------------------------


def test_to_utc_follows_summer_and_winter_time() -> None:
    assert to_utc(local(2026, 1, 15, 15), TZ) == utc(2026, 1, 15, 14)
    assert to_utc(local(2026, 7, 15, 15), TZ) == utc(2026, 7, 15, 13)


def test_ambiguous_fall_back_time_means_the_first_one() -> None:
    moment = local(2026, 10, 25, 2, 30)  # occurs at 00:30 UTC (CEST) and again at 01:30 UTC (CET)
    assert to_utc(moment, TZ) == utc(2026, 10, 25, 0, 30)
    assert to_utc(moment.replace(fold=1), TZ) == utc(2026, 10, 25, 0, 30)  # fold is ignored
    assert is_ambiguous(moment, TZ)
    assert not is_nonexistent(moment, TZ)


def test_nonexistent_spring_forward_time_uses_the_offset_from_before_the_gap() -> None:
    moment = local(2027, 3, 28, 2, 30)  # clocks jump from 02:00 CET to 03:00 CEST
    assert to_utc(moment, TZ) == utc(2027, 3, 28, 1, 30)
    assert to_utc(moment, TZ).astimezone(AMS).strftime("%H:%M") == "03:30"
    assert is_nonexistent(moment, TZ)
    assert not is_ambiguous(moment, TZ)


def test_ordinary_times_are_neither_ambiguous_nor_nonexistent() -> None:
    for moment in (local(2026, 10, 25, 3, 0), local(2027, 3, 28, 3, 0), local(2026, 6, 1, 2, 30)):
        assert not is_ambiguous(moment, TZ)
        assert not is_nonexistent(moment, TZ)


def test_to_utc_rejects_aware_datetimes() -> None:
    with pytest.raises(ValueError, match="naive"):
        to_utc(utc(2026, 1, 1), TZ)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "../etc",
        "Europe",
        "/etc/localtime",
        "Mars/Olympus",
        "Europe/Amsterdam ",
        "Europe/../Europe/Amsterdam",
    ],
)
def test_unknown_timezones_are_a_domain_error(bad: str) -> None:
    with pytest.raises(DomainError) as info:
        validate_timezone(bad)
    assert (info.value.code, info.value.field) == ("unknown_timezone", "timezone")
    with pytest.raises(DomainError):
        expand(
            None,
            local(2026, 1, 1, 15),
            HOUR,
            bad,
            window_start=utc(2026, 1, 1),
            window_end=utc(2027, 1, 1),
        )


def test_known_timezones_are_accepted() -> None:
    assert validate_timezone(TZ) == AMS
    assert validate_timezone("UTC").key == "UTC"


# --- DST in a weekly series ---------------------------------------------------------------------


def test_weekly_sunday_series_keeps_its_wall_clock_time_across_both_dst_changes() -> None:
    slots = run("FREQ=WEEKLY;BYDAY=SU", local(2026, 10, 18, 15), utc(2026, 10, 1), utc(2027, 4, 5))
    assert all(s.local_start.time() == time(15) and s.local_end.time() == time(16) for s in slots)
    by_date = {s.local_start.date(): s for s in slots}
    assert by_date[date(2026, 10, 18)].starts_at == utc(2026, 10, 18, 13)  # still summer time
    assert by_date[date(2026, 10, 25)].starts_at == utc(2026, 10, 25, 14)  # fall-back day
    assert by_date[date(2026, 10, 25)].ends_at == utc(2026, 10, 25, 15)
    assert by_date[date(2027, 3, 21)].starts_at == utc(2027, 3, 21, 14)  # winter time
    assert by_date[date(2027, 3, 28)].starts_at == utc(2027, 3, 28, 13)  # spring-forward day
    assert len(slots) == 25 and all(s.tz == TZ for s in slots)


def test_start_in_the_spring_forward_gap_is_shown_as_the_time_the_clock_shows() -> None:
    [slot] = run(None, local(2027, 3, 28, 2, 30), utc(2027, 3, 1), utc(2027, 4, 1))
    assert slot.starts_at == utc(2027, 3, 28, 1, 30)
    assert slot.local_start == local(2027, 3, 28, 3, 30)
    assert (slot.local_end, slot.ends_at) == (local(2027, 3, 28, 4, 30), utc(2027, 3, 28, 2, 30))


def test_start_in_the_fall_back_night_is_the_first_0230_and_duration_is_wall_clock() -> None:
    [slot] = run(None, local(2026, 10, 25, 2, 30), utc(2026, 10, 1), utc(2026, 11, 1))
    assert (slot.local_start, slot.starts_at) == (
        local(2026, 10, 25, 2, 30),
        utc(2026, 10, 25, 0, 30),
    )
    # 02:30-03:30 on the wall clock: the hour that repeats makes it two real hours
    assert (slot.local_end, slot.ends_at) == (local(2026, 10, 25, 3, 30), utc(2026, 10, 25, 2, 30))


def test_weekly_0230_series_across_both_changes() -> None:
    slots = run("FREQ=WEEKLY", local(2026, 10, 18, 2, 30), utc(2026, 10, 1), utc(2027, 4, 10))
    by_date = {s.local_start.date(): s for s in slots}
    assert by_date[date(2026, 10, 25)].starts_at == utc(2026, 10, 25, 0, 30)
    assert by_date[date(2026, 11, 1)].starts_at == utc(2026, 11, 1, 1, 30)
    assert by_date[date(2027, 3, 28)].starts_at == utc(2027, 3, 28, 1, 30)
    assert by_date[date(2027, 3, 28)].local_start.time() == time(3, 30)
    assert by_date[date(2027, 4, 4)].starts_at == utc(2027, 4, 4, 0, 30)


# --- windows, COUNT, UNTIL, monthly patterns ----------------------------------------------------

BIWEEKLY = "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"
FIRST_THURSDAY = local(2026, 9, 3, 15)


def test_every_two_weeks_thursday() -> None:
    slots = run(BIWEEKLY, FIRST_THURSDAY, utc(2026, 9, 1), utc(2026, 11, 1))
    assert [s.local_start.date() for s in slots] == [
        date(2026, 9, 3),
        date(2026, 9, 17),
        date(2026, 10, 1),
        date(2026, 10, 15),
        date(2026, 10, 29),
    ]
    assert slots[-1].starts_at == utc(2026, 10, 29, 14)  # winter time by then


def test_window_is_half_open_on_utc_starts() -> None:
    start = utc(2026, 9, 17, 13)  # the 17 September date, exactly
    slots = run(BIWEEKLY, FIRST_THURSDAY, start, utc(2026, 10, 15, 13))
    assert [s.starts_at for s in slots] == [start, utc(2026, 10, 1, 13)]
    assert run(BIWEEKLY, FIRST_THURSDAY, utc(2026, 12, 1), utc(2026, 12, 1)) == []
    assert run(BIWEEKLY, FIRST_THURSDAY, utc(2026, 1, 1), utc(2026, 9, 1)) == []


def test_count_limits_the_series() -> None:
    slots = run(BIWEEKLY + ";COUNT=6", FIRST_THURSDAY, utc(2026, 1, 1), utc(2030, 1, 1))
    assert len(slots) == 6 and slots[-1].local_start.date() == date(2026, 11, 12)
    later = run(BIWEEKLY + ";COUNT=6", FIRST_THURSDAY, utc(2026, 11, 1), utc(2030, 1, 1))
    assert [s.local_start.date() for s in later] == [date(2026, 11, 12)]


def test_until_date_includes_that_whole_local_day() -> None:
    slots = run(BIWEEKLY + ";UNTIL=20261210", FIRST_THURSDAY, utc(2026, 1, 1), utc(2030, 1, 1))
    assert slots[-1].local_start.date() == date(2026, 12, 10) and len(slots) == 8
    late = run(
        "FREQ=WEEKLY;UNTIL=20261210", local(2026, 12, 3, 23, 30), utc(2026, 1, 1), utc(2030, 1, 1)
    )
    assert [s.local_start for s in late] == [
        local(2026, 12, 3, 23, 30),
        local(2026, 12, 10, 23, 30),
    ]


def test_monthly_last_friday_and_second_tuesday() -> None:
    fridays = run(
        "FREQ=MONTHLY;BYDAY=-1FR", local(2026, 1, 30, 19), utc(2026, 1, 1), utc(2026, 7, 1)
    )
    assert [s.local_start.day for s in fridays] == [30, 27, 27, 24, 29, 26]
    tuesdays = run(
        "FREQ=MONTHLY;BYDAY=2TU", local(2026, 1, 13, 10), utc(2026, 1, 1), utc(2026, 7, 1)
    )
    assert [s.local_start.day for s in tuesdays] == [13, 10, 10, 14, 12, 9]
    assert all(s.local_start.weekday() == 1 for s in tuesdays)


def test_monthday_31_skips_months_without_one() -> None:
    slots = run(
        "FREQ=MONTHLY;BYMONTHDAY=31", local(2026, 1, 31, 15), utc(2026, 1, 1), utc(2027, 1, 1)
    )
    assert [s.local_start.month for s in slots] == [1, 3, 5, 7, 8, 10, 12]
    default_day = run("FREQ=MONTHLY", local(2026, 1, 31, 15), utc(2026, 1, 1), utc(2026, 6, 1))
    assert [s.local_start.month for s in default_day] == [1, 3, 5]


def test_one_off_and_first_date_not_produced_by_the_rule() -> None:
    assert [
        s.starts_at for s in run(None, local(2026, 11, 12, 15), utc(2026, 1, 1), utc(2027, 1, 1))
    ] == [utc(2026, 11, 12, 14)]
    # 1 October 2026 is a Thursday; like calendar clients, it is still the first date
    slots = run(
        "FREQ=WEEKLY;BYDAY=MO;COUNT=3", local(2026, 10, 1, 15), utc(2026, 1, 1), utc(2027, 1, 1)
    )
    assert [s.local_start.day for s in slots] == [1, 5, 12, 19]
    # dateutil drops microseconds; the first date must not then appear twice
    odd = local(2026, 10, 5, 15).replace(microsecond=5)
    slots = run("FREQ=WEEKLY;BYDAY=MO;COUNT=2", odd, utc(2026, 1, 1), utc(2027, 1, 1))
    assert [s.local_start for s in slots] == [local(2026, 10, 5, 15), local(2026, 10, 12, 15)]


@pytest.mark.parametrize(
    "rule, first",
    [
        ("FREQ=DAILY;INTERVAL=3", local(2020, 2, 29, 9)),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,SU;WKST=SU", local(2020, 1, 8, 20)),
        ("FREQ=WEEKLY;INTERVAL=3", local(2021, 6, 30, 2, 30)),
        ("FREQ=MONTHLY;INTERVAL=5;BYDAY=-1FR", local(2019, 12, 27, 18)),
        ("FREQ=MONTHLY;INTERVAL=2", local(2020, 1, 31, 12)),
        ("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", local(2020, 1, 31, 12)),
        ("FREQ=YEARLY;INTERVAL=2;BYMONTH=2;BYMONTHDAY=29", local(2020, 2, 29, 12)),
        ("FREQ=YEARLY;INTERVAL=3", local(2019, 3, 31, 12)),
    ],
)
def test_windows_far_from_the_first_date_match_a_full_expansion(rule: str, first: datetime) -> None:
    everything = run(rule, first, utc(2019, 1, 1), utc(2034, 1, 1))
    for a, b in ((utc(2027, 3, 3), utc(2028, 2, 10)), (utc(2031, 5, 1), utc(2031, 5, 20))):
        expected = [s for s in everything if a <= s.starts_at < b]
        assert run(rule, first, a, b) == expected


def test_expanding_a_year_of_an_old_weekly_series_is_fast() -> None:
    rounds = 50
    began = clock.perf_counter()
    for _ in range(rounds):
        slots = run("FREQ=WEEKLY;BYDAY=TU", local(2021, 1, 5, 15), utc(2026, 1, 1), utc(2027, 1, 1))
    assert len(slots) == 52
    assert (clock.perf_counter() - began) / rounds < 0.005  # about 0.5 ms on a laptop


def test_invalid_duration_and_naive_window() -> None:
    with pytest.raises(DomainError) as info:
        run(BIWEEKLY, FIRST_THURSDAY, utc(2026, 1, 1), utc(2027, 1, 1), duration=timedelta(0))
    assert info.value.code == "invalid_duration"
    with pytest.raises(ValueError, match="aware"):
        run(BIWEEKLY, FIRST_THURSDAY, local(2026, 1, 1), utc(2027, 1, 1))


# --- next_dates and split_rule_at ---------------------------------------------------------------


def test_next_dates_are_strictly_after_and_bounded() -> None:
    after = utc(2026, 9, 17, 13)  # exactly the 17 September start
    dates = next_dates(BIWEEKLY, FIRST_THURSDAY, HOUR, TZ, after=after, limit=3)
    assert [s.local_start.date() for s in dates] == [
        date(2026, 10, 1),
        date(2026, 10, 15),
        date(2026, 10, 29),
    ]
    assert next_dates(BIWEEKLY, FIRST_THURSDAY, HOUR, TZ, after=after, limit=0) == []
    assert (
        len(
            next_dates(
                BIWEEKLY + ";COUNT=3", FIRST_THURSDAY, HOUR, TZ, after=utc(2020, 1, 1), limit=10
            )
        )
        == 3
    )
    assert next_dates(None, FIRST_THURSDAY, HOUR, TZ, after=after, limit=5) == []


def test_split_rule_at_ends_the_old_rule_before_the_cut() -> None:
    rule = BIWEEKLY + ";COUNT=10"
    assert split_rule_at(rule, FIRST_THURSDAY, local(2026, 10, 15, 15), TZ) == (
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;UNTIL=20261001"
    )
    # a cut later on the same day as a date keeps that date; earlier the same day drops it
    assert split_rule_at(rule, FIRST_THURSDAY, local(2026, 10, 15, 16), TZ) == (
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;UNTIL=20261015"
    )
    assert split_rule_at(rule, FIRST_THURSDAY, local(2026, 10, 15, 9), TZ) == (
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;UNTIL=20261001"
    )
    assert split_rule_at(rule, FIRST_THURSDAY, FIRST_THURSDAY, TZ) is None
    assert split_rule_at(rule, FIRST_THURSDAY, local(2026, 1, 1), TZ) is None
    old = split_rule_at(BIWEEKLY, FIRST_THURSDAY, local(2026, 12, 1), TZ)
    assert old == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;UNTIL=20261126"
    assert len(run(old, FIRST_THURSDAY, utc(2026, 1, 1), utc(2030, 1, 1))) == 7


# --- parse_rule, to_ical_rule, build_rule -------------------------------------------------------


@pytest.mark.parametrize(
    "text, canonical",
    [
        ("RRULE:FREQ=WEEKLY;BYDAY=TH;INTERVAL=2", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"),
        ("rrule:freq=weekly;byday=we,mo;interval=1;wkst=mo", "FREQ=WEEKLY;BYDAY=MO,WE"),
        (" FREQ=MONTHLY;BYDAY=+2TU; ", "FREQ=MONTHLY;BYDAY=2TU"),
        ("FREQ=MONTHLY;COUNT=6;BYMONTHDAY=15,1,15", "FREQ=MONTHLY;BYMONTHDAY=1,15;COUNT=6"),
        ("FREQ=WEEKLY;UNTIL=20261218", "FREQ=WEEKLY;UNTIL=20261218"),
        ("FREQ=WEEKLY;UNTIL=20261218T150000", "FREQ=WEEKLY;UNTIL=20261218"),
        ("FREQ=WEEKLY;UNTIL=20261218T225959Z", "FREQ=WEEKLY;UNTIL=20261218"),
        (
            "FREQ=WEEKLY;UNTIL=20261218T230000Z",
            "FREQ=WEEKLY;UNTIL=20261219",
        ),  # midnight in Amsterdam
        ("FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU;WKST=SU", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU;WKST=SU"),
    ],
)
def test_parse_rule_normalises(text: str, canonical: str) -> None:
    assert parse_rule(text) == canonical
    assert parse_rule(canonical) == canonical


@pytest.mark.parametrize(
    "text, problem",
    [
        ("", "FREQ must be"),
        ("hello", "NAME=VALUE"),
        ("BYDAY=MO", "FREQ must be"),
        ("FREQ=HOURLY", "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY"),
        ("FREQ=MINUTELY", "FREQ must be"),
        ("FREQ=SECONDLY", "FREQ must be"),
        ("FREQ=FORTNIGHTLY", "FREQ must be"),
        ("FREQ=WEEKLY;BYHOUR=10", "BYHOUR is not supported"),
        ("FREQ=WEEKLY;BYMINUTE=0", "BYMINUTE is not supported"),
        ("FREQ=WEEKLY;BYSECOND=0", "BYSECOND is not supported"),
        ("FREQ=YEARLY;BYWEEKNO=3", "BYWEEKNO"),
        ("FREQ=WEEKLY;COUNT=3;UNTIL=20261231", "UNTIL or COUNT, not both"),
        ("FREQ=WEEKLY;INTERVAL=0", "INTERVAL must be a whole number from 1 to 52"),
        ("FREQ=WEEKLY;INTERVAL=53", "INTERVAL"),
        ("FREQ=WEEKLY;INTERVAL=two", "INTERVAL"),
        ("FREQ=WEEKLY;COUNT=0", "COUNT must be a whole number from 1 to 1000"),
        ("FREQ=WEEKLY;COUNT=1001", "COUNT"),
        ("FREQ=WEEKLY;FREQ=DAILY", "FREQ appears more than once"),
        ("FREQ=WEEKLY;BYDAY=XX", "'XX'"),
        ("FREQ=WEEKLY;BYDAY=", "NAME=VALUE"),
        ("FREQ=WEEKLY;BYDAY=2TU", "numbered weekday"),
        ("FREQ=MONTHLY;BYDAY=6TU", "'6TU'"),
        ("FREQ=MONTHLY;BYDAY=0TU", "'0TU'"),
        ("FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY"),
        ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY"),
        ("FREQ=YEARLY;BYMONTH=13", "BYMONTH"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never produces a date"),
        ("FREQ=WEEKLY;BYMONTHDAY=3", "BYMONTHDAY cannot be used with FREQ=WEEKLY"),
        ("FREQ=MONTHLY;BYSETPOS=1", "BYSETPOS needs"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=40", "BYSETPOS"),
        ("FREQ=WEEKLY;WKST=XX", "WKST"),
        ("FREQ=WEEKLY;UNTIL=20261340", "UNTIL must be a date"),
        ("FREQ=WEEKLY;UNTIL=tomorrow", "UNTIL must be a date"),
        ("FREQ=WEEKLY;BYEASTER=0", "BYEASTER is not a part"),
        ("DTSTART:20260101T100000\nRRULE:FREQ=WEEKLY", "single RRULE line"),
    ],
)
def test_parse_rule_rejects_with_a_plain_message(text: str, problem: str) -> None:
    with pytest.raises(DomainError) as info:
        parse_rule(text)
    assert (info.value.code, info.value.field) == ("invalid_rrule", "rrule")
    assert problem in info.value.message


def test_to_ical_rule_writes_until_as_the_utc_end_of_the_local_day() -> None:
    assert to_ical_rule("FREQ=WEEKLY;UNTIL=20261218", TZ) == "FREQ=WEEKLY;UNTIL=20261218T225959Z"
    assert to_ical_rule("FREQ=WEEKLY;UNTIL=20260618", TZ) == "FREQ=WEEKLY;UNTIL=20260618T215959Z"
    assert to_ical_rule("FREQ=WEEKLY;COUNT=3", TZ) == "FREQ=WEEKLY;COUNT=3"


def test_build_rule_for_the_web_form() -> None:
    assert build_rule(freq="weekly", interval=2, weekdays=[3]) == BIWEEKLY
    assert build_rule(freq="weekly", weekdays=(2, 0, 2)) == "FREQ=WEEKLY;BYDAY=MO,WE"
    assert build_rule(freq="monthly", month_weekday=(2, 1)) == "FREQ=MONTHLY;BYDAY=2TU"
    assert build_rule(freq="monthly", month_weekday=(-1, 4), count=6) == (
        "FREQ=MONTHLY;BYDAY=-1FR;COUNT=6"
    )
    assert build_rule(freq="monthly", interval=2, month_day=15, until=date(2026, 12, 18)) == (
        "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15;UNTIL=20261218"
    )


@pytest.mark.parametrize(
    "kwargs, field, problem",
    [
        ({"freq": "weekly"}, "weekdays", "Choose at least one weekday"),
        ({"freq": "weekly", "weekdays": [7]}, "weekdays", "0 (Monday) to 6 (Sunday)"),
        ({"freq": "weekly", "weekdays": [1], "interval": 0}, "interval", "1 to 52"),
        ({"freq": "weekly", "weekdays": [1], "month_day": 3}, "month_day", "weekly series"),
        (
            {"freq": "weekly", "weekdays": [1], "count": 2, "until": date(2027, 1, 1)},
            "until",
            "not both",
        ),
        ({"freq": "weekly", "weekdays": [1], "count": 0}, "count", "between 1 and 1000"),
        ({"freq": "monthly"}, "month_day", "either a day of the month or a weekday"),
        ({"freq": "monthly", "month_day": 3, "month_weekday": (1, 1)}, "month_day", "either"),
        ({"freq": "monthly", "month_day": 32}, "month_day", "between 1 and 31"),
        ({"freq": "monthly", "month_weekday": (5, 1)}, "month_weekday", "fourth or last"),
        ({"freq": "monthly", "month_weekday": (1, 9)}, "month_weekday", "fourth or last"),
        ({"freq": "monthly", "month_day": 3, "weekdays": [1]}, "weekdays", "monthly series"),
        ({"freq": "hourly"}, "freq", "daily, weekly or monthly"),
        ({"freq": "daily", "weekdays": [0]}, "freq", "no chosen weekday"),
    ],
)
def test_build_rule_rejects_with_the_form_field(
    kwargs: dict[str, object], field: str, problem: str
) -> None:
    with pytest.raises(DomainError) as info:
        build_rule(**kwargs)  # type: ignore[arg-type]
    assert (info.value.code, info.value.field) == ("invalid_rrule", field)
    assert problem in info.value.message


# --- property test against recurring-ical-events ------------------------------------------------


def reference(
    rule: str | None, first: datetime, duration: timedelta, a: datetime, b: datetime
) -> list[tuple[datetime, datetime, datetime | None]]:
    """(shown wall clock, UTC start, UTC end) from icalendar + recurring-ical-events.

    recurring-ical-events adds DTEND-DTSTART in wall-clock time to the nominal start, so a start
    in the spring-forward gap gets a zero-length event there; we add it to the time the clock
    shows (RFC 5545 §3.8.5.3 wants the same exact duration for every instance).  Ends are
    therefore only compared for starts that exist (None below).
    """
    cal = icalendar.Calendar()
    event = icalendar.Event()
    event.add("uid", "series@example.org")
    event.add("dtstamp", utc(2026, 1, 1))
    event.add("dtstart", first.replace(tzinfo=AMS))
    event.add("dtend", (first + duration).replace(tzinfo=AMS))
    if rule is not None:
        event.add("rrule", icalendar.vRecur.from_ical(to_ical_rule(rule, TZ)))
    cal.add_component(event)
    found = []
    for event_date in recurring_ical_events.of(cal).between(a, b):
        start = event_date["DTSTART"].dt
        starts_at = start.astimezone(UTC)
        ends_at = event_date["DTEND"].dt.astimezone(UTC)
        exists = not is_nonexistent(start.replace(tzinfo=None), TZ)
        if a <= starts_at < b:  # between() also returns events that started before a
            found.append(
                (
                    starts_at.astimezone(AMS).replace(tzinfo=None),
                    starts_at,
                    ends_at if exists else None,
                )
            )
    return sorted(found, key=lambda item: item[1])


@st.composite
def series(draw: st.DrawFn) -> tuple[str | None, datetime, timedelta, datetime, datetime]:
    freq = draw(st.sampled_from(["WEEKLY", "MONTHLY"]))
    byday: tuple[tuple[int, int], ...] = ()
    bymonthday: tuple[int, ...] = ()
    if freq == "WEEKLY":
        byday = tuple((d, 0) for d in sorted(draw(st.sets(st.integers(0, 6), max_size=3))))
    else:
        kind = draw(st.sampled_from(["nth", "monthday", "start"]))
        if kind == "nth":
            nths = st.tuples(st.integers(0, 6), st.sampled_from([1, 2, 3, 4, 5, -1, -2]))
            byday = tuple(sorted(draw(st.sets(nths, min_size=1, max_size=2))))
        elif kind == "monthday":
            days = st.sampled_from([1, 2, 15, 28, 29, 30, 31, -1])
            bymonthday = tuple(sorted(draw(st.sets(days, min_size=1, max_size=2))))
    first_day = draw(st.dates(date(2026, 1, 1), date(2028, 12, 31)))
    night = st.builds(time, st.just(2), st.sampled_from([0, 15, 30, 45]))
    clock_time = draw(
        st.one_of(night, st.builds(time, st.integers(0, 23), st.sampled_from([0, 30])))
    )
    first = datetime.combine(first_day, clock_time)
    end = draw(st.sampled_from(["count", "until", "open"]))
    parts = RuleParts(
        freq=freq,
        interval=draw(st.integers(1, 4)),
        byday=byday,
        bymonthday=bymonthday,  # type: ignore[arg-type]
        count=draw(st.integers(1, 30)) if end == "count" else None,
        until=first_day + timedelta(days=draw(st.integers(0, 700))) if end == "until" else None,
    )
    rule = None if draw(st.integers(0, 20)) == 0 else parse_rule(parts.text())
    duration = timedelta(minutes=draw(st.sampled_from([30, 60, 90, 180, 24 * 60 * 3])))
    # windows mostly near the series (some far later), so that most examples have dates
    a = datetime.combine(
        first_day + timedelta(days=draw(st.integers(-40, 400))), time(draw(st.integers(0, 23))), UTC
    )
    return rule, first, duration, a, a + timedelta(days=draw(st.integers(1, 900)))


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(series())
def test_expand_agrees_with_recurring_ical_events(
    case: tuple[str | None, datetime, timedelta, datetime, datetime],
) -> None:
    rule, first, duration, a, b = case
    ours = run(rule, first, a, b, duration)
    expected = reference(rule, first, duration, a, b)
    assert [(s.local_start, s.starts_at) for s in ours] == [(w, s) for w, s, _ in expected]
    for slot, (_, _, ends_at) in zip(ours, expected, strict=True):
        assert ends_at is None or slot.ends_at == ends_at
        assert slot.local_end == slot.ends_at.astimezone(AMS).replace(tzinfo=None)
