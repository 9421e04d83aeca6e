"""Database plumbing: the engine, transactions, migrations and the health probe.

Every write goes through :func:`transaction`: on SQLite it is ``BEGIN IMMEDIATE`` (writers queue
on the lock instead of failing half-way), on PostgreSQL an ordinary transaction in which the
services take row locks or use conditional updates.

Locks are waited for at most :data:`LOCK_TIMEOUT_MS` (``SET LOCAL lock_timeout`` on PostgreSQL,
the engine's busy timeout on SQLite).  A lock that could not be had in time, a deadlock or a
serialization failure leaves the outermost :func:`transaction` as :class:`Busy` (503 with
``Retry-After``: "try again in a few seconds"), never as a crash.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.apps.migrations.tables import Migration
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.querystring import QueryString

from events_app.domain.errors import Busy
from events_app.settings import ROOT

__all__ = [
    "LOCK_TIMEOUT_MS",
    "Writes",
    "engine",
    "execute",
    "in_transaction",
    "instant",
    "is_busy",
    "is_postgres",
    "json_strings",
    "migrate",
    "pending_migrations",
    "ping",
    "placeholders",
    "start",
    "stop",
    "transaction",
    "typed",
]

MIGRATIONS = ROOT / "migrations"
# An arbitrary constant: the PostgreSQL advisory lock that serialises concurrent migrations.
MIGRATION_LOCK_KEY = 7_402_113
# How long a write waits for a row lock on PostgreSQL before it answers "busy, try again".
LOCK_TIMEOUT_MS = 5_000
# SQLSTATEs of lock_not_available, deadlock_detected and serialization_failure.
BUSY_SQLSTATES = frozenset({"55P03", "40P01", "40001"})


def engine() -> Engine[Any]:
    """The engine of piccolo_conf.py: the one every table's queries use, found once and kept
    (looking it up again imports and reads the configuration on every call)."""
    found: Engine[Any] = Migration._meta.db
    return found


def is_postgres() -> bool:
    return isinstance(engine(), PostgresEngine)


def in_transaction() -> bool:
    """True inside :func:`transaction` (a nested call would only join it)."""
    return engine().current_transaction.get() is not None


def is_busy(exc: BaseException) -> bool:
    """True when ``exc`` says other writers were in the way: a lock not had in time, a
    deadlock or a serialization failure (PostgreSQL), "database is locked" (SQLite)."""
    import sqlite3

    if isinstance(exc, sqlite3.OperationalError):
        return "locked" in str(exc)
    return getattr(exc, "sqlstate", None) in BUSY_SQLSTATES


@asynccontextmanager
async def transaction() -> AsyncIterator[None]:
    """One transaction for one write (nested calls join the outer one).

    Only the outermost call turns "other writers were in the way" into :class:`Busy`: a
    joined call leaves the decision (and any retry) to the unit of work that opened it.
    """
    db = engine()
    if db.current_transaction.get() is not None:
        yield
        return
    try:
        if isinstance(db, SQLiteEngine):
            async with _sqlite_transaction(db):
                yield
        else:
            assert isinstance(db, PostgresEngine)
            async with db.transaction():
                if db.pool is None:  # pooled connections have it as a session setting
                    await db.run_ddl(f"SET LOCAL lock_timeout = {int(LOCK_TIMEOUT_MS)}")
                yield
    except Exception as exc:
        if is_busy(exc):
            raise Busy() from exc
        raise


@asynccontextmanager
async def _sqlite_transaction(db: SQLiteEngine) -> AsyncIterator[None]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, and the connection closed whatever happens.

    Piccolo closes the connection when the block ends, but not when ``BEGIN`` itself fails
    ("database is locked": another writer held the lock past the timeout): that connection and
    its worker thread would stay open for ever (and keep the process from exiting).
    """
    transaction = db.transaction(transaction_type=TransactionType.immediate)
    try:
        async with transaction:
            yield
    finally:
        connection = getattr(transaction, "connection", None)
        if connection is not None:
            await connection.close()  # a no-op when Piccolo closed it already


async def start() -> None:
    """Open the pool (PostgreSQL) or switch SQLite to WAL so readers do not block the writer."""
    db = engine()
    if isinstance(db, PostgresEngine):
        if db.pool is None:
            await db.start_connection_pool(
                min_size=1,
                max_size=10,
                reset=_keep_session,
                server_settings={"lock_timeout": str(LOCK_TIMEOUT_MS)},
            )
    else:
        await db.run_ddl("PRAGMA journal_mode=WAL", in_pool=False)


async def _keep_session(connection: Any) -> None:
    """Hand a pooled connection back without asyncpg's reset query (advisory unlock, CLOSE
    ALL, UNLISTEN, RESET ALL: a round trip on every release).  Pooled connections never take
    session-level locks, cursors, listeners or settings (settings are ``SET LOCAL``); asyncpg
    still rolls back a transaction left open before calling this."""


async def stop() -> None:
    db = engine()
    if isinstance(db, PostgresEngine) and db.pool is not None:
        await db.close_connection_pool()
        db.pool = None


async def ping() -> bool:
    try:
        await engine().run_ddl("SELECT 1")
    except Exception:
        return False
    return True


@cache
def migration_ids() -> frozenset[str]:
    """The IDs of the migration files in ``migrations/``."""
    ids = set()
    for path in MIGRATIONS.glob("*.py"):
        match = re.search(r'^ID = "([^"]+)"', path.read_text(), re.MULTILINE)
        if match:
            ids.add(match.group(1))
    return frozenset(ids)


async def pending_migrations() -> set[str]:
    """Migration IDs that exist as files but have not been applied."""
    try:
        if not await Migration.table_exists():
            return set(migration_ids())
        ran = await Migration.get_migrations_which_ran(app_name="events")
    except Exception:
        return set(migration_ids())
    return set(migration_ids()) - set(ran)


async def migrate() -> None:
    """Apply every pending migration; safe when two processes start at once."""
    db = engine()
    if isinstance(db, PostgresEngine):
        import asyncpg

        conn = await asyncpg.connect(dsn=db.config["dsn"])
        try:
            await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
            try:
                await _forwards()
            finally:
                await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)
        finally:
            await conn.close()
    else:
        lock_path = Path(str(db.path) + ".migrate.lock")  # type: ignore[attr-defined]
        with lock_path.open("w") as lock:
            await asyncio.to_thread(fcntl.flock, lock, fcntl.LOCK_EX)
            try:
                await _forwards()
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


async def _forwards() -> None:
    if not await pending_migrations():
        return
    response = await run_forwards(app_name="all", migration_id="all", fake=False)
    if not response.success:
        raise RuntimeError(f"migrations failed: {response.message}")


def placeholders(count: int) -> str:
    """``{}, {}, …`` for ``count`` values of a raw statement's ``IN (…)`` list."""
    if count < 1:
        raise ValueError("an IN list needs at least one value")
    return ", ".join(["{}"] * count)


def instant(value: object) -> datetime | None:
    """A timestamp as the driver gives it: a datetime on PostgreSQL, text from SQLite (a raw
    statement, an aggregate); a naive one is UTC."""
    if value is None:
        return None
    found = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return found if found.tzinfo is not None else found.replace(tzinfo=UTC)


def json_strings(value: object) -> tuple[str, ...]:
    """A JSON list column (a series' tags), whether the driver gave it back as text (SQLite,
    a JSON column through a join) or as a list."""
    loaded = json.loads(value) if isinstance(value, str | bytes) else value
    return tuple(str(item) for item in loaded or ()) if isinstance(loaded, list | tuple) else ()


def typed(row: dict[str, Any], types: dict[str, type]) -> dict[str, Any]:
    """A row of a raw statement with its values as ``types`` says.

    asyncpg returns PostgreSQL's types as they are; SQLite gives an expression's value (an
    ``EXISTS``, a ``RETURNING`` column) as the integer or text it stores.
    """
    out = dict(row)
    for name, kind in types.items():
        value = out.get(name)
        if value is None or isinstance(value, kind):
            continue
        if kind is bool:
            out[name] = bool(value)
        elif kind is datetime:
            out[name] = instant(value)
        else:
            out[name] = kind(value)
    return out


async def execute(sql: str, *values: Any) -> list[dict[str, Any]]:
    """Run one raw statement (``{}`` placeholders) in the current transaction, or on its own.

    On PostgreSQL the statement goes straight to asyncpg, its ``$n`` form made once per text:
    Piccolo's query strings are rebuilt on every call, which costs the hot paths more than
    some of their statements cost the server.
    """
    found = engine()
    if isinstance(found, PostgresEngine):
        transaction = found.current_transaction.get()
        if transaction is not None:
            records = await transaction.connection.fetch(_numbered(sql), *values)
            return [dict(record) for record in records]
        if found.pool is not None:
            records = await found.pool.fetch(_numbered(sql), *values)
            return [dict(record) for record in records]
    rows = await found.run_querystring(QueryString(sql, *values))
    return [dict(row) for row in rows or ()]


@lru_cache(maxsize=256)
def _numbered(sql: str) -> str:
    """``{}`` placeholders as PostgreSQL's ``$1``, ``$2`` …"""
    parts = sql.split("{}")
    return "".join(f"{part}${n}" for n, part in enumerate(parts[:-1], 1)) + parts[-1]


class Writes:
    """Writes of one transaction that nothing reads back before it commits.

    On PostgreSQL they reach the server together, as one statement of data-modifying ``WITH``
    parts, when :meth:`send` is awaited: one round trip instead of one each.  The parts of such
    a statement all see the same snapshot and none sees another's rows, so only writes that do
    not depend on each other belong here (a row and the counter it adds to, each with every
    value already known).  SQLite has neither such statements nor concurrent writers: there
    each write runs as it is added.
    """

    def __init__(self) -> None:
        self._parts: list[tuple[str, tuple[Any, ...]]] = []

    async def add(self, sql: str, *values: Any) -> None:
        """Add a write (``{}`` placeholders, no ``RETURNING``, no ``WITH`` of its own)."""
        if is_postgres():
            self._parts.append((sql.strip(), values))
        else:
            await execute(sql, *values)

    async def send(self) -> None:
        parts, self._parts = self._parts, []
        if not parts:
            return
        *first, (last_sql, _) = parts
        sql = "".join(
            f"{'WITH' if n == 0 else ','} w{n} AS ({part_sql})\n"
            for n, (part_sql, _) in enumerate(first)
        )
        values = [value for _, part_values in parts for value in part_values]
        await execute(sql + last_sql, *values)


def is_unique_violation(exc: BaseException) -> bool:
    """True when ``exc`` is a unique-constraint failure on either database."""
    import sqlite3

    if isinstance(exc, sqlite3.IntegrityError):
        return "UNIQUE" in str(exc)
    try:
        from asyncpg.exceptions import UniqueViolationError
    except ImportError:  # pragma: no cover
        return False
    return isinstance(exc, UniqueViolationError)
