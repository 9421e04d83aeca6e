"""Care for what people write down and for a heavy topic: needs kept only a short while and
seen only by the hosts and organisers of that date, a content note before registering, and the
aftercare mail once after a date to the people who came."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import httpx

from events_app import clock
from events_app.mail import scheduled
from events_app.registration import retention
from events_app.registration.subscriptions import subscribe_series
from events_app.settings import Settings
from events_app.tables import (
    EventDate,
    Organisation,
    OutboxMail,
    Registration,
    SeriesSubscription,
)
from tests.factories import (
    fill,
    make_date,
    make_host,
    make_organisation,
    make_organiser,
    manage_token_of,
    series_of,
)
from tests.helpers.browser import text_of
from tests.helpers.pages import csrf_token, login
from tests.smtp import SmtpServer, drain

pytest_plugins = ["tests.integration.conftest_mail"]

CARE = "Praat erover met Iris (iris@example.org) of bel de steunlijn van het netwerk."


async def _needs() -> dict[int, str]:
    rows = await Registration.select(Registration.id, Registration.needs, Registration.name)
    return {row["id"]: row["needs"] for row in rows}


async def _ends(date_id: int) -> datetime:
    row = await EventDate.select(EventDate.ends_at).where(EventDate.id == date_id).first()
    assert row is not None
    return row["ends_at"]  # type: ignore[no-any-return]


async def _aftercare() -> list[str]:
    rows = await OutboxMail.select(OutboxMail.to_email).where(OutboxMail.kind == "aftercare")
    return sorted(row["to_email"] for row in rows)


async def test_needs_go_the_organisations_number_of_days_after_the_date() -> None:
    organiser = await make_organiser()
    [date_id] = await make_date(organiser.organisation_id, starts_in=timedelta(days=1))
    [with_needs, without] = await fill(date_id, 2)
    ends = await _ends(date_id)
    with clock.frozen(ends + timedelta(days=7) - timedelta(minutes=1)):
        assert await retention.delete_needs() == 0
    assert (await _needs())[with_needs] == "rolstoel"
    with clock.frozen(ends + timedelta(days=7)):
        assert await retention.delete_needs() == 1
        assert await retention.delete_needs() == 0
    rows = await Registration.select(Registration.needs, Registration.name, Registration.email)
    assert {row["needs"] for row in rows} == {""}
    assert {row["email"] for row in rows} == {"p0@example.org", "p1@example.org"}  # the rest stays
    assert without in await _needs()


async def test_needs_days_zero_deletes_right_after_and_other_organisations_keep_theirs() -> None:
    quick = await make_organisation("snel", "Snel")
    await Organisation.update({Organisation.needs_days: 0}).where(Organisation.id == quick)
    slow = await make_organisation("traag", "Traag")
    [fast_date] = await make_date(quick, slug="snel", starts_in=timedelta(days=1))
    [slow_date] = await make_date(slow, slug="traag", starts_in=timedelta(days=1))
    [mine] = await fill(fast_date, 1)
    [theirs] = await Registration.select(Registration.id).where(Registration.id == mine)
    await Registration.update({Registration.needs: "ander"}).where(Registration.id == mine)
    receipt = await fill(slow_date, 1)
    with clock.frozen(clock.now() + timedelta(days=1, hours=1)):
        assert await retention.delete_needs() == 1
    needs = await _needs()
    assert needs[theirs["id"]] == "" and needs[receipt[0]] == "rolstoel"


async def test_a_whole_series_registration_keeps_its_needs_while_it_has_dates() -> None:
    org = await make_organisation()
    dates = await make_date(org, starts_in=timedelta(days=1), dates=3)
    series_id = await series_of(dates[0])
    await subscribe_series(
        series_id, name="Vera", email="vera@example.org", needs="dichtbij de deur"
    )
    last_end = await _ends(dates[-1])
    with clock.frozen(clock.now() + timedelta(days=9)):  # the first date's needs are gone
        await retention.delete_needs()
        first = await Registration.select(Registration.needs).where(
            Registration.event_date == dates[0]
        )
        assert first == [{"needs": ""}]
        [sub] = await SeriesSubscription.select(SeriesSubscription.needs)
        assert sub["needs"] == "dichtbij de deur"
    with clock.frozen(last_end + timedelta(days=7)):
        await retention.delete_needs()
        [sub] = await SeriesSubscription.select(SeriesSubscription.needs)
        assert sub["needs"] == ""
        assert {r["needs"] for r in await Registration.select(Registration.needs)} == {""}


async def test_settings_page_and_api_keep_needs_days_within_retention(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    refused = await client.patch(f"/api/v1/organisations/{org}", json={"needs_days": 400},
                                 headers=organiser.headers)  # fmt: skip
    assert refused.status_code == 400 and refused.json()["field"] == "needs_days"
    ok = await client.patch(f"/api/v1/organisations/{org}", json={"needs_days": 3},
                            headers=organiser.headers)  # fmt: skip
    assert ok.status_code == 200 and ok.json()["needs_days"] == 3

    await login(client, "organiser@example.org")
    page = f"/organise/{org}/settings?lang=en"
    token = await csrf_token(client, page)
    form = {
        "_csrf_token": token,
        "name": "Stadsnetwerk",
        "contact_email": "info@example.org",
        "language": "nl",
        "retention_days": "30",
        "needs_days": "31",
        "consent_text": "",
    }
    both = await client.post(page, data={**form, "retention_days": "0", "needs_days": "x"})
    assert both.status_code == 400
    assert 'id="error-retention_days"' in both.text and 'id="error-needs_days"' in both.text
    too_late = await client.post(page, data=form)
    assert too_late.status_code == 400 and 'id="error-needs_days"' in too_late.text
    assert 'value="31"' in too_late.text  # what was typed is shown again
    saved = await client.post(page, data={**form, "needs_days": "2"})
    assert saved.status_code == 303
    [row] = await Organisation.select(Organisation.needs_days, Organisation.retention_days)
    assert row == {"needs_days": 2, "retention_days": 30}


async def test_the_forms_say_when_needs_are_deleted(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    await Organisation.update({Organisation.needs_days: 5}).where(Organisation.id == org)
    [date_id] = await make_date(org, starts_in=timedelta(days=3))
    nl = await client.get("/events/ontmoeting/register")
    assert "We verwijderen het 5 dagen na de datum." in nl.text
    en = await client.get("/events/ontmoeting/register?lang=en")
    assert "it is deleted 5 days after the date." in en.text
    await fill(date_id, 1)
    token = await manage_token_of("p0@example.org")
    manage = await client.get(f"/manage/{token}?lang=en")
    deleted_on = await _ends(date_id) + timedelta(days=5)
    assert "What you asked us to take into account is deleted on" in manage.text
    assert str(deleted_on.astimezone().year) in manage.text


async def test_needs_are_seen_only_by_the_hosts_and_organisers_of_that_date(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    [mine] = await make_date(org, slug="eigen")
    [other] = await make_date(org, slug="ander")
    await make_host(org, await series_of(mine), "host@example.org")
    await make_host(org, await series_of(other), "other-host@example.org")
    await fill(mine, 1)  # p0 writes "rolstoel"
    stranger = await make_organiser("elders", "organiser@elders.example.org")

    await login(client, "host@example.org")
    own = await client.get(f"/host/dates/{mine}?lang=en")
    assert own.status_code == 200 and "rolstoel" in own.text
    await login(client, "other-host@example.org")
    for page in ("", "/signups.csv", "/print", "/attendance", "/groups", "/groups.csv", "/mail"):
        path = f"/host/dates/{mine}{page}"
        answer = await client.get(path + "?lang=en")
        assert answer.status_code in (400, 404) and "rolstoel" not in answer.text, path
    for headers in (stranger.headers, {}):
        api = await client.get(f"/api/v1/dates/{mine}/signups", headers=headers)
        assert api.status_code in (401, 404) and "rolstoel" not in api.text
    guessed = await client.get("/api/v1/dates/2147483647/signups", headers=organiser.headers)
    assert guessed.status_code == 404
    allowed = await client.get(f"/api/v1/dates/{mine}/signups", headers=organiser.headers)
    assert allowed.status_code == 200 and "rolstoel" in allowed.text
    public = await client.get(f"/events/eigen/{mine}")
    assert "rolstoel" not in public.text


async def test_the_content_note_is_shown_before_registering_and_in_the_api(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    [date_id] = await make_date(organiser.organisation_id)
    series_id = await series_of(date_id)
    note = "Deze avond gaat over suïcide.\nJe mag altijd weggaan."
    changed = await client.patch(f"/api/v1/series/{series_id}", headers=organiser.headers,
                                 json={"content_note": note, "aftercare_text": CARE})  # fmt: skip
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["content_note"], body["aftercare_text"], body["aftercare_hours"]) == (
        note, CARE, 24)  # fmt: skip
    bad = await client.patch(f"/api/v1/series/{series_id}", headers=organiser.headers,
                             json={"aftercare_hours": 0})  # fmt: skip
    assert bad.status_code == 400
    for path in ("/events/ontmoeting", f"/events/ontmoeting/{date_id}",
                 "/events/ontmoeting/register"):  # fmt: skip
        page = await client.get(path)
        assert 'class="content-note"' in page.text and "Voordat je komt" in page.text, path
        assert "Je mag altijd weggaan." in page.text
        assert CARE not in page.text  # the aftercare text is for the mail only


async def test_the_series_form_saves_care_and_marks_a_bad_delay(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    [date_id] = await make_date(organiser.organisation_id)
    series_id = await series_of(date_id)
    await login(client, "organiser@example.org")
    page = await client.get(f"/organise/series/{series_id}?lang=en")
    assert 'name="content_note"' in page.text and 'name="aftercare_hours"' in page.text
    form = {
        "_csrf_token": await csrf_token(client, f"/organise/series/{series_id}?lang=en"),
        "title": "Bijeenkomst ontmoeting", "kind": "meetup", "format": "online",
        "meeting_url": "https://meet.example.org/a", "registration_mode": "required",
        "link_visibility": "registered", "reminder_hours": "24", "language": "nl",
        "published": "yes", "waitlist": "yes", "content_note": "Zwaar onderwerp.",
        "aftercare_text": CARE, "aftercare_hours": "999",
    }  # fmt: skip
    bad = await client.post(f"/organise/series/{series_id}/details?lang=en", data=form)
    assert bad.status_code == 400 and 'id="error-aftercare_hours"' in bad.text
    assert "Zwaar onderwerp." in bad.text  # nothing typed is lost
    ok = await client.post(f"/organise/series/{series_id}/details?lang=en",
                           data={**form, "aftercare_hours": "48"})  # fmt: skip
    assert ok.status_code == 303, ok.text
    api = await client.get(f"/api/v1/series/{series_id}", headers=organiser.headers)
    assert (api.json()["content_note"], api.json()["aftercare_hours"]) == ("Zwaar onderwerp.", 48)


async def _care_date(people: int = 3) -> tuple[int, list[int]]:
    org = await make_organisation()
    [date_id] = await make_date(org, starts_in=timedelta(days=1))
    from events_app.tables import Series

    await Series.update({Series.aftercare_text: CARE, Series.aftercare_hours: 24}).where(
        Series.id == await series_of(date_id)
    )
    return date_id, await fill(date_id, people)


async def test_aftercare_goes_once_to_those_who_came(
    smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    date_id, [came, absent, cancelled] = await _care_date(3)
    await Registration.update({Registration.attended: True}).where(Registration.id == came)
    await Registration.update({Registration.attended: False}).where(Registration.id == absent)
    await Registration.update({Registration.status: "cancelled"}).where(
        Registration.id == cancelled
    )
    ends = await _ends(date_id)
    with clock.frozen(ends + timedelta(hours=23)):
        assert await scheduled.queue_aftercare() == 0
    with clock.frozen(ends + timedelta(hours=24)):
        first, second = await asyncio.gather(
            scheduled.queue_aftercare(), scheduled.queue_aftercare()
        )
        assert first + second == 1  # two workers at once: one mail
        assert await scheduled.queue_aftercare() == 0
        assert await _aftercare() == ["p0@example.org"]
        smtp_server.clear()
        await drain(mail_settings)
    [message] = smtp_server.messages
    assert message["Subject"] == "Na Bijeenkomst ontmoeting: als je wilt praten"
    body = text_of(message)
    assert CARE in body and "aan de mensen die er waren" in body
    assert not any(p.get_content_type() == "text/calendar" for p in message.walk())


async def test_without_recorded_attendance_aftercare_goes_to_everyone_with_a_place() -> None:
    await _care_date(2)
    with clock.frozen(clock.now() + timedelta(days=1, hours=26)):
        assert await scheduled.queue_aftercare() == 2
    assert await _aftercare() == ["p0@example.org", "p1@example.org"]


async def test_no_aftercare_for_a_cancelled_date_or_long_after(
    smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    date_id, _ = await _care_date(1)
    await EventDate.update({EventDate.status: "cancelled"}).where(EventDate.id == date_id)
    with clock.frozen(clock.now() + timedelta(days=2, hours=2)):
        assert await scheduled.queue_aftercare() == 0
    await EventDate.update({EventDate.status: "scheduled"}).where(EventDate.id == date_id)
    with clock.frozen(clock.now() + timedelta(days=6)):  # its moment passed days ago
        assert await scheduled.queue_aftercare() == 0
    with clock.frozen(clock.now() + timedelta(days=2, hours=2)):
        assert await scheduled.queue_aftercare() == 1
        from events_app.tables import Series

        await Series.update({Series.aftercare_text: ""}).where(Series.id > 0)
        await drain(mail_settings)
    assert smtp_server.messages == []  # the text was taken away before delivery
    [row] = await OutboxMail.select(OutboxMail.status).where(OutboxMail.kind == "aftercare")
    assert row["status"] == "skipped"


async def test_an_applications_needs_go_on_the_same_day() -> None:
    from events_app.registration import applications
    from events_app.tables import Application, Series

    org = await make_organisation()
    [date_id] = await make_date(org, starts_in=timedelta(days=1))
    await Series.update({Series.admission: "apply"}).where(Series.id == await series_of(date_id))
    await applications.apply([date_id], name="Sem", email="sem@example.org", needs="tolk NGT")
    ends = await _ends(date_id)
    with clock.frozen(ends + timedelta(days=6)):
        await retention.delete_needs()
    assert await Application.select(Application.needs) == [{"needs": "tolk NGT"}]
    with clock.frozen(ends + timedelta(days=7)):
        await retention.delete_needs()
    assert await Application.select(Application.needs, Application.name) == [
        {"needs": "", "name": "Sem"}
    ]


async def test_a_short_retention_keeps_needs_no_longer_and_settings_still_save(
    client: httpx.AsyncClient,
) -> None:
    from events_app.accounts import tenants

    short = await tenants.create_organisation("kort", "Kort", "info@kort.example.org",
                                              retention_days=3)  # fmt: skip
    [row] = await Organisation.select(Organisation.needs_days).where(Organisation.id == short)
    assert row["needs_days"] == 3
    organiser = await make_organiser()
    org = organiser.organisation_id
    renamed = await client.patch(f"/api/v1/organisations/{org}", json={"name": "Nieuwe naam"},
                                 headers=organiser.headers)  # fmt: skip
    assert renamed.status_code == 200
    shorter = await client.patch(f"/api/v1/organisations/{org}", json={"retention_days": 4},
                                 headers=organiser.headers)  # fmt: skip
    assert shorter.status_code == 200
    assert (shorter.json()["retention_days"], shorter.json()["needs_days"]) == (4, 4)


async def test_needs_taken_away_on_the_manage_page_do_not_come_back_with_a_new_date() -> None:
    from events_app.registration import manage

    org = await make_organisation()
    dates = await make_date(org, starts_in=timedelta(days=1), dates=2)
    await subscribe_series(await series_of(dates[0]), name="Vera", email="vera@example.org",
                           needs="dichtbij de deur")  # fmt: skip
    await manage.update_my_details(await manage_token_of("vera@example.org"), needs="")
    [sub] = await SeriesSubscription.select(SeriesSubscription.needs)
    assert sub["needs"] == ""
    assert {r["needs"] for r in await Registration.select(Registration.needs)} == {""}
