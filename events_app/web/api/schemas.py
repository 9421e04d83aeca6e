"""Request and response types of the planning API (series, dates, programmes, rules).

Inputs forbid unknown fields and cap every string, so a typo or an oversized value is a 400
that names the field.  Local wall-clock times are written ``2026-10-01T15:00`` (no offset: the
series' ``timezone`` says where); instants in answers (``starts_at``) are UTC.  Updates use
``UNSET`` for "leave as it is", so ``null`` can mean "clear" where a field allows it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal, TypeVar

import msgspec
from msgspec import UNSET, Meta, UnsetType

from events_app.agenda.dates import SeriesView
from events_app.i18n import Language
from events_app.tables import Series, Speaker
from events_app.web.api.types import Id, WallClock

__all__ = [
    "LOCAL", "Capacity", "DateBrief", "Host", "MonthWeekday", "RecurrenceIn", "RuleText",
    "ScheduleFields", "SeriesCreate", "SeriesOut", "SeriesSummary", "SeriesUpdate", "SpeakerIO",
    "SpeakersIn", "HostsIn", "Text", "given", "out", "series_out",
]  # fmt: skip

T = TypeVar("T")
LOCAL = Meta(
    max_length=19,
    description="Local wall-clock date and time in the series' zone, without an offset "
    "(YYYY-MM-DDTHH:MM).",
    examples=["2026-10-01T15:00"],
)  # the format is checked by the service, whose message names the field and the format
LocalDateTime = Annotated[str, LOCAL]
ClockTime = Annotated[
    str, Meta(max_length=8, examples=["15:00"], description="Wall-clock time (HH:MM).")
]
Aware = Annotated[datetime, Meta(tz=True)]
Title = Annotated[str, Meta(min_length=1, max_length=200)]
Slug = Annotated[str, Meta(max_length=120, examples=["online-ontmoeting"])]
Url = Annotated[str, Meta(max_length=500)]
Text = Annotated[str, Meta(max_length=20_000)]
Capacity = Annotated[int, Meta(ge=1, le=100_000)]
Weekday = Literal["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
Tags = Annotated[list[Annotated[str, Meta(max_length=40)]], Meta(max_length=20)]
Minutes = Annotated[int, Meta(ge=1, le=7 * 24 * 60)]
Zone = Annotated[str, Meta(max_length=64, examples=["Europe/Amsterdam"])]
Rule = Annotated[str, Meta(max_length=500, examples=["FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"])]


def given(struct: msgspec.Struct, *names: str) -> dict[str, Any]:
    """The fields of ``struct`` (all, or those named) that were sent (not ``UNSET``)."""
    fields = names or struct.__struct_fields__
    return {n: getattr(struct, n) for n in fields if getattr(struct, n) is not UNSET}


def out(value: Any, kind: type[T]) -> T:
    """A service's dict (or list of dicts) as a response type."""
    return msgspec.convert(value, kind, strict=False)


class MonthWeekday(msgspec.Struct, forbid_unknown_fields=True):
    """ "the second Tuesday" is {nth: 2, weekday: "TU"}; "the last Friday" {nth: -1, ...}."""

    nth: Literal[1, 2, 3, 4, -1]
    weekday: Weekday


class RecurrenceIn(msgspec.Struct, forbid_unknown_fields=True):
    """The rule builder: every N days (the days of a training), every N weeks on weekdays,
    or monthly on a day or a weekday."""

    freq: Literal["daily", "weekly", "monthly"]
    interval: Annotated[int, Meta(ge=1, le=52)] = 1
    weekdays: Annotated[list[Weekday], Meta(max_length=7)] = []
    month_day: Annotated[int, Meta(ge=1, le=31)] | None = None
    month_weekday: MonthWeekday | None = None
    until: date | None = None
    count: Annotated[int, Meta(ge=1, le=1000)] | None = None


class ScheduleFields(msgspec.Struct, forbid_unknown_fields=True):
    """When: ``rule`` (RRULE text) or ``recurrence`` (builder) or neither (one date); the first
    start as ``first_start`` or ``start_date`` + ``start_time``; ``duration_minutes`` or
    ``end_time``; the zone (default: the organisation's)."""

    rule: Rule | None = None
    recurrence: RecurrenceIn | None = None
    first_start: LocalDateTime | None = None
    start_date: date | None = None
    start_time: ClockTime | None = None
    duration_minutes: Minutes | None = None
    end_time: ClockTime | None = None
    timezone: Zone | None = None


class SeriesCreate(ScheduleFields, forbid_unknown_fields=True, kw_only=True):
    title: Title
    organisation_id: Id | None = None
    programme_id: Id | None = None
    slug: Slug | None = None
    kind: Series.Kind = Series.Kind.meetup
    summary: Annotated[str, Meta(max_length=500)] = ""
    description: Text = ""
    format: Series.Format = Series.Format.online
    location: Annotated[str, Meta(max_length=1000)] = ""
    meeting_url: Url = ""
    meeting_details: Annotated[str, Meta(max_length=2000)] = ""
    link_visibility: Series.LinkVisibility = Series.LinkVisibility.registered
    registration_mode: Series.RegistrationMode = Series.RegistrationMode.required
    capacity: Capacity | None = None
    waitlist: bool = True
    together: bool = False  # the dates are registered as one (a multi-day training, a course)
    # "apply": people apply and an organiser or host accepts or declines each application;
    # registration_closes_at is then the closing time for applications.
    admission: Series.Admission = Series.Admission.register
    registration_opens_at: Aware | None = None
    registration_closes_at: Aware | None = None
    language: Language = "nl"
    tags: Tags = []
    contact_email: Annotated[str, Meta(max_length=254)] = ""
    reminder_hours: Annotated[int, Meta(ge=0, le=336)] = 24
    confirm_first: bool | None = None  # None: as the organisation says
    published: bool = False
    # Shown before registering (e.g. the evening is about suicide; one may leave at any time).
    content_note: Annotated[str, Meta(max_length=2000)] = ""
    # Sent once, aftercare_hours after each date, to the people who came ("" : none).
    aftercare_text: Text = ""
    aftercare_hours: Annotated[int, Meta(ge=1, le=336)] = 24


class SeriesUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Details change at once.  A new ``rule``/``recurrence``, start, duration or zone changes
    the dates from ``effective_from`` on (default: today; a one-off is simply moved).
    ``rule: null`` turns the series into single dates no longer repeating."""

    title: Title | UnsetType = UNSET
    programme_id: Id | UnsetType | None = UNSET
    slug: Slug | UnsetType = UNSET
    kind: Series.Kind | UnsetType = UNSET
    summary: Annotated[str, Meta(max_length=500)] | UnsetType = UNSET
    description: Text | UnsetType = UNSET
    format: Series.Format | UnsetType = UNSET
    location: Annotated[str, Meta(max_length=1000)] | UnsetType = UNSET
    meeting_url: Url | UnsetType = UNSET
    meeting_details: Annotated[str, Meta(max_length=2000)] | UnsetType = UNSET
    link_visibility: Series.LinkVisibility | UnsetType = UNSET
    registration_mode: Series.RegistrationMode | UnsetType = UNSET
    capacity: Capacity | UnsetType | None = UNSET
    waitlist: bool | UnsetType = UNSET
    together: bool | UnsetType = UNSET
    admission: Series.Admission | UnsetType = UNSET
    registration_opens_at: Aware | UnsetType | None = UNSET
    registration_closes_at: Aware | UnsetType | None = UNSET
    language: Language | UnsetType = UNSET
    tags: Tags | UnsetType = UNSET
    contact_email: Annotated[str, Meta(max_length=254)] | UnsetType = UNSET
    reminder_hours: Annotated[int, Meta(ge=0, le=336)] | UnsetType = UNSET
    confirm_first: bool | UnsetType | None = UNSET
    content_note: Annotated[str, Meta(max_length=2000)] | UnsetType = UNSET
    aftercare_text: Text | UnsetType = UNSET
    aftercare_hours: Annotated[int, Meta(ge=1, le=336)] | UnsetType = UNSET
    rule: Rule | UnsetType | None = UNSET
    recurrence: RecurrenceIn | UnsetType = UNSET
    first_start: LocalDateTime | UnsetType = UNSET
    start_date: date | UnsetType = UNSET
    start_time: ClockTime | UnsetType = UNSET
    duration_minutes: Minutes | UnsetType = UNSET
    end_time: ClockTime | UnsetType = UNSET
    timezone: Zone | UnsetType = UNSET
    effective_from: date | UnsetType = UNSET


class SpeakerIO(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, Meta(min_length=1, max_length=200)]
    bio: Annotated[str, Meta(max_length=2000)] = ""
    url: Url = ""
    role: Speaker.Role = Speaker.Role.speaker
    id: Id | None = None


class SpeakersIn(msgspec.Struct, forbid_unknown_fields=True):
    speakers: Annotated[list[SpeakerIO], Meta(max_length=50)]


class HostsIn(msgspec.Struct, forbid_unknown_fields=True):
    account_ids: Annotated[list[Id], Meta(max_length=50)]


class Host(msgspec.Struct):
    account_id: int
    name: str
    email: str


class RuleText(msgspec.Struct):
    nl: str
    en: str


class DateBrief(msgspec.Struct):
    id: int
    local_start: WallClock
    local_end: WallClock
    starts_at: datetime
    ends_at: datetime
    status: str
    topic: str


class SeriesSummary(msgspec.Struct):
    id: int
    organisation_id: int
    programme_id: int | None
    slug: str
    title: str
    kind: str
    status: str
    published: bool
    rule: str | None
    rule_text: RuleText
    timezone: str
    first_start: WallClock
    duration_minutes: int
    next_start: datetime | None


class SeriesOut(msgspec.Struct):
    id: int
    organisation_id: int
    programme_id: int | None
    slug: str
    title: str
    kind: str
    summary: str
    description: str
    format: str
    location: str
    meeting_url: str
    meeting_details: str
    link_visibility: str
    registration_mode: str
    capacity: int | None
    waitlist: bool
    together: bool
    admission: str
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    language: str
    tags: list[str]
    contact_email: str
    reminder_hours: int
    confirm_first: bool | None
    published: bool
    content_note: str
    aftercare_text: str
    aftercare_hours: int
    status: str
    rule: str | None
    rule_text: RuleText
    timezone: str
    first_start: WallClock
    duration_minutes: int
    materialised_until: datetime | None
    next_dates: list[DateBrief]
    speakers: list[SpeakerIO]
    hosts: list[Host]
    created_at: datetime
    updated_at: datetime
    warnings: list[str] = []


def series_out(series: SeriesView) -> SeriesOut:
    """A series as the API sends it (its rule as ``rule``)."""
    fields = {
        name: series.rrule if name == "rule" else getattr(series, name)
        for name in SeriesOut.__struct_fields__
    }
    return msgspec.convert(fields, SeriesOut, strict=False, from_attributes=True)


class Reason(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, Meta(max_length=500)] = ""


class EndIn(msgspec.Struct, forbid_unknown_fields=True):
    from_date: date
