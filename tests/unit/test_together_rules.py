"""The rules of an event registered as one, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from events_app.domain import together
from events_app.domain.errors import DomainError
from events_app.domain.rrules import build_rule
from events_app.domain.together import EventDay

START = datetime(2026, 10, 12, 8, tzinfo=UTC)


def _days(*confirmed: int, capacity: int | None = 3) -> list[EventDay]:
    return [
        EventDay(START + timedelta(days=n), taken, capacity) for n, taken in enumerate(confirmed)
    ]


def test_the_fullest_day_says_how_many_seats_are_free() -> None:
    assert together.free_places(_days(1, 2)) == 1
    assert together.free_places(_days(0, 0, capacity=None)) is None
    assert together.free_places([*_days(1), EventDay(START, 0, 1)]) == 1
    assert together.free_places(_days(4, 1)) == 0  # never below zero
    assert not together.event_full(_days(1, 2))
    assert together.event_full(_days(3, 0))
    assert not together.event_full(_days(9, capacity=None))


def test_nobody_joins_once_the_first_day_has_started() -> None:
    days = _days(0, 0)
    assert together.first_start(days) == START
    assert not together.under_way(days, START - timedelta(minutes=1))
    assert together.under_way(days, START)
    assert not together.under_way([], START)


@pytest.mark.parametrize(
    ("rule", "dates", "code"),
    [
        ("FREQ=WEEKLY;BYDAY=MO", 53, "together_endless"),
        ("FREQ=DAILY;COUNT=31", 31, "together_too_long"),
        (None, together.MAX_EVENT_DATES + 1, "together_too_long"),
    ],
)
def test_an_event_has_a_known_small_number_of_days(rule: str | None, dates: int, code: str) -> None:
    with pytest.raises(DomainError) as info:
        together.check_finite(rule, dates)
    assert (info.value.code, info.value.field) == (code, "together")


def test_finite_events_pass() -> None:
    together.check_finite("FREQ=DAILY;COUNT=2", 2)
    together.check_finite("FREQ=WEEKLY;UNTIL=20261201T000000Z", 8)
    together.check_finite(None, 1)


def test_the_page_names_the_same_limit() -> None:
    from events_app.web.pages.messages import MESSAGES

    assert str(together.MAX_EVENT_DATES) in MESSAGES["together_too_long"]


def test_the_builder_makes_days_in_a_row() -> None:
    assert build_rule(freq="daily", count=2) == "FREQ=DAILY;COUNT=2"
    assert build_rule(freq="daily", interval=7, count=6) == "FREQ=DAILY;INTERVAL=7;COUNT=6"
