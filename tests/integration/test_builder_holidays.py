"""The builder offers the Dutch public holidays among a new series' dates for skipping: ticked
at first, shown in the preview, untickable, and never saved unseen."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx

from events_app import clock
from events_app.tables import EventDate, Series
from tests.factories import make_organiser
from tests.helpers.pages import csrf_token, login, series_form

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
# Weekly on Fridays from 18 December 2026: Christmas Day, New Year's Day and Good Friday 2027
FRIDAYS = series_form(start_date="2026-12-18", interval="1", weekdays=["4"], skip="")


async def _post(client: httpx.AsyncClient, org: int, **extra: str | list[str]) -> httpx.Response:
    token = await csrf_token(client, "/organise?lang=en")
    data = {"_csrf_token": token, **FRIDAYS, **extra}
    return await client.post(f"/organise/{org}/series/new?lang=en", data=data)


async def _statuses(series_id: int) -> dict[date, str]:
    rows = await EventDate.select(EventDate.local_start, EventDate.status).where(
        EventDate.series == series_id
    )
    return {r["local_start"].date(): r["status"] for r in rows}


async def test_holidays_come_ticked_and_an_unticked_one_is_kept(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    await login(client, "organiser@example.org")
    with clock.frozen(NOW):
        shown = await _post(client, org, action="preview")
        assert shown.status_code == 200
        assert "<s>Friday 25 December 2026, 19:30–21:00</s> (skipped: Christmas Day)" in shown.text
        for day, name in (("2026-12-25", "Christmas Day"), ("2027-01-01", "New Year's Day"),
                          ("2027-03-26", "Good Friday")):  # fmt: skip
            assert f'name="skip_holiday" value="{day}" checked' in shown.text
            assert name.replace("'", "&#39;") in shown.text  # as the page escapes it
        assert 'name="holidays_offered" value="2026-12-25,2027-01-01,2027-03-26"' in shown.text
        assert await Series.count() == 0

        saved = await _post(
            client,
            org,
            action="save",
            holidays_offered="2026-12-25,2027-01-01,2027-03-26",
            skip_holiday=["2026-12-25", "2027-03-26"],  # New Year's Day unticked
        )
        assert saved.status_code == 303, saved.text
    series_id = int(saved.headers["location"].split("/")[-1].split("?")[0])
    statuses = await _statuses(series_id)
    assert statuses[date(2026, 12, 25)] == "skipped"
    assert statuses[date(2027, 1, 1)] == "scheduled"
    assert statuses[date(2027, 3, 26)] == "skipped"
    assert statuses[date(2027, 1, 8)] == "scheduled"


async def test_saving_before_the_holidays_were_shown_shows_them_first(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    await login(client, "organiser@example.org")
    with clock.frozen(NOW):
        asked = await _post(client, org, action="save")
        assert asked.status_code == 200
        assert "Some dates fall on a public holiday" in asked.text
        assert await Series.count() == 0
        # a forged list of holidays names no day that is not one
        forged = await _post(
            client,
            org,
            action="save",
            holidays_offered="2026-12-25,2027-01-01,2027-03-26,9999-99-99,x",
            skip_holiday=["2027-01-08", "\u0661"],
        )
        assert forged.status_code == 303
    statuses = await _statuses(int(forged.headers["location"].split("/")[-1].split("?")[0]))
    assert statuses[date(2027, 1, 8)] == "scheduled"  # an ordinary Friday stays
    assert statuses[date(2026, 12, 25)] == "scheduled"  # shown and unticked: kept


async def test_the_dutch_page_names_the_holidays_in_dutch(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    await login(client, "organiser@example.org")
    token = await csrf_token(client, "/organise")
    with clock.frozen(NOW):
        shown = await client.post(
            f"/organise/{organiser.organisation_id}/series/new?lang=nl",
            data={"_csrf_token": token, **FRIDAYS, "action": "preview"},
        )
    assert "Feestdagen tussen de datums" in shown.text
    assert "Eerste kerstdag" in shown.text and "Goede vrijdag" in shown.text
    assert "(overgeslagen: Eerste kerstdag)" in shown.text


async def test_a_series_without_holidays_saves_at_once(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    await login(client, "organiser@example.org")
    token = await csrf_token(client, "/organise")
    with clock.frozen(NOW):
        saved = await client.post(
            f"/organise/{organiser.organisation_id}/series/new",
            data={
                "_csrf_token": token,
                **series_form(start_date="2026-12-03", repeat="none", skip=""),
                "action": "save",
            },
        )
    assert saved.status_code == 303
    assert 'name="skip_holiday"' not in saved.text
