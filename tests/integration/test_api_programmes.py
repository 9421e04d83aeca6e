"""Programmes through the API: a workshop week to pick from, a course and a two-day training
to register for as a whole; attaching and detaching series; organisation settings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from events_app import clock
from events_app.tables import Organisation, Programme, Series
from tests.factories import make_organiser
from tests.planning import audit_actions, create_series, dates_of

NOW = datetime(2026, 9, 1, 8, tzinfo=UTC)


@pytest.fixture(autouse=True)
def now() -> Iterator[datetime]:
    with clock.frozen(NOW) as at:
        yield at


async def test_a_workshop_week_is_five_one_date_series_to_pick_from(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    created = await client.post(
        "/api/v1/programmes",
        json={"title": "Week van de ervaringskennis", "selection": "pick"},
        headers=organiser.headers,
    )
    assert created.status_code == 201, created.text
    week = created.json()
    assert (week["slug"], week["selection"], week["series"]) == (
        "week-van-de-ervaringskennis",
        "pick",
        [],
    )
    workshops = [
        ("Vrijdag: slotbijeenkomst", "2026-10-16T15:00", "17:00", "Zaal 1", None, 40),
        ("Maandag: herstelverhalen", "2026-10-12T10:00", "12:00", "Zaal 1", None, 20),
        ("Dinsdag: online", "2026-10-13T19:30", "21:00", "", "https://meet.example.org/di", 100),
        ("Woensdag: naasten", "2026-10-14T14:00", "16:00", "Zaal 2", None, 15),
        ("Donderdag: werk", "2026-10-15T13:00", "15:00", "Zaal 3", None, 12),
    ]
    for title, start, end, room, link, capacity in workshops:
        await create_series(
            client,
            organiser,
            title=title,
            kind="workshop",
            programme_id=week["id"],
            first_start=start,
            end_time=end,
            location=room,
            meeting_url=link or "",
            format="online" if link else "in_person",
            capacity=capacity,
        )
    read = await client.get(f"/api/v1/programmes/{week['id']}", headers=organiser.headers)
    assert read.status_code == 200
    series = read.json()["series"]
    assert [s["title"].split(":")[0] for s in series] == [
        "Maandag",
        "Dinsdag",
        "Woensdag",
        "Donderdag",
        "Vrijdag",
    ]
    assert [(s["dates"][0]["local_start"], s["dates"][0]["capacity"]) for s in series] == [
        ("2026-10-12T10:00:00", 20),
        ("2026-10-13T19:30:00", 100),
        ("2026-10-14T14:00:00", 15),
        ("2026-10-15T13:00:00", 12),
        ("2026-10-16T15:00:00", 40),
    ]
    assert all(len(s["dates"]) == 1 for s in series)
    listed = await client.get(
        "/api/v1/series", params={"programme_id": week["id"]}, headers=organiser.headers
    )
    assert len(listed.json()) == 5


async def test_a_course_and_a_two_day_training_are_registered_for_as_a_whole(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    course = (
        await client.post(
            "/api/v1/programmes",
            json={"title": "Cursus contact bij suïcidale gedachten", "selection": "whole"},
            headers=organiser.headers,
        )
    ).json()
    assert course["slug"] == "cursus-contact-bij-suicidale-gedachten"
    sessions = await create_series(
        client,
        organiser,
        title="Cursus: zes bijeenkomsten",
        kind="course",
        programme_id=course["id"],
        recurrence={"freq": "weekly", "weekdays": ["WE"], "count": 6},
        first_start="2026-11-04T19:00",
        end_time="21:30",
        capacity=16,
    )
    assert len(await dates_of(sessions["id"])) == 6
    assert sessions["rule_text"]["nl"] == "elke week op woensdag, 19:00–21:30, 6 keer"
    training = await create_series(
        client,
        organiser,
        title="Inleefsessie, twee dagen",
        kind="training",
        format="in_person",
        location="Opleidingscentrum, lokaal 4",
        rule="FREQ=DAILY;COUNT=2",
        first_start="2026-11-19T09:30",
        end_time="16:30",
        capacity=12,
    )
    days = await dates_of(training["id"])
    assert [d["local_start"].isoformat() for d in days] == [
        "2026-11-19T09:30:00",
        "2026-11-20T09:30:00",
    ]
    attached = await client.put(
        f"/api/v1/programmes/{course['id']}/series/{training['id']}", headers=organiser.headers
    )
    assert attached.status_code == 200, attached.text
    assert [s["id"] for s in attached.json()["series"]] == [sessions["id"], training["id"]]
    detached = await client.delete(
        f"/api/v1/programmes/{course['id']}/series/{training['id']}", headers=organiser.headers
    )
    assert detached.status_code == 204
    again = await client.delete(
        f"/api/v1/programmes/{course['id']}/series/{training['id']}", headers=organiser.headers
    )
    assert again.status_code == 404
    renamed = await client.patch(
        f"/api/v1/programmes/{course['id']}",
        json={"published": True, "summary": "Voor ouders en professionals samen."},
        headers=organiser.headers,
    )
    assert renamed.json()["published"] is True
    removed = await client.delete(f"/api/v1/programmes/{course['id']}", headers=organiser.headers)
    assert removed.status_code == 204
    assert await Programme.count() == 0
    left = await Series.select(Series.id, Series.programme).order_by(Series.id)
    assert left == [
        {"id": sessions["id"], "programme": None},
        {"id": training["id"], "programme": None},
    ]
    assert await audit_actions("programme", course["id"]) == [
        "programme_created",
        "programme_series_attached",
        "programme_series_detached",
        "programme_updated",
        "programme_deleted",
    ]


async def test_programmes_hold_only_their_own_organisations_series(
    client: httpx.AsyncClient,
) -> None:
    ours = await make_organiser("stadsnetwerk", "olga@example.org")
    theirs = await make_organiser("regionetwerk", "rob@example.org")
    programme = (
        await client.post("/api/v1/programmes", json={"title": "Week"}, headers=ours.headers)
    ).json()
    foreign = await create_series(client, theirs, first_start="2026-10-01T10:00")
    response = await client.put(
        f"/api/v1/programmes/{programme['id']}/series/{foreign['id']}", headers=ours.headers
    )
    assert response.status_code == 404
    hidden = await client.get(f"/api/v1/programmes/{programme['id']}", headers=theirs.headers)
    assert hidden.status_code == 404
    assert (await client.get("/api/v1/programmes", headers=theirs.headers)).json() == []
    wrong = await client.post(
        "/api/v1/series",
        json={"title": "X", "first_start": "2026-10-01T10:00", "programme_id": programme["id"]},
        headers=theirs.headers,
    )
    assert wrong.status_code == 400 and wrong.json()["field"] == "programme_id"
    taken = await client.post(
        "/api/v1/programmes",
        json={"title": "Week", "slug": programme["slug"]},
        headers=ours.headers,
    )
    assert taken.status_code == 409 and taken.json()["field"] == "slug"


async def test_organisation_settings(client: httpx.AsyncClient) -> None:
    ours = await make_organiser("stadsnetwerk", "olga@example.org")
    theirs = await make_organiser("regionetwerk", "rob@example.org")
    listed = await client.get("/api/v1/organisations", headers=ours.headers)
    assert [(o["slug"], o["role"]) for o in listed.json()] == [("stadsnetwerk", "organiser")]
    changed = await client.patch(
        f"/api/v1/organisations/{ours.organisation_id}",
        json={"name": "Stadsnetwerk Ervaringskennis", "retention_days": 60, "language": "en"},
        headers=ours.headers,
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["name"], changed.json()["retention_days"]) == (
        "Stadsnetwerk Ervaringskennis",
        60,
    )
    for body, code in [
        ({"timezone": "Mars/Olympus"}, "unknown_timezone"),
        ({"contact_email": "geen-adres"}, "email_invalid"),
        ({"language": "de"}, "invalid_input"),
        ({"retention_days": 0}, "invalid_input"),
    ]:
        refused = await client.patch(
            f"/api/v1/organisations/{ours.organisation_id}", json=body, headers=ours.headers
        )
        assert (refused.status_code, refused.json()["code"]) == (400, code), body
    foreign = await client.patch(
        f"/api/v1/organisations/{theirs.organisation_id}",
        json={"name": "Overgenomen"},
        headers=ours.headers,
    )
    assert foreign.status_code == 404
    names = {o["slug"]: o["name"] for o in await Organisation.select()}
    assert names["regionetwerk"] != "Overgenomen"
    assert await audit_actions("organisation", ours.organisation_id) == ["organisation_updated"]
