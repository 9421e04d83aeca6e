"""What a calendar event says about one date, for one kind of reader: pure text rules.

Feeds, the single-date download and mail invitations all describe a date the same way, so
the words live here, free of I/O, in Dutch and English.  The reader (:class:`Viewer`) decides
what may be shown: a public feed never shows a meeting link that is for registered people
only, and never anything about who registered; an attendee sees their own status and the link;
a host sees the numbers registered.

:func:`personal_sequence` is the SEQUENCE rule for anything addressed to one attendee (the
personal feed and the invitation mails), so both always agree on which version is newer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from events_app.calendar.words import KINDS, TEXT
from events_app.domain.causes import reason_text
from events_app.domain.overrides import own_or_series
from events_app.i18n import Language
from events_app.tables import EventDate, Registration, Series, Speaker

__all__ = [
    "own_or_series",
    "Audience",
    "Person",
    "DateInfo",
    "EventText",
    "Language",
    "SpeakerInfo",
    "Viewer",
    "describe",
    "event_status",
    "kind_label",
    "may_see_meeting_details",
    "people_by_role",
    "personal_sequence",
    "shows_meeting_link",
]

Audience = Literal["public", "attendee", "host"]
IcsStatus = Literal["CONFIRMED", "CANCELLED", "TENTATIVE"]
F, V, M = Series.Format, Series.LinkVisibility, Series.RegistrationMode
OS, RS = EventDate.Status, Registration.Status


def _t(language: Language, key: str, *args: object) -> str:
    text = TEXT[key][0 if language == "nl" else 1]
    return text.format(*args) if args else text


def kind_label(kind: str, language: str) -> str:
    """The kind of event in words (unknown kinds are shown as stored)."""
    labels = KINDS.get(kind)
    if labels is None:
        return kind
    return labels[0 if language == "nl" else 1]


@dataclass(frozen=True, slots=True)
class SpeakerInfo:
    name: str
    role: str = Speaker.Role.speaker


@dataclass(frozen=True, slots=True)
class DateInfo:
    """One date with what its series and organisation say about it, as plain values.

    Overrides are already resolved: ``location``, ``meeting_url`` and ``meeting_details`` are
    the date's own when set, else the series'; ``speakers`` are the date's own when it has any,
    else the series'; ``capacity`` is the effective one (None: no limit).
    """

    date_id: int
    uid: str
    sequence: int
    status: str  # EventDate.Status
    status_reason: str
    topic: str
    note: str
    local_start: datetime  # naive wall clock in ``timezone``
    local_end: datetime
    timezone: str
    starts_at: datetime  # aware UTC
    ends_at: datetime
    changed_at: datetime  # the later of the date's and the series' (and organisation's) change
    series_title: str
    series_summary: str
    series_kind: str
    series_format: str  # Series.Format
    series_status: str  # Series.Status
    link_visibility: str  # Series.LinkVisibility
    registration_mode: str  # Series.RegistrationMode
    waitlist: bool
    location: str
    meeting_url: str
    meeting_details: str
    tags: tuple[str, ...]
    organisation_name: str
    organizer_email: str
    page_url: str
    speakers: tuple[SpeakerInfo, ...] = ()
    capacity: int | None = None
    confirmed_count: int = 0
    waiting_count: int = 0
    status_cause: str = ""  # why the app took the date off (domain/causes.py)


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who reads the event.  ``registration_*`` only for attendees."""

    audience: Audience = "public"
    language: Language = "nl"
    registration_status: str | None = None  # Registration.Status
    waiting_position: int | None = None
    manage_url: str | None = None


@dataclass(frozen=True, slots=True)
class EventText:
    summary: str
    description: str
    location: str | None
    categories: tuple[str, ...]
    status: IcsStatus
    transparent: bool


def date_is_off(date: DateInfo) -> bool:
    """Cancelled and skipped dates, and every date of a cancelled series, do not take place."""
    return date.status != OS.scheduled or date.series_status == Series.Status.cancelled


def event_status(date: DateInfo, viewer: Viewer) -> IcsStatus:
    """CANCELLED for a date that does not take place or a cancelled registration (so a
    subscribed calendar removes it), TENTATIVE for a waiting-list entry, else CONFIRMED."""
    if date_is_off(date):
        return "CANCELLED"
    if viewer.audience == "attendee":
        if viewer.registration_status == RS.cancelled:
            return "CANCELLED"
        if viewer.registration_status == RS.waiting:
            return "TENTATIVE"
    return "CONFIRMED"


def may_see_meeting_details(date: DateInfo, viewer: Viewer) -> bool:
    """Hosts and confirmed attendees may see how to join online; everyone else only when the
    organiser made it public.  Nobody is sent a link to a date that does not take place."""
    if date.series_format == F.in_person or date_is_off(date):
        return False
    if date.link_visibility == V.everyone or viewer.audience == "host":
        return True
    return viewer.audience == "attendee" and viewer.registration_status == RS.confirmed


def shows_meeting_link(date: DateInfo, viewer: Viewer) -> bool:
    return bool(date.meeting_url) and may_see_meeting_details(date, viewer)


class Person(Protocol):
    """A speaker or moderator as any layer holds one (a feed's row, a page's view)."""

    @property
    def name(self) -> str: ...

    @property
    def role(self) -> str: ...


def people_by_role(speakers: Sequence[Person], language: str) -> list[tuple[str, str]]:
    """Who leads a date as (label, names): speakers first, then moderators.  Pages, mails and
    invitations all show them this way."""
    lang: Language = "en" if language == "en" else "nl"
    found = []
    for role, one, many in (
        (Speaker.Role.speaker, "speaker", "speakers"),
        (Speaker.Role.moderator, "moderator", "moderators"),
    ):
        names = [s.name for s in speakers if s.role == role and s.name.strip()]
        if names:
            found.append((_t(lang, one if len(names) == 1 else many), ", ".join(names)))
    return found


def _summary(date: DateInfo, viewer: Viewer) -> str:
    lang = viewer.language
    title = date.series_title
    if date.topic.strip():
        title = f"{title} — {date.topic.strip()}"
    if date_is_off(date):
        return _t(lang, "cancelled_prefix") + title
    if viewer.audience == "attendee" and viewer.registration_status == RS.cancelled:
        return _t(lang, "deregistered_prefix") + title
    if viewer.audience == "attendee" and viewer.registration_status == RS.waiting:
        return _t(lang, "waiting_prefix") + title
    return title


def _joining(date: DateInfo, viewer: Viewer) -> list[str]:
    lang = viewer.language
    lines = []
    if date.series_format in (F.in_person, F.hybrid) and date.location.strip():
        lines.append(_t(lang, "location", date.location.strip()))
    if date.series_format in (F.online, F.hybrid):
        online = _t(lang, "online")
        status = viewer.registration_status
        details = date.meeting_details.strip()
        if may_see_meeting_details(date, viewer) and (date.meeting_url or details):
            if date.meeting_url:
                lines.append(_t(lang, "join_online", date.meeting_url))
            if details:
                lines.append(details)
        elif viewer.audience == "public":
            hidden = date.link_visibility != V.everyone and date.registration_mode != M.none
            lines.append(f"{online}. {_t(lang, 'link_after_registering')}" if hidden else online)
        elif viewer.audience == "attendee" and status == RS.waiting:
            lines.append(f"{online}. {_t(lang, 'link_when_placed')}")
        elif viewer.audience == "host" or status == RS.confirmed:
            lines.append(f"{online}. {_t(lang, 'link_follows')}")
    return lines


def _reader_lines(date: DateInfo, viewer: Viewer) -> list[str]:
    """What this reader in particular is told: status, counts, or how to register."""
    lang = viewer.language
    if viewer.audience == "attendee":
        status = viewer.registration_status
        if status == RS.confirmed:
            lines = [_t(lang, "you_confirmed")]
        elif status == RS.waiting:
            lines = [
                _t(lang, "you_waiting", viewer.waiting_position)
                if viewer.waiting_position
                else _t(lang, "you_waiting_unknown")
            ]
        else:
            lines = [_t(lang, "you_cancelled")]
        if viewer.manage_url:
            lines.append(_t(lang, "manage", viewer.manage_url))
        return lines
    if viewer.audience == "host":
        counts = (
            _t(lang, "counts", date.confirmed_count, date.capacity)
            if date.capacity is not None
            else _t(lang, "counts_open", date.confirmed_count)
        )
        if date.waitlist or date.waiting_count:
            counts += _t(lang, "counts_waiting", date.waiting_count)
        return [_t(lang, "you_host"), counts]
    if date_is_off(date) or date.registration_mode not in tuple(M):
        return []
    return [_t(lang, f"registration_{date.registration_mode}", date.page_url)]


def _description(date: DateInfo, viewer: Viewer) -> str:
    lang = viewer.language
    lines: list[str] = []
    off = date_is_off(date)
    if off:
        lines.append(_t(lang, "date_cancelled"))
        reason = reason_text(date.status_cause, date.status_reason, lang)
        if reason:
            lines.append(_t(lang, "reason", reason))
        lines.append("")
    if date.series_summary.strip():
        lines.append(date.series_summary.strip())
    if date.topic.strip():
        lines.append(_t(lang, "topic", date.topic.strip()))
    lines.extend(f"{label}: {names}" for label, names in people_by_role(date.speakers, lang))
    if date.note.strip():
        lines.append(date.note.strip())
    if not off:
        joining = _joining(date, viewer)
        if joining:
            lines.append("")
            lines.extend(joining)
    reader = _reader_lines(date, viewer)
    if reader:
        lines.append("")
        lines.extend(reader)
    told_page = viewer.audience == "public" and bool(reader) and not off
    if date.page_url and not told_page:
        lines.extend(["", _t(lang, "more", date.page_url)])
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines).strip()


def _location(date: DateInfo, viewer: Viewer) -> str | None:
    place = date.location.strip()
    if date.series_format == F.in_person:
        return place or None
    if date.series_format == F.hybrid:
        return place or (date.meeting_url if shows_meeting_link(date, viewer) else "Online")
    return date.meeting_url if shows_meeting_link(date, viewer) else "Online"


def describe(date: DateInfo, viewer: Viewer) -> EventText:
    """Summary, description, location, categories and status of one date for one reader."""
    tags = [tag.strip() for tag in date.tags if tag.strip()]
    categories = (kind_label(date.series_kind, viewer.language), *tags)
    return EventText(
        summary=_summary(date, viewer),
        description=_description(date, viewer),
        location=_location(date, viewer),
        categories=tuple(dict.fromkeys(categories)),
        status=event_status(date, viewer),
        transparent=viewer.audience == "attendee" and viewer.registration_status != RS.confirmed,
    )


_STATUS_STEP: dict[str, int] = {RS.waiting: 0, RS.confirmed: 1, RS.cancelled: 2}


def personal_sequence(
    date_sequence: int,
    registration_status: str,
    registered_at: datetime,
    registration_changed_at: datetime,
) -> int:
    """SEQUENCE of a date as sent to one attendee (personal feed and invitation mails).

    It must grow with every change the attendee's calendar has to take over: a change of the
    date (``date_sequence`` grows) and a change of the registration.  The registration's
    status alone cannot carry that, because a cancelled registration comes back to life when
    the person registers again (cancelled → confirmed would go *down*).  So the registration
    part is the time since the registration row was created, in seconds, times four, plus a
    status step (waiting 0, confirmed 1, cancelled 2) that orders changes within one second:

        date_sequence + 4 * seconds(registration_changed_at - registered_at) + step

    Both parts only grow, so the sum does; mails computed later from the same row (or a newer
    one) are never lower than what the feed said.  Counting from the row's creation keeps the
    numbers small (a year is ~1.3e8, far below the 2**31 clients store).
    """
    elapsed = max(0, int((registration_changed_at - registered_at).total_seconds()))
    return date_sequence + 4 * elapsed + _STATUS_STEP.get(registration_status, 2)
