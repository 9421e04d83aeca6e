"""The calendar invitation in a mail: the same event the person's own feed shows.

The event is described by :mod:`events_app.calendar.describe` for this attendee (so summary,
description, location and meeting link are the feed's), with the date's ``EventDate.uid`` and
:func:`~events_app.calendar.describe.personal_sequence`: the date's SEQUENCE plus a part that
grows with every change of the registration.  A cancellation and a later re-registration are
therefore always newer than what came before, in mails and feed alike.
DTSTAMP is the moment the mail is built (iTIP: when the message was made).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from events_app import urls
from events_app.calendar.describe import DateInfo, Language, Viewer, describe, personal_sequence
from events_app.calendar.ics import IcsEvent, invitation
from events_app.mail.calendar_date import date_info
from events_app.mail.content import Content
from events_app.mail.facts import Facts, Job
from events_app.mail.headers import clean_text

__all__ = ["build_invitation", "sequence_for"]


def sequence_for(job: Job, date: DateInfo, registration: dict[str, Any]) -> int:
    """SEQUENCE of this person's copy of the date (as in their personal feed)."""
    sequence = date.sequence
    queued = job.context.get("sequence")
    if isinstance(queued, int) and queued > sequence:  # never lower than the change it reports
        sequence = queued
    return personal_sequence(
        sequence, registration["status"], registration["created_at"], registration["updated_at"]
    )


def build_invitation(job: Job, facts: Facts, content: Content, now: datetime) -> bytes:
    """The iTIP calendar (METHOD:REQUEST or CANCEL) for the recipient of ``job``."""
    registration = facts.registration
    assert registration is not None and content.method is not None
    date = date_info(facts)
    language: Language = "en" if content.language == "en" else "nl"
    viewer = Viewer(
        audience="attendee",
        language=language,
        registration_status=registration["status"],
        waiting_position=job.context.get("position"),
        manage_url=urls.manage_page(registration["manage_token"]),
    )
    text = describe(date, viewer)
    event = IcsEvent(
        uid=date.uid,
        sequence=sequence_for(job, date, registration),
        summary=text.summary,
        description=text.description,
        local_start=date.local_start,
        local_end=date.local_end,
        tz=date.timezone,
        status="CANCELLED" if content.method == "CANCEL" else text.status,
        dtstamp=now,
        last_modified=max(date.changed_at, registration["updated_at"] or date.changed_at),
        location=text.location,
        url=date.page_url,
        categories=text.categories,
        organizer_name=date.organisation_name,
        organizer_email=date.organizer_email,
        attendee_email=job.to_email,
        attendee_name=registration["name"],
        transparent=text.transparent,
    )
    # One line: icalendar refuses a calendar NAME with a line break in it.
    name = clean_text(date.organisation_name) or "events"
    return invitation(event, method=content.method, calendar_name=name)
