"""An event registered as one, under real concurrency on PostgreSQL: registrations that name
one day or both, cancellations and out-of-turn promotions at the same moment end with every
person in the same state on every day, no more people than seats, and no deadlock.

SQLite lets one writer in at a time, so these races only exist on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable
from typing import Any

import httpx
import pytest

from events_app.tables import Registration, Series
from tests.conftest import ENGINE
from tests.factories import make_date, make_organiser, manage_token_of, series_of
from tests.invariants import assert_seat_invariants

pytestmark = pytest.mark.skipif(
    ENGINE != "postgres",
    reason="SQLite serialises writers (BEGIN IMMEDIATE): run with EVENTS_TEST_DATABASE=postgres",
)


def _register(client: httpx.AsyncClient, email: str, dates: list[int]) -> Awaitable[httpx.Response]:
    return client.post(
        "/api/v1/registrations",
        json={"name": "Deelnemer", "email": email, "date_ids": dates},
    )


async def _all(requests: list[Awaitable[httpx.Response]]) -> list[httpx.Response]:
    responses = await asyncio.gather(*requests)
    failed = [
        (r.request.url.path, r.status_code, r.text[:200]) for r in responses if r.status_code >= 500
    ]
    assert not failed, failed
    return list(responses)


async def _per_person(dates: list[int]) -> dict[Any, set[str]]:
    rows = await Registration.select(Registration.attendee, Registration.status).where(
        Registration.event_date.is_in(dates)
    )
    states: dict[Any, set[str]] = {}
    for row in rows:
        states.setdefault(row["attendee"], set()).add(row["status"])
    return states


async def _confirmed(dates: list[int]) -> dict[int, set[int]]:
    rows = await Registration.select(Registration.event_date, Registration.attendee).where(
        Registration.event_date.is_in(dates) & (Registration.status == "confirmed")
    )
    people: dict[int, set[int]] = {d: set() for d in dates}
    for row in rows:
        people[row["event_date"]].add(row["attendee"])
    return people


async def test_thirty_people_at_once_for_a_two_day_training(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    dates = await make_date(organiser.organisation_id, capacity=3, dates=2)
    await Series.update({Series.together: True}).where(Series.id == await series_of(dates[0]))
    rng = random.Random(5)
    choices = [[dates[0]], [dates[1]], dates, list(reversed(dates))]
    responses = await _all(
        [_register(client, f"p{n}@example.org", rng.choice(choices)) for n in range(30)]
    )
    assert {r.status_code for r in responses} == {202}
    await assert_seat_invariants(dates)
    confirmed = await _confirmed(dates)
    assert len(confirmed[dates[0]]) == 3 and confirmed[dates[0]] == confirmed[dates[1]]
    states = await _per_person(dates)
    assert len(states) == 30
    assert all(len(s) == 1 for s in states.values()), states  # the same on both days

    # Cancellations, newcomers and out-of-turn promotions at the same moment.
    people = [f"p{n}@example.org" for n in range(30)]
    tokens = [await manage_token_of(email) for email in people[:8]]
    waiting = [
        row["id"]
        for row in await Registration.select(Registration.id).where(
            (Registration.status == "waiting") & (Registration.event_date == dates[1])
        )
    ]
    requests: list[Awaitable[httpx.Response]] = [
        client.post(f"/api/v1/manage/{token}/cancel-all") for token in tokens
    ]
    requests += [_register(client, f"nieuw{n}@example.org", rng.choice(choices)) for n in range(12)]
    requests += [
        client.post(f"/api/v1/registrations/{rid}/promote", headers=organiser.headers)
        for rid in rng.sample(waiting, k=4)
    ]
    rng.shuffle(requests)
    responses = await _all(requests)
    assert all(r.status_code < 400 or r.status_code == 409 for r in responses), [
        (r.request.url.path, r.status_code, r.text) for r in responses if r.status_code >= 400
    ]
    await assert_seat_invariants(dates)
    confirmed = await _confirmed(dates)
    assert confirmed[dates[0]] == confirmed[dates[1]]
    assert len(confirmed[dates[0]]) == 3
    assert all(len(s) == 1 for s in (await _per_person(dates)).values())
