"""The date a mail is about, as the calendar module describes it: one resolved value.

The mail's text (:mod:`events_app.mail.content`) and its calendar invitation
(:mod:`events_app.mail.invite`) both read the date's place, link and details from this
:class:`~events_app.calendar.describe.DateInfo`, so the two parts of one mail cannot disagree
about where and how to join.
"""

from __future__ import annotations

from events_app import urls
from events_app.calendar.describe import DateInfo, SpeakerInfo, own_or_series
from events_app.domain.seats import effective_capacity
from events_app.mail.facts import Facts

__all__ = ["date_info"]


def date_info(facts: Facts) -> DateInfo:
    """The date as the calendar module describes it, from the facts of one mail."""
    occ = facts.occurrence
    assert occ is not None
    changed = max(occ["updated_at"], occ["series_updated_at"] or occ["updated_at"])
    tags = occ["series_tags"]
    return DateInfo(
        occurrence_id=occ["id"],
        uid=occ["uid"],
        sequence=int(occ["sequence"] or 0),
        status=occ["status"],
        status_reason=occ["status_reason"] or "",
        status_cause=occ.get("status_cause") or "",
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
        capacity=effective_capacity(occ["capacity"], occ["series_capacity"]),
        confirmed_count=occ["confirmed_count"],
        waiting_count=occ["waiting_count"],
    )
