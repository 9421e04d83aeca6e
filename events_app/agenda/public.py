"""Read-only queries for the public pages: published data only, never who registered.

The organiser read models (:mod:`events_app.agenda.views`) carry host e-mail addresses,
meeting links and counts meant for organisers; the pages need less, and must show less.  What
leaves this module: titles, texts, times, the effective place, speakers' and hosts' *names*,
materials of past dates, and seats left (effective capacity minus confirmed registrations).
A meeting link is only included when the organiser made it visible to everyone.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from events_app import clock
from events_app.agenda.views import rule_text
from events_app.domain.overrides import own_or_series
from events_app.domain.seats import effective_capacity
from events_app.tables import (
    Material,
    Occurrence,
    Organisation,
    Programme,
    Series,
    SeriesHost,
    Speaker,
)

__all__ = [
    "AgendaFilter",
    "AgendaPage",
    "FORMATS",
    "PER_PAGE",
    "agenda",
    "date_detail",
    "organisation_by_slug",
    "organisations",
    "past_dates",
    "programme_by_slug",
    "programme_sessions",
    "programmes_of",
    "series_by_slug",
    "series_list",
    "topics",
    "upcoming_dates",
]

PER_PAGE = 20
ZONE = ZoneInfo("Europe/Amsterdam")  # date-range filters are read as Dutch calendar days
# "online" finds hybrid dates too, "in_person" as well: you can join those either way.
FORMATS: dict[str, tuple[str, ...]] = {
    "online": ("online", "hybrid"),
    "in_person": ("in_person", "hybrid"),
}
Occ, S = Occurrence, Series
DATE_COLUMNS = (
    Occ.id,
    Occ.series,
    Occ.rule_start,
    Occ.local_start,
    Occ.local_end,
    Occ.timezone,
    Occ.starts_at,
    Occ.ends_at,
    Occ.status,
    Occ.status_reason,
    Occ.topic,
    Occ.note,
    Occ.capacity,
    Occ.location,
    Occ.meeting_url,
    Occ.meeting_details,
    Occ.confirmed_count,
    Occ.series.slug.as_alias("series_slug"),
    Occ.series.title.as_alias("series_title"),
    Occ.series.summary.as_alias("series_summary"),
    Occ.series.kind.as_alias("kind"),
    Occ.series.format.as_alias("format"),
    Occ.series.capacity.as_alias("series_capacity"),
    Occ.series.waitlist.as_alias("waitlist"),
    Occ.series.location.as_alias("series_location"),
    Occ.series.meeting_url.as_alias("series_meeting_url"),
    Occ.series.meeting_details.as_alias("series_meeting_details"),
    Occ.series.link_visibility.as_alias("link_visibility"),
    Occ.series.registration_mode.as_alias("registration_mode"),
    Occ.series.registration_opens_at.as_alias("opens_at"),
    Occ.series.registration_closes_at.as_alias("closes_at"),
    Occ.series.status.as_alias("series_status"),
    Occ.series.organisation.name.as_alias("organisation_name"),  # type: ignore[union-attr]
    Occ.series.organisation.slug.as_alias("organisation_slug"),  # type: ignore[union-attr]
)


@dataclass(frozen=True, slots=True)
class AgendaFilter:
    organisation: str | None = None
    kind: str | None = None
    topic: str | None = None
    format: str | None = None  # a key of FORMATS
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True, slots=True)
class AgendaPage:
    dates: list[dict[str, Any]]
    total: int
    page: int
    pages: int


def _tags(value: Any) -> list[str]:
    loaded = json.loads(value) if isinstance(value, str | bytes) else value
    return [str(tag) for tag in loaded or ()]


def _public_date(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A date as the pages show it: overrides resolved, seats left, nothing personal."""
    capacity = effective_capacity(row["capacity"], row["series_capacity"])
    seats_left = None if capacity is None else max(capacity - row["confirmed_count"], 0)
    rule_start = row["rule_start"]
    moved = rule_start is not None and rule_start != row["local_start"]
    meeting_url = own_or_series(row["meeting_url"], row["series_meeting_url"])
    location = own_or_series(row["location"], row["series_location"])
    opens, closes = row["opens_at"], row["closes_at"]
    open_now = (
        row["status"] == Occ.Status.scheduled
        and row["series_status"] != S.Status.cancelled
        and row["registration_mode"] != S.RegistrationMode.none
        and row["starts_at"] > now
        and (opens is None or opens <= now)
        and (closes is None or now < closes)
    )
    full = seats_left == 0
    return {
        "id": row["id"],
        "series_id": row["series"],
        "series_slug": row["series_slug"],
        "series_title": row["series_title"],
        "series_summary": row["series_summary"],
        "organisation_name": row["organisation_name"],
        "organisation_slug": row["organisation_slug"],
        "kind": row["kind"],
        "format": row["format"],
        "status": row["status"],
        "status_reason": row["status_reason"],
        "topic": row["topic"],
        "note": row["note"],
        "local_start": row["local_start"],
        "local_end": row["local_end"],
        "timezone": row["timezone"],
        "starts_at": row["starts_at"],
        "ends_at": row["ends_at"],
        "moved": moved,
        "moved_from": rule_start if moved else None,
        "location": location or "",
        "meeting_url": (meeting_url or "") if row["link_visibility"] == "everyone" else "",
        "capacity": capacity,
        "seats_left": seats_left,
        "full": full,
        "waitlist": bool(row["waitlist"]),
        "registration_mode": row["registration_mode"],
        "can_register": open_now and (not full or bool(row["waitlist"])),
        "past": row["ends_at"] <= now,
        "speakers": [],
        "materials": [],
    }


async def _with_speakers(dates: list[dict[str, Any]], *, materials: bool = False) -> None:
    """Each date's own speakers (else its series'), and optionally its materials."""
    if not dates:
        return
    ids = [d["id"] for d in dates]
    series_ids = list({d["series_id"] for d in dates})
    own: dict[int, list[dict[str, str]]] = defaultdict(list)
    shared: dict[int, list[dict[str, str]]] = defaultdict(list)
    rows = (
        await Speaker.select(Speaker.name, Speaker.role, Speaker.series, Speaker.occurrence)
        .where(Speaker.series.is_in(series_ids))
        .order_by(Speaker.position)
        .order_by(Speaker.id)
    )
    for row in rows:
        person = {"name": row["name"], "role": row["role"]}
        if row["occurrence"] is None:
            shared[row["series"]].append(person)
        elif row["occurrence"] in ids:
            own[row["occurrence"]].append(person)
    for d in dates:
        d["speakers"] = own.get(d["id"]) or shared.get(d["series_id"], [])
    if materials:
        found: dict[int, list[dict[str, str]]] = defaultdict(list)
        for row in (
            await Material.select(Material.title, Material.url, Material.occurrence)
            .where(Material.occurrence.is_in(ids))
            .order_by(Material.id)
        ):
            found[row["occurrence"]].append({"title": row["title"], "url": row["url"]})
        for d in dates:
            d["materials"] = found.get(d["id"], [])


async def _topic_series(topic: str) -> list[int]:
    rows = await S.select(S.id, S.tags).where(S.published.eq(True))
    return [row["id"] for row in rows if topic in _tags(row["tags"])]


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZONE)


async def agenda(filters: AgendaFilter, page: int = 1, per_page: int = PER_PAGE) -> AgendaPage:
    """Upcoming dates of every organisation (cancelled ones too, marked), filtered, paged."""
    now = clock.now()
    where = Occ.series.published.eq(True) & (Occ.ends_at > now)  # type: ignore[union-attr]
    if filters.date_from is not None:
        where &= Occ.starts_at >= _day_start(filters.date_from)
    if filters.date_to is not None:
        where &= Occ.starts_at < _day_start(filters.date_to + timedelta(days=1))
    if filters.organisation:
        where &= Occ.series.organisation.slug == filters.organisation  # type: ignore[union-attr]
    if filters.kind:
        where &= Occ.series.kind == filters.kind
    if filters.format in FORMATS:
        where &= Occ.series.format.is_in(list(FORMATS[filters.format]))
    if filters.topic:
        where &= Occ.series.is_in(await _topic_series(filters.topic) or [0])
    # Ids first (one small column; the joins in WHERE rule out COUNT here), then one page.
    ids = [
        row["id"]
        for row in await Occ.select(Occ.id).where(where).order_by(Occ.starts_at).order_by(Occ.id)
    ]
    total = len(ids)
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    chosen = ids[(page - 1) * per_page : page * per_page]
    rows = (
        await Occ.select(*DATE_COLUMNS)
        .where(Occ.id.is_in(chosen or [0]))
        .order_by(Occ.starts_at)
        .order_by(Occ.id)
    )
    dates = [_public_date(row, now) for row in rows]
    await _with_speakers(dates)
    return AgendaPage(dates=dates, total=total, page=page, pages=pages)


async def organisations() -> list[dict[str, Any]]:
    """Organisations that have at least one published series (for the agenda filter)."""
    published = S.select(S.organisation).where(S.published.eq(True))
    return list(
        await Organisation.select(Organisation.slug, Organisation.name)
        .where(Organisation.id.is_in(published))
        .order_by(Organisation.name)
    )


async def topics() -> list[str]:
    rows = await S.select(S.tags).where(S.published.eq(True))
    return sorted({tag for row in rows for tag in _tags(row["tags"])}, key=str.casefold)


async def _hosts(series_id: int) -> list[str]:
    rows = await SeriesHost.select(SeriesHost.account.name.as_alias("name")).where(
        (SeriesHost.series == series_id) & SeriesHost.occurrence.is_null()
    )
    return [row["name"] for row in rows]


async def series_by_slug(slug: str) -> dict[str, Any] | None:
    """A published series with its organisation, programme, rule in words and hosts' names."""
    row = (
        await S.select(
            S.id,
            S.slug,
            S.title,
            S.kind,
            S.summary,
            S.description,
            S.format,
            S.location,
            S.registration_mode,
            S.capacity,
            S.waitlist,
            S.rrule,
            S.first_start,
            S.duration_minutes,
            S.timezone,
            S.tags,
            S.status,
            S.contact_email,
            S.organisation,
            S.organisation.name.as_alias("organisation_name"),
            S.organisation.slug.as_alias("organisation_slug"),
            S.organisation.consent_text.as_alias("consent_text"),
            S.programme.slug.as_alias("programme_slug"),
            S.programme.title.as_alias("programme_title"),
            S.programme.published.as_alias("programme_published"),
        )
        .where((S.slug == slug) & S.published.eq(True))
        .first()
    )
    if row is None:
        return None
    row["tags"] = _tags(row["tags"])
    row["rule_text"] = rule_text(row)
    row["hosts"] = await _hosts(row["id"])
    speakers = await Speaker.select(Speaker.name, Speaker.role, Speaker.bio).where(
        (Speaker.series == row["id"]) & Speaker.occurrence.is_null()
    )
    row["speakers"] = list(speakers)
    if not row["programme_published"]:
        row["programme_slug"] = None
    return row


async def upcoming_dates(series_ids: Sequence[int], limit: int = 50) -> list[dict[str, Any]]:
    """Dates still to come (cancelled and skipped ones too, to be shown as such)."""
    now = clock.now()
    rows = (
        await Occ.select(*DATE_COLUMNS)
        .where(Occ.series.is_in(list(series_ids) or [0]) & (Occ.ends_at > now))
        .order_by(Occ.starts_at)
        .order_by(Occ.id)
        .limit(limit)
    )
    dates = [_public_date(row, now) for row in rows]
    await _with_speakers(dates, materials=True)
    return dates


async def past_dates(series_id: int, limit: int = 10) -> list[dict[str, Any]]:
    """The most recent past dates that took place, newest first, with their materials."""
    now = clock.now()
    rows = (
        await Occ.select(*DATE_COLUMNS)
        .where(
            (Occ.series == series_id) & (Occ.ends_at <= now) & (Occ.status == Occ.Status.scheduled)
        )
        .order_by(Occ.starts_at, ascending=False)
        .limit(limit)
    )
    dates = [_public_date(row, now) for row in rows]
    await _with_speakers(dates, materials=True)
    return dates


async def date_detail(series_slug: str, occurrence_id: int) -> dict[str, Any] | None:
    now = clock.now()
    row = (
        await Occ.select(*DATE_COLUMNS)
        .where(
            (Occ.id == occurrence_id)
            & (Occ.series.slug == series_slug)
            & Occ.series.published.eq(True)  # type: ignore[union-attr]
        )
        .first()
    )
    if row is None:
        return None
    found = _public_date(row, now)
    await _with_speakers([found], materials=True)
    return found


async def series_list(
    *, organisation_id: int | None = None, programme_id: int | None = None
) -> list[dict[str, Any]]:
    query = S.select(S.id, S.slug, S.title, S.summary, S.kind, S.format).where(S.published.eq(True))
    if organisation_id is not None:
        query = query.where(S.organisation == organisation_id)
    if programme_id is not None:
        query = query.where(S.programme == programme_id)
    return list(await query.order_by(S.title))


async def programme_by_slug(slug: str) -> dict[str, Any] | None:
    return await (
        Programme.select(
            Programme.id,
            Programme.slug,
            Programme.title,
            Programme.summary,
            Programme.description,
            Programme.selection,
            Programme.organisation,
            Programme.organisation.name.as_alias("organisation_name"),
            Programme.organisation.slug.as_alias("organisation_slug"),
            Programme.organisation.consent_text.as_alias("consent_text"),
        )
        .where((Programme.slug == slug) & Programme.published.eq(True))
        .first()
    )


async def programme_sessions(programme_id: int) -> list[tuple[date, list[dict[str, Any]]]]:
    """The programme's upcoming dates as a schedule: one entry per day, in time order."""
    series = await series_list(programme_id=programme_id)
    dates = await upcoming_dates([s["id"] for s in series], limit=200)
    days: dict[date, list[dict[str, Any]]] = defaultdict(list)
    for d in dates:
        days[d["local_start"].date()].append(d)
    return sorted(days.items())


async def programmes_of(organisation_id: int) -> list[dict[str, Any]]:
    return list(
        await Programme.select(Programme.slug, Programme.title, Programme.summary)
        .where((Programme.organisation == organisation_id) & Programme.published.eq(True))
        .order_by(Programme.title)
    )


async def organisation_by_slug(slug: str) -> dict[str, Any] | None:
    return await (
        Organisation.select(Organisation.id, Organisation.slug, Organisation.name)
        .where(Organisation.slug == slug)
        .first()
    )


async def published_dates(occurrence_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Published dates by id, in time order (what a "check your mail" page may show)."""
    if not occurrence_ids:
        return []
    return await (
        Occurrence.select(
            Occurrence.id,
            Occurrence.local_start,
            Occurrence.local_end,
            Occurrence.timezone,
            Occurrence.series.slug.as_alias("series_slug"),
            Occurrence.series.title.as_alias("series_title"),
        )
        .where(
            Occurrence.id.is_in(list(occurrence_ids)) & Occurrence.series.published.eq(True)  # type: ignore[union-attr]
        )
        .order_by(Occurrence.starts_at)
    )
