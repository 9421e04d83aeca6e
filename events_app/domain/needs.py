"""Care for what people write down: needs kept only a short while, a content note, aftercare.

Needs ("a quiet seat near the door", "I may leave early") can be health information and are of
use to the hosts of that one date only, so they are deleted sooner than the rest of a
registration: ``needs_days`` after the date ends (an organisation's setting, at most its
general ``retention_days``); so are those of an application for the date, whatever its state.
A whole-series registration keeps its own copy of the needs while it lasts, because every date
added later gets them; the copy goes when the person stops, or when the series has no coming
date left and its last date ended ``needs_days`` ago.

The aftercare mail goes once, ``aftercare_hours`` after a date ends, to the people who came;
when the host recorded nobody's attendance for that date, to everyone who had a place (the
series form says so).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from events_app.domain.errors import DomainError

__all__ = [
    "AFTERCARE_WINDOW",
    "DEFAULT_AFTERCARE_HOURS",
    "DEFAULT_NEEDS_DAYS",
    "MAX_AFTERCARE_HOURS",
    "aftercare_due",
    "check_aftercare_hours",
    "check_needs_days",
    "default_needs_days",
    "needs_days_after",
    "needs_deleted_at",
    "recipients_came",
]

DEFAULT_NEEDS_DAYS = 7
DEFAULT_AFTERCARE_HOURS = 24
MAX_AFTERCARE_HOURS = 24 * 14  # two weeks after the date at most
# A date whose aftercare moment passed longer ago than this gets none (a series that turned
# aftercare on later does not mail people about dates long gone).
AFTERCARE_WINDOW = timedelta(days=3)


def default_needs_days(retention_days: int) -> int:
    """A new organisation's number: the default, or its whole retention when that is shorter."""
    return min(DEFAULT_NEEDS_DAYS, retention_days)


def needs_days_after(changes: dict[str, int], needs_days: int, retention_days: int) -> int:
    """The needs' number of days after a change of settings: as given, else the current one,
    brought down to a shortened retention (needs never outlive the rest of the data)."""
    if "needs_days" in changes:
        return changes["needs_days"]
    return min(needs_days, changes.get("retention_days", retention_days))


def check_needs_days(days: int, retention_days: int) -> None:
    """Needs go at the latest with the rest of the data: 0 (right after the date) to
    ``retention_days``."""
    if not 0 <= days <= retention_days:
        raise DomainError(
            "needs_days_invalid",
            "Delete needs 0 days after the date at the soonest, and no later than the rest of "
            "the data.",
            field="needs_days",
        )


def needs_deleted_at(ends_at: datetime, needs_days: int) -> datetime:
    """When the needs written for a date that ends at ``ends_at`` are deleted."""
    return ends_at + timedelta(days=needs_days)


def check_aftercare_hours(hours: int) -> None:
    if not 1 <= hours <= MAX_AFTERCARE_HOURS:
        raise DomainError(
            "aftercare_hours_invalid", "Fill in 1 to 336 hours.", field="aftercare_hours"
        )


def aftercare_due(ends_at: datetime, hours: int, now: datetime) -> bool:
    """Whether a date's aftercare mail should go now (its moment passed, not long ago)."""
    moment = ends_at + timedelta(hours=hours)
    return moment <= now < moment + AFTERCARE_WINDOW


def recipients_came(attended: list[bool | None]) -> bool:
    """Whether the aftercare goes only to those marked present (attendance was recorded for
    someone), or else to everyone with a place (nobody's attendance was recorded)."""
    return any(mark is not None for mark in attended)
