"""The series form's choices about registering and reaching people: how people register, who
sees the meeting link, the meeting details, when registration opens and closes, the reminder,
topics, language and contact address, and care (a content note, the aftercare mail).

Pure (no database): the decoded text of these fields in, the column values the services take
(the same as the JSON API's ``SeriesCreate``) out, with every refused field at once.  Opening
and closing are typed as wall-clock time in the series' zone (a ``datetime-local`` field) and
stored as UTC instants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from events_app.domain.emails import normalise_email
from events_app.domain.errors import DomainError
from events_app.domain.needs import DEFAULT_AFTERCARE_HOURS, MAX_AFTERCARE_HOURS
from events_app.i18n import LANGUAGES
from events_app.tables import Series
from events_app.web.pages.form_input import LIMITS

__all__ = ["MODES", "VISIBILITIES", "Choices", "choices_from", "choices_of", "local_text"]

MODES: tuple[str, ...] = tuple(Series.RegistrationMode)
VISIBILITIES: tuple[str, ...] = tuple(Series.LinkVisibility)
MAX_REMINDER_HOURS = 336  # two weeks, as the API allows
_MOMENT = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})$")
FIRST_YEAR, LAST_YEAR = 1900, 2199


@dataclass
class Choices:
    """What the organiser chose or typed, as text (to show the form again)."""

    registration_mode: str = "required"
    link_visibility: str = "registered"
    meeting_details: str = ""
    registration_opens: str = ""
    registration_closes: str = ""
    reminder_hours: str = "24"
    tags: str = ""
    language: str = "nl"
    contact_email: str = ""
    content_note: str = ""
    aftercare_text: str = ""
    aftercare_hours: str = "24"


def local_text(moment: datetime | None, zone: str) -> str:
    """An instant as a ``datetime-local`` value in ``zone`` (empty for none)."""
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def choices_of(series: Any) -> Choices:
    """The choices of a saved series (a :class:`~events_app.agenda.dates.SeriesView`)."""
    return Choices(
        registration_mode=series.registration_mode,
        link_visibility=series.link_visibility,
        meeting_details=series.meeting_details,
        registration_opens=local_text(series.registration_opens_at, series.timezone),
        registration_closes=local_text(series.registration_closes_at, series.timezone),
        reminder_hours=str(series.reminder_hours),
        tags=", ".join(series.tags),
        language=series.language,
        contact_email=series.contact_email,
        content_note=series.content_note,
        aftercare_text=series.aftercare_text,
        aftercare_hours=str(series.aftercare_hours),
    )


def _moment(text: str, zone: str, field: str) -> datetime | None:
    """A wall-clock moment in ``zone`` as aware UTC; empty text: none."""
    if not text:
        return None
    found = _MOMENT.match(text) if text.isascii() else None
    moment = None
    if found:
        try:
            year, month, day, hour, minute = (int(part) for part in found.groups())
            moment = datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone))
        except ValueError:
            moment = None
    if moment is None:
        raise DomainError("invalid_moment", "Give a date and time like 2026-12-29 19:30.",
                          field=field)  # fmt: skip
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise DomainError("day_out_of_range", "That year is too far away: check the date.",
                          field=field)  # fmt: skip
    return moment.astimezone(UTC)


def _tags(text: str) -> list[str]:
    """Topics separated by commas (or on their own lines), each once."""
    tags = list(dict.fromkeys(" ".join(t.split()) for t in re.split(r"[,\n]", text)))
    tags = [t for t in tags if t]
    if any(len(t) > LIMITS["tag"] for t in tags):
        raise DomainError("tag_too_long", "Use at most 40 characters per topic.", field="tags")
    if len(tags) > LIMITS["tags"]:
        raise DomainError("too_many_tags", "Give at most 20 topics.", field="tags")
    return tags


def choices_from(
    sent: Choices, zone: str, *, online: bool, has_link: bool
) -> tuple[dict[str, Any], list[DomainError]]:
    """The column values and every refusal (the values are only whole when none)."""
    found: list[DomainError] = []
    values: dict[str, Any] = {"meeting_details": sent.meeting_details}
    if sent.registration_mode not in MODES:
        found.append(DomainError("mode_unknown", "Choose how people register.",
                                 field="registration_mode"))  # fmt: skip
    values["registration_mode"] = sent.registration_mode
    if sent.link_visibility not in VISIBILITIES:
        found.append(DomainError("visibility_unknown", "Choose who sees the link.",
                                 field="link_visibility"))  # fmt: skip
    elif (
        online
        and has_link
        and sent.registration_mode == Series.RegistrationMode.none
        and sent.link_visibility == Series.LinkVisibility.registered
    ):
        # Nobody registers, so nobody would ever get the link.
        found.append(DomainError("link_unreachable", "Show the link to everyone.",
                                 field="link_visibility"))  # fmt: skip
    values["link_visibility"] = sent.link_visibility
    opens = closes = None
    try:
        opens = _moment(sent.registration_opens, zone, "registration_opens")
    except DomainError as exc:
        found.append(exc)
    try:
        closes = _moment(sent.registration_closes, zone, "registration_closes")
    except DomainError as exc:
        found.append(exc)
    if opens is not None and closes is not None and closes <= opens:
        found.append(DomainError("closes_before_opens", "Registration must close after it "
                                 "opens.", field="registration_closes"))  # fmt: skip
    values["registration_opens_at"] = opens
    values["registration_closes_at"] = closes
    hours = sent.reminder_hours
    if (
        hours.isascii()
        and hours.isdecimal()
        and len(hours) <= 3
        and int(hours) <= MAX_REMINDER_HOURS
    ):
        values["reminder_hours"] = int(hours)
    else:
        found.append(DomainError("reminder_invalid", "Fill in 0 to 336 hours.",
                                 field="reminder_hours"))  # fmt: skip
    try:
        values["tags"] = _tags(sent.tags)
    except DomainError as exc:
        found.append(exc)
    if sent.language not in LANGUAGES:
        found.append(DomainError("language_unknown", "Choose Dutch or English.",
                                 field="language"))  # fmt: skip
    values["language"] = sent.language
    values["content_note"] = sent.content_note
    values["aftercare_text"] = sent.aftercare_text
    hours = sent.aftercare_hours or str(DEFAULT_AFTERCARE_HOURS)
    if (
        hours.isascii()
        and hours.isdecimal()
        and len(hours) <= 3
        and 1 <= int(hours) <= MAX_AFTERCARE_HOURS
    ):
        values["aftercare_hours"] = int(hours)
    else:
        found.append(DomainError("aftercare_hours_invalid", "Fill in 1 to 336 hours.",
                                 field="aftercare_hours"))  # fmt: skip
    values["contact_email"] = ""
    if sent.contact_email:
        try:
            values["contact_email"] = normalise_email(sent.contact_email, field="contact_email")
        except DomainError as exc:
            found.append(exc)
    return values, found
