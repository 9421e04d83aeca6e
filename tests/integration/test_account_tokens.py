"""API tokens on the account page, and a new password revoking every token."""

from __future__ import annotations

import re

import httpx
from litestar import Litestar

from events_app.accounts import credentials as accounts
from events_app.tables import ApiToken, OutboxMail
from tests.factories import PASSWORD, make_organiser
from tests.helpers.pages import EMAIL, csrf_token, page_login
from tests.helpers.passwords import NEW, ask_reset_link, choose_password, mail_context


async def _works(client: httpx.AsyncClient, token: str) -> bool:
    answer = await client.get("/api/v1/session", headers={"Authorization": f"Bearer {token}"})
    return answer.status_code == 200


async def test_changing_the_password_revokes_every_api_token(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    _, second = await accounts.create_api_token(organiser.actor, "agenda script")
    assert await _works(client, organiser.token) and await _works(client, second)
    await page_login(client)
    token = await csrf_token(client, "/account")
    changed = await client.post(
        "/account/password",
        data={
            "_csrf_token": token,
            "current_password": PASSWORD,
            "new_password": NEW,
            "repeat_password": NEW,
        },
    )
    assert changed.headers["location"] == "/account?done=password"
    assert not await _works(client, organiser.token)
    assert not await _works(client, second)
    assert await ApiToken.count().where(ApiToken.revoked_at.is_null()) == 0
    assert (await client.get("/account")).status_code == 200  # this session goes on


async def test_a_password_reset_revokes_every_api_token(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    assert await _works(client, organiser.token)
    await ask_reset_link(client, EMAIL)
    [row] = await OutboxMail.select(OutboxMail.context).where(OutboxMail.kind == "password_reset")
    assert (await choose_password(client, mail_context(row)["link"], NEW)).status_code == 303
    assert not await _works(client, organiser.token)


async def test_a_wrong_current_password_revokes_nothing(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    await page_login(client)
    token = await csrf_token(client, "/account")
    wrong = await client.post(
        "/account/password",
        data={
            "_csrf_token": token,
            "current_password": "not the password",
            "new_password": NEW,
            "repeat_password": NEW,
        },
    )
    assert wrong.status_code == 400
    assert await _works(client, organiser.token)


async def test_the_account_page_lists_tokens_and_revokes_them_one_by_one(
    client: httpx.AsyncClient, app: Litestar
) -> None:
    organiser = await make_organiser()
    second_id, second = await accounts.create_api_token(organiser.actor, "agenda <script>")
    other = await make_organiser(email="someone@example.org")
    [other_row] = await ApiToken.select(ApiToken.id).where(
        ApiToken.account == other.actor.account_id
    )
    other_id = int(other_row["id"])
    await page_login(client)

    page = await client.get("/account?lang=en")
    assert page.status_code == 200
    assert "API tokens" in page.text and "agenda &lt;script&gt;" in page.text
    assert ">tests<" in page.text and "never" in page.text
    assert organiser.token not in page.text and second not in page.text
    forms = re.findall(r'action="/account/tokens/(\d+)/revoke"', page.text)
    assert sorted(map(int, forms)) == sorted([second_id, second_id - 1])
    dutch = await client.get("/account?lang=nl")
    assert "Intrekken" in dutch.text and "Laatst gebruikt" in dutch.text

    token = await csrf_token(client, "/account")
    refused = await client.post(f"/account/tokens/{second_id}/revoke", data={"_csrf_token": "0"})
    assert refused.status_code == 403 and await _works(client, second)
    done = await client.post(f"/account/tokens/{second_id}/revoke", data={"_csrf_token": token})
    assert done.headers["location"] == "/account?done=token"
    assert not await _works(client, second)
    assert await _works(client, organiser.token)  # only that one
    after = await client.get("/account?lang=en&done=token")
    assert "the API token is revoked" in after.text and "agenda &lt;script&gt;" not in after.text

    # Someone else's token, or one already revoked: "not found", and nothing changes.
    foreign = await client.post(f"/account/tokens/{other_id}/revoke", data={"_csrf_token": token})
    assert foreign.status_code == 404 and await _works(client, other.token)
    again = await client.post(f"/account/tokens/{second_id}/revoke", data={"_csrf_token": token})
    assert again.status_code == 404
