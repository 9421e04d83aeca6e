"""The pure rules of "pause from … to …, then continue every N weeks from …"."""

from __future__ import annotations

from datetime import date

import pytest

from events_app.domain.errors import DomainError, Refusals
from events_app.domain.pause import MAX_WEEKS, Pause, check_pause, continue_rule

TODAY = date(2026, 12, 4)
TZ = "Europe/Amsterdam"
HOLIDAYS = Pause(date(2026, 12, 18), date(2027, 1, 6), date(2027, 1, 7), 2)


def refused(exc: DomainError) -> dict[str, str]:
    found = exc.refusals if isinstance(exc, Refusals) else [exc]
    return {r.field or "": r.code for r in found}


def test_the_holiday_pause_reads() -> None:
    plan = check_pause(date(2026, 12, 18), date(2027, 1, 6), date(2027, 1, 7), " 2 ", today=TODAY)
    assert plan == HOLIDAYS


def test_a_pause_of_one_day_that_starts_today_is_fine() -> None:
    plan = check_pause(TODAY, TODAY, date(2026, 12, 5), "1", today=TODAY)
    assert (plan.first_off, plan.last_off, plan.weeks) == (TODAY, TODAY, 1)


@pytest.mark.parametrize("weeks", ["", "0", "13", "-1", "2.5", "twee", "²", "1e1", "99999999999"])
def test_weeks_out_of_range_or_garbage_is_refused_at_its_field(weeks: str) -> None:
    with pytest.raises(DomainError) as caught:
        check_pause(date(2026, 12, 18), date(2027, 1, 6), date(2027, 1, 7), weeks, today=TODAY)
    assert set(refused(caught.value)) == {"weeks"}


def test_every_problem_is_named_at_once() -> None:
    with pytest.raises(Refusals) as caught:
        check_pause(date(2026, 12, 1), date(2026, 11, 30), date(2026, 11, 29), "0", today=TODAY)
    assert refused(caught.value) == {
        "weeks": "weeks_out_of_range",
        "first_off": "pause_in_the_past",
        "last_off": "pause_ends_before_start",
        "resume_on": "resume_in_pause",
    }


def test_continuing_on_the_last_day_of_the_pause_is_refused() -> None:
    with pytest.raises(DomainError) as caught:
        check_pause(date(2026, 12, 18), date(2027, 1, 7), date(2027, 1, 7), "2", today=TODAY)
    assert refused(caught.value) == {"resume_on": "resume_in_pause"}


def test_days_that_could_not_be_read_come_along_and_the_rest_is_still_checked() -> None:
    blank = DomainError("day_missing", "", field="first_off")
    with pytest.raises(Refusals) as caught:
        check_pause(
            None, date(2027, 1, 6), date(2027, 1, 6), str(MAX_WEEKS), today=TODAY, refused=[blank]
        )
    assert refused(caught.value) == {"first_off": "day_missing", "resume_on": "resume_in_pause"}


def test_the_rule_after_the_pause_is_weekly_on_the_day_it_continues() -> None:
    rule = continue_rule("FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", HOLIDAYS, TZ, used=0)
    assert rule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"
    monday = Pause(HOLIDAYS.first_off, HOLIDAYS.last_off, date(2027, 1, 11), 3)
    assert continue_rule("FREQ=MONTHLY;BYDAY=1TU", monday, TZ, used=0) == (
        "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO"
    )


def test_the_old_end_is_kept() -> None:
    rule = continue_rule("FREQ=WEEKLY;BYDAY=TH;UNTIL=20270630", HOLIDAYS, TZ, used=5)
    assert rule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;UNTIL=20270630"
    assert continue_rule("FREQ=WEEKLY;BYDAY=TH;COUNT=10", HOLIDAYS, TZ, used=6) == (
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;COUNT=4"
    )


@pytest.mark.parametrize(
    ("rule", "used"),
    [("FREQ=WEEKLY;BYDAY=TH;UNTIL=20270106", 0), ("FREQ=WEEKLY;BYDAY=TH;COUNT=6", 6)],
)
def test_a_series_that_ends_before_it_would_continue_is_refused(rule: str, used: int) -> None:
    with pytest.raises(DomainError) as caught:
        continue_rule(rule, HOLIDAYS, TZ, used=used)
    assert (caught.value.code, caught.value.field) == ("ends_before_resume", "resume_on")
