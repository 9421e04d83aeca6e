"""Capacity holds under concurrency on both databases: never a seat twice, never overbooked."""

from __future__ import annotations

import asyncio
import random

from events_app.agenda.views import waiting_position
from events_app.registration import manage, registrations
from events_app.tables import EventDate, OutboxMail, Registration
from tests.factories import make_date, make_organisation, manage_token_of


async def _invariants(date_id: int, capacity: int) -> tuple[int, int]:
    rows = await Registration.select(
        Registration.id, Registration.email, Registration.status
    ).where(Registration.event_date == date_id)
    confirmed = [r for r in rows if r["status"] == "confirmed"]
    waiting = [r for r in rows if r["status"] == "waiting"]
    assert len(confirmed) <= capacity
    emails = [r["email"] for r in confirmed + waiting]
    assert len(emails) == len(set(emails)), "someone is both confirmed and waiting"
    positions = sorted([await waiting_position(r["id"]) for r in waiting])  # type: ignore[type-var]
    assert positions == list(range(1, len(waiting) + 1)), "waiting positions are not contiguous"
    occ = (
        await EventDate.select(EventDate.confirmed_count, EventDate.waiting_count)
        .where(EventDate.id == date_id)
        .first()
    )
    assert occ == {"confirmed_count": len(confirmed), "waiting_count": len(waiting)}
    if waiting:
        assert len(confirmed) == capacity, "a seat is free while people wait"
    return len(confirmed), len(waiting)


async def test_sixty_concurrent_registrations_on_thirty_seats() -> None:
    org = await make_organisation()
    [date] = await make_date(org, capacity=30)

    async def one(n: int) -> registrations.Receipt:
        return await registrations.register([date], name=f"Persoon {n}", email=f"p{n}@example.org")

    receipts = await asyncio.gather(*(one(n) for n in range(60)))
    statuses = [r.outcomes[0].status for r in receipts]
    assert statuses.count("confirmed") == 30
    assert statuses.count("waiting") == 30
    waiting = [r.outcomes[0].registration_id for r in receipts if r.outcomes[0].status == "waiting"]
    positions = sorted([await waiting_position(i) for i in waiting])  # type: ignore[type-var]
    assert positions == list(range(1, 31))
    assert await _invariants(date, 30) == (30, 30)
    # every registration has exactly its one receipt, and no mail is without its registration
    mails = await OutboxMail.select(OutboxMail.kind, OutboxMail.context).output(load_json=True)
    assert len(mails) == 60
    assert {m["kind"] for m in mails} == {"registration_receipt"}
    mailed = [i for m in mails for i in m["context"]["registrations"]]
    assert sorted(mailed) == sorted(r["id"] for r in await Registration.select(Registration.id))


async def test_same_person_registering_concurrently_gets_one_seat() -> None:
    org = await make_organisation()
    [date] = await make_date(org, capacity=30)
    receipts = await asyncio.gather(
        *(
            registrations.register([date], name="Zelfde", email="zelfde@example.org")
            for _ in range(10)
        )
    )
    assert len({r.outcomes[0].registration_id for r in receipts}) == 1
    assert await Registration.count() == 1
    assert await _invariants(date, 30) == (1, 0)


async def test_concurrent_cancel_and_reregister_keep_the_invariants() -> None:
    org = await make_organisation()
    [date] = await make_date(org, capacity=10)
    people = [f"q{n}@example.org" for n in range(25)]
    tokens: dict[str, str] = {}
    for email in people:
        await registrations.register([date], name="Q", email=email)
        tokens[email] = await manage_token_of(email)
    rng = random.Random(7)

    async def churn(email: str) -> None:
        for _ in range(3):
            if rng.random() < 0.5:
                await manage.cancel_all_mine(tokens[email])
            else:
                await registrations.register([date], name="Q", email=email)

    await asyncio.gather(*(churn(email) for email in people))
    confirmed, waiting = await _invariants(date, 10)
    assert confirmed == min(10, confirmed + waiting)
