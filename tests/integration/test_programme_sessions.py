"""A workshop week made on the programme's page: sessions added inline, in date order,
copied, refused at their fields, and nobody else's programme reachable."""

from __future__ import annotations

import re
from datetime import date, timedelta

import httpx
import pytest

from events_app import clock
from events_app.tables import EventDate, Programme, Series, Speaker
from tests.factories import PASSWORD, make_organiser
from tests.helpers.pages import csrf_token, login

pytestmark = pytest.mark.db


def _day(offset: int) -> date:
    return clock.now().date() + timedelta(days=30 + offset)


async def _programme(client: httpx.AsyncClient, org: int, token: str) -> int:
    made = await client.post(
        f"/organise/{org}/programmes/new",
        data={"_csrf_token": token, "title": "Week van de ervaring", "selection": "pick",
              "published": "yes"},
    )  # fmt: skip
    assert made.status_code == 303
    return int(made.headers["location"].split("/")[-1].split("?")[0])


def _session(token: str, **fields: str) -> dict[str, str]:
    form = {
        "_csrf_token": token,
        "title": "Herstelverhalen",
        "day": _day(0).isoformat(),
        "start_time": "10:00",
        "end_time": "12:00",
        "format": "in_person",
        "location": "Buurthuis De Linde, Zaal 2",
        "meeting_url": "",
        "capacity": "15",
        "speakers": "Sanne de Vries",
    }
    return {**form, **fields}


async def test_a_week_is_made_inline_in_date_order_and_copied(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    await login(client, "organiser@example.org")
    token = await csrf_token(client, f"/organise/{org}/programmes/new?lang=en")
    programme_id = await _programme(client, org, token)
    page = f"/organise/programmes/{programme_id}"
    # Entered out of order: Wednesday, Monday, Tuesday.
    for offset, title in ((2, "Woensdag: samen schrijven"), (0, "Maandag: herstelverhalen"),
                          (1, "Dinsdag: peersupport")):  # fmt: skip
        saved = await client.post(
            f"{page}/sessions", data=_session(token, title=title, day=_day(offset).isoformat())
        )
        assert saved.status_code == 303, saved.text
    rows = await Series.select().where(Series.programme == programme_id)
    assert len(rows) == 3
    assert {r["kind"] for r in rows} == {"workshop"} and all(r["published"] for r in rows)
    assert all(r["rrule"] in (None, "") for r in rows)
    assert await EventDate.count() == 3
    assert await Speaker.count().where(Speaker.name == "Sanne de Vries") == 3
    shown = (await client.get(f"{page}?lang=en")).text
    order = [shown.index(t) for t in ("Maandag:", "Dinsdag:", "Woensdag:")]
    assert order == sorted(order)
    # The public page lists them too, in date order.
    public = (await client.get("/programmes/week-van-de-ervaring")).text
    order = [public.index(t) for t in ("Maandag:", "Dinsdag:", "Woensdag:")]
    assert order == sorted(order)
    # The agenda's cards and each date's page link to the programme.
    agenda = (await client.get("/?lang=en")).text
    assert agenda.count('href="/programmes/week-van-de-ervaring"') == 3
    event_date = await EventDate.select().where(EventDate.series == rows[0]["id"]).first()
    date_page = await client.get(f"/events/{rows[0]['slug']}/{event_date['id']}?lang=en")
    assert 'href="/programmes/week-van-de-ervaring"' in date_page.text
    # Copy Wednesday: the form comes prefilled one day later.
    wednesday = next(r for r in rows if r["title"].startswith("Woensdag"))
    copy = await client.get(f"{page}?copy={wednesday['id']}&lang=en")
    assert copy.status_code == 200
    assert f'value="{_day(3).isoformat()}"' in copy.text
    assert 'value="Woensdag: samen schrijven"' in copy.text
    assert 'value="Sanne de Vries"' in copy.text and 'value="10:00"' in copy.text
    saved = await client.post(
        f"{page}/sessions",
        data=_session(token, title="Donderdag: samen schrijven", day=_day(3).isoformat()),
    )
    assert saved.status_code == 303
    assert await Series.count().where(Series.programme == programme_id) == 4
    # An unpublished programme is not linked from the public pages.
    await Programme.update({Programme.published: False}).where(Programme.id == programme_id)
    assert "/programmes/week-van-de-ervaring" not in (await client.get("/?lang=en")).text


async def test_bad_sessions_are_marked_at_every_field_and_nothing_is_lost(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    await login(client, "organiser@example.org")
    token = await csrf_token(client, f"/organise/{org}/programmes/new?lang=en")
    programme_id = await _programme(client, org, token)
    url = f"/organise/programmes/{programme_id}/sessions?lang=en"
    bad = await client.post(
        url,
        data=_session(token, title="  ", day="31-02-2027", start_time="25:00", end_time="9u",
                      location="", capacity="١٢", meeting_url="javascript:alert(1)",
                      speakers="Kees²"),
    )  # fmt: skip
    assert bad.status_code == 400
    for field in ("title", "day", "start_time", "end_time", "location", "capacity",
                  "meeting_url"):  # fmt: skip
        assert f'id="error-session_{field}"' in bad.text, field
        assert f'aria-describedby="error-session_{field}"' in bad.text, field
    assert 'value="Kees²"' in bad.text and 'value="31-02-2027"' in bad.text
    # End before start, a day that has passed, an unknown format.
    for fields, field in (
        ({"start_time": "14:00", "end_time": "13:00"}, "end_time"),
        ({"day": (clock.now().date() - timedelta(days=1)).isoformat()}, "day"),
        ({"format": "telepathy"}, "format"),
        ({"capacity": "0"}, "capacity"),
        ({"title": "x" * 201}, "title"),
        ({"speakers": "y" * 201}, "speakers"),
    ):
        refused = await client.post(url, data=_session(token, **fields))
        assert refused.status_code == 400, fields
        assert f'id="error-session_{field}"' in refused.text, fields
    nul = await client.post(url, data=_session(token, location="a\x00b"))
    assert nul.status_code == 400
    assert await Series.count() == 0
    # Online needs no address; hybrid does.
    online = await client.post(
        url,
        data=_session(
            token, format="online", location="", meeting_url="https://meet.example.org/week",
            speakers="Sanne de Vries, , Kees Jansen",
        ),
    )  # fmt: skip
    assert online.status_code == 303
    names = await Speaker.select(Speaker.name).order_by(Speaker.position)
    assert [row["name"] for row in names] == ["Sanne de Vries", "Kees Jansen"]
    hybrid = await client.post(url, data=_session(token, format="hybrid", location=""))
    assert hybrid.status_code == 400 and 'id="error-session_location"' in hybrid.text


async def test_another_organisations_programme_is_not_found(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    rows = await Programme.insert(
        Programme(organisation=organiser.organisation_id, slug="p", title="P", published=True)
    ).returning(Programme.id)
    programme_id = rows[0]["id"]
    await login(client, "organiser@example.org")
    token = await csrf_token(client, f"/organise/programmes/{programme_id}?lang=en")
    saved = await client.post(f"/organise/programmes/{programme_id}/sessions", data=_session(token))
    assert saved.status_code == 303
    own = await Series.select(Series.id).first()
    await client.delete("/api/v1/session")
    other = await make_organiser("ander-netwerk", email="olga@example.org")
    await client.post("/api/v1/session", json={"email": "olga@example.org", "password": PASSWORD})
    token = await csrf_token(client, f"/organise/{other.organisation_id}/programmes/new?lang=en")
    theirs = await client.post(
        f"/organise/programmes/{programme_id}/sessions", data=_session(token)
    )
    assert theirs.status_code == 404
    assert await Series.count() == 1
    mine_id = await _programme(client, other.organisation_id, token)
    for path in (f"/organise/programmes/{programme_id}?copy={own['id']}",
                 f"/organise/programmes/{mine_id}?copy={own['id']}",
                 f"/organise/programmes/{mine_id}?copy=²"):  # fmt: skip
        response = await client.get(path, headers={"accept": "text/html"})
        assert response.status_code == 404, path
    assert re.search(
        r"Week van de ervaring", (await client.get(f"/organise/programmes/{mine_id}")).text
    )


async def test_the_api_adds_sessions_in_date_order_and_refuses_at_the_field(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    made = await client.post(
        "/api/v1/programmes", json={"title": "Week", "published": True}, headers=organiser.headers
    )
    programme_id = made.json()["id"]
    url = f"/api/v1/programmes/{programme_id}/sessions"
    body = {"title": "Dinsdag", "day": _day(1).isoformat(), "start_time": "10:00",
            "end_time": "12:00", "location": "Buurthuis", "capacity": 12,
            "speakers": ["Sanne de Vries"]}  # fmt: skip
    first = await client.post(url, json=body, headers=organiser.headers)
    assert first.status_code == 201, first.text
    second = await client.post(
        url,
        json={
            **body,
            "title": "Maandag",
            "day": _day(0).isoformat(),
            "format": "online",
            "location": "",
            "meeting_url": "https://meet.example.org/w",
        },
        headers=organiser.headers,
    )
    assert second.status_code == 201
    sessions = second.json()["series"]
    assert [s["title"] for s in sessions] == ["Maandag", "Dinsdag"]
    assert [s["format"] for s in sessions] == ["online", "in_person"]
    assert sessions[1]["dates"][0]["local_start"].endswith("10:00:00")
    assert all(s["published"] and s["kind"] == "workshop" for s in sessions)
    for changes, field in (
        ({"start_time": "25:00"}, "start_time"),
        ({"end_time": "09:00"}, "end_time"),
        ({"location": ""}, "location"),
        ({"meeting_url": "javascript:alert(1)"}, "meeting_url"),
        ({"day": (clock.now().date() - timedelta(days=2)).isoformat()}, "day"),
    ):
        refused = await client.post(url, json={**body, **changes}, headers=organiser.headers)
        assert refused.status_code == 400, changes
        assert refused.json()["field"] == field, refused.json()
    for changes in ({"capacity": 0}, {"speakers": [""]}, {"title": ""}, {"extra": 1}):
        refused = await client.post(url, json={**body, **changes}, headers=organiser.headers)
        assert refused.status_code == 400, changes
    assert await Series.count() == 2
    other = await make_organiser("ander-netwerk", email="olga@example.org")
    theirs = await client.post(url, json=body, headers=other.headers)
    assert theirs.status_code == 404
    assert await Series.count() == 2
    spec = (await client.get("/schema/openapi.json")).json()
    assert "post" in spec["paths"]["/api/v1/programmes/{programme_id}/sessions"]
