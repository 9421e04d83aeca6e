"""Public pages: agenda with filters and paging, series and date pages, errors, language."""

from __future__ import annotations

from datetime import timedelta

import httpx

from events_app.registration import registrations
from events_app.tables import EventDate, Organisation, Series
from tests.factories import make_date, make_organisation

HTML = {"Accept": "text/html"}


async def test_agenda_lists_published_dates_with_seats_and_no_registrant_data(
    client: httpx.AsyncClient,
) -> None:
    org = await make_organisation()
    [first] = await make_date(org, slug="ontmoeting", capacity=3)
    await make_date(org, slug="verborgen", published=False)
    await registrations.register([first], name="Geheime Naam", email="geheim@example.org")
    response = await client.get("/", headers=HTML)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    body = response.text
    assert '<html lang="nl">' in body
    assert "Bijeenkomst ontmoeting" in body
    assert "Nog 2 plekken" in body
    assert "verborgen" not in body
    assert "Geheime Naam" not in body and "geheim@example.org" not in body
    assert 'href="#main"' in body  # the skip link
    series_page = await client.get("/events/ontmoeting")
    date_page = await client.get(f"/events/ontmoeting/{first}")
    for page in (series_page, date_page):
        assert page.status_code == 200
        assert "Geheime Naam" not in page.text and "geheim@example.org" not in page.text
    assert f"/feeds/dates/{first}.ics" in date_page.text
    assert "calendar.google.com" in date_page.text and "outlook.live.com" in date_page.text
    assert "webcal://events.test/feeds/series/ontmoeting.ics" in series_page.text


async def test_full_date_shows_waiting_list_and_cancelled_date_is_marked(
    client: httpx.AsyncClient,
) -> None:
    org = await make_organisation()
    [full] = await make_date(org, slug="vol", capacity=1)
    await registrations.register([full], name="Een", email="een@example.org")
    [gone] = await make_date(org, slug="afgelast")
    await EventDate.update(
        {EventDate.status: "cancelled", EventDate.status_reason: "Ziekte"}
    ).where(EventDate.id == gone)
    body = (await client.get("/")).text
    assert "Vol — wachtlijst" in body
    assert "Gaat niet door" in body and "Ziekte" in body


async def test_agenda_filters_and_pages(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    other = await make_organisation("zuid", "Netwerk Zuid")
    await make_date(org, slug="stad", dates=25)
    await make_date(other, slug="zuid-avond", starts_in=timedelta(days=3))
    await Series.update({Series.kind: "workshop", Series.format: "in_person"}).where(
        Series.slug == "zuid-avond"
    )
    first = await client.get("/")
    assert "Pagina 1 van 2" in first.text
    second = await client.get("/?page=2")
    assert "Pagina 2 van 2" in second.text
    only_zuid = await client.get("/?organisation=zuid")
    assert "Bijeenkomst zuid-avond" in only_zuid.text and "Bijeenkomst stad" not in only_zuid.text
    workshops = await client.get("/?kind=workshop&format=in_person")
    assert "zuid-avond" in workshops.text and "Bijeenkomst stad" not in workshops.text
    online = await client.get("/?format=online")
    assert "zuid-avond" not in online.text
    none = await client.get("/?from=2000-01-01&to=2000-01-02")
    assert "0 gevonden" in none.text
    org_page = await client.get("/organisations/zuid")
    assert org_page.status_code == 200 and "Netwerk Zuid" in org_page.text
    assert (await Organisation.count()) == 2


async def test_language_switch_sets_cookie_and_keeps_path(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    await make_date(org, slug="ontmoeting")
    nl = await client.get("/events/ontmoeting")
    assert 'href="/events/ontmoeting?lang=en"' in nl.text
    en = await client.get("/events/ontmoeting?lang=en")
    assert '<html lang="en">' in en.text and "Next dates" in en.text
    assert en.cookies.get("lang") == "en"
    again = await client.get("/events/ontmoeting")  # the cookie is kept by the client
    assert '<html lang="en">' in again.text
    back = await client.get("/?lang=nl")
    assert '<html lang="nl">' in back.text


async def test_unknown_pages_are_404_pages_without_internals(client: httpx.AsyncClient) -> None:
    for path in ("/events/bestaat-niet", "/events/bestaat-niet/1", "/programmes/nee",
                 "/organisations/nee", "/manage/onbekend"):  # fmt: skip
        response = await client.get(path, headers=HTML)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html")
        assert "Traceback" not in response.text
        assert "<h1>" in response.text
    manage = await client.get("/manage/onbekend", headers=HTML)
    assert "Deze link werkt niet (meer)" in manage.text
    static = await client.get("/static/site.css")
    assert static.status_code == 200 and "focus-visible" in static.text


async def test_every_page_has_an_icon_and_a_way_to_log_in(client: httpx.AsyncClient) -> None:
    home = await client.get("/", headers=HTML)
    assert '<link rel="icon" href="/static/favicon.svg"' in home.text
    assert '<a href="/login">Inloggen voor organisatoren, gastheren en gastvrouwen</a>' in home.text
    english = await client.get("/?lang=en", headers=HTML)
    assert '<a href="/login">Log in for organisers and hosts</a>' in english.text
    habit = await client.get("/favicon.ico", follow_redirects=False)
    assert habit.status_code == 301
    assert habit.headers["location"] == "/static/favicon.svg"
    icon = await client.get("/static/favicon.svg")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
