"""An idle worker only reads: with no job due and no mail waiting it opens no write
transaction, so on SQLite it never takes the database's write lock (it used to every second)."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest

from events_app import clock, db
from events_app.tables import JobLock
from events_app.worker import default_jobs, run_jobs

TICK = 0.05


@pytest.fixture
def transactions(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts every write transaction opened through db.transaction()."""
    opened: list[int] = []
    original = db.transaction

    @asynccontextmanager
    async def counting() -> AsyncIterator[None]:
        opened.append(1)
        async with original():
            yield

    monkeypatch.setattr(db, "transaction", counting)
    return opened


async def lease_every_job(until: timedelta, *, except_for: str = "") -> None:
    """As if another worker had just run every scheduled job."""
    now = clock.now()
    for job in default_jobs():
        if job.leased and job.name != except_for:
            await JobLock.insert(JobLock(name=job.name, locked_until=now + until, last_run_at=now))


async def run_ticks(ticks: int) -> None:
    stop = asyncio.Event()
    worker = asyncio.create_task(run_jobs(default_jobs(), stop, tick=TICK))
    await asyncio.sleep(ticks * TICK)
    stop.set()
    await asyncio.wait_for(worker, timeout=5)


async def test_an_idle_worker_opens_no_write_transaction(
    transactions: list[int], caplog: pytest.LogCaptureFixture
) -> None:
    await lease_every_job(timedelta(minutes=10))
    with caplog.at_level(logging.ERROR, logger="events_app.worker"):
        await run_ticks(6)
    assert transactions == []
    assert not caplog.records


async def test_a_due_job_still_takes_its_lease(transactions: list[int]) -> None:
    """The counter above would see a write: a job whose lease ran out is claimed and run."""
    await lease_every_job(timedelta(minutes=10), except_for="holds")
    await run_ticks(3)
    assert transactions  # the claim of "holds"
    row = await JobLock.select(JobLock.locked_until).where(JobLock.name == "holds").first()
    assert row is not None and row["locked_until"] > clock.now()


@pytest.mark.skipif(db.is_postgres(), reason="SQLite's write lock")
async def test_an_idle_worker_runs_while_another_connection_holds_the_write_lock(
    caplog: pytest.LogCaptureFixture,
) -> None:
    await lease_every_job(timedelta(minutes=10))
    other = sqlite3.connect(str(db.engine().path), isolation_level=None)  # type: ignore[attr-defined]
    try:
        other.execute("BEGIN IMMEDIATE")  # the write lock, held for the whole run
        with caplog.at_level(logging.ERROR, logger="events_app.worker"):
            # A write would wait for the lock (15 s busy timeout) and miss this deadline.
            await asyncio.wait_for(run_ticks(6), timeout=3)
        assert not caplog.records
    finally:
        other.rollback()
        other.close()
