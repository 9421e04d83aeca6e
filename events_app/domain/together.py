"""Events whose dates are registered as one: a training of several days, a course of evenings.

Such a series ("together") is one thing to the person who registers: one seat across all its
days, one waiting list, one promotion, one cancellation and one mail listing every day.  Each
day keeps its own registration row (hosts keep a sign-up list and record attendance per day,
calendars get one entry per day), and every writer keeps the rows of one person on one event
in the same state, so these rules can read the event from its days.

Pure: no database, no "now" of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from events_app.domain.errors import DomainError

__all__ = [
    "MAX_EVENT_DATES",
    "EventDay",
    "check_finite",
    "event_full",
    "free_places",
    "first_start",
    "under_way",
]

# A course of evenings or a training of days: more than this is a series, not one event.
MAX_EVENT_DATES = 30


@dataclass(frozen=True, slots=True)
class EventDay:
    """What the rules need of one scheduled day of the event."""

    starts_at: datetime
    confirmed: int
    capacity: int | None  # the day's own, else the series' (None: no cap)


def check_finite(rule: str | None, dates: int, *, field: str = "together") -> None:
    """An event registered as one has a known, small number of days.

    ``rule`` is the series' repeat rule (None or "" when it has one date plus dates added by
    hand) and ``dates`` the number of days it would have.
    """
    if rule:
        upper = rule.upper()
        if "COUNT=" not in upper and "UNTIL=" not in upper:
            raise DomainError(
                "together_endless",
                "Dates registered together need an end: give a number of dates or an end date.",
                field=field,
            )
    if dates > MAX_EVENT_DATES:
        raise DomainError(
            "together_too_long",
            f"Dates registered together can be at most {MAX_EVENT_DATES} dates.",
            field=field,
        )


def free_places(days: Iterable[EventDay]) -> int | None:
    """Seats free on *every* day (None: no cap).  A seat is one across all days, so the
    fullest day decides."""
    free: int | None = None
    for day in days:
        if day.capacity is None:
            continue
        left = max(0, day.capacity - day.confirmed)
        free = left if free is None else min(free, left)
    return free


def event_full(days: Iterable[EventDay]) -> bool:
    free = free_places(days)
    return free is not None and free <= 0


def first_start(days: Iterable[EventDay]) -> datetime | None:
    return min((day.starts_at for day in days), default=None)


def under_way(days: Iterable[EventDay], now: datetime) -> bool:
    """Once the first day has started, nobody joins or moves up: they would miss a part."""
    start = first_start(days)
    return start is not None and start <= now
