"""Delivering the outbox: never lose a mail, send each one once (at most twice after a crash).

How a batch goes:

1. **Claim** up to ``batch`` due rows with a *lease*: in one short transaction select
   ``status='pending' AND next_attempt_at <= now AND (locked_until IS NULL OR locked_until <
   now)`` in id order — on PostgreSQL ``FOR UPDATE SKIP LOCKED``, so several workers take
   different rows — and set ``locked_until = now + 2 min``.  On SQLite the ``BEGIN IMMEDIATE``
   transaction does the same job.  A worker that dies leaves its lease to expire; the rows are
   then claimed again.
2. **Render**: the facts of the whole batch in a few queries, then each message is built
   (:mod:`events_app.mail.render`) ahead of sending it, in a builder process beside the
   worker when there is one (:mod:`events_app.mail.builders`).  A row that no longer makes
   sense is marked ``failed`` with the reason, at once.
3. **Send** over one reused SMTP connection.  Each success is marked ``sent`` in its own
   transaction before the next message is sent (the mark runs while the server answers the
   next envelope), so a crash between the server's "250 OK" and the mark repeats at most that
   one mail (with the same Message-ID, so it can be recognised).  New sends stop well before
   the lease runs out; unsent rows are released.
4. **Failures.**  Temporary (no connection, timeouts, 4xx): ``attempts + 1`` and
   ``next_attempt_at = now + 30 s · 2^(attempts-1)`` (capped at 1 h, ±20 % jitter); after
   :data:`MAX_ATTEMPTS` (about a day) the row is ``failed``.  Once the connection fails twice in
   a batch, the rest of the batch waits the same way instead of hammering a dead server.
   Permanent (a 5xx about this address or message): ``failed`` at once with the server's
   answer.  Organisers see failures and can retry them (:func:`retry_failed`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import re
import time
from collections.abc import Awaitable, Sequence
from datetime import datetime, timedelta
from typing import Any

from piccolo.engine.postgres import PostgresEngine

from events_app import clock, db
from events_app.mail import builders
from events_app.mail.facts import Facts, Job
from events_app.mail.render import Outgoing, Unsendable, build_steps, load_facts
from events_app.mail.smtp import SendFailure, SmtpConnection
from events_app.settings import Settings, get_settings
from events_app.tables import OutboxMail

__all__ = [
    "BACKOFF_BASE",
    "BACKOFF_CAP",
    "LEASE",
    "MAX_ATTEMPTS",
    "backoff",
    "claim",
    "deliver_due",
    "purge_finished",
    "retry_failed",
]

log = logging.getLogger(__name__)
_ADDRESS = re.compile(r"[^\s<>@]+@[^\s<>@]+")  # no addresses in logs (SMTP replies quote them)

LEASE = timedelta(minutes=2)
# Stop starting new sends this long after claiming: the rest of the lease covers the last
# send's SMTP timeouts, so no other worker can claim a row while it is being sent.
SEND_BUDGET = 75.0  # seconds
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)
MAX_ATTEMPTS = 30  # 30 s, 1, 2, 4 … 32 min, then hourly: about 24 hours in all
MAX_ERROR = 1000
PENDING, SENT, FAILED, HELD, SKIPPED = (
    OutboxMail.Status.pending,
    OutboxMail.Status.sent,
    OutboxMail.Status.failed,
    OutboxMail.Status.held,
    OutboxMail.Status.skipped,
)


def backoff(attempts: int, *, jitter: float = 0.2) -> timedelta:
    """The wait after the ``attempts``-th failed attempt (1-based), with ±``jitter``."""
    exponent = min(max(attempts - 1, 0), 20)
    delay = min(BACKOFF_BASE.total_seconds() * 2**exponent, BACKOFF_CAP.total_seconds())
    delay *= 1 + random.uniform(-jitter, jitter)
    return timedelta(seconds=round(delay))


async def claim(batch: int, now: datetime) -> list[dict[str, Any]]:
    """Lease up to ``batch`` due rows to this worker (see the module docstring).

    A plain read first: an idle worker asks every second, and on SQLite the transaction
    below takes the write lock (``BEGIN IMMEDIATE``) even when nothing is due."""
    due = (
        (OutboxMail.status == PENDING)
        & (OutboxMail.next_attempt_at <= now)
        & (OutboxMail.locked_until.is_null() | (OutboxMail.locked_until < now))
    )
    if not await OutboxMail.exists().where(due):
        return []
    async with db.transaction():
        query = (
            OutboxMail.select()
            .where(due)
            .order_by(OutboxMail.id)
            .limit(batch)
            .output(load_json=True)
        )
        if db.is_postgres():
            query = query.lock_rows("UPDATE", skip_locked=True)
        rows = await query
        if rows:
            await OutboxMail.update({OutboxMail.locked_until: now + LEASE}).where(
                OutboxMail.id.is_in([row["id"] for row in rows])
            )
    return rows


async def _mark_sent(job: Job) -> None:
    """Record a sent mail before the next one is sent (its own short transaction).

    On PostgreSQL the commit is asynchronous (``synchronous_commit = off`` for this one
    transaction) and the whole transaction is one round trip: waiting for the WAL flush costs
    more than sending a mail on a local network.  Once this returns the mark survives a crash
    of the *worker*; only a crash of the database server itself within a fraction of a second
    could lose the last marks, and then those mails go out again with their same Message-IDs:
    repeated, never lost.
    """
    now = clock.now()
    engine = db.engine()
    if isinstance(engine, PostgresEngine) and engine.pool is not None:
        # Literals, not parameters: several statements in one round trip need the simple
        # query protocol.  Only an int id, an int count and our own UTC timestamp go in.
        sql = (
            "BEGIN; SET LOCAL synchronous_commit TO OFF; "
            "UPDATE outbox_mail SET status = 'sent', locked_until = NULL, last_error = '', "
            f"sent_at = '{now.isoformat()}'::timestamptz, attempts = {int(job.attempts) + 1:d} "
            f"WHERE id = {int(job.id):d}; COMMIT;"
        )
        async with engine.pool.acquire() as connection:
            await connection.execute(sql)
        return
    await OutboxMail.update(
        {
            OutboxMail.status: SENT,
            OutboxMail.sent_at: now,
            OutboxMail.attempts: job.attempts + 1,
            OutboxMail.locked_until: None,
            OutboxMail.last_error: "",
        }
    ).where(OutboxMail.id == job.id)


async def _mark_failed(job: Job, reason: str, *, attempted: bool = True) -> None:
    log.warning("mail %s (%s) failed: %s", job.id, job.kind, _ADDRESS.sub("…@…", reason))
    await OutboxMail.update(
        {
            OutboxMail.status: FAILED,
            OutboxMail.attempts: job.attempts + (1 if attempted else 0),
            OutboxMail.locked_until: None,
            OutboxMail.last_error: reason[:MAX_ERROR],
        }
    ).where(OutboxMail.id == job.id)


async def _mark_skipped(job: Job, reason: str) -> None:
    """Deliberately not sent (the person's data was removed, the date was cancelled …)."""
    await OutboxMail.update(
        {
            OutboxMail.status: SKIPPED,
            OutboxMail.locked_until: None,
            OutboxMail.last_error: reason[:MAX_ERROR],
        }
    ).where(OutboxMail.id == job.id)


async def _defer(jobs: Sequence[Job], reason: str) -> None:
    """A temporary failure: try again later, or give up after MAX_ATTEMPTS."""
    now = clock.now()
    for job in jobs:
        attempts = job.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            await _mark_failed(job, f"Gave up after {attempts} attempts. Last error: {reason}")
            continue
        await OutboxMail.update(
            {
                OutboxMail.attempts: attempts,
                OutboxMail.next_attempt_at: now + backoff(attempts),
                OutboxMail.locked_until: None,
                OutboxMail.last_error: reason[:MAX_ERROR],
            }
        ).where(OutboxMail.id == job.id)


async def _release(jobs: Sequence[Job]) -> None:
    """Give back rows that were claimed but not tried (no attempt is counted)."""
    if jobs:
        await OutboxMail.update({OutboxMail.locked_until: None}).where(
            OutboxMail.id.is_in([job.id for job in jobs])
        )


class _Built:
    """Messages built ahead of sending, so building (CPU) does not add to the wait for the SMTP
    server and the database.

    With builder processes (:mod:`events_app.mail.builders`) the whole batch is handed over at
    once and built on another core while this one sends.  Without them a task of this process
    builds a few messages ahead, in steps (a date's invitation, the templates) with a turn for
    the sender after each, so an answer of the server is taken up at once instead of after a
    whole message was built.
    """

    AHEAD = 4

    def __init__(self, jobs: list[Job], facts: dict[int, Facts | Unsendable], mail_from: str):
        self._queue: asyncio.Queue[Outgoing | Unsendable] = asyncio.Queue(maxsize=self.AHEAD)
        self._task: asyncio.Task[None] | None = None
        self._pooled: list[asyncio.Future[Outgoing | Unsendable]] = []
        if builders.configured():
            now = clock.now()
            self._pooled = [
                builders.submit(job, facts[job.id], mail_from=mail_from, now=now) for job in jobs
            ]
        else:
            self._task = asyncio.create_task(self._build(jobs, facts, mail_from))
        self._taken = 0

    async def _build(
        self, jobs: list[Job], facts: dict[int, Facts | Unsendable], mail_from: str
    ) -> None:
        for job in jobs:
            steps = build_steps(job, facts[job.id], mail_from=mail_from, now=clock.now())
            while True:
                try:
                    next(steps)
                except StopIteration as done:
                    item: Outgoing | Unsendable = done.value
                    break
                await asyncio.sleep(0)
            await self._queue.put(item)

    async def next(self) -> Outgoing | Unsendable:
        if self._task is not None:
            return await self._queue.get()
        future = self._pooled[self._taken]
        self._taken += 1
        try:
            return await future
        except Exception:
            builders.discard()  # a builder died: the next batch starts a new one
            raise

    async def close(self) -> None:
        for future in self._pooled:
            future.cancel()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


async def _send_batch(
    jobs: list[Job], facts: dict[int, Facts | Unsendable], settings: Settings
) -> int:
    """Send the batch over one connection.

    The mark of a sent mail runs while the server answers the next mail's envelope (``MAIL
    FROM``, ``RCPT TO``), and is awaited before that mail's message is sent: at any moment at
    most one delivered mail is not yet recorded, as when each mark came before the next send.
    """
    deadline = time.monotonic() + SEND_BUDGET
    connection = SmtpConnection(settings)
    built = _Built(jobs, facts, settings.mail_from)
    broken = 0
    sent = 0
    marking: asyncio.Task[None] | None = None  # recording the previous mail as sent
    try:
        for index, job in enumerate(jobs):
            if time.monotonic() > deadline:
                await _release(jobs[index:])
                break
            item = await built.next()
            if isinstance(item, Unsendable):
                if item.deliberate:
                    await _mark_skipped(job, str(item))
                else:
                    await _mark_failed(job, str(item), attempted=False)
                continue
            envelope = item.envelope
            try:
                begun = connection.begin(envelope.sender, envelope.recipient, len(item.data))
                if marking is None:
                    await begun
                else:
                    await _together(begun, marking, connection)
                    marking = None
                await connection.finish(item.data)
            except SendFailure as failure:
                if failure.permanent:
                    await _mark_failed(job, failure.reason)
                    continue
                await _defer([job], failure.reason)
                if failure.connection:
                    broken += 1
                    if broken >= 2:  # reconnecting failed too: the rest of the batch waits
                        await _defer(jobs[index + 1 :], failure.reason)
                        break
                continue
            marking = asyncio.create_task(_mark_sent(job))
            sent += 1
        if marking is not None:
            await marking
            marking = None
    finally:
        if marking is not None:  # leaving with an error: still record what was sent
            await asyncio.gather(marking, return_exceptions=True)
        await built.close()
        await connection.close()
    return sent


async def _together(
    begun: Awaitable[None], marking: asyncio.Task[None], connection: SmtpConnection
) -> None:
    """The next envelope and the previous mark, at the same time.  A mark that failed stops
    the batch before another message goes out (its mail goes out again when the lease ends:
    repeated, never lost)."""
    envelope, mark = await asyncio.gather(begun, marking, return_exceptions=True)
    if isinstance(mark, BaseException):
        if envelope is None:
            await connection.abandon()
        raise mark
    if isinstance(envelope, BaseException):
        raise envelope


async def deliver_due(*, batch: int = 50, settings: Settings | None = None) -> int:
    """Deliver one batch of due mails; returns how many rows it dealt with (0: none due).

    The worker calls this in a loop, and sleeps a little when it returns 0.
    """
    settings = settings or get_settings()
    rows = await claim(batch, clock.now())
    if not rows:
        return 0
    jobs = [Job.from_row(row) for row in rows]
    try:
        facts = await load_facts(jobs)
    except Exception:
        await _release(jobs)  # e.g. the database went away; the rows come back later
        raise
    await _send_batch(jobs, facts, settings)
    return len(jobs)


async def retry_failed(mail_id: int) -> bool:
    """Put a failed mail back in the queue, as new (for organisers); False if not failed."""
    rows = (
        await OutboxMail.update(
            {
                OutboxMail.status: PENDING,
                OutboxMail.attempts: 0,
                OutboxMail.next_attempt_at: clock.now(),
                OutboxMail.locked_until: None,
            }
        )
        .where((OutboxMail.id == mail_id) & (OutboxMail.status == FAILED))
        .returning(OutboxMail.id)
    )
    return bool(rows)


async def purge_finished(before: datetime) -> int:
    """Delete sent and failed mails queued before ``before`` (they hold names, addresses and
    organisers' texts: keep them no longer than the organisation keeps registrations)."""
    rows = (
        await OutboxMail.delete()
        .where(
            OutboxMail.status.is_in([SENT, FAILED, HELD, SKIPPED])
            & (OutboxMail.created_at < before)
        )
        .returning(OutboxMail.id)
    )
    return len(rows)
