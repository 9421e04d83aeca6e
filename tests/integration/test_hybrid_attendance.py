"""A hybrid date asks "on site or online?": required there and only there, kept on the
registration, told to the person (mail, manage page) and counted on the host's list."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import httpx
import pytest

from events_app import db
from events_app.registration import subscriptions
from events_app.tables import EventDate, Registration, Series, SeriesSubscription
from tests.factories import make_date, make_organiser, manage_token_of
from tests.helpers.pages import csrf_token, login
from tests.smtp import SmtpServer, drain

pytest_plugins = ["tests.integration.conftest_mail"]
pytestmark = pytest.mark.db


async def _hybrid(org: int, slug: str = "hybride", **extra: object) -> list[int]:
    dates = await make_date(org, slug=slug, **extra)  # type: ignore[arg-type]
    await Series.update({Series.format: "hybrid", Series.location: "Buurthuis De Linde"}).where(
        Series.slug == slug
    )
    return dates


def _form(token: str, date_id: int, **fields: str) -> dict[str, str]:
    return {"_csrf_token": token, "dates": str(date_id), "name": "Ayla", "email":
            "ayla@example.org", **fields}  # fmt: skip


async def test_the_page_asks_only_for_hybrid_dates_and_keeps_the_answer(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: object
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    [hybrid] = await _hybrid(org)
    [online] = await make_date(org, slug="online")
    shown = await client.get("/events/hybride/register?lang=en")
    assert 'name="attendance" value="on_site"' in shown.text
    assert 'name="attendance"' not in (await client.get("/events/online/register")).text
    token = await csrf_token(client, "/events/hybride/register?lang=en")
    url = "/events/hybride/register?lang=en"
    missing = await client.post(url, data=_form(token, hybrid, email=""))
    assert missing.status_code == 400
    # Both refusals are marked, each at its field; what was typed stays.
    assert 'id="error-attendance"' in missing.text and 'id="error-email"' in missing.text
    assert 'value="Ayla"' in missing.text
    for bad in ("teleport", "on_site\u200b", "ONLINE"):
        refused = await client.post(url, data=_form(token, hybrid, attendance=bad))
        assert refused.status_code == 400 and 'id="error-attendance"' in refused.text
    assert await Registration.count() == 0
    made = await client.post(url, data=_form(token, hybrid, attendance="online"))
    assert made.status_code == 303, made.text
    row = await Registration.select().first()
    assert row["attendance"] == "online"
    # Not hybrid: not asked, and an answer sent anyway is not kept.
    plain = await client.post(
        "/events/online/register",
        data=_form(token, online, email="bo@example.org", attendance="on_site"),
    )
    assert plain.status_code == 303
    kept = await Registration.select(Registration.attendance).where(
        Registration.email == "bo@example.org"
    )
    assert kept == [{"attendance": None}]
    await drain(mail_settings)  # type: ignore[arg-type]
    to_ayla = [m for m in smtp_server.messages if "ayla@example.org" in m["To"]]
    text = to_ayla[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "online" in text.lower() and (
        "Je doet online mee." in text or "You take part online." in text
    )
    html = to_ayla[0].get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "online mee" in html or "part online" in html
    manage = await client.get(f"/manage/{await manage_token_of('ayla@example.org')}?lang=en")
    assert "You take part online." in manage.text


async def test_the_host_counts_both_and_exports_them(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    [date] = await _hybrid(org)
    for n, choice in enumerate(("on_site", "on_site", "online", "on_site", "online")):
        made = await client.post(
            "/api/v1/registrations",
            json={
                "name": f"P{n}",
                "email": f"p{n}@example.org",
                "date_ids": [date],
                "attendance": choice,
            },
        )
        assert made.status_code == 202, made.text
    refused = await client.post(
        "/api/v1/registrations",
        json={"name": "Q", "email": "q@example.org", "date_ids": [date]},
    )
    assert refused.status_code == 400 and refused.json()["field"] == "attendance"
    wrong = await client.post(
        "/api/v1/registrations",
        json={
            "name": "Q",
            "email": "q@example.org",
            "date_ids": [date],
            "attendance": "both",
        },
    )
    assert wrong.status_code == 400
    await login(client, "organiser@example.org")
    page = await client.get(f"/host/dates/{date}?lang=en")
    assert "3 on site, 2 online" in page.text
    printed = await client.get(f"/host/dates/{date}/print?lang=en")
    assert "3 on site, 2 online" in printed.text and printed.text.count(">On site<") >= 3
    exported = await client.get(f"/host/dates/{date}/signups.csv")
    rows = list(csv.DictReader(io.StringIO(exported.text.lstrip("\ufeff")), delimiter=";"))
    assert sorted(r["attendance"] for r in rows) == ["on_site"] * 3 + ["online"] * 2
    listed = (await client.get(f"/api/v1/dates/{date}/signups")).json()
    assert (listed["on_site_count"], listed["online_count"]) == (3, 2)
    assert {s["attendance"] for s in listed["confirmed"]} == {"on_site", "online"}


async def test_a_whole_series_registration_asks_once_and_new_dates_keep_it(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    await _hybrid(organiser.organisation_id, dates=3)
    series = await Series.select(Series.id).where(Series.slug == "hybride").first()
    made = await client.post(
        "/api/v1/registrations",
        json={
            "name": "Ayla",
            "email": "ayla@example.org",
            "series_id": series["id"],
            "attendance": "on_site",
        },
    )
    assert made.status_code == 202, made.text
    assert [r["attendance"] for r in await Registration.select(Registration.attendance)] == [
        "on_site"
    ] * 3
    subscription = await SeriesSubscription.select(SeriesSubscription.attendance).first()
    assert subscription["attendance"] == "on_site"
    missing = await client.post(
        "/api/v1/registrations",
        json={"name": "Bo", "email": "bo@example.org", "series_id": series["id"]},
    )
    assert missing.status_code == 400 and missing.json()["field"] == "attendance"


async def test_a_stranger_cannot_change_how_someone_comes(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    [date] = await _hybrid(organiser.organisation_id)
    for choice in ("on_site", "online"):
        made = await client.post(
            "/api/v1/registrations",
            json={
                "name": "Ayla",
                "email": "ayla@example.org",
                "date_ids": [date],
                "attendance": choice,
            },
        )
        assert made.status_code == 202
    rows = await Registration.select(Registration.attendance)
    assert rows == [{"attendance": "on_site"}]
    assert re.fullmatch(r"on_site", rows[0]["attendance"])


async def test_a_date_added_later_keeps_how_the_subscriber_comes(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    [first] = await _hybrid(organiser.organisation_id)
    series = await Series.select(Series.id).where(Series.slug == "hybride").first()
    made = await client.post(
        "/api/v1/registrations",
        json={"name": "Ayla", "email": "ayla@example.org", "series_id": series["id"],
              "attendance": "online"},
    )  # fmt: skip
    assert made.status_code == 202
    row = await EventDate.select().where(EventDate.id == first).first()
    week = timedelta(weeks=1)
    rows = await EventDate.insert(
        EventDate(series=series["id"], uid="later@events-app",
                   rule_start=row["local_start"] + week, local_start=row["local_start"] + week,
                   local_end=row["local_end"] + week,
                   timezone=row["timezone"], starts_at=row["starts_at"] + week,
                   ends_at=row["ends_at"] + week, created_at=row["created_at"],
                   updated_at=row["updated_at"])
    ).returning(EventDate.id)  # fmt: skip
    async with db.transaction():
        assert await subscriptions.apply_subscriptions(rows[0]["id"]) == 1
    later = await Registration.select(Registration.attendance).where(
        Registration.event_date == rows[0]["id"]
    )
    assert later == [{"attendance": "online"}]


async def test_an_organiser_adding_someone_may_say_how_they_come(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    [date] = await _hybrid(organiser.organisation_id)
    added = await client.post(
        f"/api/v1/dates/{date}/signups",
        json={"name": "Bo", "email": "bo@example.org", "attendance": "on_site"},
        headers=organiser.headers,
    )
    assert added.status_code == 201, added.text
    left_open = await client.post(
        f"/api/v1/dates/{date}/signups",
        json={"name": "Cas", "email": "cas@example.org"},
        headers=organiser.headers,
    )
    assert left_open.status_code == 201
    await login(client, "organiser@example.org")
    token = await csrf_token(client, f"/host/dates/{date}?lang=en")
    bad = await client.post(
        f"/host/dates/{date}/add?lang=en",
        data={"_csrf_token": token, "name": "Dirk", "email": "dirk@example.org",
              "attendance": "both"},
    )  # fmt: skip
    assert bad.status_code == 400 and 'id="error-attendance"' in bad.text
    made = await client.post(
        f"/host/dates/{date}/add",
        data={"_csrf_token": token, "name": "Dirk", "email": "dirk@example.org",
              "attendance": "online"},
    )  # fmt: skip
    assert made.status_code == 303
    page = await client.get(f"/host/dates/{date}?lang=en")
    assert "1 on site, 1 online, 1 not said" in page.text
