"""Reading back what the app wrote: calendar files (strictly: a parse error fails the test),
mail bytes, and naive wall-clock datetimes written as the DTZ lint rules want them."""

from __future__ import annotations

import email
from datetime import date, datetime, time
from email import policy
from email.message import EmailMessage
from typing import cast

import icalendar

__all__ = ["local", "parse_calendar", "parse_mail"]


def parse_calendar(data: bytes) -> icalendar.Calendar:
    """The calendar, failing on any error icalendar collected instead of raising."""
    calendar = icalendar.Calendar.from_ical(data)
    assert not calendar.errors
    for component in calendar.walk():
        assert not component.errors, component.errors
    return calendar


def parse_mail(data: bytes) -> EmailMessage:
    return cast(EmailMessage, email.message_from_bytes(data, policy=policy.default))


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    """A naive wall-clock datetime (written this way to keep the DTZ lint rules meaningful)."""
    return datetime.combine(date(y, mo, d), time(h, mi))
