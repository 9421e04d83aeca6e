"""A session of a workshop week as the organiser types it on the programme's page: what it
needs before it can become a one-off series.

Every refusal is returned at once (the page marks each field); the service raises them with
:func:`events_app.domain.errors.gather`.  A field the caller could not read (``None``) is
refused here as missing, so a page that already marked it keeps its own message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from events_app.domain.errors import DomainError

__all__ = ["FORMATS", "MAX_CAPACITY", "SessionInput", "copy_of", "is_web_address", "refusals"]

FORMATS = ("online", "in_person", "hybrid")
MAX_CAPACITY = 100_000


@dataclass(frozen=True, slots=True)
class SessionInput:
    """One session: a single date with its own time, place or link, places and speakers."""

    title: str
    day: date | None
    start: time | None
    end: time | None
    format: str = "in_person"
    location: str = ""
    meeting_url: str = ""
    capacity: int | None = None
    speakers: Sequence[str] = ()


def is_web_address(url: str) -> bool:
    """An http(s) address with a host: what a meeting link may be (no ``javascript:`` or
    ``file:`` links in pages and mails)."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def refusals(session: SessionInput, now: datetime) -> list[DomainError]:
    """What is wrong with ``session``, every field at once; ``now`` is the wall-clock time
    where the session takes place (a session that has already begun cannot be planned)."""
    found: list[DomainError] = []
    if not " ".join(session.title.split()):
        found.append(DomainError("title_missing", "Give the session a title.", field="title"))
    if session.day is None:
        found.append(DomainError("start_missing", "Give the day.", field="day"))
    if session.start is None:
        found.append(DomainError("invalid_time", "Write the time as 19:30.", field="start_time"))
    if session.end is None:
        found.append(DomainError("invalid_time", "Write the time as 19:30.", field="end_time"))
    elif session.start is not None and session.end <= session.start:
        found.append(
            DomainError("end_before_start", "The end must be after the start.", field="end_time")
        )
    if (
        session.day is not None
        and session.start is not None
        and datetime.combine(session.day, session.start) <= now
    ):
        found.append(
            DomainError("in_the_past", "This date and time has already passed.", field="day")
        )
    if session.format not in FORMATS:
        found.append(
            DomainError("format_unknown", "Choose online, in person or both.", field="format")
        )
    elif session.format != "online" and not session.location.strip():
        found.append(DomainError("location_missing", "Give the address.", field="location"))
    url = session.meeting_url.strip()
    if url and not is_web_address(url):
        found.append(
            DomainError(
                "invalid_url", "Give a web address that starts with https://.", field="meeting_url"
            )
        )
    if session.capacity is not None and not 1 <= session.capacity <= MAX_CAPACITY:
        found.append(
            DomainError(
                "invalid_number", f"Fill in a number from 1 to {MAX_CAPACITY}.", field="capacity"
            )
        )
    if any(not " ".join(name.split()) for name in session.speakers):
        found.append(DomainError("name_missing", "Every speaker needs a name.", field="speakers"))
    return found


def copy_of(session: SessionInput, *, days: int = 1) -> SessionInput:
    """The same session ``days`` later (a workshop week repeats its sessions day by day)."""
    day = session.day + timedelta(days=days) if session.day is not None else None
    return replace(session, day=day)
