"""The API's first name for a date ("occurrence") keeps working until its sunset.

Old addresses answer a permanent redirect that keeps the method and body, with the headers
that say so; the old field ``occurrence_ids`` of a registration is read as ``date_ids``.
"""

from __future__ import annotations

import httpx

from events_app.tables import Registration
from events_app.web.api.moved import SUNSET
from tests.factories import make_date, make_organisation, make_organiser


async def test_an_old_date_address_redirects_with_method_query_and_headers(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    response = await client.post(
        "/api/v1/occurrences/12/skip?x=1", json={"reason": "r"}, headers=organiser.headers
    )
    assert response.status_code == 308
    assert response.headers["location"] == "/api/v1/dates/12/skip?x=1"
    assert response.headers["sunset"] == SUNSET
    assert response.headers["deprecation"].startswith("@")
    assert response.headers["link"] == '</api/v1/dates/12/skip>; rel="successor-version"'

    series = await client.get("/api/v1/series/7/occurrences", headers=organiser.headers)
    assert (series.status_code, series.headers["location"]) == (308, "/api/v1/series/7/dates")


async def test_following_the_redirect_reaches_the_date(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    [date_id] = await make_date(organiser.organisation_id)
    response = await client.get(
        f"/api/v1/occurrences/{date_id}", headers=organiser.headers, follow_redirects=True
    )
    assert response.status_code == 200, response.text
    assert response.json()["id"] == date_id


async def test_the_old_field_name_still_registers(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    [date_id] = await make_date(org)
    person = {"name": "Noor", "email": "noor@example.org", "consent": True}
    response = await client.post(
        "/api/v1/registrations", json={**person, "occurrence_ids": [date_id]}
    )
    assert response.status_code == 202, response.text
    assert response.json()["date_ids"] == [date_id]
    assert await Registration.count().where(Registration.event_date == date_id) == 1

    both = await client.post(
        "/api/v1/registrations",
        json={**person, "date_ids": [date_id], "occurrence_ids": [date_id]},
    )
    assert both.status_code == 400 and both.json()["field"] == "date_ids"
