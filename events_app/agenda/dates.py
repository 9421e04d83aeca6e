"""Typed views of a series and of a date, carrying the rules every reader needs.

A :class:`DateView` holds what was read about one date and its series, and derives the rest:
its place, link and details (its own value, else the series', by
:func:`~events_app.domain.overrides.own_or_series`), its effective capacity and the places
left, whether it was moved, whether it takes registrations at the moment it was read.  Pages
read these instead of re-deriving them, so a rule is written once.  The views are plain
values, tested without a database, built in one place, :mod:`events_app.agenda.build`
(for everyone or for organisers); :mod:`events_app.agenda.public`,
:mod:`events_app.agenda.catalogue` and :mod:`events_app.agenda.views` query and call it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from events_app.domain.causes import CAUSES
from events_app.domain.consent import Consent, consent_for
from events_app.domain.overrides import own_or_series
from events_app.domain.rule_text import describe
from events_app.domain.seats import DateFacts, effective_capacity, takes_registrations
from events_app.i18n import LANGUAGES
from events_app.tables import EventDate, Material, Series, Speaker

__all__ = [
    "DateView",
    "HostView",
    "MaterialView",
    "NextDate",
    "PersonView",
    "SeriesView",
    "rule_text",
]


def rule_text(rrule: str | None, first_start: datetime, duration_minutes: int) -> dict[str, str]:
    """The series' rule in Dutch and English words ("every second Tuesday, 19:00–21:00")."""
    end = first_start + timedelta(minutes=duration_minutes)
    return {
        lang: describe(rrule, first_start.time(), end.time(), lang, first_date=first_start.date())
        for lang in LANGUAGES
    }


@dataclass(frozen=True, slots=True)
class PersonView:
    """A speaker or moderator (the public pages read only name and role)."""

    name: str
    role: str = Speaker.Role.speaker
    bio: str = ""
    url: str = ""
    id: int | None = None


@dataclass(frozen=True, slots=True)
class MaterialView:
    """A link (``url``), a written text (``body``) or a file (its name and size; the bytes
    are never read into a view)."""

    title: str
    url: str
    id: int | None = None
    kind: str = "link"
    body: str = ""
    file_name: str = ""
    size: int = 0

    @staticmethod
    def columns() -> tuple[Any, ...]:
        return (
            Material.id, Material.event_date, Material.kind, Material.title, Material.url,
            Material.body, Material.file_name, Material.size,
        )  # fmt: skip

    @classmethod
    def of(cls, row: dict[str, Any]) -> MaterialView:
        return cls(
            row["title"], row["url"], row["id"], row["kind"], row["body"], row["file_name"],
            row["size"],
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class HostView:
    """A host of a date, for organisers (the public pages never see hosts' addresses)."""

    account_id: int
    name: str
    email: str


@dataclass(frozen=True, slots=True)
class NextDate:
    """One of a series' next dates, in brief (the organisers' series view lists a few)."""

    id: int
    local_start: datetime
    local_end: datetime
    starts_at: datetime
    ends_at: datetime
    status: str
    topic: str


@dataclass(frozen=True, slots=True)
class SeriesView:
    """A series as its page shows it.  The fields after ``speakers`` are for organisers: the
    public pages' builder leaves them at their defaults (no link, no addresses, no counts)."""

    id: int
    slug: str
    title: str
    kind: str  # Series.Kind
    summary: str
    description: str
    format: str  # Series.Format
    location: str
    registration_mode: str  # Series.RegistrationMode
    capacity: int | None
    waitlist: bool
    rrule: str | None
    first_start: datetime  # naive wall clock in ``timezone``
    duration_minutes: int
    timezone: str
    tags: tuple[str, ...]
    status: str  # Series.Status
    contact_email: str
    organisation_id: int
    organisation_name: str
    organisation_slug: str
    consent_text: str
    programme_slug: str | None  # None unless the programme is published
    programme_title: str | None
    hosts: tuple[HostView, ...] = ()  # the public builder leaves the addresses empty
    speakers: tuple[PersonView, ...] = ()
    programme_id: int | None = None
    together: bool = False  # its dates are registered as one (domain/together.py)
    admission: str = Series.Admission.register  # "apply": the form takes applications
    consent_text_en: str = ""  # the English wording of consent_text, if any
    consent_language: str = "nl"  # the language consent_text is written in
    content_note: str = ""  # shown before registering (domain/needs.py)
    aftercare_text: str = ""  # organisers only: the mail after each date
    aftercare_hours: int = 24
    needs_days: int = 7  # the organisation's: needs are deleted this long after a date
    meeting_url: str = ""
    meeting_details: str = ""
    link_visibility: str = Series.LinkVisibility.registered
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    language: str = "nl"
    reminder_hours: int = 0
    confirm_first: bool | None = None
    published: bool = True
    materialised_until: datetime | None = None
    next_dates: tuple[NextDate, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None
    warnings: tuple[str, ...] = ()

    @property
    def rule_text(self) -> dict[str, str]:
        return rule_text(self.rrule, self.first_start, self.duration_minutes)

    def consent(self, language: str) -> Consent | None:
        """The consent text a reader in ``language`` sees (None: no tick box)."""
        return consent_for(self.consent_text, self.consent_text_en, self.consent_language, language)

    @property
    def host_names(self) -> tuple[str, ...]:
        return tuple(host.name for host in self.hosts)

    @property
    def cancelled(self) -> bool:
        return self.status == Series.Status.cancelled


@dataclass(frozen=True, slots=True)
class DateView:
    """One date with what its series says about it, as read at ``read_at``.

    ``own_*`` are the date's overrides (None: as the series); ``series_*`` the series' values.
    The properties resolve them, so every reader shows the same place, link and seats.
    ``speakers`` are the ones shown (the date's own, else the series'), ``own_speakers`` the
    date's own.  The fields after ``own_speakers`` are for organisers: the public pages'
    builder leaves them empty, as it leaves out links that are not for everyone.
    """

    id: int
    series_id: int
    series_slug: str
    series_title: str
    series_summary: str
    organisation_name: str
    organisation_slug: str
    kind: str  # Series.Kind
    format: str  # Series.Format
    status: str  # EventDate.Status
    status_reason: str
    topic: str
    note: str
    local_start: datetime  # naive wall clock in ``timezone``
    local_end: datetime
    timezone: str
    starts_at: datetime  # aware UTC
    ends_at: datetime
    rule_start: datetime | None  # where the rule put it; None for an extra date
    own_capacity: int | None
    own_location: str | None
    own_meeting_url: str | None
    own_meeting_details: str | None
    series_capacity: int | None
    series_location: str
    series_meeting_url: str
    series_meeting_details: str
    confirmed_count: int
    waitlist: bool
    link_visibility: str  # Series.LinkVisibility
    registration_mode: str  # Series.RegistrationMode
    opens_at: datetime | None
    closes_at: datetime | None
    series_status: str  # Series.Status
    series_published: bool
    read_at: datetime  # "now" for past, registration_open and can_register
    speakers: tuple[PersonView, ...] = ()
    materials: tuple[MaterialView, ...] = ()
    own_speakers: tuple[PersonView, ...] = ()
    uid: str = ""
    sequence: int = 0
    waiting_count: int = 0
    hosts: tuple[HostView, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None
    warnings: tuple[str, ...] = ()
    programme_slug: str | None = None  # None unless in a published programme
    programme_title: str = ""
    status_cause: str = ""  # why the app took it off: a code (domain/causes.py)

    @property
    def cause_message(self) -> str:
        """The untranslated message of ``status_cause`` ("" if none); pages translate it, and
        show it only when the organiser typed no reason of their own."""
        return "" if self.status_reason.strip() else CAUSES.get(self.status_cause, "")

    @property
    def location(self) -> str:
        return own_or_series(self.own_location, self.series_location)

    @property
    def meeting_url(self) -> str:
        """The link to join online, whoever may see it (see :attr:`public_meeting_url`)."""
        return own_or_series(self.own_meeting_url, self.series_meeting_url).strip()

    @property
    def meeting_details(self) -> str:
        return own_or_series(self.own_meeting_details, self.series_meeting_details)

    @property
    def public_meeting_url(self) -> str:
        """The link, when the organiser made it visible to everyone; else empty."""
        visible = self.link_visibility == Series.LinkVisibility.everyone
        return self.meeting_url if visible else ""

    @property
    def capacity(self) -> int | None:
        """The date's own capacity, else the series'; None: no limit."""
        return effective_capacity(self.own_capacity, self.series_capacity)

    @property
    def seats_left(self) -> int | None:
        capacity = self.capacity
        return None if capacity is None else max(capacity - self.confirmed_count, 0)

    @property
    def full(self) -> bool:
        return self.seats_left == 0

    @property
    def extra(self) -> bool:
        """Added by hand, not by the series' rule."""
        return self.rule_start is None

    @property
    def moved(self) -> bool:
        return self.rule_start is not None and self.rule_start != self.local_start

    @property
    def moved_from(self) -> datetime | None:
        return self.rule_start if self.moved else None

    @property
    def off(self) -> bool:
        """Cancelled or skipped, or its whole series cancelled: it does not take place."""
        return (
            self.status != EventDate.Status.scheduled
            or self.series_status == Series.Status.cancelled
        )

    @property
    def past(self) -> bool:
        return self.ends_at <= self.read_at

    @property
    def registration_open(self) -> bool:
        """Whether registering is possible now, places aside (the registration rule itself)."""
        facts = DateFacts(
            status=self.status,
            starts_at=self.starts_at,
            series_status=self.series_status,
            published=self.series_published,
            registration_mode=self.registration_mode,
            opens_at=self.opens_at,
            closes_at=self.closes_at,
        )
        return takes_registrations(facts, self.read_at)

    @property
    def can_register(self) -> bool:
        """A register button: registration is open and there is a place or a waiting list."""
        return self.registration_open and (not self.full or self.waitlist)
