"""Needs are seen only by the organisers and the hosts of that date: every way in, tried as the
person who is not who they claim (a host of another date of the same series, a host of another
organisation, a team member who hosts nothing, guessed ids, nobody at all)."""

from __future__ import annotations

import httpx

from events_app import clock
from events_app.accounts import credentials as accounts
from events_app.registration import registrations
from events_app.tables import AuditLog, Membership, OutboxMail, Series, SeriesHost
from tests.factories import (
    PASSWORD,
    feed_token_of,
    make_date,
    make_host,
    make_organisation,
    make_organiser,
    series_of,
)
from tests.helpers.pages import login

NEEDS = "een rustige stoel bij de deur"


async def _world() -> dict[str, int]:
    """Organisation A with a series of two dates, a host of only the first date, a team member
    who hosts nothing; organisation B with a host of its own series."""
    organiser = await make_organiser()
    org = organiser.organisation_id
    first, second = await make_date(org, slug="herstelgroep", dates=2)
    date_host = await accounts.create_account("datum@example.org", "Dirk Datum", PASSWORD)
    team = await accounts.create_account("team@example.org", "Tineke Team", PASSWORD)
    for account in (date_host, team):
        await Membership.insert(
            Membership(
                account=account,
                organisation=org,
                role=Membership.Role.host,
                created_at=clock.now(),
            )
        )
    await SeriesHost.insert(
        SeriesHost(account=date_host, series=await series_of(first), event_date=first)
    )
    other = await make_organisation("zuidnetwerk", "Zuidnetwerk")
    [theirs] = await make_date(other, slug="lotgenoten")
    await make_host(other, await series_of(theirs), email="zuid@example.org")
    await registrations.register([first], name="Anna", email="anna@example.org", needs=NEEDS)
    await registrations.register([second], name="Bram", email="bram@example.org", needs=NEEDS)
    return {"org": org, "first": first, "second": second, "theirs": theirs}


def _paths(date_id: int) -> list[str]:
    return [
        f"/host/dates/{date_id}",
        f"/host/dates/{date_id}/print",
        f"/host/dates/{date_id}/signups.csv",
        f"/host/dates/{date_id}/attendance",
        f"/host/dates/{date_id}/groups?n=2",
        f"/host/dates/{date_id}/groups.csv?n=2",
        f"/api/v1/dates/{date_id}/signups",
        f"/api/v1/dates/{date_id}/signups.csv",
    ]


async def _refused(client: httpx.AsyncClient, date_id: int) -> None:
    for path in _paths(date_id):
        response = await client.get(path, headers={"accept": "text/html"})
        assert response.status_code == 404, path
        assert NEEDS not in response.text, path


async def test_the_host_of_a_date_sees_its_needs_and_no_other_dates(
    client: httpx.AsyncClient,
) -> None:
    world = await _world()
    await login(client, "datum@example.org")
    for path in _paths(world["first"])[:3]:
        response = await client.get(path)
        assert response.status_code == 200, path
        assert NEEDS in response.text, path
    api = await client.get(f"/api/v1/dates/{world['first']}/signups")
    assert api.status_code == 200 and NEEDS in api.text
    await _refused(client, world["second"])  # same series, another date
    await _refused(client, world["theirs"])  # another organisation


async def test_a_team_member_who_hosts_nothing_and_a_host_elsewhere_see_no_needs(
    client: httpx.AsyncClient,
) -> None:
    world = await _world()
    for email in ("team@example.org", "zuid@example.org"):
        client.cookies.clear()
        await login(client, email)
        await _refused(client, world["first"])
        await _refused(client, world["second"])
        home = await client.get("/host")
        assert NEEDS not in home.text


async def test_guessed_and_malformed_ids_get_a_clear_4xx(client: httpx.AsyncClient) -> None:
    await _world()
    await login(client, "datum@example.org")
    for date_id in ("0", "999999", "2147483647", "2147483648", "99999999999999999999", "-1"):
        for path in (f"/host/dates/{date_id}", f"/api/v1/dates/{date_id}/signups"):
            response = await client.get(path, headers={"accept": "text/html"})
            assert response.status_code == 404, path
    for path in ("/host/dates/abc", "/host/dates/1%00", "/api/v1/dates/abc/signups"):
        response = await client.get(path)
        assert 400 <= response.status_code < 500, path


async def test_nobody_logged_in_sees_no_needs_anywhere_public(client: httpx.AsyncClient) -> None:
    world = await _world()
    series = await Series.select(Series.slug, Series.id).where(
        Series.id == await series_of(world["first"])
    )
    slug, series_id = series[0]["slug"], series[0]["id"]
    for path in (
        f"/host/dates/{world['first']}/signups.csv",
        f"/api/v1/dates/{world['first']}/signups",
        "/",
        f"/events/{slug}",
        f"/events/{slug}/{world['first']}",
        f"/api/v1/series/{series_id}",
        f"/api/v1/series/{series_id}/dates",
        f"/api/v1/dates/{world['first']}",
        f"/feeds/series/{slug}.ics",
        "/feeds/organisations/stadsnetwerk.ics",
        f"/feeds/me/{await feed_token_of('anna@example.org')}.ics",
    ):
        response = await client.get(path)
        assert response.status_code < 500, path
        assert NEEDS not in response.text, path


async def test_the_mail_log_audit_log_outbox_and_host_overview_hold_no_needs(
    client: httpx.AsyncClient,
) -> None:
    world = await _world()
    await login(client, "organiser@example.org")
    log = await client.get(f"/organise/{world['org']}/mail")
    assert log.status_code == 200 and NEEDS not in log.text
    assert all(NEEDS not in str(row["detail"]) for row in await AuditLog.select(AuditLog.detail))
    assert all(
        NEEDS not in str(row["context"]) for row in await OutboxMail.select(OutboxMail.context)
    )
    # The host's overview lists the date, never who comes or what they need.
    await client.post("/api/v1/session", json={"email": "datum@example.org", "password": PASSWORD})
    feed = await client.get("/host")
    assert NEEDS not in feed.text
    assert world["first"] != world["second"]
