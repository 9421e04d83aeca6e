"""Sessions live on the server: a cookie copied before logging out is worth nothing after it."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import httpx
from litestar import Litestar

from events_app import clock
from events_app.accounts import sessions
from events_app.registration import retention
from events_app.tables import LoginSession
from tests.factories import PASSWORD, make_organiser
from tests.helpers.pages import EMAIL, csrf_token, page_login

BASE = "http://events.test"


def _copy(client: httpx.AsyncClient) -> dict[str, str]:
    """Every cookie the client holds, as an attacker who read them would."""
    return {cookie.name: cookie.value for cookie in client.cookies.jar}


async def _logged_in_as(app: Litestar, cookies: dict[str, str]) -> tuple[int, int, int]:
    """(page, API read, API write) status codes for someone who sends only these cookies."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE, cookies=cookies) as thief:
        page = await thief.get("/account")
        read = await thief.get("/api/v1/session")
        write = await thief.post(
            "/api/v1/tokens", json={"name": "stolen"}, headers={"X-Requested-With": "fetch"}
        )
    return page.status_code, read.status_code, write.status_code


async def test_a_cookie_copied_before_logging_out_on_the_page_no_longer_works(
    client: httpx.AsyncClient, app: Litestar
) -> None:
    await make_organiser()
    assert (await page_login(client)).status_code == 303
    stolen = _copy(client)
    assert await _logged_in_as(app, stolen) == (200, 200, 201)  # the copy works while logged in
    token = await csrf_token(client, "/account")
    assert (await client.post("/logout", data={"_csrf_token": token})).status_code == 303

    page, read, write = await _logged_in_as(app, stolen)
    assert (page, read, write) == (303, 401, 401)
    replayed = await httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE, cookies=stolen
    ).get("/account")
    assert replayed.headers["location"].startswith("/login")
    assert await LoginSession.count() == 0


async def test_a_cookie_copied_before_logging_out_of_the_api_no_longer_works(
    client: httpx.AsyncClient, app: Litestar
) -> None:
    await make_organiser()
    login = await client.post("/api/v1/session", json={"email": EMAIL, "password": PASSWORD})
    assert login.status_code == 201
    stolen = _copy(client)
    assert await _logged_in_as(app, stolen) == (200, 200, 201)
    assert (await client.delete("/api/v1/session")).status_code == 204
    assert await _logged_in_as(app, stolen) == (303, 401, 401)


async def test_the_cookie_holds_only_an_id_and_the_server_only_its_hash(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    await page_login(client)
    [row] = await LoginSession.select()
    assert row["account"] == organiser.actor.account_id
    assert len(row["token_hash"]) == 64
    assert row["expires_at"] - row["created_at"] == sessions.LIFETIME
    cookie = client.cookies.get("events_session") or ""
    assert row["token_hash"] not in cookie
    # A second login is a second session; logging in again on this client replaces its own.
    await page_login(client)
    assert await LoginSession.count() == 1


async def test_a_session_ends_when_unused_for_too_long_and_after_fourteen_days(
    client: httpx.AsyncClient,
) -> None:
    await make_organiser()
    start = clock.now()
    with clock.frozen(start):
        await page_login(client)
    # Used every day, it lasts until its absolute end …
    for day in range(1, 14):
        with clock.frozen(start + timedelta(days=day)):
            assert (await client.get("/api/v1/session")).status_code == 200, day
    with clock.frozen(start + sessions.LIFETIME):
        assert (await client.get("/api/v1/session")).status_code == 401
    # … and unused for longer than IDLE it ends sooner.
    seen = start + timedelta(days=20)
    with clock.frozen(seen):
        await page_login(client)
    for _ in range(3):  # each use keeps it going for another IDLE
        seen += sessions.IDLE - timedelta(minutes=1)
        with clock.frozen(seen):
            assert (await client.get("/api/v1/session")).status_code == 200
    with clock.frozen(seen + sessions.IDLE):
        assert (await client.get("/api/v1/session")).status_code == 401


async def test_the_retention_job_removes_sessions_that_have_ended(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    start = clock.now()
    with clock.frozen(start):
        await page_login(client)
        live_id = await sessions.start_session(organiser.actor.account_id)
    with clock.frozen(start + timedelta(days=1)):
        assert await sessions.account_for_session(live_id) == organiser.actor.account_id
    with clock.frozen(start + timedelta(days=1) + sessions.IDLE - timedelta(hours=1)):
        await retention.anonymise_expired()
        # The unused session from the login is gone; the one used a day later stays.
        rows = await LoginSession.select(LoginSession.token_hash)
        assert [r["token_hash"] for r in rows] == [hashlib.sha256(live_id.encode()).hexdigest()]
    with clock.frozen(start + sessions.LIFETIME):
        await retention.anonymise_expired()
        assert await LoginSession.count() == 0
