"""The compact session form on a programme's page: read into a
:class:`~events_app.domain.sessions.SessionInput`, every refused field marked at once.

The form's inputs are named as the session's fields; on the page their ids and error
messages carry the prefix ``session_`` (the programme's own form on the same page has a
title too).
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

import msgspec

from events_app.domain.errors import DomainError, Refusals
from events_app.domain.sessions import SessionInput
from events_app.web.pages.form_input import FormRejected, Line, Location, Name, Title, Url
from events_app.web.pages.messages import message_for
from events_app.web.pages.organise_form import clock_time, number, parse_day

__all__ = ["SessionFields", "blank", "copied", "errors_at_fields", "read_session", "shown"]

PREFIX = "session_"
# The series service's names for what this form calls the day and the end time.
FIELD_FOR = {"first_start": "day", "start_date": "day", "duration_minutes": "end_time"}


class SessionFields(msgspec.Struct):
    """The session form as submitted."""

    title: Title = ""
    day: Line = ""
    start_time: Line = ""
    end_time: Line = ""
    format: Line = ""
    location: Location = ""
    meeting_url: Url = ""
    capacity: Line = ""
    speakers: Name = ""  # names separated by commas


def read_session(sent: SessionFields) -> tuple[SessionInput, list[DomainError]]:
    """The session as far as it could be read, and what could not be read (at its field)."""
    found: list[DomainError] = []
    day: date | None = None
    start: time | None = None
    end: time | None = None
    capacity: int | None = None
    if sent.day.strip():
        try:
            day = parse_day(sent.day, "day")
        except DomainError as exc:
            found.append(exc)
    for name in ("start_time", "end_time"):
        text = getattr(sent, name).strip()
        if not text:
            continue
        try:
            value = clock_time(text, name)
        except DomainError as exc:
            found.append(exc)
            continue
        if name == "start_time":
            start = value
        else:
            end = value
    if sent.capacity.strip():
        try:
            capacity = number(sent.capacity.strip(), "capacity", 1, 100_000)
        except DomainError as exc:
            found.append(exc)
    speakers = tuple(n for n in (" ".join(p.split()) for p in sent.speakers.split(",")) if n)
    session = SessionInput(
        title=sent.title,
        day=day,
        start=start,
        end=end,
        format=sent.format.strip(),
        location=sent.location.strip(),
        meeting_url=sent.meeting_url.strip(),
        capacity=capacity,
        speakers=speakers,
    )
    return session, found


def errors_at_fields(exc: DomainError, language: str) -> dict[str, str]:
    """Each refused field of the session form with its message (the first one per field)."""
    if isinstance(exc, FormRejected):
        return {PREFIX + k: v for k, v in exc.messages(language).items()}
    found: dict[str, str] = {}
    for refusal in exc.refusals if isinstance(exc, Refusals) else [exc]:
        field = PREFIX + FIELD_FOR.get(refusal.field, refusal.field) if refusal.field else "form"
        found.setdefault(field, message_for(refusal, language, "sessions"))
    return found


def blank() -> dict[str, Any]:
    return {"title": "", "day": "", "start_time": "", "end_time": "", "format": "in_person",
            "location": "", "meeting_url": "", "capacity": "", "speakers": ""}  # fmt: skip


def shown(sent: SessionFields) -> dict[str, Any]:
    """The form as it was sent, to show it again with its errors."""
    return {name: getattr(sent, name) for name in blank()}


def copied(session: SessionInput) -> dict[str, Any]:
    """A filled-in form for a copy of ``session`` (see ``domain.sessions.copy_of``)."""
    return {
        "title": session.title,
        "day": session.day.isoformat() if session.day else "",
        "start_time": session.start.strftime("%H:%M") if session.start else "",
        "end_time": session.end.strftime("%H:%M") if session.end else "",
        "format": session.format,
        "location": session.location,
        "meeting_url": session.meeting_url,
        "capacity": "" if session.capacity is None else str(session.capacity),
        "speakers": ", ".join(session.speakers),
    }
