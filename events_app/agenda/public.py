"""Read-only queries for the public pages: published data only, never who registered.

The organiser read models (:mod:`events_app.agenda.views`) carry host e-mail addresses,
meeting links and counts meant for organisers; the pages need less, and must show less.  What
leaves this module: titles, texts, times, the effective place, speakers' and hosts' *names*,
materials of past dates, and seats left (effective capacity minus confirmed registrations).
A meeting link (and its details) is only read into the view when the organiser made it
visible to everyone.  The dates come as :class:`~events_app.agenda.dates.DateView`; series,
programmes and organisations are read by :mod:`events_app.agenda.catalogue`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from events_app import clock
from events_app.agenda import catalogue
from events_app.agenda.build import DATE_SERIES_COLUMNS, date_view
from events_app.agenda.dates import DateView, MaterialView, PersonView
from events_app.tables import EventDate, Material, Series, Speaker

__all__ = [
    "AgendaFilter",
    "AgendaPage",
    "FORMATS",
    "PER_PAGE",
    "agenda",
    "date_detail",
    "event_under_way",
    "past_dates",
    "programme_sessions",
    "published_dates",
    "registration_closed",
    "upcoming_dates",
]

PER_PAGE = 20
ZONE = ZoneInfo("Europe/Amsterdam")  # date-range filters are read as Dutch calendar days
# A format filter (the agenda page's and the public feeds'): "online" finds hybrid dates too,
# "in_person" as well, since you can join those either way; "hybrid" finds hybrid dates only.
F = Series.Format
FORMATS: dict[str, tuple[str, ...]] = {
    F.online: (F.online, F.hybrid),
    F.in_person: (F.in_person, F.hybrid),
    F.hybrid: (F.hybrid,),
}
Occ, S = EventDate, Series
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
    Occ.status_cause,
    Occ.topic,
    Occ.note,
    Occ.capacity,
    Occ.location,
    Occ.meeting_url,
    Occ.meeting_details,
    Occ.confirmed_count,
    *DATE_SERIES_COLUMNS,
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
    dates: list[DateView]
    total: int
    page: int
    pages: int


async def _views(
    rows: Sequence[dict[str, Any]], now: datetime, *, materials: bool = False
) -> list[DateView]:
    """The rows as views, with each date's own speakers (else its series'), and optionally
    its materials: two queries for any number of dates."""
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    own: dict[int, list[PersonView]] = defaultdict(list)
    shared: dict[int, list[PersonView]] = defaultdict(list)
    for found in (
        await Speaker.select(Speaker.name, Speaker.role, Speaker.series, Speaker.event_date)
        .where(Speaker.series.is_in(list({row["series"] for row in rows})))
        .order_by(Speaker.position)
        .order_by(Speaker.id)
    ):
        person = PersonView(found["name"], found["role"])
        if found["event_date"] is None:
            shared[found["series"]].append(person)
        elif found["event_date"] in ids:
            own[found["event_date"]].append(person)
    papers: dict[int, list[MaterialView]] = defaultdict(list)
    if materials:
        for found in (
            await Material.select(*MaterialView.columns())
            .where(Material.event_date.is_in(ids))
            .order_by(Material.id)
        ):
            papers[found["event_date"]].append(MaterialView.of(found))
    return [
        date_view(
            row,
            now,
            public=True,
            speakers=own.get(row["id"]) or shared.get(row["series"]) or (),
            materials=papers[row["id"]],
            own_speakers=own[row["id"]],
        )
        for row in rows
    ]


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZONE)


async def agenda(filters: AgendaFilter, page: int = 1, per_page: int = PER_PAGE) -> AgendaPage:
    """Upcoming dates of every organisation (cancelled ones too, marked), filtered, paged."""
    now = clock.now()
    where = (
        Occ.series.published.eq(True)  # type: ignore[union-attr]
        & (Occ.ends_at > now)
        & Occ.removed_at.is_null()  # removed by a schedule change: on no page
    )
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
        where &= Occ.series.is_in(await catalogue.topic_series(filters.topic) or [0])
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
    return AgendaPage(dates=await _views(rows, now), total=total, page=page, pages=pages)


async def upcoming_dates(series_ids: Sequence[int], limit: int = 50) -> list[DateView]:
    """Dates still to come (cancelled and skipped ones too, to be shown as such)."""
    now = clock.now()
    rows = (
        await Occ.select(*DATE_COLUMNS)
        .where(
            Occ.series.is_in(list(series_ids) or [0])
            & (Occ.ends_at > now)
            & Occ.removed_at.is_null()
        )
        .order_by(Occ.starts_at)
        .order_by(Occ.id)
        .limit(limit)
    )
    return await _views(rows, now, materials=True)


async def past_dates(series_id: int, limit: int = 10) -> list[DateView]:
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
    return await _views(rows, now, materials=True)


async def date_detail(series_slug: str, date_id: int) -> DateView | None:
    now = clock.now()
    row = (
        await Occ.select(*DATE_COLUMNS)
        .where(
            (Occ.id == date_id)
            & Occ.removed_at.is_null()  # a removed date is gone: its page is a 404
            & (Occ.series.slug == series_slug)
            & Occ.series.published.eq(True)  # type: ignore[union-attr]
        )
        .first()
    )
    if row is None:
        return None
    return (await _views([row], now, materials=True))[0]


async def programme_sessions(programme_id: int) -> list[tuple[date, list[DateView]]]:
    """The programme's upcoming dates as a schedule: one entry per day, in time order."""
    series = await catalogue.series_list(programme_id=programme_id)
    dates = await upcoming_dates([s["id"] for s in series], limit=200)
    days: dict[date, list[DateView]] = defaultdict(list)
    for d in dates:
        days[d.local_start.date()].append(d)
    return sorted(days.items())


async def published_dates(date_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Published dates by id, in time order (what a "check your mail" page may show)."""
    if not date_ids:
        return []
    return await (
        EventDate.select(
            EventDate.id,
            EventDate.local_start,
            EventDate.local_end,
            EventDate.timezone,
            EventDate.series.slug.as_alias("series_slug"),
            EventDate.series.title.as_alias("series_title"),
        )
        .where(
            EventDate.id.is_in(list(date_ids)) & EventDate.series.published.eq(True)  # type: ignore[union-attr]
        )
        .order_by(EventDate.starts_at)
    )


async def event_under_way(series_id: int) -> bool:
    """Whether a scheduled date of the series has started: an event registered as one then
    takes nobody new (see :mod:`events_app.domain.together`)."""
    return bool(
        await Occ.exists().where(
            (Occ.series == series_id)
            & (Occ.status == Occ.Status.scheduled)
            & (Occ.starts_at <= clock.now())
        )
    )


async def registration_closed(series_id: int) -> bool:
    """Whether the series' registration (or application) time has ended: its form says so
    instead of offering nothing without a reason."""
    row = await Series.select(Series.registration_closes_at).where(Series.id == series_id).first()
    closes = row["registration_closes_at"] if row else None
    return closes is not None and closes <= clock.now()
