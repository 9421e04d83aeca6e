"""Logging in and out on pages, the slow-down after failures, and the account page."""

from __future__ import annotations

import httpx
import pytest
from argon2 import PasswordHasher, Type

from events_app.accounts import credentials as accounts
from events_app.tables import Account, Throttle
from tests.factories import PASSWORD, make_organiser
from tests.helpers.pages import EMAIL, csrf_token, page_login


async def test_staff_pages_send_a_visitor_to_login_and_back(client: httpx.AsyncClient) -> None:
    await make_organiser()
    response = await client.get("/account")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Faccount"
    logged_in = await page_login(client, next_="/account")
    assert logged_in.status_code == 303 and logged_in.headers["location"] == "/account"
    page = await client.get("/account")
    assert page.status_code == 200
    assert "Olga Organiser" in page.text and "no-store" in page.headers["cache-control"]


async def test_next_never_leads_to_another_site(client: httpx.AsyncClient) -> None:
    await make_organiser()
    for target in ("//evil.example.org/", "https://evil.example.org", "/\\evil", ""):
        response = await page_login(client, next_=target)
        assert response.headers["location"] == "/host", target


async def test_a_wrong_password_shows_the_form_again_with_the_address_kept(
    client: httpx.AsyncClient,
) -> None:
    await make_organiser()
    response = await page_login(client, password="not the password")
    assert response.status_code == 400
    assert "The e-mail address or password is not right." in response.text
    assert f'value="{EMAIL}"' in response.text
    assert (await client.get("/account")).status_code == 303


async def test_five_failures_block_the_address_even_for_the_right_password(
    client: httpx.AsyncClient,
) -> None:
    await make_organiser()
    for _ in range(5):
        assert (await page_login(client, password="wrong password!")).status_code == 400
    blocked = await page_login(client, password="wrong password!")
    assert blocked.status_code == 429
    assert "Wait 15 minutes" in blocked.text and blocked.headers["retry-after"] == "900"
    assert (await page_login(client)).status_code == 429
    # The JSON login obeys the same counter.
    api = await client.post("/api/v1/session", json={"email": EMAIL, "password": PASSWORD})
    assert api.status_code == 429 and api.headers["retry-after"]
    # No e-mail address is kept in the counters.
    keys = [row["key"] for row in await Throttle.select(Throttle.key)]
    assert keys and not any("example.org" in key for key in keys)


async def test_a_successful_login_clears_the_address_counter(client: httpx.AsyncClient) -> None:
    await make_organiser()
    for _ in range(4):
        await page_login(client, password="wrong password!")
    assert (await page_login(client)).status_code == 303
    for _ in range(4):
        assert (await page_login(client, password="wrong password!")).status_code == 400


async def test_logout_needs_the_form_token_and_ends_the_session(
    client: httpx.AsyncClient,
) -> None:
    await make_organiser()
    await page_login(client)
    refused = await client.post("/logout", data={"_csrf_token": "0" * 64})
    assert refused.status_code == 403
    assert (await client.get("/account")).status_code == 200
    token = await csrf_token(client, "/account")
    out = await client.post("/logout", data={"_csrf_token": token})
    assert out.headers["location"] == "/login?done=logged_out"
    assert (await client.get("/account")).status_code == 303


async def test_changing_the_password_ends_other_sessions(app: object) -> None:
    await make_organiser()
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://test") as here,
        httpx.AsyncClient(transport=transport, base_url="http://test") as there,
    ):
        await page_login(here)
        await page_login(there)
        token = await csrf_token(here, "/account")
        short = await here.post(
            "/account/password",
            data={
                "_csrf_token": token,
                "current_password": PASSWORD,
                "new_password": "short",
                "repeat_password": "short",
            },
        )
        assert short.status_code == 400 and "at least 10 characters" in short.text
        wrong = await here.post(
            "/account/password",
            data={
                "_csrf_token": token,
                "current_password": "not it at all",
                "new_password": "a new long password",
                "repeat_password": "a new long password",
            },
        )
        assert wrong.status_code == 400 and "current password is not right" in wrong.text
        changed = await here.post(
            "/account/password",
            data={
                "_csrf_token": token,
                "current_password": PASSWORD,
                "new_password": "a new long password",
                "repeat_password": "a new long password",
            },
        )
        assert changed.headers["location"] == "/account?done=password"
        assert (await here.get("/account")).status_code == 200
        assert (await there.get("/account")).status_code == 303
        assert (await there.get("/api/v1/session")).status_code == 401
        assert (await page_login(there, password="a new long password")).status_code == 303


async def test_log_out_everywhere(app: object) -> None:
    await make_organiser()
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://test") as here,
        httpx.AsyncClient(transport=transport, base_url="http://test") as there,
    ):
        await page_login(here)
        await page_login(there)
        token = await csrf_token(here, "/account")
        await here.post("/account/sessions", data={"_csrf_token": token})
        assert (await here.get("/account")).status_code == 200
        assert (await there.get("/account")).status_code == 303


async def test_an_inactive_account_cannot_log_in(client: httpx.AsyncClient) -> None:
    await make_organiser()
    await Account.update({Account.active: False}).where(Account.email == EMAIL)
    assert (await page_login(client)).status_code == 400


async def _stored_hash() -> str:
    row = await Account.select(Account.password_hash).where(Account.email == EMAIL).first()
    assert row is not None
    return str(row["password_hash"])


@pytest.mark.parametrize(
    "old_hasher",
    [
        PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1),  # older, weaker settings
        PasswordHasher(type=Type.I),  # another argon2 variant
    ],
)
async def test_a_hash_made_with_other_parameters_is_renewed_at_login(
    client: httpx.AsyncClient, old_hasher: PasswordHasher
) -> None:
    await make_organiser()
    old = old_hasher.hash(PASSWORD)
    await Account.update({Account.password_hash: old}).where(Account.email == EMAIL)
    assert (await page_login(client)).status_code == 303
    renewed = await _stored_hash()
    assert renewed != old and not PasswordHasher().check_needs_rehash(renewed)
    PasswordHasher().verify(renewed, PASSWORD)
    assert (await page_login(client)).status_code == 303
    assert await _stored_hash() == renewed  # a current hash is left alone


async def test_renewing_a_hash_never_undoes_a_password_changed_meanwhile(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_organiser()
    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    await Account.update({Account.password_hash: old}).where(Account.email == EMAIL)
    changed = PasswordHasher().hash("a new password, set elsewhere")
    hash_password = accounts.hash_password

    async def slow_hash(password: str) -> str:
        # While this login hashes the old password again, the password is changed elsewhere.
        await Account.update({Account.password_hash: changed}).where(Account.email == EMAIL)
        return await hash_password(password)

    monkeypatch.setattr(accounts, "hash_password", slow_hash)
    assert (await page_login(client)).status_code == 303  # the password was right when checked
    assert await _stored_hash() == changed
