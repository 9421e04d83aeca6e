"""The date a mail is about, as the calendar module describes it: one resolved value.

The mail's text (:mod:`events_app.mail.content`) and its calendar invitation
(:mod:`events_app.mail.invite`) both read the date's place, link and details from this
:class:`~events_app.calendar.describe.DateInfo`, so the two parts of one mail cannot disagree
about where and how to join.
"""

from __future__ import annotations

from events_app.agenda import calendar_info
from events_app.calendar.describe import DateInfo, SpeakerInfo
from events_app.mail.facts import Facts

__all__ = ["date_info"]


def date_info(facts: Facts) -> DateInfo:
    """The date as the calendar module describes it, from the facts of one mail (the mapping
    is the feeds' own: :func:`events_app.agenda.calendar_info.date_info`)."""
    assert facts.event_date is not None
    return calendar_info.date_info(
        facts.event_date,
        organisation_name=facts.organisation["name"],
        organisation_email=facts.organisation["contact_email"],
        organisation_changed_at=None,
        speakers=tuple(SpeakerInfo(s["name"], s["role"]) for s in facts.speakers),
    )
