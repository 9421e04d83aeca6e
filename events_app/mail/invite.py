"""The calendar invitation in a mail: the same event the person's own feed shows.

The event is described by :mod:`events_app.calendar.describe` for this attendee (so summary,
description, location and meeting link are the feed's), with the date's ``Occurrence.uid`` and
:func:`~events_app.calendar.describe.personal_sequence`: the date's SEQUENCE plus a part that
grows with every change of the registration.  A cancellation and a later re-registration are
therefore always newer than what came before, in mails and feed alike.
DTSTAMP is the moment the mail is built (iTIP: when the message was made).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from events_app import urls
from events_app.calendar.describe import (
    DateInfo,
    Language,
    SpeakerInfo,
    Viewer,
    describe,
    own_or_series,
    personal_sequence,
)
from events_app.calendar.ics import IcsEvent, invitation
from events_app.mail.content import Content
from events_app.mail.facts import Facts, Job
from events_app.mail.headers import clean_text

__all__ = ["build_invitation", "date_info", "sequence_for"]


def date_info(facts: Facts) -> DateInfo:
    """The date as the calendar module describes it, from the facts of one mail."""
    occ = facts.occurrence
    assert occ is not None
    capacity = occ["capacity"] if occ["capacity"] is not None else occ["series_capacity"]
    changed = max(occ["updated_at"], occ["series_updated_at"] or occ["updated_at"])
    tags = occ["series_tags"]
    return DateInfo(
        occurrence_id=occ["id"],
        uid=occ["uid"],
        sequence=int(occ["sequence"] or 0),
        status=occ["status"],
        status_reason=occ["status_reason"] or "",
        topic=occ["topic"] or "",
        note=occ["note"] or "",
        local_start=occ["local_start"],
        local_end=occ["local_end"],
        timezone=occ["timezone"],
        starts_at=occ["starts_at"],
        ends_at=occ["ends_at"],
        changed_at=changed,
        series_title=occ["series_title"],
        series_summary=occ["series_summary"] or "",
        series_kind=occ["series_kind"],
        series_format=occ["series_format"],
        series_status=occ["series_status"],
        link_visibility=occ["series_link_visibility"],
        registration_mode=occ["series_registration_mode"],
        waitlist=bool(occ["series_waitlist"]),
        location=own_or_series(occ["location"], occ["series_location"]),
        meeting_url=own_or_series(occ["meeting_url"], occ["series_meeting_url"]).strip(),
        meeting_details=own_or_series(occ["meeting_details"], occ["series_meeting_details"]),
        tags=tuple(str(t) for t in tags) if isinstance(tags, list) else (),
        organisation_name=facts.organisation["name"],
        organizer_email=occ["series_contact_email"] or facts.organisation["contact_email"],
        page_url=urls.date_page(occ["series_slug"], occ["id"]),
        speakers=tuple(SpeakerInfo(s["name"], s["role"]) for s in facts.speakers),
        capacity=capacity,
        confirmed_count=occ["confirmed_count"],
        waiting_count=occ["waiting_count"],
    )


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
