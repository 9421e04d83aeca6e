"""What is in each feed: the rows a feed is rendered from (and nothing else).

Raw SQL, because the same scope must hold for the rows here and the version queries in
:mod:`events_app.feeds.versions`, and because one flat row per date (the date, its series and
its organisation) is what the renderer wants.  It runs unchanged on PostgreSQL and SQLite
(Piccolo turns ``{}`` into each driver's placeholder).  Only called when a feed changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from events_app import db
from events_app.settings import get_settings
from events_app.tables import EventDate

__all__ = [
    "DATE_FROM",
    "GHOST_DAYS",
    "GHOST_WHERE",
    "HOSTED",
    "MINE",
    "MINE_WHERE",
    "PublicScope",
    "cutoff_for",
    "ghost_since",
    "host_rows",
    "personal_rows",
    "public_rows",
    "public_title",
    "public_where",
    "speakers_for",
    "waiting_positions",
]

_DATE_COLUMNS = """
    o.id, o.uid, o.sequence, o.status, o.status_reason, o.status_cause, o.topic, o.note,
    o.local_start, o.local_end, o.timezone, o.starts_at, o.ends_at, o.updated_at,
    o.capacity, o.location, o.meeting_url, o.meeting_details,
    o.confirmed_count, o.waiting_count,
    s.id AS series_id, s.slug AS series_slug, s.title AS series_title,
    s.summary AS series_summary, s.kind AS series_kind, s.format AS series_format,
    s.status AS series_status, s.link_visibility AS series_link_visibility,
    s.registration_mode AS series_registration_mode, s.waitlist AS series_waitlist,
    s.location AS series_location, s.meeting_url AS series_meeting_url,
    s.meeting_details AS series_meeting_details, s.capacity AS series_capacity,
    s.tags AS series_tags,
    s.contact_email AS series_contact_email, s.updated_at AS series_updated_at,
    g.name AS organisation_name, g.contact_email AS organisation_email,
    g.updated_at AS organisation_updated_at"""
DATE_FROM = """event_date o
    JOIN series s ON s.id = o.series
    JOIN organisation g ON g.id = s.organisation"""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def cutoff_for(now: datetime, past_days: int) -> datetime:
    """Dates starting before this instant have left the feeds.  A whole UTC day, so the set of
    dates (and with it the version) changes once a day, not with every poll."""
    day: date = now.astimezone(UTC).date() - timedelta(days=past_days)
    return datetime.combine(day, time(0), tzinfo=UTC)


# A date a schedule change removed (nobody had registered: ``EventDate.removed_at``) is on no
# page, but a calendar that subscribed to a feed before still holds it.  Feeds keep it as
# STATUS:CANCELLED (its SEQUENCE was raised) for GHOST_DAYS after the removal, long enough for
# calendars that refresh rarely to drop it, and then leave it out (past dates leave anyway).
# The window is counted in whole UTC days from the same day as the cutoff, so it moves when
# the cutoff moves: feed versions and the served cache carry the cutoff's day, so a feed whose
# ghost just left is never served stale.
GHOST_DAYS = 56
GHOST_WHERE = "(o.removed_at IS NULL OR o.removed_at >= {})"


def ghost_since(cutoff: datetime) -> datetime:
    """Removed dates whose removal lies before this instant have left the feeds."""
    return cutoff + timedelta(days=get_settings().feed_past_days - GHOST_DAYS)


def _loaded(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        row["series_tags"] = db.json_strings(row["series_tags"])  # hashable, like every value
    return rows


# --- public feeds ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PublicScope:
    """Which published dates a public feed shows.  One of ``organisation`` / ``series`` /
    ``programme`` / ``date_id`` (or none: every organisation), plus filters."""

    organisation: str | None = None
    series: str | None = None
    programme: str | None = None
    date_id: int | None = None
    kind: str | None = None
    formats: tuple[str, ...] = ()
    topic: str | None = None  # a tag; applied to the rows (tags are JSON), not in SQL


def public_where(scope: PublicScope, cutoff: datetime) -> tuple[str, list[Any]]:
    conditions: list[str] = ["s.published = {}", GHOST_WHERE]
    args: list[Any] = [True, ghost_since(cutoff)]
    if scope.date_id is not None:
        conditions.append("o.id = {}")  # a single date is there to download, past or not
        args.append(scope.date_id)
    else:
        conditions.append("o.starts_at >= {}")
        args.append(cutoff)
    if scope.organisation is not None:
        conditions.append("g.slug = {}")
        args.append(scope.organisation)
    if scope.series is not None:
        conditions.append("s.slug = {}")
        args.append(scope.series)
    if scope.programme is not None:
        conditions.append(
            "s.programme IN (SELECT p.id FROM programme p WHERE p.slug = {} AND p.published = {})"
        )
        args.extend([scope.programme, True])
    if scope.kind is not None:
        conditions.append("s.kind = {}")
        args.append(scope.kind)
    if scope.formats:
        conditions.append(f"s.format IN ({', '.join('{}' for _ in scope.formats)})")
        args.extend(scope.formats)
    return " AND ".join(conditions), args


async def public_rows(scope: PublicScope, cutoff: datetime) -> list[dict[str, Any]]:
    where, args = public_where(scope, cutoff)
    sql = f"SELECT {_DATE_COLUMNS} FROM {DATE_FROM} WHERE {where} ORDER BY o.starts_at, o.id"
    rows = _loaded(await EventDate.raw(sql, *args))
    if scope.topic is not None:
        rows = [row for row in rows if scope.topic in row["series_tags"]]
    return rows


async def public_title(scope: PublicScope) -> dict[str, Any] | None:
    """Name, description and slug of the feed's subject (series, programme, organisation)."""
    if scope.series is not None:
        sql, arg = "SELECT title, summary, slug FROM series WHERE slug = {}", scope.series
    elif scope.programme is not None:
        sql, arg = "SELECT title, summary, slug FROM programme WHERE slug = {}", scope.programme
    elif scope.organisation is not None:
        sql = "SELECT name AS title, '' AS summary, slug FROM organisation WHERE slug = {}"
        arg = scope.organisation
    else:
        return None
    rows = await EventDate.raw(sql, arg)
    return rows[0] if rows else None


async def speakers_for(series_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Speakers of these series and of their dates, in display order."""
    found: list[dict[str, Any]] = []
    ids = sorted(set(series_ids))
    for start in range(0, len(ids), 500):  # SQLite's bound on parameters
        chunk = ids[start : start + 500]
        marks = ", ".join("{}" for _ in chunk)
        found.extend(
            await EventDate.raw(
                "SELECT series, event_date, name, role, position, id FROM speaker"
                f" WHERE series IN ({marks}) ORDER BY position, id",
                *chunk,
            )
        )
    found.sort(key=lambda row: (row["position"], row["id"]))
    return found


# --- personal feeds (Attendee.feed_token) ----------------------------------------------

MINE = """registration r
    JOIN event_date o ON o.id = r.event_date
    JOIN series s ON s.id = o.series
    JOIN organisation g ON g.id = s.organisation"""
# Active registrations while the date is in the window; cancelled ones for as long, counted
# from the cancellation, so that a subscribed calendar sees STATUS:CANCELLED and removes it.
MINE_WHERE = "o.starts_at >= {} AND (r.status <> 'cancelled' OR r.cancelled_at >= {})"


async def personal_rows(attendee_id: int, cutoff: datetime) -> list[dict[str, Any]]:
    sql = f"""SELECT {_DATE_COLUMNS}, r.id AS registration_id,
            r.status AS registration_status, r.created_at AS registered_at,
            r.updated_at AS registration_updated_at
        FROM {MINE}
        WHERE r.attendee = {{}} AND {MINE_WHERE}
        ORDER BY o.starts_at, o.id"""
    return _loaded(await EventDate.raw(sql, attendee_id, cutoff, cutoff))


async def waiting_positions(date_ids: Sequence[int]) -> dict[int, int]:
    """Registration id → 1-based place on its date's waiting list (order of joining)."""
    if not date_ids:
        return {}
    ids = sorted(set(date_ids))
    marks = ", ".join("{}" for _ in ids)
    rows = await EventDate.raw(
        "SELECT id, event_date, waiting_since FROM registration"
        f" WHERE status = 'waiting' AND event_date IN ({marks})",
        *ids,
    )
    rows.sort(key=lambda r: (r["event_date"], db.instant(r["waiting_since"]) or _EPOCH, r["id"]))
    positions: dict[int, int] = {}
    place: dict[int, int] = {}
    for row in rows:
        place[row["event_date"]] = place.get(row["event_date"], 0) + 1
        positions[row["id"]] = place[row["event_date"]]
    return positions


# --- host feeds (Account.host_feed_token) -------------------------------------------------

HOSTED = f"""(o.series IN (SELECT h.series FROM series_host h
        WHERE h.account = {{}} AND h.event_date IS NULL)
    OR o.id IN (SELECT h.event_date FROM series_host h
        WHERE h.account = {{}} AND h.event_date IS NOT NULL))
    AND o.starts_at >= {{}} AND {GHOST_WHERE}"""


async def host_rows(account_id: int, cutoff: datetime) -> list[dict[str, Any]]:
    sql = f"SELECT {_DATE_COLUMNS} FROM {DATE_FROM} WHERE {HOSTED} ORDER BY o.starts_at, o.id"
    args = (account_id, account_id, cutoff, ghost_since(cutoff))
    return _loaded(await EventDate.raw(sql, *args))
