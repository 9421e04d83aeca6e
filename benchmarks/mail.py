"""Mails per second drained from the outbox into a local SMTP server, next to the ceiling.

Usage: .venv/bin/python benchmarks/mail.py [--mails 2000] [--batch 50] [--workers 1]
                                           [--in-process-smtp] [--profile]

On a fresh PostgreSQL database (``events_bench_mail``) it queues N registration receipts
(Dutch and English, each with a calendar invitation), then runs ``deliver_due`` in a loop, as
the worker does, into aiosmtpd (a separate process with the ``Sink`` handler, like a real mail
server would be).  In the same run it sends the same messages, prebuilt, with raw aiosmtplib on
one reused connection: the ceiling.  Prints both rates and their ratio, plus the time it takes
just to render and build a message.  Everything runs on this machine (two shared cores), so
compare the ratio, not the absolute figures.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

# Run as a file (benchmarks/NAME.py) or as a module (-m benchmarks.NAME), from anywhere.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks._common import free_port, fresh_database

DB_NAME = "events_bench_mail"
ROOT = Path(__file__).resolve().parent.parent


def start_smtp(port: int, in_process: bool) -> object:
    """A Sink SMTP server: a separate process, or a thread of this one."""
    if in_process:
        from aiosmtpd.controller import Controller
        from aiosmtpd.handlers import Sink

        controller = Controller(Sink(), hostname="127.0.0.1", port=port)
        controller.start()
        return controller
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ],
        cwd=ROOT,
    )
    deadline = time.monotonic() + 15
    import socket

    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("aiosmtpd did not start") from None
            time.sleep(0.1)


def stop_smtp(server: object) -> None:
    if isinstance(server, subprocess.Popen):
        server.terminate()
        server.wait(timeout=10)
    else:
        server.stop()  # type: ignore[attr-defined]


async def insert_all(table: type, rows: list, *columns: object) -> list[dict]:
    """Insert in chunks (PostgreSQL takes at most 32,767 parameters per statement)."""
    out: list[dict] = []
    for i in range(0, len(rows), 500):
        query = table.insert(*rows[i : i + 500])  # type: ignore[attr-defined]
        out.extend(await (query.returning(*columns) if columns else query))
    return out


async def fill_outbox(count: int) -> None:
    from events_app.mail import outbox
    from events_app.tables import (
        Attendee,
        EventDate,
        Organisation,
        OutboxMail,
        Registration,
        Series,
    )

    now = datetime.now(UTC).replace(microsecond=0)
    org = await Organisation.insert(
        Organisation(
            slug="bench",
            name="Stadsnetwerk Ervaringskennis",
            contact_email="info@bench.example.org",
            created_at=now,
            updated_at=now,
        )
    ).returning(Organisation.id)
    start = (now + timedelta(days=7)).replace(minute=0, second=0)
    local = start.astimezone(ZoneInfo("Europe/Amsterdam")).replace(tzinfo=None)
    series = await Series.insert(
        Series(
            organisation=org[0]["id"],
            slug="online-ontmoeting",
            title="Online ontmoeting",
            summary="Elke twee weken praten we over herstel en werk.",
            format="online",
            meeting_url="https://meet.example.org/j/123456",
            meeting_details="Code: 4321",
            published=True,
            first_start=local,
            created_at=now,
            updated_at=now,
        )
    ).returning(Series.id)
    date = await EventDate.insert(
        EventDate(
            series=series[0]["id"],
            uid=f"{uuid.uuid4().hex}@events-app",
            local_start=local,
            local_end=local + timedelta(hours=1),
            timezone="Europe/Amsterdam",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            topic="Herstel en werk",
            confirmed_count=count,
            created_at=now,
            updated_at=now,
        )
    ).returning(EventDate.id)
    date_id = date[0]["id"]
    attendees = await insert_all(
        Attendee,
        [
            Attendee(
                email=f"deelnemer{n}@example.org",
                manage_token=f"m{n:040d}",
                feed_token=f"f{n:040d}",
                language="nl" if n % 2 else "en",
                created_at=now,
            )
            for n in range(count)
        ],
        Attendee.id,
        Attendee.email,
        Attendee.language,
    )
    regs = await insert_all(
        Registration,
        [
            Registration(
                event_date=date_id,
                attendee=a["id"],
                name=f"Deelnemer {n}",
                email=a["email"],
                language=a["language"],
                status="confirmed",
                created_at=now,
                updated_at=now,
            )
            for n, a in enumerate(attendees)
        ],
        Registration.id,
        Registration.email,
        Registration.language,
        Registration.attendee,
    )
    # What a registration queues: one receipt per request (here: one date each).
    await insert_all(
        OutboxMail,
        [
            OutboxMail(
                message_id=outbox.new_message_id(),
                kind="registration_receipt",
                organisation=org[0]["id"],
                to_email=r["email"],
                to_name="Deelnemer",
                language=r["language"],
                context={"registrations": [r["id"]], "already": [], "attendee": r["attendee"]},
                next_attempt_at=now,
                created_at=now,
            )
            for r in regs
        ],
    )


async def drain(settings: object, batch: int) -> int:
    from events_app.mail.delivery import deliver_due

    total = 0
    while True:
        handled = await deliver_due(batch=batch, settings=settings)  # type: ignore[arg-type]
        if not handled:
            return total
        total += handled


async def prebuilt(count: int) -> list[tuple[str, str, bytes]]:
    """The same messages, built once more (not timed), for the raw aiosmtplib run."""
    from events_app import clock
    from events_app.mail.facts import Job
    from events_app.mail.render import Outgoing, prepare
    from events_app.settings import get_settings
    from events_app.tables import OutboxMail

    rows = await OutboxMail.select().order_by(OutboxMail.id).limit(count).output(load_json=True)
    jobs = [Job.from_row(row) for row in rows]
    built = await prepare(jobs, mail_from=get_settings().mail_from, now=clock.now())
    out = []
    for job in jobs:
        item = built[job.id]
        assert isinstance(item, Outgoing), item
        out.append((item.envelope.sender, item.envelope.recipient, item.data))
    return out


async def raw_send(port: int, messages: list[tuple[str, str, bytes]], connections: int) -> float:
    """Send the prebuilt messages over ``connections`` reused connections at once."""
    import aiosmtplib

    clients = [
        aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False)
        for _ in range(connections)
    ]
    for client in clients:
        await client.connect()
    queue = iter(messages)

    async def lane(client: aiosmtplib.SMTP) -> None:
        for sender, recipient, data in queue:
            await client.sendmail(sender, [recipient], data)

    started = time.perf_counter()
    await asyncio.gather(*(lane(client) for client in clients))
    elapsed = time.perf_counter() - started
    for client in clients:
        await client.quit()
    return elapsed


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1, help="concurrent drain loops")
    parser.add_argument("--in-process-smtp", action="store_true")
    parser.add_argument("--profile", action="store_true", help="profile the drain")
    args = parser.parse_args()

    url = await fresh_database(DB_NAME)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("EVENTS_BASE_URL", "http://events.test")
    os.environ.setdefault("EVENTS_SECRET_KEY", "benchmark-secret-key-that-is-long-enough-0123")
    from dataclasses import replace

    from events_app import db
    from events_app.mail import builders
    from events_app.settings import get_settings
    from events_app.tables import OutboxMail

    await db.start()
    builders.configure(get_settings().mail_build_processes)  # as the worker does
    port = free_port()
    server = start_smtp(port, args.in_process_smtp)
    settings = replace(get_settings(), smtp_host="127.0.0.1", smtp_port=port, smtp_security="none")
    try:
        await fill_outbox(args.mails)
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        started = time.perf_counter()
        handled = await asyncio.gather(*[drain(settings, args.batch) for _ in range(args.workers)])
        drained = time.perf_counter() - started
        if profiler:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        sent = await OutboxMail.count().where(OutboxMail.status == "sent")
        assert sum(handled) == args.mails and sent == args.mails, (handled, sent)

        messages = await prebuilt(args.mails)
        build_started = time.perf_counter()
        await prebuilt(min(args.mails, 500))
        build_each = (time.perf_counter() - build_started) / min(args.mails, 500)
        raw = await raw_send(port, messages, args.workers)
    finally:
        builders.discard()
        stop_smtp(server)
        await db.stop()

    outbox_rate = args.mails / drained
    raw_rate = args.mails / raw
    size = sum(len(m[2]) for m in messages) / len(messages)
    print(
        f"messages: {args.mails} confirmations with invitation, {size / 1024:.1f} KB each,"
        f" batch {args.batch}, {args.workers} worker(s),"
        f" {get_settings().mail_build_processes} builder process(es),"
        f" SMTP server {'in this process' if args.in_process_smtp else 'in its own process'}"
    )
    print(f"outbox → SMTP (deliver_due loop): {outbox_rate:8.0f} mails/s")
    print(f"raw aiosmtplib, prebuilt, {args.workers} conn: {raw_rate:8.0f} mails/s  (ceiling)")
    print(f"ratio outbox / ceiling:           {outbox_rate / raw_rate:8.2f}")
    print(
        f"render + build only (batch facts): {1 / build_each:7.0f} mails/s"
        f" ({build_each * 1000:.2f} ms each)"
    )


if __name__ == "__main__":
    asyncio.run(main())
