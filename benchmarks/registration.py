"""Registrations per second through the HTTP API on PostgreSQL, next to raw asyncpg.

Usage: .venv/bin/python benchmarks/registration.py [--seconds 10] [--clients 32]

Serves the app like production (uvicorn, 2 workers, PostgreSQL, worker off) and fires
registrations from 32 concurrent clients, first all at one hot date, then spread over 100
dates.  In the same run it performs the same transaction with raw asyncpg (lock the date, take
a seat with a conditional UPDATE, insert attendee, registration and outbox row, commit): the
ceiling.  Prints both rates and their ratio.  Everything runs on this one machine, so the load
generator competes with the server for the two cores: compare ratios, not absolute figures.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import secrets
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

# Run as a file (benchmarks/NAME.py) or as a module (-m benchmarks.NAME), from anywhere.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks._common import (
    LeanClient,
    free_port,
    fresh_database,
    http_request,
    percentile,
    served,
)

DB_NAME = "events_bench_registration"
counter = itertools.count()


async def make_dates(url: str, count: int) -> list[int]:
    conn = await asyncpg.connect(url)
    try:
        now = datetime.now(UTC)
        org = await conn.fetchval(
            "INSERT INTO organisation (slug, name, contact_email, timezone, language,"
            " retention_days, consent_text, created_at, updated_at)"
            " VALUES ('bench', 'Bench', 'b@example.org', 'Europe/Amsterdam', 'nl', 90, '', $1, $1)"
            " ON CONFLICT (slug) DO UPDATE SET name = 'Bench' RETURNING id",
            now,
        )
        ids = []
        for n in range(count):
            start = now + timedelta(days=7 + n)
            series = await conn.fetchval(
                "INSERT INTO series (organisation, kind, slug, title, summary, description, format,"
                " location, meeting_url, meeting_details, link_visibility, registration_mode,"
                " capacity, waitlist, timezone, first_start, duration_minutes, language, tags,"
                " contact_email, reminder_hours, published, status, created_at, updated_at)"
                " VALUES ($1, 'meetup', $2, 'Bench', '', '', 'online', '', '', '', 'registered',"
                " 'required', 1000000, true, 'Europe/Amsterdam', $3, 60, 'nl', '[]', '', 24, true,"
                " 'active', $4, $4) RETURNING id",
                org,
                f"bench-{secrets.token_hex(4)}",
                start.replace(tzinfo=None),
                now,
            )
            ids.append(
                await conn.fetchval(
                    "INSERT INTO event_date (series, uid, local_start, local_end, timezone,"
                    " starts_at, ends_at, status, status_reason, topic, note, confirmed_count,"
                    " waiting_count, sequence, created_at, updated_at) VALUES ($1, $2, $3, $4,"
                    " 'Europe/Amsterdam', $5, $6, 'scheduled', '', '', '', 0, 0, 0, $7, $7)"
                    " RETURNING id",
                    series,
                    f"{secrets.token_hex(16)}@events-app",
                    start.replace(tzinfo=None),
                    (start + timedelta(hours=1)).replace(tzinfo=None),
                    start,
                    start + timedelta(hours=1),
                    now,
                )
            )
        return ids
    finally:
        await conn.close()


async def http_load(
    base: str, dates: list[int], seconds: float, clients: int
) -> tuple[int, list[float]]:
    latencies: list[float] = []
    done = 0
    deadline = time.monotonic() + seconds

    async def client_loop() -> None:
        nonlocal done
        client = LeanClient.for_base(base)
        try:
            while time.monotonic() < deadline:
                n = next(counter)
                body = json.dumps(
                    {
                        "name": f"Bench {n}",
                        "email": f"bench{n}-{secrets.token_hex(3)}@example.org",
                        "date_ids": [dates[n % len(dates)]],
                    }
                ).encode()
                request = http_request(
                    "POST",
                    "/api/v1/registrations",
                    body=body,
                    headers={"Content-Type": "application/json"},
                )
                started = time.perf_counter()
                status, answer = await client.send(request)
                latencies.append(time.perf_counter() - started)
                if status != 202:
                    raise RuntimeError(f"unexpected {status}: {answer[:300]!r}")
                done += 1
        finally:
            await client.close()

    await asyncio.gather(*(client_loop() for _ in range(clients)))
    return done, latencies


async def raw_load(url: str, dates: list[int], seconds: float, clients: int) -> int:
    pool = await asyncpg.create_pool(url, min_size=clients, max_size=clients)
    done = 0
    deadline = time.monotonic() + seconds

    async def one(conn: asyncpg.Connection, date: int, n: int) -> None:
        now = datetime.now(UTC)
        async with conn.transaction():
            await conn.execute("SELECT id FROM event_date WHERE id = $1 FOR NO KEY UPDATE", date)
            taken = await conn.fetchval(
                "UPDATE event_date SET confirmed_count = confirmed_count + 1"
                " WHERE id = $1 AND confirmed_count < 1000000 RETURNING id",
                date,
            )
            assert taken
            email = f"raw{n}-{secrets.token_hex(3)}@example.org"
            attendee = await conn.fetchval(
                "INSERT INTO attendee (email, manage_token, feed_token, language, created_at)"
                " VALUES ($1, $2, $3, 'nl', $4) RETURNING id",
                email,
                secrets.token_urlsafe(32),
                secrets.token_urlsafe(32),
                now,
            )
            registration = await conn.fetchval(
                "INSERT INTO registration (event_date, attendee, name, email, needs, answers,"
                " language, status, source, created_at, updated_at) VALUES ($1, $2, 'Raw', $3,"
                " '', '{}', 'nl', 'confirmed', 'self', $4, $4) RETURNING id",
                date,
                attendee,
                email,
                now,
            )
            await conn.execute(
                "INSERT INTO outbox_mail (message_id, kind, event_date, registration, to_email,"
                " to_name, language, context, status, attempts, next_attempt_at, last_error,"
                " created_at) VALUES ($1, 'registration_confirmed', $2, $3, $4, 'Raw', 'nl',"
                " '{}', 'pending', 0, $5, '', $5)",
                f"<{secrets.token_hex(16)}@example.org>",
                date,
                registration,
                email,
                now,
            )

    async def worker() -> None:
        nonlocal done
        async with pool.acquire() as conn:
            while time.monotonic() < deadline:
                n = next(counter)
                await one(conn, dates[n % len(dates)], n)
                done += 1

    await asyncio.gather(*(worker() for _ in range(clients)))
    await pool.close()
    return done


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=32)
    args = parser.parse_args()
    url = await fresh_database(DB_NAME)
    hot = await make_dates(url, 1)
    spread = await make_dates(url, 100)
    env = {
        "DATABASE_URL": url,
        "EVENTS_RUN_WORKER": "0",
        "EVENTS_REGISTRATION_RATE_LIMIT": "100000000",
        "EVENTS_SECRET_KEY": "benchmark-secret-key-0123456789abcdef",
    }
    print(f"registrations, {args.clients} clients, {args.seconds:.0f} s each, PostgreSQL")
    with served("events_app.app:create_served_app", free_port(), env) as base:
        results = {}
        for label, dates in (("one hot date", hot), ("100 dates", spread)):
            done, lat = await http_load(base, dates, args.seconds, args.clients)
            raw = await raw_load(url, dates, args.seconds, args.clients)
            api_rate, raw_rate = done / args.seconds, raw / args.seconds
            results[label] = (api_rate, raw_rate)
            print(
                f"  {label:13}  API {api_rate:7.0f}/s (p50 {percentile(lat, 0.5) * 1000:.0f} ms,"
                f" p99 {percentile(lat, 0.99) * 1000:.0f} ms)   raw asyncpg {raw_rate:7.0f}/s"
                f"   ratio {api_rate / raw_rate:.2f}"
            )
    conn = await asyncpg.connect(url)
    over = await conn.fetchval(
        "SELECT count(*) FROM event_date o WHERE confirmed_count <> (SELECT count(*) FROM"
        " registration r WHERE r.event_date = o.id AND r.status = 'confirmed')"
    )
    await conn.close()
    print(f"  seat counters that disagree with the rows: {over}")


if __name__ == "__main__":
    asyncio.run(main())
