"""Other writers in the way: one "busy, try again" answer (503, ``Retry-After``), never a 500.

The PostgreSQL side (a row lock held past ``lock_timeout``) is in
``test_concurrency_postgres.py``; here the mapping itself, on both databases, and SQLite's
"database is locked".
"""

from __future__ import annotations

import sqlite3
import threading

import asyncpg.exceptions
import httpx
import pytest

from events_app import db
from events_app.domain.errors import Busy
from events_app.tables import Registration
from tests.conftest import ENGINE
from tests.factories import make_date, make_organisation

BUSY = {
    "code": "busy",
    "detail": "Many people are doing this at the same moment. Try again in a few seconds.",
}


@pytest.mark.parametrize(
    "exc",
    [
        asyncpg.exceptions.LockNotAvailableError("lock timeout"),
        asyncpg.exceptions.DeadlockDetectedError("deadlock detected"),
        asyncpg.exceptions.SerializationError("could not serialize access"),
        sqlite3.OperationalError("database is locked"),
    ],
)
async def test_the_outermost_transaction_turns_lock_trouble_into_busy(
    database: None, exc: Exception
) -> None:
    with pytest.raises(Busy) as raised:
        # the second one joins the first: only the outermost turns the error into Busy
        async with db.transaction(), db.transaction():
            raise exc
    assert raised.value.__cause__ is exc
    assert (raised.value.status_code, raised.value.retry_after) == (503, 2)


async def test_a_joined_transaction_leaves_the_decision_to_the_outermost(database: None) -> None:
    locked = sqlite3.OperationalError("database is locked")
    with pytest.raises(Busy):
        async with db.transaction():
            with pytest.raises(sqlite3.OperationalError):
                async with db.transaction():
                    raise locked
            raise locked


async def test_other_errors_leave_the_transaction_unchanged(database: None) -> None:
    with pytest.raises(sqlite3.OperationalError):
        async with db.transaction():
            raise sqlite3.OperationalError("no such table: nothing")
    with pytest.raises(asyncpg.exceptions.UniqueViolationError):
        async with db.transaction():
            raise asyncpg.exceptions.UniqueViolationError("duplicate key")


@pytest.mark.skipif(ENGINE != "sqlite", reason="SQLite's write lock (PostgreSQL: row locks)")
async def test_sqlite_database_locked_is_a_busy_answer(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = await make_organisation()
    [date] = await make_date(org)
    engine = db.engine()
    monkeypatch.setitem(engine.connection_kwargs, "timeout", 0.2)  # type: ignore[attr-defined]
    threads = _connection_threads()
    other = sqlite3.connect(engine.path, isolation_level=None)  # type: ignore[attr-defined]
    try:
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        response = await client.post(
            "/api/v1/registrations",
            json={"name": "Alex", "email": "alex@example.org", "date_ids": [date]},
        )
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert response.status_code == 503
    assert response.headers["retry-after"] == "2"
    assert response.json() == BUSY
    assert await Registration.count() == 0
    # The connection whose BEGIN failed was closed: no thread left behind (a process with
    # one would never exit).
    for thread in _connection_threads() - threads:
        thread.join(timeout=5)  # a closed connection's thread ends; a leaked one never does
        assert not thread.is_alive()


def _connection_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if "_connection_worker_thread" in t.name}
