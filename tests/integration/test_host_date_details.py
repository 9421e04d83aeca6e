"""The host of a date sets its topic and its own speakers (the moderator too) on the sign-up
page; hosts of the date or its series and organisers may, anyone else gets a 404 and nothing
changes."""

from __future__ import annotations

import httpx

from events_app import clock
from events_app.accounts import credentials
from events_app.tables import EventDate, Membership, SeriesHost, Speaker
from tests.factories import PASSWORD, make_date, make_host, make_organiser, series_of
from tests.helpers.pages import csrf_token, login


async def _post(client: httpx.AsyncClient, date_id: int, **fields: str) -> httpx.Response:
    token = await csrf_token(client, "/host?lang=en")
    return await client.post(
        f"/host/dates/{date_id}/details?lang=en", data={"_csrf_token": token, **fields}
    )


async def _logout(client: httpx.AsyncClient) -> None:
    await client.post("/logout", data={"_csrf_token": await csrf_token(client, "/account")})


async def _own_speakers(date_id: int) -> list[tuple[str, str]]:
    rows = (
        await Speaker.select(Speaker.name, Speaker.role)
        .where(Speaker.event_date == date_id)
        .order_by(Speaker.position)
    )
    return [(row["name"], row["role"]) for row in rows]


async def _topic(date_id: int) -> str:
    rows = await EventDate.select(EventDate.topic).where(EventDate.id == date_id)
    return str(rows[0]["topic"])


async def test_a_host_sets_topic_and_speakers_shown_on_the_public_page(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    [mine, later] = await make_date(org, slug="mijn-reeks", dates=2)
    await make_host(org, await series_of(mine))
    await login(client, "host@example.org")
    saved = await _post(
        client,
        mine,
        topic="  Werk en herstel ",
        speakers="Sanne Spreker\nMo Moderator (gespreksleider)\n\n",
    )
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == f"/host/dates/{mine}?done=details"
    assert await _topic(mine) == "Werk en herstel"
    assert await _own_speakers(mine) == [
        ("Sanne Spreker", "speaker"),
        ("Mo Moderator", "moderator"),
    ]
    assert await _topic(later) == "" and await _own_speakers(later) == []  # only this date
    page = await client.get(f"/host/dates/{mine}?done=details&lang=en")
    assert "Done: the topic and speakers of this date are saved." in page.text
    assert 'value="Werk en herstel"' in page.text
    assert "Mo Moderator (moderator)" in page.text  # shown again as it can be typed
    public = await client.get(f"/events/mijn-reeks/{mine}?lang=en")
    assert "Werk en herstel" in public.text and "Mo Moderator" in public.text
    # empty speakers: the date goes back to the series' speakers
    cleared = await _post(client, mine, topic="", speakers="")
    assert cleared.status_code == 303
    assert await _topic(mine) == "" and await _own_speakers(mine) == []


async def test_a_too_long_topic_or_name_is_refused_at_its_field(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    [mine] = await make_date(org, slug="mijn-reeks")
    await make_host(org, await series_of(mine))
    await login(client, "host@example.org")
    long_topic = await _post(client, mine, topic="x" * 301, speakers="Sanne")
    assert long_topic.status_code == 400
    assert 'id="error-topic"' in long_topic.text and "at most 300 characters" in long_topic.text
    long_name = await _post(client, mine, topic="Goed", speakers="n" * 201)
    assert long_name.status_code == 400 and 'id="error-speakers"' in long_name.text
    assert 'value="Goed"' in long_name.text  # what was typed is kept
    assert await _topic(mine) == "" and await _own_speakers(mine) == []


async def test_others_get_404_and_nothing_changes(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    [mine] = await make_date(org, slug="mijn-reeks")
    [other, other_later] = await make_date(org, slug="andere-reeks", dates=2)
    await make_host(org, await series_of(mine))
    # a host of one date only (not the whole series)
    single = await credentials.create_account("enkel@example.org", "Els Enkel", PASSWORD)
    await Membership.insert(
        Membership(
            account=single, organisation=org, role=Membership.Role.host, created_at=clock.now()
        )
    )
    await SeriesHost.insert(
        SeriesHost(account=single, series=await series_of(other), event_date=other)
    )
    # another organisation's organiser
    await make_organiser("ander-netwerk", "ander@example.org")

    await login(client, "host@example.org")
    for date_id in (other, other_later, 999_999):
        refused = await _post(client, date_id, topic="Gekaapt", speakers="Indringer")
        assert refused.status_code == 404, date_id
        too_long = await _post(client, date_id, topic="x" * 301)
        assert too_long.status_code == 404, date_id  # not the form with someone else's date

    await _logout(client)
    await login(client, "enkel@example.org")
    assert (await _post(client, other, topic="Mijn datum")).status_code == 303
    assert (await _post(client, other_later, topic="Niet de mijne")).status_code == 404
    assert (await _post(client, mine, topic="Niet de mijne")).status_code == 404

    await _logout(client)
    await login(client, "ander@example.org")
    assert (await _post(client, mine, topic="Andere organisatie")).status_code == 404

    assert await _topic(mine) == ""
    assert await _topic(other) == "Mijn datum"
    assert await _topic(other_later) == ""
    assert await Speaker.count() == 0


async def test_an_organiser_sets_a_dates_topic_on_the_host_page(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    [date_id] = await make_date(organiser.organisation_id, slug="reeks")
    await login(client, "organiser@example.org")
    saved = await _post(client, date_id, topic="Herstel", speakers="Olga (moderator)")
    assert saved.status_code == 303
    assert await _topic(date_id) == "Herstel"
    assert await _own_speakers(date_id) == [("Olga", "moderator")]
