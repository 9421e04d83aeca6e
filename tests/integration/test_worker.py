from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from events_app import clock
from events_app.worker import Job, claim, run_jobs


async def _nothing() -> None:
    return None


async def test_a_leased_job_runs_once_per_interval_across_workers() -> None:
    job = Job("test-job", timedelta(minutes=5), _nothing)
    start = datetime(2026, 11, 1, 12, tzinfo=UTC)
    with clock.frozen(start):
        results = await asyncio.gather(*(claim(job) for _ in range(8)))
        assert results.count(True) == 1
        assert await claim(job) is False
    with clock.frozen(start + timedelta(minutes=4)):
        assert await claim(job) is False
    with clock.frozen(start + timedelta(minutes=5)):
        assert await claim(job) is True


async def test_run_jobs_runs_due_jobs_survives_failures_and_stops() -> None:
    ran: list[str] = []
    stop = asyncio.Event()

    async def good() -> None:
        ran.append("good")

    async def bad() -> None:
        ran.append("bad")
        raise RuntimeError("boom")

    async def stopper() -> None:
        stop.set()

    jobs = [
        Job("bad", timedelta(hours=1), bad),
        Job("good", timedelta(hours=1), good),
        Job("stop", timedelta(hours=1), stopper, leased=False),
    ]
    await asyncio.wait_for(run_jobs(jobs, stop, tick=0.01), timeout=5)
    assert ran == ["bad", "good"]
