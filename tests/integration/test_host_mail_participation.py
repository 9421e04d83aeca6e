"""Mail everyone of a date, and participation across a series or programme (sessions, hours)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import httpx

from events_app import clock
from events_app.tables import OutboxMail, Programme, Registration, Series
from tests.factories import fill, make_date, make_host, make_organisation, make_organiser, series_of
from tests.helpers.pages import csrf_token, login


async def test_a_host_mails_everyone_of_their_date(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    [date] = await make_date(org, capacity=3)
    [other] = await make_date(org, slug="andere", capacity=3)
    await make_host(org, await series_of(date))
    await fill(date, 5)
    await login(client, "host@example.org")
    token = await csrf_token(client, f"/host/dates/{date}/mail?lang=en")
    empty = await client.post(
        f"/host/dates/{date}/mail",
        data={"_csrf_token": token, "subject": "", "body": "Tot morgen!", "who": "confirmed"},
    )
    assert empty.status_code == 400 and "Write a subject" in empty.text
    assert "Tot morgen!" in empty.text  # what was written is kept
    sent = await client.post(
        f"/host/dates/{date}/mail",
        data={"_csrf_token": token, "subject": "Andere zaal", "body": "We zitten in zaal 2.",
              "who": "both"},
    )  # fmt: skip
    assert sent.headers["location"] == f"/host/dates/{date}/mail?sent=5"
    rows = await OutboxMail.select(OutboxMail.kind, OutboxMail.context).output(load_json=True)
    assert len(rows) == 5 + 5  # five confirmations / waiting-list mails, five messages
    messages = [r for r in rows if r["kind"] == "organiser_message"]
    assert len(messages) == 5 and messages[0]["context"]["subject"] == "Andere zaal"
    refused = await client.post(
        f"/host/dates/{other}/mail",
        data={"_csrf_token": token, "subject": "x", "body": "y", "who": "confirmed"},
    )
    assert refused.status_code == 404


async def test_participation_counts_sessions_and_hours(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    await make_organiser()
    dates = await make_date(org, capacity=None, dates=3, slug="cursus")
    rows = await Programme.insert(
        Programme(organisation=org, slug="leerlijn", title="Leerlijn", published=True)
    ).returning(Programme.id)
    programme = rows[0]["id"]
    await Series.update({Series.programme: programme}).where(Series.slug == "cursus")
    people = [await fill(d, 2) for d in dates]
    # Ada (p0) came to the first two dates, Bo (p1) to the first only.
    marks = {people[0][0]: True, people[0][1]: True, people[1][0]: True, people[1][1]: False}
    for registration_id, attended in marks.items():
        await Registration.update({Registration.attended: attended}).where(
            Registration.id == registration_id
        )
    with clock.frozen(clock.now() + timedelta(days=25)):  # all three dates are over
        await login(client, "organiser@example.org")  # a session lasts 14 days at most
        page = await client.get(f"/host/programmes/{programme}/participation?lang=en")
        assert page.status_code == 200
        assert "3 dates held, 3 hours in all" in page.text
        assert "2 of 3 (67%)" in page.text and "1 of 3 (33%)" in page.text
        exported = await client.get(f"/host/series/{await series_of(dates[0])}/participation.csv")
    table = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff")), delimiter=";"))
    assert table[0] == ["name", "email", "registered", "attended", "held", "percentage", "hours"]
    assert table[1][1:] == ["p0@example.org", "3", "2", "3", "67", "2,00"]
    assert table[2][1:] == ["p1@example.org", "3", "1", "3", "33", "1,00"]


async def test_participation_is_for_organisers_and_series_hosts(
    client: httpx.AsyncClient,
) -> None:
    org = await make_organisation()
    [date] = await make_date(org)
    series = await series_of(date)
    rows = await Programme.insert(
        Programme(organisation=org, slug="leerlijn", title="Leerlijn", published=True)
    ).returning(Programme.id)
    await make_host(org, series)
    await login(client, "host@example.org")
    assert (await client.get(f"/host/series/{series}/participation")).status_code == 200
    for path in (
        f"/host/programmes/{rows[0]['id']}/participation",
        "/host/series/99999/participation",
        f"/host/other/{series}/participation",
    ):
        response = await client.get(path, headers={"accept": "text/html"})
        assert response.status_code == 404, path
