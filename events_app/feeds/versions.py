"""Has a feed changed?  Cheap answers, read from the database on every request.

Two levels, so that an unchanged feed costs one tiny query:

1. :func:`snapshot` (PostgreSQL): the database's current snapshot.  While it is the same, no
   transaction has finished, so nothing changed and the version read earlier still holds.
2. The feed's version (:func:`public_version`, :func:`personal_version`, :func:`host_version`):
   one aggregate query whose result changes whenever the feed's bytes would.  Services bump
   ``updated_at`` on every change (and ``Occurrence.sequence`` on every change of a date);
   counts and sums of ids catch dates that enter or leave the feed (published, unpublished,
   deleted); the counters shown in text (``confirmed_count``, ``waiting_count``) are summed
   in; on PostgreSQL the transaction ids (``xmin``) of series and organisations catch two
   edits within one second.  It also tells whether the slug or token exists (404).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from piccolo.engine.postgres import PostgresEngine

from events_app import db
from events_app.feeds.queries import DATE_FROM, HOSTED, MINE, MINE_WHERE, PublicScope
from events_app.feeds.queries import parse_instant as _instant
from events_app.tables import Occurrence

__all__ = [
    "Coalesced",
    "Version",
    "host_version",
    "personal_version",
    "public_version",
    "snapshot",
]


@dataclass(frozen=True, slots=True)
class Version:
    """What a feed is at this moment, without its text.

    ``key`` is compared for equality only; ``last_modified`` is the latest change seen
    (None when nothing in scope has a change time); ``subject`` holds the attendee's or
    account's id and language for personal and host feeds.
    """

    found: bool
    key: tuple[object, ...] = ()
    last_modified: datetime | None = None
    subject: dict[str, Any] = field(default_factory=dict)


def _version(row: dict[str, Any], *extra: object, subject: dict[str, Any] | None = None) -> Version:
    stamps = [_instant(v) for k, v in row.items() if k.endswith("_changed")]
    known = [stamp for stamp in stamps if stamp is not None]
    key = tuple(v if isinstance(v, int | str | type(None)) else str(v) for v in row.values())
    return Version(True, (*key, *extra), max(known) if known else None, subject or {})


def _revisions(*aliases: str) -> str:
    """``, SUM(x.xmin…)`` per table alias on PostgreSQL; nothing on SQLite."""
    if not db.is_postgres():
        return ""
    return "".join(f", SUM({a}.xmin::text::bigint) AS {a}_rev" for a in aliases)


def _date_states(alias: str = "") -> str:
    """Statuses weighted by id: a change of status moves the sum even within one second, when
    ``updated_at`` (whole seconds) does not (SQLite has no xmin to fall back on)."""
    a = f"{alias}." if alias else ""
    return (
        f"SUM((CASE {a}status WHEN 'scheduled' THEN 1 WHEN 'cancelled' THEN 2 ELSE 3 END) * {a}id)"
    )


def _series_states(alias: str = "") -> str:
    a = f"{alias}." if alias else ""
    published = f"CASE WHEN {a}published THEN 1 ELSE 2 END"
    return f"SUM(({published} + CASE {a}status WHEN 'active' THEN 0 ELSE 2 END) * {a}id)"


# --- public feeds ------------------------------------------------------------------------


def _series_set(scope: PublicScope) -> tuple[str, list[Any]] | None:
    """The ids of every series (published or not) the feed could show; None: all."""
    if scope.series is not None:
        return "SELECT id FROM series WHERE slug = {}", [scope.series]
    if scope.programme is not None:
        return (
            "SELECT id FROM series WHERE programme IN (SELECT id FROM programme WHERE slug = {})",
            [scope.programme],
        )
    if scope.organisation is not None:
        return (
            "SELECT id FROM series WHERE organisation IN"
            " (SELECT id FROM organisation WHERE slug = {})",
            [scope.organisation],
        )
    return None


def _anchor(scope: PublicScope) -> tuple[str, list[Any]] | None:
    """The feed's subject: NULL when the slug is unknown (404); its change time otherwise."""
    if scope.series is not None:
        sql = "SELECT updated_at FROM series WHERE slug = {} AND published = {}"
        return sql, [scope.series, True]
    if scope.programme is not None:
        sql = "SELECT updated_at FROM programme WHERE slug = {} AND published = {}"
        return sql, [scope.programme, True]
    if scope.organisation is not None:
        return "SELECT updated_at FROM organisation WHERE slug = {}", [scope.organisation]
    return None


async def public_version(scope: PublicScope, cutoff: datetime) -> Version:
    """Aggregates over the scope's dates, series and organisations, without joins: a feed
    filtered by kind, format or topic shares its organisation's (or everyone's) version,
    which changes a little more often than needed and never less."""
    if scope.occurrence_id is not None:
        return await _date_version(scope.occurrence_id)
    args: list[Any] = []
    anchor = _anchor(scope)
    columns = "o.*, s.*, g.*"
    if anchor is not None:
        columns += f", ({anchor[0]}) AS anchor_changed"
        args.extend(anchor[1])
    in_set = ""
    series_set = _series_set(scope)
    dates = "starts_at >= {}"
    args.append(cutoff)
    if series_set is not None:
        in_set = f" WHERE id IN ({series_set[0]})"
        dates += f" AND series IN ({series_set[0]})"
        args.extend(series_set[1])
    series_args = series_set[1] if series_set is not None else []
    organisations = f" WHERE id IN (SELECT organisation FROM series{in_set})" if in_set else ""
    sql = f"""SELECT {columns} FROM
        (SELECT COUNT(*) AS n, SUM(id) AS ids, SUM(sequence) AS sequences,
            {_date_states()} AS statuses,
            MAX(updated_at) AS o_changed FROM occurrence WHERE {dates}) o,
        (SELECT COUNT(*) AS series_n, SUM(id) AS series_ids, MAX(updated_at) AS s_changed,
            {_series_states()} AS series_states
            {_revisions("series")} FROM series{in_set}) s,
        (SELECT COUNT(*) AS organisations, MAX(updated_at) AS g_changed
            {_revisions("organisation")} FROM organisation{organisations}) g"""
    rows = await Occurrence.raw(sql, *args, *series_args, *series_args)
    row = rows[0]
    if anchor is not None and row["anchor_changed"] is None:
        return Version(found=False)
    return _version(row, cutoff.date())


async def _date_version(occurrence_id: int) -> Version:
    revisions = ", o.xmin::text AS o_rev, s.xmin::text AS s_rev, g.xmin::text AS g_rev"
    sql = f"""SELECT o.sequence, o.updated_at AS o_changed, s.updated_at AS s_changed,
            g.updated_at AS g_changed{revisions if db.is_postgres() else ""}
        FROM {DATE_FROM} WHERE o.id = {{}} AND s.published = {{}}"""
    rows = await Occurrence.raw(sql, occurrence_id, True)
    return _version(rows[0]) if rows else Version(found=False)


# --- personal and host feeds ---------------------------------------------------------------

_DATE_AGGREGATES = f"""COUNT(o.id) AS n, SUM(o.id) AS ids, SUM(o.sequence) AS sequences,
    {_date_states("o")} AS statuses, {_series_states("s")} AS series_states,
    MAX(o.updated_at) AS o_changed, MAX(s.updated_at) AS s_changed,
    MAX(g.updated_at) AS g_changed"""
# A status change within the same second as the previous poll leaves updated_at (whole
# seconds) as it was; these sums still move (SQLite has no xmin to fall back on).
_REGISTRATION_STATUS = (
    "(CASE r.status WHEN 'confirmed' THEN 1 WHEN 'waiting' THEN 2 ELSE 3 END) * r.id"
)


async def personal_version(token: str, cutoff: datetime) -> Version:
    # others_changed: a waiting place moves when someone else's registration changes.
    sql = f"""SELECT a.id AS attendee_id, a.language, a.manage_token, x.*,
            (SELECT MAX(q.updated_at) FROM registration q WHERE q.occurrence IN
                (SELECT w.occurrence FROM registration w
                 WHERE w.attendee = a.id AND w.status = 'waiting')) AS others_changed
        FROM attendee a LEFT JOIN (
            SELECT r.attendee AS mine, {_DATE_AGGREGATES}{_revisions("o", "s", "g", "r")},
                COUNT(r.id) AS registrations, SUM({_REGISTRATION_STATUS}) AS statuses_mine,
                MAX(r.updated_at) AS r_changed, SUM(o.waiting_count) AS waiting,
                SUM(o.confirmed_count) AS confirmed
            FROM {MINE} JOIN attendee a2 ON a2.id = r.attendee
            WHERE a2.feed_token = {{}} AND {MINE_WHERE}
            GROUP BY r.attendee
        ) x ON x.mine = a.id
        WHERE a.feed_token = {{}}"""
    rows = await Occurrence.raw(sql, token, cutoff, cutoff, token)
    if not rows:
        return Version(found=False)
    row = rows[0]
    subject = {k: row.pop(k) for k in ("attendee_id", "language", "manage_token")}
    return _version(row, cutoff.date(), subject["language"], subject=subject)


async def host_version(token: str, cutoff: datetime) -> Version:
    hosted = HOSTED.replace("{}", "c2.id", 2)
    # registrations_changed: the numbers registered are in the text, so their changes are
    # changes of the feed (for If-Modified-Since too, not only for the ETag).
    sql = f"""SELECT c.id AS account_id, c.language, x.*,
            (SELECT MAX(q.updated_at) FROM registration q WHERE q.occurrence IN
                (SELECT o.id FROM occurrence o WHERE {HOSTED.replace("{}", "c.id", 2)}))
                AS registrations_changed
        FROM account c LEFT JOIN (
            SELECT c2.id AS host, {_DATE_AGGREGATES}{_revisions("o", "s", "g")},
                SUM(o.confirmed_count) AS confirmed, SUM(o.waiting_count) AS waiting
            FROM account c2, {DATE_FROM}
            WHERE c2.host_feed_token = {{}} AND {hosted}
            GROUP BY c2.id
        ) x ON x.host = c.id
        WHERE c.host_feed_token = {{}} AND c.active = {{}}"""
    rows = await Occurrence.raw(sql, cutoff, token, cutoff, token, True)
    if not rows:
        return Version(found=False)
    row = rows[0]
    subject = {k: row.pop(k) for k in ("account_id", "language")}
    return _version(row, cutoff.date(), subject["language"], subject=subject)


# --- the database snapshot ------------------------------------------------------------------


Query = Callable[[], Awaitable[str | None]]


class Coalesced:
    """Share database round trips among the requests that ask while another one is running.

    Every caller gets the result of a query that *started after it asked*: callers queue up
    while a query runs and the whole queue is answered by the next one.  So nobody is given a
    value from before a commit it could already see, and under load one query serves many
    polls (each waits at most two round trips).  ``session`` lends a connection for as long as
    callers keep coming (one pool checkout per busy period, not per query).
    """

    def __init__(self, session: Callable[[], AbstractAsyncContextManager[Query]]) -> None:
        self._session = session
        self._queue: list[asyncio.Future[str | None]] = []
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def read(self) -> str | None:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # a new event loop (tests): forget the old one's state
            self._loop, self._queue, self._task = loop, [], None
        future: asyncio.Future[str | None] = loop.create_future()
        self._queue.append(future)
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._run())
        return await future

    async def _run(self) -> None:
        # The outer loop matters: callers may queue while the connection is being returned,
        # after the inner loop saw an empty queue; they must not be left waiting.
        while self._queue:
            try:
                async with self._session() as query:
                    while self._queue:
                        batch, self._queue = self._queue, []
                        try:
                            value = await query()
                        except Exception as exc:
                            _fail(batch, exc)
                            raise
                        for future in batch:
                            if not future.done():
                                future.set_result(value)
            except Exception as exc:  # no connection, or it broke: tell everyone waiting
                batch, self._queue = self._queue, []
                _fail(batch, exc)


def _fail(batch: list[asyncio.Future[str | None]], exc: Exception) -> None:
    for future in batch:
        if not future.done():
            future.set_exception(exc)


@asynccontextmanager
async def _snapshot_session() -> AsyncIterator[Query]:
    engine = db.engine()
    if isinstance(engine, PostgresEngine) and engine.pool is not None:
        async with engine.pool.acquire() as connection:

            async def read() -> str | None:
                return str(await connection.fetchval(_SNAPSHOT))

            yield read
        return

    async def read_without_pool() -> str | None:
        rows = await Occurrence.raw(_SNAPSHOT + " AS snapshot")
        return str(rows[0]["snapshot"])

    yield read_without_pool


_SNAPSHOT = "SELECT pg_current_snapshot()::text"
_snapshots = Coalesced(_snapshot_session)


async def snapshot() -> str | None:
    """PostgreSQL's current snapshot (which transactions are visible), or None on SQLite.

    Equal snapshots mean no transaction has committed or aborted in between, so nothing any
    query could see has changed: a version read at this snapshot is still the version.  Exact,
    unlike a WAL position (written before the commit becomes visible) or a clock.  Any write
    anywhere in the cluster moves it; the feed's version query then decides.
    """
    if not _on_postgres():
        return None
    return await _snapshots.read()


@cache
def _on_postgres() -> bool:
    """Asked on every poll: finding the engine each time costs more than the rest of a 304."""
    return db.is_postgres()
