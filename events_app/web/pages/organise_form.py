"""The series form: its fields, read into the services' inputs, and errors mapped to fields.

Pure (no database, no request): the page hands in the decoded form (a
:class:`~events_app.web.pages.organise_fields.SeriesFields`, lengths already checked) and gets
a :class:`ScheduleInput`, the details and the dates to skip, or a :class:`DomainError` that
names the form field.  Every value a browser could not have sent (a blank or unknown choice, a
number out of range or in other digits, a day in the year 9999) is such an error too, so the
form comes back with it marked, never a server error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from events_app import clock
from events_app.domain.errors import DomainError, gather
from events_app.domain.schedule import Choice, ScheduleInput, parse_time
from events_app.series import people
from events_app.series.details import check_title, check_url
from events_app.tables import Series
from events_app.web.pages.form_input import LIMITS
from events_app.web.pages.organise_choices import Choices, choices_from
from events_app.web.pages.organise_fields import DateChangeFields, SeriesFields

__all__ = [
    "AMSTERDAM",
    "clock_time",
    "date_changes_from",
    "not_before_today",
    "speakers_from",
    "FIELD_FOR",
    "SCHEDULE_FIELDS",
    "schedule_form_of",
    "KINDS",
    "SeriesForm",
    "details_from",
    "number",
    "parse_day",
    "schedule_from",
    "skip_dates_from",
]

KINDS: tuple[str, ...] = tuple(Series.Kind)
FORMATS: tuple[str, ...] = tuple(Series.Format)
REPEATS = ("none", "daily", "weekly", "monthly_weekday", "monthly_day")
ENDS = ("never", "until", "count")
WEEKDAYS = {str(day): day for day in range(7)}  # Monday … Sunday
NTHS = {str(nth): nth for nth in (1, 2, 3, 4, -1)}
# Days are read in this range of years: further out is a typing error (20266, 9999), and the
# date arithmetic of materialising, previews and feeds would run past the calendar's end.
FIRST_YEAR, LAST_YEAR = 1900, 2199
MAX_DIGITS = 9  # of a number field: more is out of every range (and cheap to refuse)
# Service field names → the form's input names.
FIELD_FOR = {
    "first_start": "start_date",
    "freq": "repeat",
    "month_day": "repeat",
    "month_weekday": "month_nth",
    "rule": "repeat",
    "duration_minutes": "end_time",
    "registration_opens_at": "registration_opens",
    "registration_closes_at": "registration_closes",
}
SCHEDULE_FIELDS = ("start_date", "start_time", "end_time", "repeat", "interval", "weekdays",
                   "month_nth", "ends", "until", "count")  # fmt: skip
AMSTERDAM = ZoneInfo("Europe/Amsterdam")  # the builder's times are Dutch wall-clock time
_BYDAY = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$|^(\d{1,2})-(\d{1,2})-(\d{4})$")


@dataclass
class SeriesForm(Choices):
    """What the organiser typed, kept to show the form again (with the :class:`Choices`)."""

    title: str = ""
    slug: str = ""
    summary: str = ""
    description: str = ""
    kind: str = "meetup"
    format: str = "online"
    location: str = ""
    meeting_url: str = ""
    capacity: str = ""
    waitlist: bool = True
    together: bool = False
    applications: bool = False  # people apply; an organiser or host accepts or declines
    confirm_first: str = ""  # "": as the organisation; "yes"; "no"
    published: bool = False
    start_date: str = ""
    start_time: str = ""
    end_time: str = ""
    repeat: str = "weekly"
    interval: str = "1"
    weekdays: list[int] = field(default_factory=list)
    weekdays_unknown: bool = False  # a value other than 0 … 6 was sent
    month_nth: str = "1"
    ends: str = "never"
    until: str = ""
    count: str = ""
    skip: str = ""

    @classmethod
    def read(cls, sent: SeriesFields) -> SeriesForm:
        """The form as decoded (lengths already checked), trimmed, choices not yet checked."""
        return cls(
            title=sent.title.strip(),
            slug=sent.slug.strip(),
            summary=sent.summary.strip(),
            description=sent.description.strip(),
            kind=sent.kind.strip(),
            format=sent.format.strip(),
            location=sent.location.strip(),
            meeting_url=sent.meeting_url.strip(),
            capacity=sent.capacity.strip(),
            waitlist=sent.waitlist == "yes",
            together=sent.together == "yes",
            applications=sent.admission == "apply",
            confirm_first=sent.confirm_first.strip(),
            published=sent.published == "yes",
            start_date=sent.start_date.strip(),
            start_time=sent.start_time.strip(),
            end_time=sent.end_time.strip(),
            repeat=sent.repeat.strip() or "none",
            interval=sent.interval.strip() or "1",
            weekdays=sorted({WEEKDAYS[d] for d in sent.weekdays if d in WEEKDAYS}),
            weekdays_unknown=any(d not in WEEKDAYS for d in sent.weekdays),
            month_nth=sent.month_nth.strip() or "1",
            ends=sent.ends.strip() or "never",
            until=sent.until.strip(),
            count=sent.count.strip(),
            skip=sent.skip.strip(),
            registration_mode=sent.registration_mode.strip() or "required",
            link_visibility=sent.link_visibility.strip() or "registered",
            meeting_details=sent.meeting_details.strip(),
            registration_opens=sent.registration_opens.strip(),
            registration_closes=sent.registration_closes.strip(),
            reminder_hours=sent.reminder_hours.strip() or "0",
            tags=sent.tags.strip(),
            language=sent.language.strip() or "nl",
            contact_email=sent.contact_email.strip(),
            content_note=sent.content_note.strip(),
            aftercare_text=sent.aftercare_text.strip(),
            aftercare_hours=sent.aftercare_hours.strip(),
        )


# "Confirm first" per series: as the organisation says, always, or never.
CHOICES: dict[str, bool | None] = {"": None, "yes": True, "no": False}


def confirm_first_choice(value: bool | None) -> str:
    return next(key for key, choice in CHOICES.items() if choice is value)


def parse_day(text: str, field: str) -> date:
    """A day as 2026-12-29 (date fields) or 29-12-2026 (typed the Dutch way)."""
    found = _DAY.match(text.strip()) if text.isascii() else None
    day = None
    try:
        if found and found.group(1):
            day = date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
        elif found:
            day = date(int(found.group(6)), int(found.group(5)), int(found.group(4)))
    except ValueError:
        pass
    if day is None:
        raise DomainError("invalid_day", f"'{text}' is not a date like 29-12-2026.", field=field)
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise DomainError("day_out_of_range", "That year is too far away: check the date.",
                          field=field)  # fmt: skip
    return day


def number(text: str, field: str, low: int, high: int) -> int:
    """A whole number in ASCII digits (``int`` would also take "١٢", "1_000" or " 12 ")."""
    plain = text.isascii() and text.isdecimal() and len(text) <= MAX_DIGITS
    if plain and low <= int(text) <= high:
        return int(text)
    raise DomainError("invalid_number", f"Fill in a number from {low} to {high}.", field=field)


def schedule_from(form: SeriesForm) -> ScheduleInput:
    """The schedule as the services take it (the builder's choices, not RRULE text)."""
    if not form.start_date:
        raise DomainError("start_missing", "Give the first date.", field="start_date")
    first = parse_day(form.start_date, "start_date")
    if form.repeat not in REPEATS:
        raise DomainError("repeat_unknown", "Choose how often it repeats.", field="repeat")
    if form.weekdays_unknown:
        raise DomainError("weekday_unknown", "Choose days from Monday to Sunday.",
                          field="weekdays")  # fmt: skip
    if form.ends not in ENDS:
        raise DomainError("ends_unknown", "Choose when the series ends.", field="ends")
    choice: Choice | None = None
    if form.repeat != "none":
        until = count = None
        if form.ends == "until":
            if not form.until:
                raise DomainError("until_missing", "Give the last date.", field="until")
            until = parse_day(form.until, "until")
        elif form.ends == "count":
            count = number(form.count, "count", 1, 1000)
        interval = number(form.interval, "interval", 1, 52)
        if form.repeat == "daily":
            choice = Choice("daily", interval, until=until, count=count)
        elif form.repeat == "weekly":
            choice = Choice("weekly", interval, tuple(form.weekdays) or (first.weekday(),),
                            until=until, count=count)  # fmt: skip
        elif form.repeat == "monthly_day":
            choice = Choice("monthly", interval, month_day=first.day, until=until, count=count)
        else:
            nth = NTHS.get(form.month_nth)
            if nth is None:
                raise DomainError("nth_unknown", "Choose which week of the month.",
                                  field="month_nth")  # fmt: skip
            choice = Choice("monthly", interval, month_weekday=(nth, first.weekday()),
                            until=until, count=count)  # fmt: skip
    return ScheduleInput(
        rule="" if choice is None else None,
        recurrence=choice,
        start_date=first,
        start_time=form.start_time or None,
        end_time=form.end_time or None,
    )


def skip_dates_from(form: SeriesForm) -> list[date]:
    """The holidays to leave out, one per line (or separated by commas)."""
    parts = [p for p in re.split(r"[\s,;]+", form.skip) if p]
    return sorted({parse_day(p, "skip") for p in parts})


def details_from(form: SeriesForm, zone: str = "Europe/Amsterdam") -> dict[str, Any]:
    """Title, description, format, place, capacity, publication and the :class:`Choices` (their
    moments in ``zone``), as column values; every refused field at once (:class:`Refusals`)."""
    choices, found = choices_from(
        form, zone, online=form.format != "in_person", has_link=bool(form.meeting_url)
    )
    try:
        check_title(form.title)
    except DomainError as exc:
        found.append(exc)
    try:
        check_url(form.meeting_url, "meeting_url")
    except DomainError as exc:
        found.append(exc)
    if form.kind not in KINDS:
        found.append(DomainError("kind_unknown", "Choose a kind of event.", field="kind"))
    if form.format not in FORMATS:
        found.append(
            DomainError("format_unknown", "Choose online, in person or both.", field="format")
        )
    if form.confirm_first not in CHOICES:
        found.append(DomainError("confirm_first_unknown", "Choose one of the options.",
                                 field="confirm_first"))  # fmt: skip
    capacity = None
    if form.capacity:
        try:
            capacity = number(form.capacity, "capacity", 1, 100_000)
        except DomainError as exc:
            found.append(exc)
    if form.format != "online" and not form.location:
        found.append(DomainError("location_missing", "Give the address.", field="location"))
    gather(found)
    return {
        "title": form.title,
        "summary": form.summary,
        "description": form.description,
        "kind": form.kind,
        "format": form.format,
        "location": form.location,
        "meeting_url": form.meeting_url,
        "capacity": capacity,
        "waitlist": form.waitlist,
        "together": form.together,
        "admission": "apply" if form.applications else "register",
        "confirm_first": CHOICES[form.confirm_first],
        "published": form.published,
        **choices,
    }


def schedule_form_of(
    rule: str | None, first_start: datetime, duration_minutes: int, from_day: date
) -> dict[str, Any]:
    """The builder's fields for a series as it is now, starting ``from_day`` (to change it)."""
    parts = dict(p.split("=", 1) for p in (rule or "").split(";") if "=" in p)
    end = first_start + timedelta(minutes=duration_minutes)
    fields: dict[str, Any] = {
        "start_date": from_day.isoformat(),
        "start_time": first_start.strftime("%H:%M"),
        "end_time": end.strftime("%H:%M"),
        "repeat": "none",
        "interval": parts.get("INTERVAL", "1"),
        "weekdays": [],
        "month_nth": "1",
        "ends": "never",
        "until": "",
        "count": "",
    }
    byday = [d for d in parts.get("BYDAY", "").split(",") if d]
    if parts.get("FREQ") == "DAILY":
        fields["repeat"] = "daily"
    elif parts.get("FREQ") == "WEEKLY":
        fields["repeat"] = "weekly"
        fields["weekdays"] = sorted(_BYDAY[d[-2:]] for d in byday if d[-2:] in _BYDAY)
    elif parts.get("FREQ") == "MONTHLY" and byday:
        fields["repeat"] = "monthly_weekday"
        fields["month_nth"] = byday[0][:-2] or "1"
    elif parts.get("FREQ") == "MONTHLY":
        fields["repeat"] = "monthly_day"
    if "UNTIL" in parts:
        fields["ends"] = "until"
        raw = parts["UNTIL"][:8]
        fields["until"] = f"{raw[:4]}-{raw[4:6]}-{raw[6:8]}"
    elif "COUNT" in parts:
        fields["ends"], fields["count"] = "count", parts["COUNT"]
    return fields


def not_before_today(day: date) -> None:
    if day < clock.now().astimezone(AMSTERDAM).date():
        raise DomainError("in_the_past", "", field="start_date")


def clock_time(text: str, field: str) -> time:
    """A wall-clock time as 19:30 (no zone: ``time.fromisoformat`` would also take 19:30+01:00,
    which cannot be compared with a time without one)."""
    return parse_time(text.strip(), field)


def speakers_from(text: str) -> list[people.SpeakerInput]:
    """Speakers typed one per line; "(moderator)" after a name makes a moderator."""
    found = []
    for line in text.splitlines()[:30]:
        name = " ".join(line.split())
        if len(name) > LIMITS["name"]:
            raise DomainError("name_too_long", "Use at most 200 characters.", field="speakers")
        if not name:
            continue
        moderator = name.lower().endswith(("(moderator)", "(gespreksleider)"))
        if moderator:
            name = name.rsplit("(", 1)[0].strip()
        found.append(people.SpeakerInput(name=name, role="moderator" if moderator else "speaker"))
    return found


def date_changes_from(sent: DateChangeFields) -> dict[str, Any]:
    """The overrides of one date: topic and capacity (empty capacity = the series')."""
    changes: dict[str, Any] = {"topic": sent.topic.strip()}
    capacity = sent.capacity.strip()
    changes["capacity"] = number(capacity, "capacity", 1, 100_000) if capacity else None
    return changes
