"""Request and response types for single dates, programmes and rule previews."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from events_app.agenda.dates import DateView
from events_app.i18n import Language
from events_app.tables import Programme, Series
from events_app.web.api.schemas import (
    Capacity,
    Host,
    LocalDateTime,
    RuleText,
    ScheduleFields,
    Slug,
    SpeakerIO,
    Text,
    Title,
    Url,
)
from events_app.web.api.types import Id, WallClock

__all__ = [
    "DateCreate", "DateMove", "DateUpdate", "Effective", "MaterialIn", "MaterialOut",
    "MaterialsSend", "MaterialsSending", "MaterialsSent",
    "DateOut", "date_out", "PreviewDate", "PreviewIn", "PreviewOut", "ProgrammeCreate",
    "ProgrammeDate", "ProgrammeDetail", "ProgrammeOut", "ProgrammeSeries", "ProgrammeUpdate",
    "SessionCreate",
]  # fmt: skip

Topic = Annotated[str, Meta(max_length=300)]
Note = Annotated[str, Meta(max_length=5000)]
Place = Annotated[str, Meta(max_length=1000)]
Details = Annotated[str, Meta(max_length=2000)]
ClockTime = Annotated[str, Meta(pattern=r"^[0-2][0-9]:[0-5][0-9]$", examples=["10:00"])]
SpeakerName = Annotated[str, Meta(min_length=1, max_length=200)]


class DateUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Overrides of one date; ``null`` for capacity, place, link or details means "as the
    series"."""

    topic: Topic | UnsetType = UNSET
    note: Note | UnsetType = UNSET
    capacity: Capacity | UnsetType | None = UNSET
    location: Place | UnsetType | None = UNSET
    meeting_url: Url | UnsetType | None = UNSET
    meeting_details: Details | UnsetType | None = UNSET


class DateCreate(msgspec.Struct, forbid_unknown_fields=True):
    """An extra date outside the rule, with optional overrides."""

    local_start: LocalDateTime
    local_end: LocalDateTime | None = None
    duration_minutes: Annotated[int, Meta(ge=1, le=7 * 24 * 60)] | None = None
    topic: Topic = ""
    note: Note = ""
    capacity: Capacity | None = None
    location: Place | None = None
    meeting_url: Url | None = None
    meeting_details: Details | None = None


class DateMove(msgspec.Struct, forbid_unknown_fields=True):
    """The new local start and end (or duration; default: as long as before)."""

    local_start: LocalDateTime
    local_end: LocalDateTime | None = None
    duration_minutes: Annotated[int, Meta(ge=1, le=7 * 24 * 60)] | None = None


class Effective(msgspec.Struct):
    capacity: int | None
    location: str
    meeting_url: str
    meeting_details: str


class MaterialIn(msgspec.Struct, forbid_unknown_fields=True):
    """A link (``url``) or a written text (``body``, line breaks kept); files are sent as a
    multipart form to ``…/materials/files``."""

    title: Annotated[str, Meta(min_length=1, max_length=200)]
    kind: Literal["link", "text"] = "link"
    url: Annotated[str, Meta(max_length=500)] = ""
    body: Annotated[str, Meta(max_length=20_000)] = ""


class MaterialOut(msgspec.Struct):
    id: int
    title: str
    url: str
    kind: str = "link"
    body: str = ""
    file_name: str = ""
    size: int = 0


class MaterialsSend(msgspec.Struct, forbid_unknown_fields=True):
    """Mail every material of the date in one mail per person: ``attended`` (the people marked
    present) or ``registered`` (everyone with a place).  ``again`` confirms a second sending."""

    audience: Literal["attended", "registered"]
    again: bool = False


class MaterialsSent(msgspec.Struct):
    queued: int
    sent_at: datetime


class MaterialsSending(msgspec.Struct):
    """Before sending: when they were last sent (null: never), and how many people each
    choice reaches."""

    last_sent_at: datetime | None
    attended: int
    registered: int


class DateOut(msgspec.Struct):
    id: int
    series_id: int
    uid: str
    sequence: int
    status: str
    status_reason: str  # the organiser's own words
    status_cause: str  # or why the app took the date off: schedule_changed, paused
    local_start: WallClock
    local_end: WallClock
    timezone: str
    starts_at: datetime
    ends_at: datetime
    extra: bool
    moved: bool
    moved_from: WallClock | None
    topic: str
    note: str
    capacity: int | None
    location: str | None
    meeting_url: str | None
    meeting_details: str | None
    effective: Effective
    confirmed_count: int
    waiting_count: int
    speakers: list[SpeakerIO]
    hosts: list[Host]
    materials: list[MaterialOut]
    created_at: datetime
    updated_at: datetime
    warnings: list[str] = []


def date_out(date: DateView) -> DateOut:
    """A date as the API sends it: the date's own overrides (None: as the series) at the top,
    what it shows under ``effective``, and its own speakers only."""
    own = {
        "capacity": date.own_capacity,
        "location": date.own_location,
        "meeting_url": date.own_meeting_url,
        "meeting_details": date.own_meeting_details,
        "speakers": date.own_speakers,
        "effective": {
            "capacity": date.capacity,
            "location": date.location,
            "meeting_url": date.meeting_url,
            "meeting_details": date.meeting_details,
        },
    }
    fields = {name: own[name] if name in own else getattr(date, name) for name in OUT_FIELDS}
    return msgspec.convert(fields, DateOut, strict=False, from_attributes=True)


OUT_FIELDS = DateOut.__struct_fields__


class PreviewIn(ScheduleFields, forbid_unknown_fields=True):
    limit: Annotated[int, Meta(ge=1, le=50)] = 10


class PreviewDate(msgspec.Struct):
    local_start: WallClock
    local_end: WallClock
    starts_at: datetime
    ends_at: datetime


class PreviewOut(msgspec.Struct):
    rule: str | None
    rule_text: RuleText
    timezone: str
    dates: list[PreviewDate]
    warnings: list[str]


class ProgrammeCreate(msgspec.Struct, forbid_unknown_fields=True):
    title: Title
    organisation_id: Id | None = None
    slug: Slug | None = None
    summary: Annotated[str, Meta(max_length=500)] = ""
    description: Text = ""
    selection: Programme.Selection = Programme.Selection.pick
    language: Language = "nl"
    published: bool = False


class ProgrammeUpdate(msgspec.Struct, forbid_unknown_fields=True):
    title: Title | UnsetType = UNSET
    slug: Slug | UnsetType = UNSET
    summary: Annotated[str, Meta(max_length=500)] | UnsetType = UNSET
    description: Text | UnsetType = UNSET
    selection: Programme.Selection | UnsetType = UNSET
    language: Language | UnsetType = UNSET
    published: bool | UnsetType = UNSET


class SessionCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A session of a workshop week: one date with its own time, place or link, places and
    speakers, made a one-off series (kind "workshop") in the programme, published when the
    programme is.  Times are wall-clock times where the organisation plans."""

    title: Title
    day: date
    start_time: ClockTime
    end_time: ClockTime
    format: Series.Format = Series.Format.in_person
    location: Place = ""
    meeting_url: Url = ""
    capacity: Capacity | None = None
    speakers: Annotated[list[SpeakerName], Meta(max_length=30)] = []


class ProgrammeOut(msgspec.Struct):
    id: int
    organisation_id: int
    slug: str
    title: str
    summary: str
    description: str
    selection: str
    language: str
    published: bool
    created_at: datetime
    updated_at: datetime


class ProgrammeDate(msgspec.Struct):
    id: int
    local_start: WallClock
    local_end: WallClock
    starts_at: datetime
    ends_at: datetime
    status: str
    topic: str
    capacity: int | None
    confirmed_count: int
    waiting_count: int


class ProgrammeSeries(msgspec.Struct):
    id: int
    slug: str
    title: str
    kind: str
    status: str
    published: bool
    format: str
    location: str
    capacity: int | None
    rule_text: RuleText
    dates: list[ProgrammeDate]


class ProgrammeDetail(ProgrammeOut):
    series: list[ProgrammeSeries] = []
