"""A forgotten password: a link by mail that works once, for an hour, and ends old sessions."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx

from events_app import clock
from events_app.settings import Settings
from events_app.tables import OutboxMail, PasswordReset
from tests.factories import PASSWORD, make_organiser
from tests.helpers.pages import EMAIL, csrf_token, page_login
from tests.helpers.passwords import NEW, ask_reset_link, choose_password, mail_context
from tests.smtp import SmtpServer, drain

pytest_plugins = ["tests.integration.conftest_mail"]
LINK = re.compile(r"http://[^\s\"<>]+/password/reset/[A-Za-z0-9_\-]+")


async def test_the_link_arrives_by_mail_and_works_once(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    await make_organiser()
    answer = await ask_reset_link(client, EMAIL.upper())
    assert answer.status_code == 200 and "If this address belongs to an account" in answer.text
    assert await drain(mail_settings) == 1
    [message] = smtp_server.messages
    assert message["To"].endswith(f"<{EMAIL}>") or EMAIL in message["To"]
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    link = LINK.search(text)
    assert link is not None
    token = link.group(0).rsplit("/", 1)[1]
    stored = await PasswordReset.select(PasswordReset.token_hash)
    assert stored and token not in str(stored)  # only the hash is kept

    mismatch = await choose_password(client, link.group(0), NEW, "something else entirely")
    assert mismatch.status_code == 400 and "not the same" in mismatch.text
    short = await choose_password(client, link.group(0), "short")
    assert short.status_code == 400 and "at least 10 characters" in short.text
    done = await choose_password(client, link.group(0), NEW)
    assert done.status_code == 303 and done.headers["location"] == "/account?done=password"
    assert (await client.get("/account")).status_code == 200  # logged in straight away

    again = await client.get("/" + link.group(0).split("://", 1)[1].split("/", 1)[1])
    assert again.status_code == 404 and "Ask for a new link" in again.text
    assert (await page_login(client, password=PASSWORD)).status_code == 400
    assert (await page_login(client, password=NEW)).status_code == 303


async def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    client: httpx.AsyncClient,
) -> None:
    await make_organiser()
    known = await ask_reset_link(client, EMAIL)
    unknown = await ask_reset_link(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    strip = re.compile(r'value="[0-9a-f]{64}"')
    assert strip.sub("", known.text) == strip.sub("", unknown.text)
    assert await OutboxMail.count() == 1
    invalid = await ask_reset_link(client, "not an address")
    assert invalid.status_code == 400 and 'aria-invalid="true"' in invalid.text


async def test_links_expire_after_an_hour_and_asking_is_limited(
    client: httpx.AsyncClient,
) -> None:
    await make_organiser()
    start = clock.now()
    with clock.frozen(start):
        for _ in range(5):
            await ask_reset_link(client, EMAIL)
        assert await OutboxMail.count() == 3  # at most three links an hour per address
        [row, *_] = await OutboxMail.select(OutboxMail.context)
        link = mail_context(row)["link"]
    with clock.frozen(start + timedelta(minutes=61)):
        path = "/" + link.split("://", 1)[1].split("/", 1)[1]
        assert (await client.get(path)).status_code == 404
        token = await csrf_token(client, "/login")
        expired = await client.post(
            path, data={"_csrf_token": token, "new_password": NEW, "repeat_password": NEW}
        )
        assert expired.status_code == 404 and "Ask for a new link" in expired.text


async def test_a_new_password_ends_other_sessions(app: object) -> None:
    await make_organiser()
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://test") as other,
        httpx.AsyncClient(transport=transport, base_url="http://test") as client,
    ):
        await page_login(other)
        await ask_reset_link(client, EMAIL)
        [row] = await OutboxMail.select(OutboxMail.context)
        assert (await choose_password(client, mail_context(row)["link"], NEW)).status_code == 303
        assert (await other.get("/account")).status_code == 303


async def test_retention_forgets_old_links_and_their_mails(client: httpx.AsyncClient) -> None:
    from events_app.registration.retention import anonymise_expired

    await make_organiser()
    start = clock.now()
    with clock.frozen(start):
        await ask_reset_link(client, EMAIL)
        await OutboxMail.update({OutboxMail.status: "sent"}).where(OutboxMail.id > 0)
    with clock.frozen(start + timedelta(hours=12)):
        await anonymise_expired()
        assert await PasswordReset.count() == 1 and await OutboxMail.count() == 1
    with clock.frozen(start + timedelta(days=2)):
        await anonymise_expired()
        assert await PasswordReset.count() == 0 and await OutboxMail.count() == 0
