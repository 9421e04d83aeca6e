"""Calendar feed speed, served like production, next to the framework's own ceiling.

Usage: .venv/bin/python benchmarks/feeds.py [--seconds 10] [--connections 32] [--rounds 2]
       [--keep]

Makes a fresh PostgreSQL database (``events_bench_feeds`` on EVENTS_BENCH_POSTGRES_URL,
default postgresql://postgres@127.0.0.1:5432/test), migrates it, bulk-inserts 200 series with
5,000 dates (25 each, some cancelled or skipped, speakers) and one attendee with 20
registrations, then serves the app with uvicorn (2 workers, background worker off) and a bare
Litestar app (benchmarks/feed_ceiling.py, 2 workers) that returns the very bytes of
/feeds/all.ics.  Then, for ~10 s each:

* all.ics cold: every series' ``updated_at`` is bumped before each request, which changes every
  date's DTSTAMP and so misses both caches: a full render of every date ("cache cleared"),
  with 2 concurrent clients (one per worker; a render is CPU-bound);
* all.ics after one change: one date is changed before each request (the usual case: one
  re-render, every other date from the fragment cache), same 2 clients;
* all.ics warm, warm with gzip, a 304 (If-None-Match), a personal feed: wrk (or the lean
  asyncio client of benchmarks/_common.py when wrk is missing), 32 connections;
* the ceiling: the bare route with the same bytes, a bare empty 304, and a bare route with the
  personal feed's bytes (wrk stalls ~40 ms per response of this size on loopback, delayed ACK,
  so that figure is bounded by connections / 44 ms for the bare route as much as for ours).

Each measurement is repeated in ``--rounds`` interleaved rounds (app and ceiling in the same
time windows) and the best is kept.  Prints req/s, p50 and p99 and each as a ratio to the
ceiling.  Everything shares this machine's cores with PostgreSQL and the load generator:
compare ratios, not absolute numbers.  Note that on a shared PostgreSQL server, other
databases' writes move the snapshot the feeds check first (see events_app/feeds/versions.py),
so the 304 figure drops when the server is busy with other work.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import asyncpg
import httpx

# Run as a file (benchmarks/NAME.py) or as a module (-m benchmarks.NAME), from anywhere.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks import _common
from benchmarks._common import (
    ADMIN_URL,
    SERVER,
    SERVERS,
    LeanClient,
    free_port,
    fresh_database,
    http_request,
    percentile,
    served,
)

DB_NAME = "events_bench_feeds"
AMS = ZoneInfo("Europe/Amsterdam")
KINDS = ("meetup", "lecture", "workshop", "training", "course", "network_evening")
FORMATS = ("online", "in_person", "hybrid")
TAGS = ("herstel", "buurtteam", "naasten", "jongeren", "verslaving", "armoede", "werk")


# --- data -------------------------------------------------------------------------------


async def load_data(url: str, series_count: int = 200, dates_each: int = 25) -> dict[str, str]:
    """Bulk-insert the data set with COPY; returns the tokens the benchmark needs."""
    rng = random.Random(5545)
    now = datetime.now(UTC).replace(microsecond=0)
    conn = await asyncpg.connect(url)
    try:
        orgs = []
        for n in range(5):
            orgs.append(
                await conn.fetchval(
                    "INSERT INTO organisation (slug, name, contact_email, timezone, language,"
                    " retention_days, consent_text, created_at, updated_at) VALUES"
                    " ($1, $2, $3, 'Europe/Amsterdam', 'nl', 90, '', $4, $4) RETURNING id",
                    f"netwerk-{n}",
                    f"Netwerk ervaringsdeskundigen {n}",
                    f"info@netwerk-{n}.example.org",
                    now,
                )
            )
        first_day = (now - timedelta(weeks=8)).astimezone(AMS).date()
        series_rows = []
        for n in range(series_count):
            hour = 10 + n % 9
            series_rows.append(
                (
                    orgs[n % len(orgs)], KINDS[n % len(KINDS)], f"reeks-{n}",
                    f"Bijeenkomst {n}: ervaringskennis in de wijk",
                    "Elke week delen ervaringsdeskundigen hun kennis met professionals.",
                    FORMATS[n % 3], "Buurthuis De Regenboog, Amsterdam" if n % 3 else "",
                    f"https://meet.example.org/reeks-{n}",
                    "everyone" if n % 4 == 0 else "registered", "required", 30, True,
                    "Europe/Amsterdam", datetime.combine(first_day, datetime.min.time()).replace(
                        hour=hour), 90, "nl",
                    json.dumps(rng.sample(TAGS, 2)), n % 20 != 19, "active", now, now,
                )
            )  # fmt: skip
        await conn.copy_records_to_table(
            "series",
            records=series_rows,
            columns=[
                "organisation", "kind", "slug", "title", "summary", "format", "location",
                "meeting_url", "link_visibility", "registration_mode", "capacity", "waitlist",
                "timezone", "first_start", "duration_minutes", "language", "tags", "published",
                "status", "created_at", "updated_at",
            ],
        )  # fmt: skip
        series = await conn.fetch("SELECT id, first_start FROM series ORDER BY id")
        date_rows = []
        for row in series:
            for week in range(dates_each):
                local = row["first_start"] + timedelta(weeks=week)
                end = local + timedelta(minutes=90)
                status = "scheduled"
                if week % 10 == 7:
                    status = "cancelled" if week % 20 == 7 else "skipped"
                date_rows.append(
                    (
                        row["id"], f"{uuid.uuid4().hex}@events-app", local, local, end,
                        "Europe/Amsterdam", local.replace(tzinfo=AMS).astimezone(UTC),
                        end.replace(tzinfo=AMS).astimezone(UTC), status,
                        "Feestdag" if status != "scheduled" else "",
                        f"Thema van week {week}" if week % 3 == 0 else "", "", 0, 0, 0, now, now,
                    )
                )  # fmt: skip
        await conn.copy_records_to_table(
            "event_date",
            records=date_rows,
            columns=[
                "series", "uid", "rule_start", "local_start", "local_end", "timezone",
                "starts_at", "ends_at", "status", "status_reason", "topic", "note",
                "confirmed_count", "waiting_count", "sequence", "created_at", "updated_at",
            ],
        )  # fmt: skip
        dates = await conn.fetch("SELECT id, series, starts_at, status FROM event_date ORDER BY id")
        speakers = [(row["id"], None, f"Gastheer {row['id']}", "moderator", 0) for row in series]
        speakers += [(d["series"], d["id"], f"Spreker {d['id']}", "speaker", 0) for d in dates[::5]]
        await conn.copy_records_to_table(
            "speaker",
            records=speakers,
            columns=["series", "event_date", "name", "role", "position"],
        )
        feed_token = secrets.token_urlsafe(32)
        attendee = await conn.fetchval(
            "INSERT INTO attendee (email, manage_token, feed_token, language, created_at)"
            " VALUES ('deelnemer@example.org', $1, $2, 'nl', $3) RETURNING id",
            secrets.token_urlsafe(32),
            feed_token,
            now,
        )
        future = [d for d in dates if d["starts_at"] > now and d["status"] == "scheduled"]
        for n, chosen in enumerate(rng.sample(future, 20)):
            status = "confirmed" if n < 15 else "waiting" if n < 18 else "cancelled"
            await conn.execute(
                "INSERT INTO registration (event_date, attendee, name, email, needs, answers,"
                " language, status, waiting_since, source, created_at, updated_at, cancelled_at)"
                " VALUES ($1, $2, 'Deelnemer', 'deelnemer@example.org', '', '{}', 'nl', $3,"
                " $4, 'self', $5, $5, $6)",
                chosen["id"],
                attendee,
                status,
                now if status == "waiting" else None,
                now,
                now if status == "cancelled" else None,
            )
            if status != "cancelled":
                column = "confirmed_count" if status == "confirmed" else "waiting_count"
                await conn.execute(
                    f"UPDATE event_date SET {column} = {column} + 1 WHERE id = $1", chosen["id"]
                )
        await conn.execute("ANALYZE")
        return {"feed_token": feed_token}
    finally:
        await conn.close()


# --- load generators -----------------------------------------------------------------------


@dataclass
class Result:
    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    bytes_each: int = 0


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"cannot read wrk latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def run_wrk(name: str, url: str, seconds: int, connections: int, headers: dict[str, str]) -> Result:
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for key, value in headers.items():
        args += ["-H", f"{key}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{name}: {errors.group(1)} error responses\n{out}")
    return Result(name, rps, p50, p99, total)


async def run_lean(
    name: str,
    url: str,
    seconds: float,
    connections: int,
    headers: dict[str, str],
    before_each: str | None = None,
    db_url: str | None = None,
) -> Result:
    """Closed-loop clients on :class:`LeanClient` (when wrk is missing: a full client library
    would spend more CPU per request than a 304 costs the server); ``before_each`` is SQL run
    (not timed) before every request."""
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    request = http_request("GET", target, headers=headers)
    pool = await asyncpg.create_pool(db_url, min_size=1, max_size=connections) if db_url else None
    latencies: list[float] = []
    size = 0
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()

    async def loop() -> None:
        nonlocal size
        client = LeanClient(parts.hostname or "127.0.0.1", parts.port or 80)
        try:
            while time.perf_counter() < deadline:
                if before_each and pool is not None:
                    await pool.execute(before_each)
                t0 = time.perf_counter()
                status, body = await client.send(request)
                latencies.append((time.perf_counter() - t0) * 1000)
                if status not in (200, 304):
                    raise RuntimeError(f"{name}: HTTP {status}")
                size = len(body)
        finally:
            await client.close()

    await asyncio.gather(*(loop() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    if pool is not None:
        await pool.close()
    return Result(
        name,
        len(latencies) / elapsed,
        percentile(latencies, 0.5),
        percentile(latencies, 0.99),
        len(latencies),
        size,
    )


# --- main ------------------------------------------------------------------------------------


async def warm(url: str, clients: int = 8) -> None:
    """Concurrent GETs, so that every worker process has rendered the current version."""
    async with httpx.AsyncClient(timeout=300) as client:
        for response in await asyncio.gather(*(client.get(url) for _ in range(clients))):
            response.raise_for_status()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=2, help="best of N, interleaved")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--server", choices=SERVERS, default=SERVER, help="how app and ceiling are served"
    )
    args = parser.parse_args()
    os.environ["EVENTS_BENCH_SERVER"] = args.server
    _common.SERVER = args.server
    use_wrk = shutil.which("wrk") is not None
    load_before = os.getloadavg()[0]

    print(f"database: fresh {DB_NAME} on {ADMIN_URL}; loading 200 series / 5,000 dates ...")
    url = asyncio.run(fresh_database(DB_NAME))
    t0 = time.perf_counter()
    tokens = asyncio.run(load_data(url))
    print(f"data loaded in {time.perf_counter() - t0:.1f} s")
    env = {
        "DATABASE_URL": url,
        "EVENTS_RUN_WORKER": "0",
        "EVENTS_SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
        "EVENTS_BASE_URL": "https://events.example.org",
    }
    best: dict[str, Result] = {}

    def keep(result: Result) -> None:
        if result.name not in best or result.rps > best[result.name].rps:
            best[result.name] = result

    def measure(name: str, target: str, headers: dict[str, str] | None = None) -> None:
        headers = headers or {}
        if use_wrk:
            keep(run_wrk(name, target, args.seconds, args.connections, headers))
        else:
            keep(asyncio.run(run_lean(name, target, args.seconds, args.connections, headers)))

    with (
        tempfile.TemporaryDirectory() as tmp,
        served("events_app.app:create_served_app", free_port(), env) as app,
    ):
        all_url = f"{app}/feeds/all.ics"
        first = httpx.get(all_url, timeout=300)
        first.raise_for_status()
        body = first.content
        print(f"/feeds/all.ics: {body.count(b'BEGIN:VEVENT')} dates, {len(body) / 1e6:.2f} MB")
        ceiling_file = Path(tmp) / "all.ics"
        ceiling_file.write_bytes(body)
        personal_url = f"{app}/feeds/me/{tokens['feed_token']}.ics"
        small_file = Path(tmp) / "personal.ics"
        small_file.write_bytes(httpx.get(personal_url, timeout=60).content)
        touch_all = "UPDATE series SET updated_at = now()"
        touch_one = (
            "UPDATE event_date SET updated_at = now(), sequence = sequence + 1"
            " WHERE id = (SELECT id FROM event_date ORDER BY random() LIMIT 1)"
        )
        with served(
            "benchmarks.feed_ceiling:create_app",
            free_port(),
            {"FEED_CEILING_FILE": str(ceiling_file), "FEED_CEILING_SMALL_FILE": str(small_file)},
        ) as bare:
            for _ in range(args.rounds):
                keep(asyncio.run(run_lean(COLD, all_url, args.seconds, 2, {}, touch_all, url)))
                asyncio.run(warm(all_url))
                keep(asyncio.run(run_lean(CHANGED, all_url, args.seconds, 2, {}, touch_one, url)))
                asyncio.run(warm(all_url))
                asyncio.run(warm(personal_url))
                measure(WARM, all_url)
                measure(WARM_GZIP, all_url, {"Accept-Encoding": "gzip"})
                # The data changed in the runs above: ask for the current ETag, check it 304s.
                etag = httpx.get(all_url, timeout=300).headers["etag"]
                check = httpx.get(all_url, headers={"If-None-Match": etag}, timeout=300)
                assert check.status_code == 304, check.status_code
                measure(NOT_MODIFIED, all_url, {"If-None-Match": etag})
                measure(PERSONAL, personal_url)
                measure(CEILING, f"{bare}/feed.ics")
                measure(CEILING_304, f"{bare}/not-modified")
                measure(CEILING_SMALL, f"{bare}/small.ics")

    if not args.keep:
        asyncio.run(_drop())
    tool = f"wrk -t2 -c{args.connections}" if use_wrk else f"lean client, {args.connections}"
    print(
        f"\nserver: {args.server}; load: {tool}, {args.seconds} s each,"
        f" best of {args.rounds} interleaved rounds;"
        f" cold/changed: lean client, 2 clients.  Load average {load_before:.1f} before,"
        f" {os.getloadavg()[0]:.1f} after (2 cores)."
    )
    print(f"{'':38} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9} {'/ceiling':>9}")
    ceiling, ceiling_304 = best[CEILING], best[CEILING_304]
    ceiling_small = best[CEILING_SMALL]
    names = (COLD, CHANGED, WARM, WARM_GZIP, NOT_MODIFIED, PERSONAL)
    for name in (*names, CEILING, CEILING_304, CEILING_SMALL):
        result = best[name]
        extra = ""
        if name == NOT_MODIFIED:
            extra = f"  ({result.rps / ceiling_304.rps:.2f} of the bare 304)"
        if name == PERSONAL:
            extra = f"  ({result.rps / ceiling_small.rps:.2f} of the bare route, same bytes)"
        print(
            f"{name:38} {result.rps:9.1f} {result.p50_ms:9.2f} {result.p99_ms:9.2f}"
            f" {result.rps / ceiling.rps:9.3f}{extra}"
        )
    return 0


COLD = "all.ics cold (every date rendered)"
CHANGED = "all.ics after one date changed"
WARM = "all.ics warm"
WARM_GZIP = "all.ics warm, gzip"
NOT_MODIFIED = "all.ics 304 (If-None-Match)"
PERSONAL = "personal feed (20 registrations)"
CEILING = "ceiling: bare Litestar, same bytes"
CEILING_304 = "ceiling: bare Litestar, empty 304"
CEILING_SMALL = "ceiling: bare Litestar, personal bytes"


async def _drop() -> None:
    conn = await asyncpg.connect(ADMIN_URL)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    finally:
        await conn.close()


if __name__ == "__main__":
    os.chdir(Path(__file__).resolve().parent.parent)
    raise SystemExit(main())
