"""An announcement to 10,000 followers: queued in one transaction, then delivered.

Usage: .venv/bin/python benchmarks/announce.py [--followers 10000] [--deliver 2000] [--batch 50]

On a fresh PostgreSQL database (``events_bench_announce``) it adds N confirmed followers, then
times ``send_announcement`` (the organiser's request: the checks, the announcement row and one
outbox row per follower with its own unsubscribe link, in multi-row statements in one
transaction).  The ceiling, measured in the same run: the same rows inserted again with
asyncpg's ``COPY`` (the fastest bulk insert PostgreSQL has), with nothing computed.  Then the
first ``--deliver`` of those mails are drained into a Sink SMTP server with ``deliver_due`` as
the worker does, next to raw aiosmtplib sending the same messages prebuilt (the ceiling of
``benchmarks/mail.py``).  Everything runs on this machine: compare the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks._common import free_port, fresh_database
from benchmarks.mail import drain, prebuilt, raw_send, start_smtp, stop_smtp

DB_NAME = "events_bench_announce"
COLUMNS = (
    "message_id", "dedupe_key", "kind", "organisation", "to_email", "to_name", "language",
    "context", "status", "last_error", "attempts", "next_attempt_at", "created_at",
)  # fmt: skip


async def add_followers(organisation_id: int, count: int) -> None:
    from events_app import clock, db

    now = clock.now()
    values: list[object] = []
    for n in range(count):
        values += [organisation_id, f"volger{n}@example.org", f"{n:032x}", f"{n:064x}", now, now]
    for start in range(0, count, 1000):
        chunk = values[start * 6 : (start + 1000) * 6]
        rows = ", ".join(
            ["({}, 'organisation', {}, 'nl', 'daily', {}, {}, {}, {})"] * (len(chunk) // 6)
        )
        await db.execute(
            "INSERT INTO follower (organisation, target, email, language, digest, salt,"
            " token_hash, created_at, confirmed_at) VALUES " + rows,
            *chunk,
        )


async def copy_ceiling() -> float:
    """The queued rows inserted once more with COPY, in one transaction (then removed)."""
    from events_app import db

    rows = await db.execute(f"SELECT {', '.join(COLUMNS)} FROM outbox_mail ORDER BY id")
    records = [
        tuple(row["message_id"] + "x" if c == "message_id" else row[c] for c in COLUMNS)
        for row in rows
    ]
    engine = db.engine()
    async with engine.pool.acquire() as conn:  # type: ignore[attr-defined]
        started = time.perf_counter()
        async with conn.transaction():
            await conn.copy_records_to_table("outbox_mail", records=records, columns=COLUMNS)
        elapsed = time.perf_counter() - started
        await conn.execute("DELETE FROM outbox_mail WHERE message_id LIKE '%x'")
    return elapsed


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=10_000)
    parser.add_argument("--deliver", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=50)
    args = parser.parse_args()

    url = await fresh_database(DB_NAME)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("EVENTS_BASE_URL", "http://events.test")
    os.environ.setdefault("EVENTS_SECRET_KEY", "benchmark-secret-key-that-is-long-enough-0123")
    from events_app import db
    from events_app.accounts import credentials
    from events_app.accounts.tenants import create_organisation
    from events_app.mail import builders
    from events_app.registration.announcements import send_announcement
    from events_app.settings import get_settings
    from events_app.tables import OutboxMail

    await db.start()
    builders.configure(get_settings().mail_build_processes)
    port = free_port()
    server = start_smtp(port, False)
    settings = replace(get_settings(), smtp_host="127.0.0.1", smtp_port=port, smtp_security="none")
    try:
        org = await create_organisation(
            slug="stadsnetwerk", name="Stadsnetwerk", contact_email="info@example.org"
        )
        account = await credentials.create_organiser(
            "organisator@example.org", "Olga", "benchmark-wachtwoord", "stadsnetwerk"
        )
        actor = await credentials.actor_for_account(account)
        assert actor is not None
        await add_followers(org, args.followers)
        started = time.perf_counter()
        sent = await send_announcement(
            actor, org, subject="Nieuwe cursus in maart", body="Meld je aan via de website.\n" * 5
        )
        queued = time.perf_counter() - started
        assert sent.recipients == args.followers
        ceiling = await copy_ceiling()

        # Deliver the first --deliver; the rest wait (their next attempt moved out of reach).
        await OutboxMail.update({OutboxMail.status: "held"}).where(
            OutboxMail.id.not_in(
                OutboxMail.select(OutboxMail.id).order_by(OutboxMail.id).limit(args.deliver)
            )
        )
        started = time.perf_counter()
        handled = await drain(settings, args.batch)
        delivered = time.perf_counter() - started
        assert handled == args.deliver, handled
        messages = await prebuilt(args.deliver)
        raw = await raw_send(port, messages, 1)
    finally:
        builders.discard()
        stop_smtp(server)
        await db.stop()

    print(f"followers: {args.followers}; delivered: {args.deliver} (batch {args.batch})")
    print(
        f"announcement queued (request):   {queued:8.2f} s  ({args.followers / queued:7.0f} rows/s)"
    )
    print(
        f"COPY of the same rows (ceiling): {ceiling:8.2f} s"
        f"  ({args.followers / ceiling:7.0f} rows/s)"
    )
    print(f"ratio queue / ceiling:           {ceiling / queued:8.2f}")
    print(f"outbox → SMTP (deliver_due):     {args.deliver / delivered:8.0f} mails/s")
    print(f"raw aiosmtplib, prebuilt:        {args.deliver / raw:8.0f} mails/s  (ceiling)")
    print(f"ratio delivery / ceiling:        {raw / delivered:8.2f}")


if __name__ == "__main__":
    asyncio.run(main())
