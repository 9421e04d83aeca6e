"""Registration forms on pages: CSRF, errors next to fields, redirect to "check your e-mail".

The manage page is reached with the private link, which only the mail carries: the tests read
the token from the database."""

from __future__ import annotations

import httpx

from events_app.tables import Programme, Registration, Series
from tests.factories import make_date, make_organisation, manage_token_of
from tests.helpers.pages import CSRF_TOKEN, csrf_token


async def test_register_redirects_to_check_your_email_page(
    client: httpx.AsyncClient,
) -> None:
    org = await make_organisation()
    [date_id] = await make_date(org, slug="ontmoeting")
    token = await csrf_token(client, f"/events/ontmoeting/register?date={date_id}")
    response = await client.post(
        "/events/ontmoeting/register",
        data={
            "_csrf_token": token,
            "dates": str(date_id),
            "name": "Alex",
            "email": "a@example.org",
        },
    )
    assert response.status_code == 303
    location = response.headers["location"]
    assert location == f"/registered?dates={date_id}"  # never the manage page
    page = await client.get(location)
    assert page.status_code == 200
    assert "Kijk in je e-mail" in page.text
    assert "Je wilde je aanmelden voor" in page.text and "Bijeenkomst ontmoeting" in page.text
    assert "a@example.org" not in page.text and "/manage/" not in page.text
    assert await Registration.count().where(Registration.status == "confirmed") == 1
    # the person's own page (link from the mail) says they are registered
    manage = await client.get(f"/manage/{await manage_token_of('a@example.org')}")
    assert manage.status_code == 200
    assert "Je bent aangemeld." in manage.text
    assert manage.headers["cache-control"] == "no-store"


async def test_errors_are_shown_next_to_the_field_and_input_is_kept(
    client: httpx.AsyncClient,
) -> None:
    org = await make_organisation()
    [date_id] = await make_date(org, slug="ontmoeting")
    token = await csrf_token(client, "/events/ontmoeting/register")
    response = await client.post(
        "/events/ontmoeting/register",
        data={"_csrf_token": token, "dates": str(date_id), "name": "Alex", "email": "alex@"},
    )
    assert response.status_code == 400
    body = response.text
    assert 'role="alert"' in body
    assert 'id="error-email"' in body and "Dit e-mailadres klopt niet" in body
    assert 'aria-invalid="true" aria-describedby="error-email hint-email"' in body
    assert 'value="Alex"' in body and 'value="alex@"' in body
    assert "checked" in body  # the chosen date stays ticked
    assert await Registration.count() == 0


async def test_post_without_valid_csrf_token_is_refused(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    [date_id] = await make_date(org, slug="ontmoeting")
    await client.get("/events/ontmoeting/register")  # gets the cookie, but no token sent
    form = {"dates": str(date_id), "name": "Alex", "email": "a@example.org"}
    refused = await client.post("/events/ontmoeting/register", data=form)
    assert refused.status_code == 403
    assert "Dit formulier kon niet worden verstuurd" in refused.text
    wrong = await client.post("/events/ontmoeting/register", data={**form, "_csrf_token": "ab"})
    assert wrong.status_code == 403
    assert await Registration.count() == 0


async def test_a_token_is_good_only_with_its_own_cookie(client: httpx.AsyncClient) -> None:
    """Litestar's CSRF protection: the token is bound to the visitor's HttpOnly cookie; feeds
    and the JSON API set no such cookie."""
    org = await make_organisation()
    [date_id] = await make_date(org, slug="ontmoeting")
    first = await client.get("/events/ontmoeting/register")
    cookie = first.headers["set-cookie"]
    assert cookie.startswith("csrftoken=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    token = await csrf_token(client, "/events/ontmoeting/register")
    form = {"dates": str(date_id), "name": "Alex", "email": "a@example.org", "_csrf_token": token}
    client.cookies.clear()
    await client.get("/events/ontmoeting/register")  # another visitor: another cookie
    refused = await client.post("/events/ontmoeting/register", data=form)
    assert refused.status_code == 403
    assert await Registration.count() == 0
    for path in ("/feeds/series/ontmoeting.ics", "/api/v1/series", "/health"):
        client.cookies.clear()
        response = await client.get(path)
        assert "csrftoken" not in response.headers.get("set-cookie", ""), path


async def test_full_date_puts_the_person_on_the_waiting_list(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    [date_id] = await make_date(org, slug="vol", capacity=1)
    token = await csrf_token(client, "/events/vol/register")
    for n in (1, 2):
        response = await client.post(
            "/events/vol/register",
            data={
                "_csrf_token": token,
                "dates": str(date_id),
                "name": f"Persoon {n}",
                "email": f"p{n}@example.org",
            },
        )
        assert response.status_code == 303
        assert response.headers["location"] == f"/registered?dates={date_id}"
    waiting = await Registration.select(Registration.status).where(
        Registration.email == "p2@example.org"
    )
    assert waiting == [{"status": "waiting"}]
    page = await client.get(f"/manage/{await manage_token_of('p2@example.org')}")
    assert "Je staat op de wachtlijst (plek 1)." in page.text


async def test_programme_register_for_two_workshops(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    [one] = await make_date(org, slug="workshop-een")
    [two] = await make_date(org, slug="workshop-twee")
    [three] = await make_date(org, slug="workshop-drie")
    rows = await Programme.insert(
        Programme(organisation=org, slug="week", title="Week van de workshops", published=True)
    ).returning(Programme.id)
    await Series.update({Series.programme: rows[0]["id"]}).where(Series.organisation == org)
    page = await client.get("/programmes/week")
    assert page.status_code == 200 and "Bijeenkomst workshop-drie" in page.text
    token = CSRF_TOKEN.search(page.text).group(1)  # type: ignore[union-attr]
    empty = await client.post(
        "/programmes/week/register",
        data={"_csrf_token": token, "name": "Alex", "email": "a@example.org"},
    )
    assert empty.status_code == 400 and "Kies minstens één datum" in empty.text
    response = await client.post(
        "/programmes/week/register",
        data={
            "_csrf_token": token,
            "dates": [str(one), str(three)],
            "name": "Alex",
            "email": "a@example.org",
        },
    )
    assert response.status_code == 303
    assert (
        response.headers["location"]
        == f"/registered?dates={','.join(map(str, sorted([one, three])))}"
    )
    ids = {r["event_date"] for r in await Registration.select(Registration.event_date)}
    assert ids == {one, three} and two not in ids


async def test_an_address_delivery_cannot_send_to_is_explained_at_its_field(
    client: httpx.AsyncClient,
) -> None:
    org = await make_organisation()
    [date_id] = await make_date(org, slug="ontmoeting")
    token = await csrf_token(client, "/events/ontmoeting/register")
    response = await client.post(
        "/events/ontmoeting/register",
        data={
            "_csrf_token": token,
            "dates": str(date_id),
            "name": "José",
            "email": "jösé@example.org",
        },
    )
    assert response.status_code == 400
    assert 'id="error-email"' in response.text
    assert "Letters met accenten (zoals é of ö)" in response.text
    assert await Registration.count() == 0
