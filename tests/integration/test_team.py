"""The team: invitations by mail (new and existing accounts), roles, removing, who may."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx

from events_app import clock
from events_app.accounts import credentials as accounts
from events_app.settings import Settings
from events_app.tables import Invitation, Membership, OutboxMail, SeriesHost
from tests.factories import PASSWORD, make_date, make_host, make_organiser, series_of
from tests.helpers.pages import csrf_token, login
from tests.smtp import SmtpServer, drain

pytest_plugins = ["tests.integration.conftest_mail"]


async def _invite(
    client: httpx.AsyncClient, org: int, email: str, role: str = "host", name: str = "Nieuw"
) -> httpx.Response:
    token = await csrf_token(client, "/team?lang=en")
    return await client.post(
        f"/team/{org}/invite",
        data={"_csrf_token": token, "email": email, "name": name, "role": role},
    )


async def _link() -> str:
    rows = await OutboxMail.select(OutboxMail.context).where(OutboxMail.kind == "invitation")
    context: Any = rows[-1]["context"]
    context = json.loads(context) if isinstance(context, str) else context
    return "/" + str(context["link"]).split("://", 1)[1].split("/", 1)[1]


async def test_a_new_person_accepts_an_invitation_and_becomes_host(
    client: httpx.AsyncClient, app: object
) -> None:
    organiser = await make_organiser()
    await login(client, "organiser@example.org")
    bad = await _invite(client, organiser.organisation_id, "geen adres")
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.text
    assert 'value="geen adres"' in bad.text
    assert (await _invite(client, organiser.organisation_id, "Nina@Example.org")).headers[
        "location"
    ] == "/team?done=invited"
    team = await client.get("/team?lang=en")
    assert "nina@example.org" in team.text and "Invited, not yet accepted" in team.text
    link = await _link()
    assert str(link).count("/") == 2 and await Invitation.count() == 1

    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as nina:
        page = await nina.get(link + "?lang=en")
        assert "Join Stadsnetwerk" in page.text and "You are invited as host." in page.text
        token = await csrf_token(nina, link)
        short = await nina.post(
            link,
            data={
                "_csrf_token": token,
                "name": "Nina",
                "password": "kort",
                "repeat_password": "kort",
            },
        )
        assert short.status_code == 400 and 'value="Nina"' in short.text
        done = await nina.post(
            link,
            data={"_csrf_token": token, "name": "Nina", "password": PASSWORD,
                  "repeat_password": PASSWORD},
        )  # fmt: skip
        assert done.headers["location"] == "/host"
        assert (await nina.get("/host")).status_code == 200
        assert (await nina.get(link)).status_code == 404  # used up
        assert (await nina.get("/team")).status_code == 404  # hosts have no team page
    roles = {m["role"] for m in await Membership.select(Membership.role)}
    assert roles == {"organiser", "host"}


async def test_an_existing_account_logs_in_to_accept(client: httpx.AsyncClient) -> None:
    await make_organiser("ander-netwerk", email="olga@example.org")
    organiser = await make_organiser()
    await login(client, "organiser@example.org")
    await _invite(client, organiser.organisation_id, "olga@example.org", role="organiser")
    link = await _link()
    await client.post("/api/v1/session", json={"email": "olga@example.org", "password": PASSWORD})
    page = await client.get(link + "?lang=en")
    assert "Accept the invitation" in page.text
    token = await csrf_token(client, link)
    accepted = await client.post(link, data={"_csrf_token": token, "as": "me"})
    assert accepted.status_code == 303
    olga = await accounts.authenticate("olga@example.org", PASSWORD)
    assert olga is not None and len(olga.organiser_of()) == 2


async def test_invitations_expire_and_can_be_withdrawn(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    await login(client, "organiser@example.org")
    await _invite(client, organiser.organisation_id, "a@example.org")
    first = await _link()
    await _invite(client, organiser.organisation_id, "a@example.org")  # replaces the first
    assert (await client.get(first)).status_code == 404
    second = await _link()
    with clock.frozen(clock.now() + timedelta(days=15)):
        assert (await client.get(second)).status_code == 404
    [open_one] = await Invitation.select(Invitation.id).where(Invitation.revoked_at.is_null())
    token = await csrf_token(client, "/team")
    withdrawn = await client.post(
        f"/team/{organiser.organisation_id}/invitations/{open_one['id']}/revoke",
        data={"_csrf_token": token},
    )
    assert withdrawn.headers["location"] == "/team?done=revoked"
    assert (await client.get(second)).status_code == 404


async def test_roles_change_and_the_last_organiser_stays(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    [date] = await make_date(organiser.organisation_id)
    host_id = await make_host(organiser.organisation_id, await series_of(date))
    members = {
        m["account"]: m["id"] for m in await Membership.select(Membership.id, Membership.account)
    }
    await login(client, "organiser@example.org")
    token = await csrf_token(client, "/team?lang=en")
    org = organiser.organisation_id
    mine = members[organiser.actor.account_id]
    last = await client.post(
        f"/team/{org}/members/{mine}/role", data={"_csrf_token": token, "role": "host"}
    )
    assert last.status_code == 409 and "at least one organiser" in last.text
    asked = await client.post(f"/team/{org}/members/{members[host_id]}/remove",
                              data={"_csrf_token": token})  # fmt: skip
    assert asked.status_code == 200 and "Yes, remove" in asked.text
    assert await Membership.count() == 2
    removed = await client.post(
        f"/team/{org}/members/{members[host_id]}/remove",
        data={"_csrf_token": token, "confirm": "yes"},
    )
    assert removed.headers["location"] == "/team?done=removed"
    assert await Membership.count() == 1 and await SeriesHost.count() == 0


async def test_organisers_of_another_organisation_get_404(client: httpx.AsyncClient) -> None:
    mine = await make_organiser()
    await make_organiser("ander-netwerk", email="olga@example.org")
    await client.post("/api/v1/session", json={"email": "olga@example.org", "password": PASSWORD})
    response = await _invite(client, mine.organisation_id, "x@example.org")
    assert response.status_code == 404
    assert await OutboxMail.count() == 0


async def test_the_invitation_mail_arrives_with_the_link(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    organiser = await make_organiser()
    await login(client, "organiser@example.org")
    await _invite(client, organiser.organisation_id, "nina@example.org", role="organiser")
    assert await drain(mail_settings) == 1
    [message] = smtp_server.messages
    assert message["Subject"] == "Word lid van Stadsnetwerk"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Olga Organiser" in text and "organisator" in text
    assert (await _link()).split("/")[-1] in text
