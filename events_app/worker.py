"""The background worker: mail delivery and the scheduled jobs.

Runs inside the app process for ``events-app dev`` and single-process installs, or as any
number of ``events-app worker`` processes on PostgreSQL.  Each scheduled job holds a lease in
the ``job_lock`` table while it runs, so it runs once per interval across all workers; mail
rows are claimed one batch at a time (``FOR UPDATE SKIP LOCKED`` on PostgreSQL).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import signal
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from events_app import clock, db
from events_app.tables import JobLock

__all__ = [
    "Job",
    "WorkerBusy",
    "claim",
    "default_jobs",
    "run_jobs",
    "run_worker",
    "single_worker_on_sqlite",
]

log = logging.getLogger("events_app.worker")


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[], Awaitable[object]]
    leased: bool = True  # False: safe to run in every worker at once (it claims its own rows)


def default_jobs() -> list[Job]:
    from events_app.mail import delivery, scheduled
    from events_app.registration import cancelling, follow_digest, retention
    from events_app.series import materialise

    return [
        Job("deliver_mail", timedelta(seconds=2), delivery.deliver_due, leased=False),
        Job("holds", timedelta(minutes=1), cancelling.release_expired_holds),
        Job("reminders", timedelta(minutes=5), scheduled.queue_reminders),
        Job("host_digests", timedelta(minutes=30), scheduled.queue_host_digests),
        Job("aftercare", timedelta(minutes=15), scheduled.queue_aftercare),
        Job("needs", timedelta(hours=1), retention.delete_needs),
        Job("follow_digests", timedelta(minutes=10), follow_digest.queue_follow_digests),
        Job("horizon", timedelta(hours=6), materialise.top_up_all),
        Job("retention", timedelta(hours=6), retention.anonymise_expired),
    ]


async def claim(job: Job) -> bool:
    """Take the job's lease if nobody holds it; True when this worker should run the job.

    A plain read first: while another worker holds the lease nothing is written (on SQLite
    the write transaction would take the database's write lock)."""
    now = clock.now()
    held = await JobLock.select(JobLock.locked_until).where(JobLock.name == job.name).first()
    if held is not None and held["locked_until"] is not None and held["locked_until"] > now:
        return False
    async with db.transaction():
        await JobLock.insert(JobLock(name=job.name)).on_conflict(
            target=JobLock.name, action="DO NOTHING"
        )
        rows = (
            await JobLock.update({JobLock.locked_until: now + job.every, JobLock.last_run_at: now})
            .where(
                (JobLock.name == job.name)
                & (JobLock.locked_until.is_null() | (JobLock.locked_until <= now))
            )
            .returning(JobLock.id)
        )
    return bool(rows)


async def run_jobs(jobs: list[Job], stop: asyncio.Event, *, tick: float = 1.0) -> None:
    """Run due jobs until ``stop`` is set; a job that fails is logged and tried next time."""
    next_run: dict[str, datetime] = {}
    while not stop.is_set():
        for job in jobs:
            if stop.is_set():
                break
            now = clock.now()
            if next_run.get(job.name, now) > now:
                continue
            next_run[job.name] = now + (job.every if job.leased else timedelta(seconds=0))
            try:
                if job.leased and not await claim(job):
                    continue
                await job.run()
            except Exception:
                log.exception("job %s failed; it runs again at its next turn", job.name)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=tick)


class WorkerBusy(Exception):
    """Another worker already runs on this SQLite database."""


@contextlib.contextmanager
def single_worker_on_sqlite() -> Iterator[None]:
    """On SQLite only one worker may run (one machine, one writer): hold a file lock beside
    the database while working.  PostgreSQL takes any number (leases and SKIP LOCKED)."""
    engine = db.engine()
    if db.is_postgres():
        yield
        return
    lock_path = Path(str(engine.path) + ".worker.lock")  # type: ignore[attr-defined]
    with lock_path.open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WorkerBusy() from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


async def run_worker() -> None:
    """The ``events-app worker`` process: stops cleanly on SIGTERM or SIGINT."""
    pending = await db.pending_migrations()
    if pending:
        raise SystemExit("events-app worker: run 'events-app migrate' first")
    try:
        with single_worker_on_sqlite():
            await _work()
    except WorkerBusy:
        raise SystemExit(
            "events-app worker: another worker already runs on this SQLite database (the app "
            "runs one itself unless EVENTS_RUN_WORKER=0). Several workers need PostgreSQL."
        ) from None


async def _work() -> None:
    from events_app.mail import builders
    from events_app.settings import get_settings

    await db.start()
    builders.configure(get_settings().mail_build_processes)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    log.info("worker started")
    try:
        await run_jobs(default_jobs(), stop)
    finally:
        builders.discard()
        await db.stop()
        log.info("worker stopped")
