"""Has a feed changed?  Cheap answers, read from the database on every request.

Every row whose values a feed shows carries a ``revision`` that the database raises itself, in
the same statement, whenever a column a feed shows changes (triggers made by the migration
"Feed revisions"; no service can forget it).  A feed's version is, per table in its scope, the
number of rows, the sum of their ids and the sum of their revisions: an update in scope raises
a sum of revisions, and a row that enters or leaves the scope (added, deleted, moved, published)
changes a count or a sum of ids.  A date-level change raises the date's revision, a series-level
change the series'; a registration only touches its own row and its date's.

Two levels, so that an unchanged feed costs one tiny query:

1. :func:`snapshot` (PostgreSQL): the database's current snapshot.  While it is the same, no
   transaction has finished, so nothing changed and the version read earlier still holds.
2. The feed's version (:func:`public_version`, :func:`personal_version`, :func:`host_version`):
   one aggregate query over the revisions in the feed's scope.  It also tells whether the
   slug or token exists (404), and gives ``last_modified``: the latest ``updated_at`` seen.
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
from events_app.feeds.queries import (
    DATE_FROM,
    GHOST_WHERE,
    HOSTED,
    MINE,
    MINE_WHERE,
    PublicScope,
    ghost_since,
)
from events_app.tables import EventDate

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


async def _read(sql: str, args: list[Any], subject: tuple[str, ...], cutoff: datetime) -> Version:
    """Run a version query: no row means the feed does not exist; columns ending in
    ``_changed`` are change times, the others (but ``subject``) make up the key."""
    rows = await EventDate.raw(sql, *args)
    if not rows or rows[0].get("anchor", 0) is None:
        return Version(found=False)
    row = rows[0]
    found = {k: row.pop(k) for k in subject}
    stamps = [db.instant(v) for k, v in row.items() if k.endswith("_changed")]
    known = [stamp for stamp in stamps if stamp is not None]
    key = tuple(str(v) for k, v in row.items() if not k.endswith("_changed"))
    return Version(True, (*key, cutoff.date()), max(known) if known else None, found)


def _sums(table: str, rows: str, changed: bool = True) -> str:
    """One row of aggregates over ``rows`` (a FROM … WHERE … with alias ``x``): how many,
    which (sum of ids) and how often changed (sum of revisions)."""
    latest = f", MAX(x.updated_at) AS {table}_changed" if changed else ""
    return f"""(SELECT COUNT(x.id) AS {table}_n, SUM(x.id) AS {table}_ids,
        SUM(x.revision) AS {table}_revisions{latest} FROM {rows}) {table}"""


# --- public feeds ------------------------------------------------------------------------


def _series_set(scope: PublicScope) -> tuple[str, list[Any]] | None:
    """The ids of every series (published or not) the feed could show; None: all."""
    if scope.series is not None:
        return "SELECT id FROM series WHERE slug = {}", [scope.series]
    if scope.programme is not None:
        sql = "SELECT id FROM series WHERE programme IN (SELECT id FROM programme WHERE slug = {})"
        return sql, [scope.programme]
    if scope.organisation is not None:
        of = "SELECT id FROM organisation WHERE slug = {}"
        return f"SELECT id FROM series WHERE organisation IN ({of})", [scope.organisation]
    return None


def _anchor(scope: PublicScope) -> tuple[str, list[Any]]:
    """The feed's subject: its revision, NULL when the slug is unknown (404)."""
    if scope.series is not None:
        sql = "SELECT revision FROM series WHERE slug = {} AND published = {}"
        return sql, [scope.series, True]
    if scope.programme is not None:
        sql = "SELECT revision FROM programme WHERE slug = {} AND published = {}"
        return sql, [scope.programme, True]
    if scope.organisation is not None:
        return "SELECT revision FROM organisation WHERE slug = {}", [scope.organisation]
    return "SELECT 0", []


async def public_version(scope: PublicScope, cutoff: datetime) -> Version:
    """The scope's dates, series, organisations and speakers.  A feed filtered by kind, format
    or topic shares its organisation's (or everyone's) version, which changes a little more
    often than needed and never less."""
    if scope.date_id is not None:
        return await _date_version(scope.date_id, cutoff)
    anchor, args = _anchor(scope)
    found = _series_set(scope)
    series, series_args = found if found is not None else ("", [])

    def within(column: str, sql: str = series) -> str:
        return f"{column} IN ({sql})" if sql else "1 = 1"

    organisations = f"SELECT organisation FROM series WHERE {within('id')}"
    dates = f"event_date x WHERE x.starts_at >= {{}} AND {GHOST_WHERE.replace('o.', 'x.')}"
    sql = f"""SELECT ({anchor}) AS anchor, d.*, s.*, g.*, k.* FROM
        {_sums("d", f"{dates} AND {within('x.series')}")},
        {_sums("s", f"series x WHERE {within('x.id')}")},
        {_sums("g", f"organisation x WHERE {within('x.id', organisations if series else '')}")},
        {_sums("k", f"speaker x WHERE {within('x.series')}", changed=False)}"""
    return await _read(sql, [*args, cutoff, ghost_since(cutoff), *series_args * 4], (), cutoff)


async def _date_version(date_id: int, cutoff: datetime) -> Version:
    """One date (a download, past or not): the date, its series, organisation and speakers."""
    series = "SELECT series FROM event_date WHERE id = {}"
    sql = f"""SELECT o.revision AS d_revision, s.revision AS s_revision, g.revision AS g_revision,
            o.updated_at AS d_changed, s.updated_at AS s_changed, g.updated_at AS g_changed, k.*
        FROM {DATE_FROM},
            {_sums("k", f"speaker x WHERE x.series = ({series})", changed=False)}
        WHERE o.id = {{}} AND s.published = {{}} AND {GHOST_WHERE}"""
    args = [date_id, date_id, True, ghost_since(cutoff)]
    return await _read(sql, args, (), cutoff)


# --- personal and host feeds ---------------------------------------------------------------

# A date's row with its series' and organisation's revisions and change times, for CTEs.
_DATE_ROW = """o.id AS event_date, o.series, o.revision AS d_revision, s.revision AS s_revision,
    g.revision AS g_revision, o.updated_at AS d_updated, s.updated_at AS s_updated,
    g.updated_at AS g_updated"""
_DATE_SUMS = """SUM(d_revision) AS d_revisions, SUM(s_revision) AS s_revisions,
    SUM(g_revision) AS g_revisions, MAX(d_updated) AS d_changed, MAX(s_updated) AS s_changed,
    MAX(g_updated) AS g_changed"""


async def personal_version(token: str, cutoff: datetime) -> Version:
    """The attendee, their registrations in the window with those dates, series,
    organisations and speakers (joined per registration: an index lookup each), and every
    registration on a date where they wait (their place in the queue is in the text)."""
    waiting = "SELECT event_date FROM m WHERE status = 'waiting'"
    sql = f"""WITH a AS (SELECT id, language, manage_token, revision FROM attendee
            WHERE feed_token = {{}}),
        m AS (SELECT r.id, r.revision, r.updated_at, r.status, {_DATE_ROW}
            FROM {MINE} WHERE r.attendee = (SELECT id FROM a) AND {MINE_WHERE})
        SELECT a.id AS attendee_id, a.language, a.manage_token, a.revision AS a_revision,
            r.*, d.*, k.*, w.*
        FROM a,
            {_sums("r", "m x")},
            (SELECT {_DATE_SUMS} FROM m) d,
            {_sums("k", "m JOIN speaker x ON x.series = m.series", changed=False)},
            {_sums("w", f"registration x WHERE x.event_date IN ({waiting})")}"""
    subject = ("attendee_id", "language", "manage_token")
    return await _read(sql, [token, cutoff, cutoff], subject, cutoff)


async def host_version(token: str, cutoff: datetime) -> Version:
    """The account, its host assignments, the dates they give with those series,
    organisations and speakers, and the latest change of a registration on those dates (the
    numbers registered are in the text: for If-Modified-Since too, not only for the ETag)."""
    hosted = HOSTED.replace("{}", "(SELECT id FROM c)", 2)
    sql = f"""WITH c AS (SELECT id, language, revision FROM account
            WHERE host_feed_token = {{}} AND active = {{}}),
        h AS (SELECT {_DATE_ROW} FROM {DATE_FROM} WHERE {hosted})
        SELECT c.id AS account_id, c.language, c.revision AS c_revision, a.*, d.*, k.*,
            (SELECT MAX(q.updated_at) FROM registration q
                WHERE q.event_date IN (SELECT event_date FROM h)) AS registrations_changed
        FROM c,
            {_sums("a", "series_host x WHERE x.account = (SELECT id FROM c)", changed=False)},
            (SELECT COUNT(event_date) AS d_n, SUM(event_date) AS d_ids, {_DATE_SUMS} FROM h) d,
            {_sums("k", "speaker x WHERE x.series IN (SELECT series FROM h)", changed=False)}"""
    args = [token, True, cutoff, ghost_since(cutoff)]
    return await _read(sql, args, ("account_id", "language"), cutoff)


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
        rows = await EventDate.raw(_SNAPSHOT + " AS snapshot")
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
