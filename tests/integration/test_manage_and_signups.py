"""The private manage link, and sign-up lists for hosts and organisers."""

from __future__ import annotations

import csv
import io

import httpx

from events_app import clock
from events_app.accounts import credentials as accounts
from events_app.tables import (
    Account,
    Attendee,
    Membership,
    Organisation,
    OutboxMail,
    Registration,
    SeriesHost,
)
from tests.factories import (
    PASSWORD,
    feed_token_of,
    make_date,
    make_organisation,
    make_organiser,
    manage_token_of,
)


async def _register(
    client: httpx.AsyncClient, dates: list[int], n: int = 1, **extra: object
) -> str:
    """Register participant n; returns the address (the private links go out by mail)."""
    email = f"d{n}@example.org"
    response = await client.post(
        "/api/v1/registrations",
        json={"name": f"Deelnemer {n}", "email": email, "date_ids": dates, **extra},
    )
    assert response.status_code == 202, response.text
    return email


async def _registration_id_for(email: str, date: int) -> int:
    row = (
        await Registration.select(Registration.id)
        .where((Registration.email == email) & (Registration.event_date == date))
        .first()
    )
    assert row is not None
    return int(row["id"])


async def _registration_id(email: str) -> int:
    row = await Registration.select(Registration.id).where(Registration.email == email).first()
    assert row is not None
    return int(row["id"])


async def test_manage_link_shows_changes_and_cancels(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    dates = await make_date(org, dates=2)
    email = await _register(client, dates, needs="Graag een stoel bij de deur")
    token = await manage_token_of(email)
    mine = (await client.get(f"/api/v1/manage/{token}")).json()
    assert [r["status"] for r in mine["registrations"]] == ["confirmed", "confirmed"]
    assert mine["registrations"][0]["needs"] == "Graag een stoel bij de deur"
    changed = await client.patch(
        f"/api/v1/manage/{token}", json={"name": "Nieuwe Naam", "language": "en"}
    )
    assert {r["name"] for r in changed.json()["registrations"]} == {"Nieuwe Naam"}
    assert changed.json()["language"] == "en"
    all_cancelled = await client.post(f"/api/v1/manage/{token}/cancel-all")
    assert all_cancelled.json() == {"cancelled": 2}
    statuses = {r["status"] for r in await Registration.select(Registration.status)}
    assert statuses == {"cancelled"}
    # one mail lists both cancelled dates
    ids = sorted(r["id"] for r in await Registration.select(Registration.id))
    receipts = (
        await OutboxMail.select(OutboxMail.kind, OutboxMail.context)
        .where(OutboxMail.kind.is_in(["cancellation_receipt", "registration_cancelled"]))
        .output(load_json=True)
    )
    assert [(m["kind"], sorted(m["context"]["registrations"])) for m in receipts] == [
        ("cancellation_receipt", ids)
    ]


async def test_mails_about_several_organisations_go_out_once_per_organisation(
    client: httpx.AsyncClient,
) -> None:
    """A mail speaks for one organisation (From, Reply-To, the ORGANIZER of its calendar
    objects): confirming or cancelling dates of two organisations sends one mail each."""
    first = await make_organisation("eerste", "Eerste")
    second = await make_organisation("tweede", "Tweede")
    await Organisation.update({Organisation.confirm_first: True}).where(Organisation.id > 0)
    [one] = await make_date(first, slug="een")
    [two] = await make_date(second, slug="twee")
    email = await _register(client, [one])
    await _register(client, [two])
    ids = [await _registration_id_for(email, date) for date in (one, two)]

    async def mails(kind: str) -> list[tuple[int, list[int]]]:
        rows = (
            await OutboxMail.select(OutboxMail.organisation, OutboxMail.context)
            .where(OutboxMail.kind == kind)
            .order_by(OutboxMail.id)
            .output(load_json=True)
        )
        return [(r["organisation"], r["context"]["registrations"]) for r in rows]

    assert await mails("registration_confirm") == [(first, [ids[0]]), (second, [ids[1]])]
    token = await manage_token_of(email)
    confirmed = await client.post(f"/api/v1/manage/{token}/confirm")
    assert confirmed.json() == {"confirmed": 2}
    assert await mails("registration_receipt") == [(first, [ids[0]]), (second, [ids[1]])]
    cancelled = await client.post(f"/api/v1/manage/{token}/cancel-all")
    assert cancelled.json() == {"cancelled": 2}
    assert await mails("cancellation_receipt") == [(first, [ids[0]]), (second, [ids[1]])]


async def test_unknown_manage_token_is_404(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/manage/not-a-real-token")).status_code == 404
    assert (await client.post("/api/v1/manage/nope/cancel-all")).status_code == 404


async def test_someone_elses_registration_cannot_be_cancelled(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    [date] = await make_date(org)
    mine = await _register(client, [date], 1)
    theirs = await _register(client, [date], 2)
    other_id = await _registration_id(theirs)
    token = await manage_token_of(mine)
    response = await client.post(f"/api/v1/manage/{token}/registrations/{other_id}/cancel")
    assert response.status_code == 404
    assert await Registration.count().where(Registration.status == "confirmed") == 2


async def test_download_and_delete_my_data(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    [date] = await make_date(org, capacity=1)
    email = await _register(client, [date], 1, role="relative")
    waiting = await _register(client, [date], 2)
    token = await manage_token_of(email)
    waiting_token = await manage_token_of(waiting)
    data = await client.get(f"/api/v1/manage/{token}/data")
    assert data.headers["content-disposition"].startswith("attachment")
    exported = data.json()
    assert exported["email"] == "d1@example.org"
    assert exported["registrations"][0]["role"] == "relative"
    erased = await client.delete(f"/api/v1/manage/{token}")
    assert erased.status_code == 204
    assert (await client.get(f"/api/v1/manage/{token}")).status_code == 404
    assert await Attendee.count().where(Attendee.email == "d1@example.org") == 0
    leftovers = await Registration.select(Registration.email).where(
        Registration.email == "d1@example.org"
    )
    assert leftovers == []
    # the freed seat went to the person waiting
    promoted = await client.get(f"/api/v1/manage/{waiting_token}")
    assert promoted.json()["registrations"][0]["status"] == "confirmed"


async def test_feed_token_can_be_reissued(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    [date] = await make_date(org)
    email = await _register(client, [date])
    old = f"http://events.test/feeds/me/{await feed_token_of(email)}.ics"
    token = await manage_token_of(email)
    assert (await client.get(f"/api/v1/manage/{token}")).json()["feed_url"] == old
    new = (await client.post(f"/api/v1/manage/{token}/feed-token")).json()["feed_url"]
    assert new != old
    assert new == f"http://events.test/feeds/me/{await feed_token_of(email)}.ics"
    assert (await client.get(f"/api/v1/manage/{token}")).json()["feed_url"] == new


async def test_organiser_sees_the_list_and_exports_csv(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    [date] = await make_date(organiser.organisation_id, capacity=1)
    await _register(client, [date], 1, needs='=HYPERLINK("x")')
    await _register(client, [date], 2)
    listed = await client.get(f"/api/v1/dates/{date}/signups", headers=organiser.headers)
    assert listed.status_code == 200
    body = listed.json()
    assert (body["confirmed_count"], body["waiting_count"], body["capacity"]) == (1, 1, 1)
    assert body["waiting"][0]["position"] == 1
    exported = await client.get(f"/api/v1/dates/{date}/signups.csv", headers=organiser.headers)
    assert exported.headers["content-type"] == "text/csv; charset=utf-8"
    text = exported.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0][:3] == ["status", "position", "name"]
    assert rows[1][2] == "Deelnemer 1"
    assert rows[1][5].startswith("'=")  # no formula injection
    assert rows[2][:2] == ["waiting", "1"]


async def test_organiser_adds_cancels_and_promotes(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    [date] = await make_date(organiser.organisation_id, capacity=1)
    first = await client.post(
        f"/api/v1/dates/{date}/signups",
        json={"name": "Telefonisch Aangemeld", "email": "tel@example.org"},
        headers=organiser.headers,
    )
    assert first.status_code == 201
    added = first.json()
    first_id = await _registration_id("tel@example.org")
    # the organiser sees what happened, never the person's private links
    assert added == {
        "date_id": date,
        "registration_id": first_id,
        "status": "confirmed",
        "already_registered": False,
    }
    second = await _register(client, [date], 2)
    second_id = await _registration_id(second)
    full = await client.post(
        f"/api/v1/registrations/{second_id}/promote", headers=organiser.headers
    )
    assert full.status_code == 409
    cancelled = await client.post(
        f"/api/v1/registrations/{first_id}/cancel", headers=organiser.headers
    )
    assert cancelled.status_code == 200
    statuses = [
        r["status"]
        for r in await Registration.select(Registration.status).order_by(Registration.id)
    ]
    assert statuses == ["cancelled", "confirmed"]  # promoted automatically


async def test_hosts_see_only_their_own_dates(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    [mine] = await make_date(organiser.organisation_id, slug="mijn")
    [other] = await make_date(organiser.organisation_id, slug="ander")
    host_id = await accounts.create_account("host@example.org", "Hanna Host", PASSWORD)
    await Membership.insert(
        Membership(
            account=host_id,
            organisation=organiser.organisation_id,
            role="host",
            created_at=clock.now(),
        )
    )
    series = await Account.select(Account.id).where(Account.id == host_id).first()
    assert series
    from events_app.tables import EventDate

    mine_series = await EventDate.select(EventDate.series).where(EventDate.id == mine).first()
    assert mine_series
    await SeriesHost.insert(SeriesHost(account=host_id, series=mine_series["series"]))
    host = await accounts.actor_for_account(host_id)
    assert host
    _, token = await accounts.create_api_token(host, "host")
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.get(f"/api/v1/dates/{mine}/signups", headers=headers)).status_code == 200
    assert (await client.get(f"/api/v1/dates/{other}/signups", headers=headers)).status_code == 404
    assert (
        await client.get(f"/api/v1/dates/{other}/signups.csv", headers=headers)
    ).status_code == 404
    # hosts may look, not change
    add = await client.post(
        f"/api/v1/dates/{mine}/signups",
        json={"name": "X", "email": "x@example.org"},
        headers=headers,
    )
    assert add.status_code == 404
    outsider = await make_organiser("ander-netwerk", "ander@example.org")
    assert (
        await client.get(f"/api/v1/dates/{mine}/signups", headers=outsider.headers)
    ).status_code == 404
