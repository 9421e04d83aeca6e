"""Seat rules, free of I/O: what a date's capacity is, and whether it takes registrations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from events_app.domain.errors import Conflict, DomainError

__all__ = ["DateFacts", "check_open", "effective_capacity", "refusal", "takes_registrations"]


@dataclass(frozen=True, slots=True)
class DateFacts:
    """What the registration rules need to know about one date and its series."""

    status: str
    starts_at: datetime
    series_status: str
    published: bool
    registration_mode: str
    opens_at: datetime | None
    closes_at: datetime | None


def effective_capacity(date_capacity: int | None, series_capacity: int | None) -> int | None:
    """A per-date capacity overrides the series'; None means no cap."""
    return date_capacity if date_capacity is not None else series_capacity


def refusal(facts: DateFacts, now: datetime) -> DomainError | None:
    """Why this date cannot take a registration now, or None when it can (seats aside).

    The one rule: the registration service raises it, the pages and the API show a "register"
    button only where it is None.
    """
    if not facts.published or facts.series_status == "cancelled":
        return DomainError("not_open", "This event is not open for registration.")
    if facts.registration_mode == "none":
        return DomainError(
            "registration_not_needed", "You do not need to register for this event: just come."
        )
    if facts.status in ("cancelled", "skipped"):
        return Conflict("date_cancelled", "This date has been cancelled.")
    if facts.starts_at <= now:
        return Conflict("registration_closed", "This date has already started or is over.")
    if facts.opens_at is not None and now < facts.opens_at:
        return Conflict(
            "registration_not_open_yet",
            "Registration for this date has not opened yet.",
        )
    if facts.closes_at is not None and now >= facts.closes_at:
        return Conflict("registration_closed", "Registration for this date is closed.")
    return None


def takes_registrations(facts: DateFacts, now: datetime) -> bool:
    return refusal(facts, now) is None


def check_open(facts: DateFacts, now: datetime) -> None:
    """Raise a plain-language error when this date cannot take a registration now."""
    error = refusal(facts, now)
    if error is not None:
        raise error
