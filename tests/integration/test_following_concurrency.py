"""Following under real concurrency on PostgreSQL: digests exactly once per follower and period
with several workers at once, and a burst of follow requests for one address mails it once.
SQLite lets one writer in at a time, so these races only exist on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest

from events_app import clock
from events_app.registration import follow_digest
from events_app.tables import Follower, OutboxMail
from tests.conftest import ENGINE
from tests.factories import make_date, make_organisation

pytestmark = pytest.mark.skipif(
    ENGINE != "postgres", reason="SQLite serialises writers; run with EVENTS_TEST_DATABASE=postgres"
)


async def test_several_workers_queue_each_digest_once() -> None:
    org = await make_organisation()
    start = clock.now()
    with clock.frozen(start):
        for n in range(40):
            await Follower.insert(
                Follower(
                    organisation=org,
                    target="organisation",
                    email=f"volger{n}@example.org",
                    salt=f"{n:032x}",
                    token_hash=f"{n:064x}",
                    created_at=start,
                    confirmed_at=start,
                    digest="daily" if n % 2 else "weekly",
                )
            )
    with clock.frozen(start + timedelta(days=8)):
        await make_date(org)
        queued = await asyncio.gather(*(follow_digest.queue_follow_digests() for _ in range(6)))
        assert sum(queued) == 40
        assert await OutboxMail.count().where(OutboxMail.kind == "follow_digest") == 40
        again = await asyncio.gather(*(follow_digest.queue_follow_digests() for _ in range(3)))
        assert sum(again) == 0


async def test_a_burst_of_follow_requests_mails_an_address_once(
    client: httpx.AsyncClient,
) -> None:
    await make_organisation()
    body = {"email": "doelwit@example.org", "organisation": "stadsnetwerk"}
    answers = await asyncio.gather(*(client.post("/api/v1/follow", json=body) for _ in range(12)))
    assert {a.status_code for a in answers} <= {202, 429, 503}, [a.text for a in answers]
    assert await OutboxMail.count().where(OutboxMail.kind == "follow_confirm") == 1
    assert await Follower.count() == 1
