"""The soak test: 2 app processes and 2 workers on PostgreSQL under mixed traffic, with faults.

    .venv/bin/python benchmarks/soak.py              # 5 minutes
    .venv/bin/python benchmarks/soak.py --minutes 1  # a quick run

It makes a fresh database, an SMTP sink (``benchmarks/soak_sink.py``) that records every
Message-ID it receives, two ``events-app serve`` processes (two ports) and two
``events-app worker`` processes.  Then, for the given time: calendar clients poll feeds with
ETags; people register, cancel and register again on a few small, popular dates; organisers
move and cancel dates and change a rule.  A third of the way in one worker is killed with
SIGKILL and started again; half way one app process; two thirds of the way the SMTP server is
killed for 30 seconds.  At the end (after the outbox has drained) it checks, prints one line
each and exits 1 if any is not 0:

* ``overbooked``: dates with more people confirmed than places, or counters that disagree
  with the rows;
* ``mails lost``: mails still unsent, sent but never received, or refused for good;
* ``mails duplicated``: Message-IDs received more than once;
* ``feed mismatches``: dates where a series feed, parsed with icalendar (not our writer),
  disagrees with the database (a missing or extra date, another start, a wrong STATUS);
* ``server errors``: 5xx answers, and tracebacks in the processes' logs;

and it prints requests per second, p50/p99 per kind of request, and each process's memory at
the start and at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from icalendar import Calendar

# Run as a file (benchmarks/soak.py) or as a module (-m benchmarks.soak), from anywhere.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks._common import ADMIN_URL, ROOT, free_port, fresh_database, percentile

EVENTS_APP = str(ROOT / ".venv" / "bin" / "events-app")
PASSWORD = "soak-wachtwoord-lang"
POPULAR_DATES = 4
CAPACITY = 5


@dataclass
class Proc:
    name: str
    args: list[str]
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen[bytes] | None = None
    rss_start: int = 0
    restarted: bool = False

    def start(self) -> None:
        out = self.log.open("ab")
        self.popen = subprocess.Popen(
            self.args, env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
        )

    def kill(self) -> None:
        assert self.popen is not None
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait()

    def stop(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.popen.kill()

    def rss(self) -> int:
        """Resident memory in kB (the process and its children, for uvicorn)."""
        assert self.popen is not None
        total = 0
        pids = [self.popen.pid, *_children(self.popen.pid)]
        for pid in pids:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                pass
        return total


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


@dataclass
class Stats:
    times: dict[str, list[float]] = field(default_factory=lambda: collections.defaultdict(list))
    server_errors: int = 0
    connection_errors: int = 0
    requests: int = 0


async def _call(
    stats: Stats, kind: str, client: httpx.AsyncClient, method: str, url: str, **kw: Any
) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response = await client.request(method, url, **kw)
    except httpx.TransportError:
        stats.connection_errors += 1  # an app process was killed: clients try the other one
        return None
    stats.times[kind].append(time.perf_counter() - started)
    stats.requests += 1
    if response.status_code >= 500:
        stats.server_errors += 1
        print(f"  5xx on {method} {url}: {response.status_code} {response.text[:200]}")
    return response


async def _setup(base: str) -> tuple[httpx.AsyncClient, list[dict[str, Any]]]:
    """An organiser (logged in by cookie) and three weekly series with small dates."""
    client = httpx.AsyncClient(base_url=base, timeout=30, headers={"x-requested-with": "soak"})
    login = await client.post(
        "/api/v1/session", json={"email": "soak@example.org", "password": PASSWORD}
    )
    login.raise_for_status()
    first = (datetime.now(UTC) + timedelta(days=3)).date()
    series = []
    for n, day in enumerate(("MO", "WE", "FR")):
        made = await client.post(
            "/api/v1/series",
            json={
                "title": f"Soak-reeks {n}",
                "rule": f"FREQ=WEEKLY;BYDAY={day}",
                "start_date": first.isoformat(),
                "start_time": "19:30",
                "duration_minutes": 90,
                "capacity": CAPACITY,
                "published": True,
            },
        )
        made.raise_for_status()
        series.append(made.json())
    return client, series


async def _dates(client: httpx.AsyncClient, series_id: int) -> list[dict[str, Any]]:
    response = await client.get(f"/api/v1/series/{series_id}/dates")
    response.raise_for_status()
    rows: list[dict[str, Any]] = response.json()
    return rows


async def run(minutes: float, concurrency: int) -> int:
    work = Path(tempfile.mkdtemp(prefix="events-soak-"))
    name = f"events_soak_{os.getpid()}"
    url = await fresh_database(name)
    sink_port, ports = free_port(), [free_port(), free_port()]
    received = work / "received.txt"
    received.touch()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "EVENTS_ENV": "development",
        "EVENTS_SECRET_KEY": "soak-secret-key-" + "x" * 40,
        "EVENTS_BASE_URL": f"http://127.0.0.1:{ports[0]}",
        "EVENTS_SMTP_HOST": "127.0.0.1",
        "EVENTS_SMTP_PORT": str(sink_port),
        "EVENTS_RUN_WORKER": "0",
        "EVENTS_REGISTRATION_RATE_LIMIT": "1000000",
        # The same 8 people register again and again: the hourly mail limit per address
        # (which holds mails back on purpose) would hide lost mails among held ones.
        "EVENTS_MAILS_PER_ADDRESS_PER_HOUR": "1000000",
        "EVENTS_LOG_FORMAT": "json",
    }
    subprocess.run(
        [EVENTS_APP, "create-organisation", "--slug", "soak", "--name", "Soak",
         "--contact-email", "soak@example.org"], env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    subprocess.run(
        [EVENTS_APP, "create-organiser", "--email", "soak@example.org", "--name", "Soak",
         "--organisation", "soak", "--password", PASSWORD], env=env, check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    sink = Proc("smtp", [sys.executable, "-m", "benchmarks.soak_sink", str(sink_port),
                         str(received)], env, work / "smtp.log")  # fmt: skip
    apps = [
        Proc(f"app{i + 1}", [EVENTS_APP, "serve", "--port", str(p)], env, work / f"app{i + 1}.log")
        for i, p in enumerate(ports)
    ]
    workers = [
        Proc(f"worker{i + 1}", [EVENTS_APP, "worker"], env, work / f"worker{i + 1}.log")
        for i in range(2)
    ]
    everything = [sink, *apps, *workers]
    for proc in everything:
        proc.start()
    bases = [f"http://127.0.0.1:{p}" for p in ports]
    for base in bases:
        for _ in range(150):
            try:
                httpx.get(base + "/ready", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                await asyncio.sleep(0.2)
    organiser, series = await _setup(bases[0])
    popular: list[int] = []
    for s in series:
        popular += [d["id"] for d in (await _dates(organiser, s["id"]))[:2]]
    popular = popular[:POPULAR_DATES]
    await asyncio.sleep(5)  # warm up, then measure memory
    for proc in everything:
        proc.rss_start = proc.rss()

    stats = Stats()
    duration = minutes * 60
    started = time.monotonic()
    stop = asyncio.Event()
    clients = [httpx.AsyncClient(base_url=b, timeout=30) for b in bases]

    def client_for(n: int) -> tuple[httpx.AsyncClient, httpx.AsyncClient]:
        first = clients[n % 2]
        return first, clients[(n + 1) % 2]

    async def feed_reader(n: int) -> None:
        etags: dict[str, str] = {}
        while not stop.is_set():
            s = random.choice(series)
            path = f"/feeds/series/{s['slug']}.ics"
            for client in client_for(n):
                headers = {"If-None-Match": etags[path]} if path in etags else {}
                answer = await _call(stats, "feed", client, "GET", path, headers=headers)
                if answer is not None:
                    if answer.status_code == 200:
                        etags[path] = answer.headers.get("etag", "")
                    break
            await asyncio.sleep(random.uniform(0.1, 0.5))

    async def register(n: int, body: dict[str, Any]) -> dict[str, Any] | None:
        for client in client_for(n):
            answer = await _call(
                stats, "register", client, "POST", "/api/v1/registrations", json=body
            )
            if answer is not None:
                return answer.json() if answer.status_code in (200, 201) else None
        return None

    async def person(n: int) -> None:
        """Register on a popular date; often cancel; sometimes register again."""
        while not stop.is_set():
            email = f"p{n}-{random.randrange(10**6)}@example.org"
            date = random.choice(popular)
            body = {"name": f"Deelnemer {n}", "email": email, "date_ids": [date]}
            receipt = await register(n, body)
            await asyncio.sleep(random.uniform(0.1, 0.8))
            if receipt and random.random() < 0.6:
                token = receipt["manage_url"].rsplit("/", 1)[1]
                rid = receipt["registrations"][0]["registration_id"]
                for client in client_for(n):
                    path = f"/api/v1/manage/{token}/registrations/{rid}/cancel"
                    if await _call(stats, "cancel", client, "POST", path) is not None:
                        break
                await asyncio.sleep(random.uniform(0.1, 0.8))
                if random.random() < 0.5:
                    await register(n, body)  # changed their mind: again, on the same date
            await asyncio.sleep(random.uniform(0.1, 0.5))

    async def organiser_actions() -> None:
        step = 0
        while not stop.is_set():
            await asyncio.sleep(random.uniform(4, 8))
            s = series[step % len(series)]
            try:
                listed = await _dates(organiser, s["id"])
            except httpx.TransportError:  # app1 is down for a moment: again next round
                stats.connection_errors += 1
                continue
            dates = [d for d in listed if d["status"] == "scheduled"]
            later = [d for d in dates[3:] if d["id"] not in popular]
            if not later:
                continue
            target = random.choice(later)
            if step % 3 == 0:
                start = datetime.fromisoformat(target["local_start"]) + timedelta(hours=1)
                await _call(stats, "organiser", organiser, "POST",
                            f"/api/v1/dates/{target['id']}/move",
                            json={"local_start": start.isoformat(timespec="minutes")})  # fmt: skip
            elif step % 3 == 1:
                await _call(stats, "organiser", organiser, "POST",
                            f"/api/v1/dates/{target['id']}/cancel",
                            json={"reason": "Soak"})  # fmt: skip
            else:
                day = datetime.fromisoformat(target["local_start"]).date()
                await _call(stats, "organiser", organiser, "PATCH", f"/api/v1/series/{s['id']}",
                            json={"start_time": random.choice(["19:00", "19:30", "20:00"]),
                                  "effective_from": day.isoformat()})  # fmt: skip
            step += 1

    async def faults() -> None:
        await asyncio.sleep(duration / 3)
        print(f"  {time.monotonic() - started:5.0f} s: SIGKILL worker1, start it again")
        workers[0].kill()
        workers[0].start()
        workers[0].restarted = True
        await asyncio.sleep(duration / 2 - duration / 3)
        print(f"  {time.monotonic() - started:5.0f} s: SIGKILL app1, start it again")
        apps[0].kill()
        apps[0].start()
        apps[0].restarted = True
        await asyncio.sleep(duration * 2 / 3 - duration / 2)
        print(f"  {time.monotonic() - started:5.0f} s: SMTP server down for 30 s")
        sink.kill()
        await asyncio.sleep(30)
        sink.start()
        print(f"  {time.monotonic() - started:5.0f} s: SMTP server back")

    tasks = [asyncio.create_task(feed_reader(n)) for n in range(concurrency)]
    tasks += [asyncio.create_task(person(n)) for n in range(concurrency)]
    tasks.append(asyncio.create_task(organiser_actions()))
    fault_task = asyncio.create_task(faults())
    await asyncio.sleep(duration)
    await fault_task
    stop.set()
    result_errors: list[str] = []
    for outcome in await asyncio.gather(*tasks, return_exceptions=True):
        if isinstance(outcome, Exception):  # a bug in the soak itself must not go unseen
            print(f"  traffic task failed: {outcome!r}")
            result_errors.append(repr(outcome))
    elapsed = time.monotonic() - started
    rss_end = {proc.name: proc.rss() for proc in everything}
    for restarted in (workers[0], apps[0]):
        restarted.rss_start = restarted.rss_start if not restarted.restarted else 0

    # Drain the outbox, then check.
    conn = await asyncpg.connect(url)
    deadline = time.monotonic() + 180
    while await conn.fetchval("SELECT count(*) FROM outbox_mail WHERE status = 'pending'"):
        if time.monotonic() > deadline:
            break
        await asyncio.sleep(1)
    await asyncio.sleep(2)
    result = await _check(conn, received, bases[1], series)
    await conn.close()
    tracebacks = sum(p.log.read_text(errors="replace").count("Traceback") for p in everything)
    result["server errors"] = stats.server_errors + tracebacks

    for client in (*clients, organiser):
        await client.aclose()
    for proc in everything:
        proc.stop()
    admin = await asyncpg.connect(ADMIN_URL)
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()

    print(f"\nsoak: {minutes:g} min, {stats.requests} requests, "
          f"{stats.requests / elapsed:.0f} requests/s, {concurrency} feed readers and "
          f"{concurrency} people; {stats.connection_errors} connection errors while an app "
          f"process was down (retried on the other)")  # fmt: skip
    for kind, times in sorted(stats.times.items()):
        print(f"  {kind:<10} {len(times):>6}  p50 {percentile(times, 0.5) * 1000:7.1f} ms"
              f"  p99 {percentile(times, 0.99) * 1000:7.1f} ms")  # fmt: skip
    growth_ok = True
    for proc in everything:
        if proc is sink:
            continue
        if proc.restarted:
            print(f"  memory {proc.name:<8} restarted during the run, now {rss_end[proc.name]} kB")
            continue
        growth = (rss_end[proc.name] - proc.rss_start) / max(proc.rss_start, 1)
        growth_ok &= growth < 0.10
        print(f"  memory {proc.name:<8} {proc.rss_start:>7} kB -> {rss_end[proc.name]:>7} kB"
              f" ({growth:+.1%})")  # fmt: skip
    print(f"  logs in {work}")
    failed = False
    for key in ("overbooked", "mails lost", "mails duplicated", "feed mismatches",
                "server errors"):  # fmt: skip
        print(f"{key} {result[key]}")
        failed |= result[key] != 0
    if not growth_ok:
        print("memory grew by 10 % or more")
    if result_errors:
        print(f"the traffic itself failed {len(result_errors)} times")
    return 1 if failed or not growth_ok or result_errors else 0


async def _check(
    conn: asyncpg.Connection, received: Path, base: str, series: list[dict[str, Any]]
) -> dict[str, int]:
    overbooked = await conn.fetchval(
        """
        SELECT count(*) FROM event_date o JOIN series s ON s.id = o.series
        WHERE o.confirmed_count > COALESCE(o.capacity, s.capacity, 1000000)
           OR o.confirmed_count <> (SELECT count(*) FROM registration r
                                    WHERE r.event_date = o.id AND r.status = 'confirmed')
           OR o.waiting_count <> (SELECT count(*) FROM registration r
                                  WHERE r.event_date = o.id AND r.status = 'waiting')
        """
    )
    ids = collections.Counter(received.read_text().split())
    rows = await conn.fetch("SELECT message_id, status, attempts, last_error FROM outbox_mail")
    unsent = sum(1 for r in rows if r["status"] == "pending")
    vanished = sum(1 for r in rows if r["status"] == "sent" and r["message_id"] not in ids)
    # "Not sent: …" is on purpose (the person cancelled before the mail went out); any other
    # failure (the server refused it for good, it could not be built) is a lost mail.
    refused = sum(
        1 for r in rows if r["status"] == "failed" and not r["last_error"].startswith("Not sent")
    )
    # Every registration is listed in the one mail its request queued (a receipt, or the
    # confirm-first mail).
    missing = await conn.fetchval(
        """
        SELECT count(*) FROM registration r WHERE NOT EXISTS (
          SELECT 1 FROM outbox_mail m
          WHERE m.kind IN ('registration_receipt', 'registration_confirm')
            AND (m.context::jsonb -> 'registrations') @> to_jsonb(r.id))
        """
    )
    lost = unsent + vanished + refused + missing
    if lost:
        print(
            f"  lost: {unsent} unsent, {vanished} sent but not received, {refused} refused, "
            f"{missing} registrations without their mail"
        )
        for r in rows:
            if r["status"] == "failed" and not r["last_error"].startswith("Not sent"):
                print(f"    failed: {r['last_error'][:120]}")  # fmt: skip
    duplicated = sum(1 for count in ids.values() if count > 1)
    mismatches = 0
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        for s in series:
            answer = await client.get(f"/feeds/series/{s['slug']}.ics")
            calendar = Calendar.from_ical(answer.content)
            in_feed = {}
            for event in calendar.walk("VEVENT"):
                start = event.decoded("DTSTART")
                in_feed[str(event["UID"])] = (
                    start.astimezone(UTC),
                    str(event.get("STATUS", "CONFIRMED")).upper(),
                )
            dates = await conn.fetch(
                "SELECT uid, starts_at, status FROM event_date WHERE series = $1", s["id"]
            )
            for d in dates:
                found = in_feed.pop(d["uid"], None)
                if d["status"] == "scheduled":
                    if found is None or found[0] != d["starts_at"] or found[1] == "CANCELLED":
                        mismatches += 1
                elif found is not None and found[1] != "CANCELLED":
                    mismatches += 1
            mismatches += len(in_feed)  # dates in the feed that the database does not have
    return {
        "overbooked": int(overbooked),
        "mails lost": int(lost),
        "mails duplicated": duplicated,
        "feed mismatches": mismatches,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    return asyncio.run(run(args.minutes, args.concurrency))


if __name__ == "__main__":
    raise SystemExit(main())
