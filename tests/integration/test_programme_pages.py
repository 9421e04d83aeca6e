"""Programmes as organisers make them: create, choose series, edit, delete (series stay)."""

from __future__ import annotations

import httpx

from events_app.tables import Programme, Series
from tests.factories import PASSWORD, make_date, make_organiser
from tests.helpers.pages import csrf_token, login


async def test_a_programme_is_made_filled_published_and_deleted(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    await make_date(org, slug="workshop-a")
    await make_date(org, slug="workshop-b")
    await login(client, "organiser@example.org")
    token = await csrf_token(client, f"/organise/{org}/programmes/new?lang=en")
    empty = await client.post(
        f"/organise/{org}/programmes/new",
        data={"_csrf_token": token, "title": " ", "selection": "pick", "summary": "Vijf dagen"},
    )
    assert empty.status_code == 400 and "Give the programme a title." in empty.text
    assert 'value="Vijf dagen"' in empty.text
    made = await client.post(
        f"/organise/{org}/programmes/new",
        data={"_csrf_token": token, "title": "Week van de ervaring", "selection": "pick",
              "published": "yes"},
    )  # fmt: skip
    programme_id = int(made.headers["location"].split("/")[-1].split("?")[0])
    series = {s["slug"]: s["id"] for s in await Series.select(Series.id, Series.slug)}
    for slug in ("workshop-a", "workshop-b"):
        attached = await client.post(
            f"/organise/programmes/{programme_id}/attach",
            data={"_csrf_token": token, "series": str(series[slug])},
        )
        assert attached.status_code == 303
    public = await client.get("/programmes/week-van-de-ervaring")
    assert public.status_code == 200 and "Bijeenkomst workshop-a" in public.text
    await client.post(
        f"/organise/programmes/{programme_id}/detach",
        data={"_csrf_token": token, "series": str(series["workshop-b"])},
    )
    assert await Series.count().where(Series.programme == programme_id) == 1
    unconfirmed = await client.post(
        f"/organise/programmes/{programme_id}/delete", data={"_csrf_token": token}
    )
    assert unconfirmed.status_code == 404 and await Programme.count() == 1
    deleted = await client.post(
        f"/organise/programmes/{programme_id}/delete", data={"_csrf_token": token, "confirm": "yes"}
    )
    assert deleted.status_code == 303 and await Programme.count() == 0
    assert await Series.count() == 2


async def test_other_organisations_get_404(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    rows = await Programme.insert(
        Programme(organisation=organiser.organisation_id, slug="p", title="P")
    ).returning(Programme.id)
    await make_organiser("ander-netwerk", email="olga@example.org")
    await client.post("/api/v1/session", json={"email": "olga@example.org", "password": PASSWORD})
    for path in (f"/organise/programmes/{rows[0]['id']}",
                 f"/organise/{organiser.organisation_id}/programmes/new"):  # fmt: skip
        response = await client.get(path, headers={"accept": "text/html"})
        assert response.status_code == 404, path
