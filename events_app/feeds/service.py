"""Serve one feed: read its version, reuse the cached render when current, else render once.

Per request, in the usual case (nothing changed): one tiny query for the database snapshot
(PostgreSQL), and the cached version and body are used as they are.  When the snapshot moved,
the feed's aggregate version query runs (once, however many requests wait for it); only when
that version moved too, the rows are read and the feed is rendered, in a worker thread so the
event loop keeps answering.  On SQLite (one process) the aggregate runs on every request.

The web layer turns the :class:`~events_app.feeds.cache.FeedEntry` into HTTP.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from events_app import clock, urls
from events_app.calendar.describe import Language
from events_app.calendar.ics import IcsCalendar, IcsEvent
from events_app.calendar.links import CalendarLinks, links_for
from events_app.calendar.words import TEXT
from events_app.domain.errors import NotFound
from events_app.feeds import cache, queries, versions
from events_app.feeds.build import Variant, public_event_of, render_feed, speaker_map
from events_app.feeds.cache import FeedEntry
from events_app.feeds.queries import PublicScope
from events_app.feeds.versions import Version
from events_app.settings import get_settings

__all__ = [
    "FeedKind",
    "PublicFeed",
    "calendar_links",
    "host_feed",
    "personal_feed",
    "public_event",
    "public_feed",
    "served",
]

REFRESH = timedelta(hours=1)
FeedKind = Literal["all", "organisation", "series", "programme", "date"]


def _t(language: Language, key: str, *args: object) -> str:
    text = TEXT[key][0 if language == "nl" else 1]
    return text.format(*args) if args else text


def _language(value: object) -> Language:
    return "en" if value == "en" else "nl"


_last_cutoff: tuple[datetime, int, datetime] | None = None


def _cutoff() -> datetime:
    """Asked on every poll: computed again only when the second or the setting changed."""
    global _last_cutoff
    now, days = clock.now(), get_settings().feed_past_days
    last = _last_cutoff
    if last is not None and last[0] == now and last[1] == days:
        return last[2]
    cutoff = queries.cutoff_for(now, days)
    _last_cutoff = (now, days, cutoff)
    return cutoff


def _unknown() -> NotFound:
    return NotFound("feed_unknown", "This calendar feed does not exist (any more).")


async def _version(
    key: Hashable, read: Callable[[], Awaitable[Version]]
) -> tuple[Version, str | None]:
    """The feed's version, read again only when the database snapshot has moved; with the
    snapshot it holds at (None on SQLite)."""
    snapshot = await versions.snapshot()
    if snapshot is None:
        return await read(), None
    known = cache.version_cache.get(key)
    if known is not None and known[0] == snapshot:
        version: Version = known[1]
        return version, snapshot
    version = await cache.single_flight(("version", key, snapshot), read)
    cache.version_cache.put(key, (snapshot, version))
    return version, snapshot


Address = Hashable  # what the web layer asked with (path and query): see served()


async def served(address: Address) -> tuple[FeedEntry, bool] | None:
    """The entry (and whether it is private) last served for ``address``, when it is still
    current: the database snapshot is the one its version was read at (no transaction has
    finished since, so no feed has changed) and the cutoff day is the same.  Costs one shared
    snapshot read (PostgreSQL) and no version query; None when that cannot tell (SQLite, or
    something changed): then the feed's own function decides."""
    known = cache.served_cache.get(address)
    if known is None:
        return None
    snapshot = await versions.snapshot()
    if snapshot is None or snapshot != known.snapshot or known.cutoff != _cutoff():
        return None
    return known.entry, known.private


def _remember(
    address: Address | None,
    snapshot: str | None,
    cutoff: datetime,
    entry: FeedEntry,
    *,
    private: bool,
) -> FeedEntry:
    if address is not None and snapshot is not None:
        cache.served_cache.put(address, cache.Served(snapshot, cutoff, entry, private))
    return entry


def _calendar(name: str, description: str | None, url: str) -> IcsCalendar:
    return IcsCalendar(
        name=name, description=description, refresh=REFRESH, method="PUBLISH", url=url
    )


@dataclass(frozen=True, slots=True)
class PublicFeed:
    """One public feed as asked for: also the cache key, so ``url`` (the feed's own address,
    written into it as SOURCE) must be canonical for the scope and language."""

    kind: FeedKind
    scope: PublicScope
    language: Language
    url: str


async def public_feed(feed: PublicFeed, address: Address | None = None) -> FeedEntry:
    cutoff = _cutoff()
    version, snapshot = await _version(
        ("public", feed, cutoff), lambda: versions.public_version(feed.scope, cutoff)
    )
    if not version.found:
        raise _unknown()

    async def render() -> FeedEntry:
        rows = await queries.public_rows(feed.scope, cutoff)
        speakers = speaker_map(await queries.speakers_for([row["series_id"] for row in rows]))
        calendar = await _public_calendar(feed, rows)
        variant = Variant("public", feed.language)
        entry = await asyncio.to_thread(
            render_feed, calendar, rows, speakers, variant, version.key, version.last_modified
        )
        if feed.kind == "date" and rows:
            entry.filename = f"{rows[0]['series_slug']}-{rows[0]['local_start']:%Y-%m-%d}.ics"
        return entry

    entry = await cache.get_or_render(("public", feed), version.key, render)
    return _remember(address, snapshot, cutoff, entry, private=False)


async def _public_calendar(feed: PublicFeed, rows: list[dict[str, Any]]) -> IcsCalendar:
    lang = feed.language
    if feed.kind == "date":
        name = rows[0]["series_title"] if rows else _t(lang, "cal_all")
        return IcsCalendar(name=name, refresh=None, method="PUBLISH")
    subject = await queries.public_title(feed.scope)
    description: str | None
    if feed.kind == "all" or subject is None:
        name = _t(lang, "cal_all")
        if subject is not None:  # all.ics filtered to one organisation
            name = f"{name} – {subject['title']}"
        description = _t(lang, "cal_all_desc")
    elif feed.kind == "organisation":
        name, description = subject["title"], _t(lang, "cal_org_desc", subject["title"])
    else:
        name, description = subject["title"], subject["summary"] or None
    return _calendar(name, description, feed.url)


async def personal_feed(token: str, address: Address | None = None) -> FeedEntry:
    """One person's registrations (Attendee.feed_token), in the attendee's language."""
    if not token or len(token) > 100:
        raise _unknown()
    cutoff = _cutoff()
    version, snapshot = await _version(
        ("personal", token, cutoff), lambda: versions.personal_version(token, cutoff)
    )
    if not version.found:
        raise _unknown()
    subject = version.subject

    async def render() -> FeedEntry:
        lang = _language(subject["language"])
        rows = await queries.personal_rows(subject["attendee_id"], cutoff)
        waiting = [row["id"] for row in rows if row["registration_status"] == "waiting"]
        positions = await queries.waiting_positions(waiting)
        speakers = speaker_map(await queries.speakers_for([row["series_id"] for row in rows]))
        # No manage link here: the feed address is shared with calendar apps (and sometimes
        # with people), and must not give the power to cancel; the mails carry that link.
        variant = Variant("attendee", lang, None)
        calendar = _calendar(
            _t(lang, "cal_personal"), _t(lang, "cal_personal_desc"), urls.personal_feed(token)
        )
        return await asyncio.to_thread(
            render_feed,
            calendar,
            rows,
            speakers,
            variant,
            version.key,
            version.last_modified,
            positions,
        )

    entry = await cache.get_or_render(("personal", token), version.key, render)
    return _remember(address, snapshot, cutoff, entry, private=True)


async def host_feed(token: str, address: Address | None = None) -> FeedEntry:
    """The dates one account hosts (Account.host_feed_token), with the numbers registered."""
    if not token or len(token) > 100:
        raise _unknown()
    cutoff = _cutoff()
    version, snapshot = await _version(
        ("host", token, cutoff), lambda: versions.host_version(token, cutoff)
    )
    if not version.found:
        raise _unknown()
    subject = version.subject

    async def render() -> FeedEntry:
        lang = _language(subject["language"])
        rows = await queries.host_rows(subject["account_id"], cutoff)
        speakers = speaker_map(await queries.speakers_for([row["series_id"] for row in rows]))
        calendar = _calendar(_t(lang, "cal_host"), _t(lang, "cal_host_desc"), urls.host_feed(token))
        variant = Variant("host", lang)
        return await asyncio.to_thread(
            render_feed, calendar, rows, speakers, variant, version.key, version.last_modified
        )

    entry = await cache.get_or_render(("host", token), version.key, render)
    return _remember(address, snapshot, cutoff, entry, private=True)


async def public_event(date_id: int, language: Language = "nl") -> IcsEvent | None:
    """One published date as the public feeds describe it (None when not published): for
    pages that offer "add to Google Calendar / Outlook.com" beside the .ics download."""
    rows = await queries.public_rows(PublicScope(date_id=date_id), _cutoff())
    if not rows:
        return None
    speakers = speaker_map(await queries.speakers_for([rows[0]["series_id"]]))
    return public_event_of(rows[0], speakers, language)


async def calendar_links(date_id: int, language: Language = "nl") -> CalendarLinks | None:
    """Google Calendar and Outlook.com links for one published date (pages)."""
    event = await public_event(date_id, language)
    return links_for(event) if event is not None else None
