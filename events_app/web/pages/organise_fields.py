"""The organiser forms as submitted: one Struct per form, read by
:func:`events_app.web.pages.form_input.decode_form` (lengths from its one limit table)."""

from __future__ import annotations

import msgspec

from events_app.web.pages.form_input import (
    Details,
    Email,
    Line,
    Location,
    Slug,
    Summary,
    Text,
    Title,
    Topic,
    Url,
)

__all__ = [
    "AddDateFields",
    "CancelFields",
    "DateChangeFields",
    "EndFields",
    "HostsFields",
    "MoveFields",
    "SeriesFields",
    "SpeakersFields",
]


class SeriesFields(msgspec.Struct):
    """The series form: details, and when it happens (the builder)."""

    title: Title = ""
    slug: Slug = ""  # the new-series form only: the public address (empty: from the title)
    summary: Summary = ""
    description: Text = ""
    kind: Line = ""
    format: Line = ""
    location: Location = ""
    meeting_url: Url = ""
    capacity: Line = ""
    waitlist: Line = ""
    together: Line = ""
    admission: Line = ""  # "apply": the form takes applications
    confirm_first: Line = ""
    published: Line = ""
    registration_mode: Line = ""
    link_visibility: Line = ""
    meeting_details: Details = ""
    registration_opens: Line = ""
    registration_closes: Line = ""
    reminder_hours: Line = ""
    tags: Text = ""
    language: Line = ""
    contact_email: Email = ""
    content_note: Details = ""
    aftercare_text: Text = ""
    aftercare_hours: Line = ""
    start_date: Line = ""
    start_time: Line = ""
    end_time: Line = ""
    repeat: Line = ""
    interval: Line = ""
    weekdays: list[Line] = []
    month_nth: Line = ""
    ends: Line = ""
    until: Line = ""
    count: Line = ""
    skip: Line = ""
    skip_holiday: list[Line] = []  # the holidays whose box is ticked (ISO days)
    holidays_offered: Line = ""  # the holidays the form showed, so an unticked box counts
    action: Line = ""


class HostsFields(msgspec.Struct):
    hosts: list[Line] = []


class SpeakersFields(msgspec.Struct):
    speakers: Text = ""


class EndFields(msgspec.Struct):
    from_: Line = msgspec.field(default="", name="from")
    confirm: Line = ""  # "yes" once the organiser has seen what stopping does


class AddDateFields(msgspec.Struct):
    day: Line = ""
    start: Line = ""
    end: Line = ""


class MoveFields(AddDateFields):
    pass


class CancelFields(msgspec.Struct):
    reason: Summary = ""
    confirm: Line = ""  # "yes" once the organiser has seen who gets the mail


class DateChangeFields(msgspec.Struct):
    topic: Topic = ""
    capacity: Line = ""
    speakers: Text = ""
