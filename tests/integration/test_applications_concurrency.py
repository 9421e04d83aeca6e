"""Accepting applications at the same moment on PostgreSQL: two accepted at once for the last
seat give one place and one waiting-list place; the same application accepted twice at once
gives one registration; an accept racing a decline leaves one of them.

SQLite lets one writer in at a time, so these races only exist on PostgreSQL.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from events_app.tables import Account, Application, Organisation, Registration, Series
from tests.conftest import ENGINE
from tests.factories import Organiser, make_date, make_organiser, series_of
from tests.invariants import assert_seat_invariants

pytestmark = pytest.mark.skipif(
    ENGINE != "postgres",
    reason="SQLite serialises writers (BEGIN IMMEDIATE): run with EVENTS_TEST_DATABASE=postgres",
)


async def _setup(client: httpx.AsyncClient, people: int) -> tuple[Organiser, int, list[int]]:
    organiser = await make_organiser()
    [date_id] = await make_date(organiser.organisation_id, capacity=1)
    await Series.update({Series.admission: Series.Admission.apply}).where(
        Series.id == await series_of(date_id)
    )
    for n in range(people):
        sent = await client.post(
            "/api/v1/applications",
            json={"name": f"Aanvrager {n}", "email": f"a{n}@example.org", "date_id": date_id},
        )
        assert sent.status_code == 202
    ids = [row["id"] for row in await Application.select(Application.id).order_by(Application.id)]
    return organiser, date_id, ids


def _decide(
    client: httpx.AsyncClient, organiser: Organiser, application_id: int, what: str
) -> asyncio.Future[httpx.Response]:
    extra = {"json": {}} if what == "decline" else {}
    return asyncio.ensure_future(
        client.post(
            f"/api/v1/applications/{application_id}/{what}", headers=organiser.headers, **extra
        )
    )


async def test_two_accepted_at_once_for_the_last_seat_give_one_place_and_one_wait(
    client: httpx.AsyncClient,
) -> None:
    for _ in range(5):  # the race, a few times over
        await Registration.delete().where(Registration.id > 0)
        organiser, date_id, (first, second) = await _setup(client, 2)
        answers = await asyncio.gather(
            _decide(client, organiser, first, "accept"),
            _decide(client, organiser, second, "accept"),
        )
        assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
        assert sorted(a.json()["status"] for a in answers) == ["confirmed", "waiting"]
        await assert_seat_invariants([date_id])
        await Series.delete().where(Series.id > 0)
        await Application.delete().where(Application.id > 0)
        await Organisation.delete().where(Organisation.id > 0)
        await Account.delete().where(Account.id > 0)


async def test_one_application_accepted_twice_and_declined_at_once_is_decided_once(
    client: httpx.AsyncClient,
) -> None:
    organiser, date_id, (only,) = await _setup(client, 1)
    answers = await asyncio.gather(
        _decide(client, organiser, only, "accept"),
        _decide(client, organiser, only, "accept"),
        _decide(client, organiser, only, "decline"),
    )
    codes = sorted(a.status_code for a in answers)
    assert codes == [200, 409, 409], [a.text for a in answers]
    registrations = await Registration.count().where(Registration.event_date == date_id)
    [row] = await Application.select(Application.status)
    assert registrations == (1 if row["status"] == "accepted" else 0)
    await assert_seat_invariants([date_id])
