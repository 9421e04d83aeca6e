"""Organiser pages: a new series with the builder (preview, then save, skipping a holiday),
every bad input at its field, date actions with their mails, and no access for others."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx

from events_app import clock
from events_app.tables import EventDate, Material, OutboxMail, Series, SeriesHost, Speaker
from tests.factories import PASSWORD, fill, make_host, make_organiser
from tests.helpers.pages import csrf_token, login, post_organise, series_form

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


async def test_preview_then_save_a_fortnightly_series_with_a_skipped_holiday(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    await login(client, "organiser@example.org")
    with clock.frozen(NOW):
        preview = await post_organise(
            client, f"/organise/{org}/series/new", series_form(action="preview")
        )
        assert preview.status_code == 200
        assert "every two weeks on Tuesday, 19:30–21:00" in preview.text
        assert "<s>Tuesday 29 December 2026, 19:30–21:00</s>" in preview.text
        assert "Tuesday 12 January 2027, 19:30–21:00" in preview.text
        assert await Series.count() == 0  # nothing stored by a preview
        saved = await post_organise(
            client, f"/organise/{org}/series/new", series_form(action="save")
        )
        assert saved.status_code == 303
        series_id = int(saved.headers["location"].split("/")[-1].split("?")[0])
        dates = (
            await EventDate.select(EventDate.local_start, EventDate.status)
            .where(EventDate.series == series_id)
            .order_by(EventDate.local_start)
        )
        assert [d["local_start"].date() for d in dates[:3]] == [
            date(2026, 12, 1),
            date(2026, 12, 15),
            date(2026, 12, 29),
        ]
        assert [d["status"] for d in dates[:4]] == [
            "scheduled",
            "scheduled",
            "skipped",
            "scheduled",
        ]
        assert all(d["local_start"].hour == 19 and d["local_start"].minute == 30 for d in dates)
        page = await client.get(f"/organise/series/{series_id}?lang=en")
        assert page.status_code == 200 and "No meeting (skipped)" in page.text


async def test_every_bad_input_is_shown_at_its_field_with_the_input_kept(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    await login(client, "organiser@example.org")
    cases = {
        "title": ({"title": ""}, "Give the series a title."),
        "start_date": ({"start_date": ""}, "Give the first date."),
        "end_time": ({"end_time": "18:00"}, "The end must be after the start."),
        "interval": ({"interval": "99"}, "Fill in a whole number"),
        "skip": ({"skip": "30-12-2026"}, "not one of the series"),
        "location": ({"format": "in_person"}, "Give the address."),
        "capacity": ({"capacity": "veel"}, "Fill in a whole number"),
        "count": ({"ends": "count", "count": ""}, "Fill in a whole number"),
        "meeting_url": ({"meeting_url": "javascript:alert(1)"}, "https://"),
    }
    with clock.frozen(NOW):
        for field, (change, message) in cases.items():
            response = await post_organise(
                client, f"/organise/{org}/series/new", series_form(action="save", **change)
            )
            assert response.status_code == 400, field
            assert message in response.text, (field, message)
            assert f'id="error-{field}"' in response.text, field
            assert 'value="Herstelcafé"' in response.text or field == "title"
        past = await post_organise(
            client,
            f"/organise/{org}/series/new",
            series_form(action="save", start_date="2026-11-03", skip=""),
        )
        assert past.status_code == 400 and "already passed" in past.text
        # several problems at once: every one is marked, not only the first
        several = await post_organise(
            client,
            f"/organise/{org}/series/new",
            series_form(
                action="save",
                start_date="",
                title="",
                format="in_person",
                capacity="veel",
                meeting_url="javascript:alert(1)",
                skip="dertig december",
            ),
        )
        assert several.status_code == 400
        for field in ("start_date", "title", "location", "capacity", "meeting_url", "skip"):
            assert f'id="error-{field}"' in several.text, field
        summary = several.text.split('class="error-summary"', 1)[1].split("</ul>", 1)[0]
        assert summary.count("<li>") == 6
    assert await Series.count() == 0


async def test_date_actions_notify_the_people_registered(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    await login(client, "organiser@example.org")
    saved = await post_organise(
        client,
        f"/organise/{org}/series/new",
        series_form(action="save", start_date="2027-01-05", skip=""),
    )
    series_id = int(saved.headers["location"].split("/")[-1].split("?")[0])
    first, second = [
        d["id"]
        for d in await EventDate.select(EventDate.id)
        .where(EventDate.series == series_id)
        .order_by(EventDate.starts_at)
        .limit(2)
    ]
    await fill(first, 2)
    changed = await post_organise(client, f"/organise/dates/{first}/change",
                          {"topic": "Met gastspreker Sam", "capacity": ""})  # fmt: skip
    assert changed.headers["location"].endswith(f"done=changed#date-{first}")
    asked = await post_organise(client, f"/organise/dates/{first}/cancel", {"reason": "Ziekte"})
    called_off = OutboxMail.kind == "date_cancelled"
    assert asked.status_code == 200 and await OutboxMail.count().where(called_off) == 0
    assert "2 people with a place and 0 on the waiting list get an e-mail" in asked.text
    assert "Your reason in the e-mail: Ziekte" in asked.text
    assert 'name="reason" value="Ziekte"' in asked.text
    assert 'name="confirm" value="yes"' in asked.text
    yes = {"reason": "Ziekte", "confirm": "yes"}
    cancelled = await post_organise(client, f"/organise/dates/{first}/cancel", yes)
    assert cancelled.status_code == 303
    again = await post_organise(client, f"/organise/dates/{first}/cancel", yes)
    assert again.status_code == 409 and "already skipped or cancelled" in again.text
    kinds = [r["kind"] for r in await OutboxMail.select(OutboxMail.kind)]
    assert kinds.count("date_cancelled") == 2
    moved = await post_organise(client, f"/organise/dates/{second}/move",
                        {"day": "2027-01-20", "start": "20:00", "end": "21:30"})  # fmt: skip
    assert moved.status_code == 303
    row = (await EventDate.select().where(EventDate.id == second))[0]
    assert row["local_start"] == datetime(2027, 1, 20, 20, 0)  # noqa: DTZ001 - wall-clock time
    restored = await post_organise(client, f"/organise/dates/{first}/restore", {})
    assert restored.status_code == 303


async def test_an_unknown_action_is_not_a_route(client: httpx.AsyncClient) -> None:
    """One route per action: anything else is the router's 404 and changes nothing."""
    organiser = await make_organiser()
    org = organiser.organisation_id
    await login(client, "organiser@example.org")
    saved = await post_organise(client, f"/organise/{org}/series/new",
                        series_form(action="save", start_date="2027-01-05", skip=""))  # fmt: skip
    series_id = int(saved.headers["location"].split("/")[-1].split("?")[0])
    [first] = await EventDate.select(EventDate.id).limit(1)
    before = await EventDate.select(EventDate.id, EventDate.status).order_by(EventDate.id)
    for path in (
        f"/organise/dates/{first['id']}/explode",
        f"/organise/dates/{first['id']}/Skip",
        f"/organise/series/{series_id}/explode",
    ):
        response = await post_organise(client, path, {})
        assert response.status_code in (404, 405), path
    after = await EventDate.select(EventDate.id, EventDate.status).order_by(EventDate.id)
    assert after == before


async def test_hosts_and_details_and_ending(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    await login(client, "organiser@example.org")
    saved = await post_organise(client, f"/organise/{org}/series/new",
                        series_form(action="save", start_date="2027-01-05", skip=""))  # fmt: skip
    series_id = int(saved.headers["location"].split("/")[-1].split("?")[0])
    host = await make_host(org, series_id)
    await SeriesHost.delete().where(SeriesHost.account == host)
    token = await csrf_token(client, f"/organise/series/{series_id}")
    await client.post(
        f"/organise/series/{series_id}/hosts", data={"_csrf_token": token, "hosts": [str(host)]}
    )
    assert await SeriesHost.count().where(SeriesHost.account == host) == 1
    bad = await post_organise(client, f"/organise/series/{series_id}/details",
                      series_form(title="", capacity="5"))  # fmt: skip
    assert bad.status_code == 400 and "Give the series a title." in bad.text
    ok = await post_organise(client, f"/organise/series/{series_id}/details",
                     series_form(title="Herstelcafé Noord", capacity="5"))  # fmt: skip
    assert ok.status_code == 303
    assert (await Series.select(Series.title, Series.capacity))[0] == {
        "title": "Herstelcafé Noord",
        "capacity": 5,
    }
    asked = await post_organise(client, f"/organise/series/{series_id}/end", {"from": "2027-02-01"})
    assert asked.status_code == 200 and "This cannot be undone." in asked.text
    assert "Stop Herstelcafé Noord from " in asked.text
    assert await EventDate.count().where(EventDate.status == "cancelled") == 0
    ended = await post_organise(
        client, f"/organise/series/{series_id}/end", {"from": "2027-02-01", "confirm": "yes"}
    )
    assert ended.status_code == 303
    after = await EventDate.select(EventDate.status).where(
        EventDate.local_start >= datetime(2027, 2, 1)  # noqa: DTZ001 - wall-clock time
    )
    # every date from then on is called off (King's Day was skipped when the series was made)
    assert after and {d["status"] for d in after} == {"cancelled", "skipped"}


async def test_hosts_and_other_organisations_get_404(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    await login(client, "organiser@example.org")
    saved = await post_organise(client, f"/organise/{org}/series/new",
                        series_form(action="save", start_date="2027-01-05", skip=""))  # fmt: skip
    series_id = int(saved.headers["location"].split("/")[-1].split("?")[0])
    [first] = await EventDate.select(EventDate.id).limit(1)
    await make_host(org, series_id)
    await make_organiser("ander-netwerk", email="olga@example.org")
    for email in ("host@example.org", "olga@example.org"):
        await client.post("/api/v1/session", json={"email": email, "password": PASSWORD})
        for path in (f"/organise/series/{series_id}", f"/organise/{org}/series/new"):
            response = await client.get(path, headers={"accept": "text/html"})
            assert response.status_code == 404, (email, path)
        token = await csrf_token(client, "/account")
        response = await client.post(
            f"/organise/dates/{first['id']}/skip", data={"_csrf_token": token}
        )
        assert response.status_code == 404
    assert (await client.get("/organise", headers={"accept": "text/html"})).status_code == 200


async def test_speakers_and_materials(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    await login(client, "organiser@example.org")
    saved = await post_organise(client, f"/organise/{org}/series/new",
                        series_form(action="save", start_date="2027-01-05", skip=""))  # fmt: skip
    series_id = int(saved.headers["location"].split("/")[-1].split("?")[0])
    [first] = await EventDate.select(EventDate.id).order_by(EventDate.starts_at).limit(1)
    date_id = first["id"]
    await post_organise(client, f"/organise/series/{series_id}/speakers",
                {"speakers": "Mira Jansen\nTom de Wit (moderator)\n"})  # fmt: skip
    changes = {"topic": "Herstel en werk", "capacity": "", "speakers": "Sam Gast"}
    changed = await post_organise(client, f"/organise/dates/{date_id}/change", changes)
    assert changed.status_code == 303
    speakers = {
        (r["name"], r["role"], r["event_date"])
        for r in await Speaker.select(Speaker.name, Speaker.role, Speaker.event_date)
    }
    assert speakers == {
        ("Mira Jansen", "speaker", None),
        ("Tom de Wit", "moderator", None),
        ("Sam Gast", "speaker", date_id),
    }
    public = await client.get(f"/events/{(await Series.select(Series.slug))[0]['slug']}")
    assert "Sam Gast" in public.text and "Tom de Wit" in public.text
    bad = await post_organise(client, f"/organise/dates/{date_id}/material",
                      {"title": "Dia's", "url": "javascript:alert(1)"})  # fmt: skip
    assert bad.status_code == 400 and "https://" in bad.text
    added = await post_organise(client, f"/organise/dates/{date_id}/material",
                        {"title": "Dia's", "url": "https://example.org/dias.pdf"})  # fmt: skip
    assert added.status_code == 303
    [material] = await Material.select(Material.id)
    removed = await post_organise(client, f"/organise/dates/{date_id}/material-remove",
                          {"material": str(material["id"])})  # fmt: skip
    assert removed.status_code == 303 and await Material.count() == 0


async def test_the_schedule_changes_from_a_date_on_after_a_preview(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    await login(client, "organiser@example.org")
    weekly = series_form(action="save", start_date="2027-01-05", skip="", interval="1")
    saved = await post_organise(client, f"/organise/{org}/series/new", weekly)
    series_id = int(saved.headers["location"].split("/")[-1].split("?")[0])
    dates = {
        d["local_start"].date(): d["id"]
        for d in await EventDate.select(EventDate.id, EventDate.local_start)
    }
    await fill(dates[date(2027, 1, 19)], 2)
    page = await client.get(f"/organise/series/{series_id}?lang=en")
    assert 'name="weekdays" value="1" checked' in page.text.replace("\n", " ") or (
        'id="weekday-1" name="weekdays" value="1" checked' in page.text
    )
    change = {"start_date": "2027-01-14", "start_time": "19:30", "end_time": "21:00",
              "repeat": "weekly", "interval": "2", "weekdays": ["3"], "ends": "never"}  # fmt: skip
    shown = await post_organise(client, f"/organise/series/{series_id}/schedule",
                        {**change, "action": "preview"})  # fmt: skip
    assert shown.status_code == 200
    assert "every two weeks on Thursday" in shown.text
    assert "These dates disappear (2 people registered get an e-mail)" in shown.text
    assert await EventDate.count().where(EventDate.status == "cancelled") == 0
    done = await post_organise(client, f"/organise/series/{series_id}/schedule",
                       {**change, "action": "save"})  # fmt: skip
    assert done.headers["location"].endswith("done=schedule")
    rows = await EventDate.select(EventDate.local_start, EventDate.status).order_by(
        EventDate.local_start
    )
    statuses = {r["local_start"].date(): r["status"] for r in rows}
    assert statuses[date(2027, 1, 5)] == "scheduled"  # before the change: as it was
    assert statuses[date(2027, 1, 19)] == "cancelled"
    assert statuses[date(2027, 1, 14)] == "scheduled"
    assert statuses[date(2027, 1, 28)] == "scheduled"
    bad = await post_organise(client, f"/organise/series/{series_id}/schedule",
                      {**change, "start_date": "2020-01-01", "action": "preview"})  # fmt: skip
    assert bad.status_code == 400 and 'id="error-start_date"' in bad.text


async def test_an_extra_date_for_the_second_day_of_a_training(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    await login(client, "organiser@example.org")
    once = series_form(action="save", start_date="2027-02-08", repeat="none", skip="",
                        start_time="09:30", end_time="16:30", title="Inleefdagen")  # fmt: skip
    saved = await post_organise(client, f"/organise/{org}/series/new", once)
    series_id = int(saved.headers["location"].split("/")[-1].split("?")[0])
    added = await post_organise(client, f"/organise/series/{series_id}/add-date",
                        {"day": "2027-02-09", "start": "09:30", "end": "16:30"})  # fmt: skip
    assert added.status_code == 303
    days = [r["local_start"].date() for r in await EventDate.select(EventDate.local_start)]
    assert sorted(days) == [date(2027, 2, 8), date(2027, 2, 9)]
    twice = await post_organise(client, f"/organise/series/{series_id}/add-date",
                        {"day": "2027-02-09", "start": "10:00", "end": "12:00"})  # fmt: skip
    assert twice.status_code == 400 and "already has a date on that day" in twice.text
    backwards = await post_organise(client, f"/organise/series/{series_id}/add-date",
                            {"day": "2027-02-10", "start": "12:00", "end": "10:00"})  # fmt: skip
    assert backwards.status_code == 400 and "The end must be after the start." in backwards.text


# Values no browser sends from this form (a tampered or scripted post): each one comes back as
# the form with the problem at its field, never as a server error.
IMPOSSIBLE: list[tuple[str, dict[str, str | list[str]]]] = [
    ("weekdays", {"weekdays": [""]}),
    ("weekdays", {"weekdays": ["7"]}),
    ("weekdays", {"weekdays": ["-1"]}),
    ("weekdays", {"weekdays": ["1", "x"]}),
    ("interval", {"interval": "²"}),
    ("interval", {"interval": "١"}),
    ("interval", {"interval": "0"}),
    ("interval", {"interval": "9" * 40}),
    ("count", {"ends": "count", "count": "²"}),
    ("capacity", {"capacity": "²"}),
    ("capacity", {"capacity": "١٢"}),
    ("capacity", {"capacity": "9" * 100}),
    ("month_nth", {"repeat": "monthly_weekday", "month_nth": "²"}),
    ("month_nth", {"repeat": "monthly_weekday", "month_nth": "--1"}),
    ("month_nth", {"repeat": "monthly_weekday", "month_nth": "0"}),
    ("start_time", {"start_time": "25:00"}),
    ("start_time", {"start_time": "19:30+01:00"}),
    ("end_time", {"end_time": "24:00"}),
    ("start_date", {"start_date": "9999-12-31"}),
    ("start_date", {"start_date": "2026-02-30"}),
    ("until", {"ends": "until", "until": "9999-12-31"}),
    ("repeat", {"repeat": "hourly"}),
    ("ends", {"ends": "sometime"}),
    ("kind", {"kind": ""}),
    ("format", {"format": "x"}),
    ("confirm_first", {"confirm_first": "maybe"}),
]


async def test_every_impossible_value_comes_back_marked_at_its_field(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    await login(client, "organiser@example.org")
    with clock.frozen(NOW):
        for action in ("preview", "save"):
            for field, change in IMPOSSIBLE:
                form = series_form(action=action, skip="")
                form.update(change)
                response = await post_organise(client, f"/organise/{org}/series/new", form)
                case = (action, field, change)
                assert response.status_code == 400, case
                assert f'id="error-{field}"' in response.text, case
                assert 'value="Herstelcafé"' in response.text, case
        saved = await post_organise(
            client,
            f"/organise/{org}/series/new",
            series_form(action="save", skip="", start_date="2027-01-05"),
        )
        series_id = int(saved.headers["location"].split("/")[-1].split("?")[0])
        schedule = {
            "start_date": "2027-01-14",
            "start_time": "19:30",
            "end_time": "21:00",
            "repeat": "weekly",
            "interval": "1",
            "weekdays": ["3"],
            "ends": "never",
        }
        for field, change in [
            ("weekdays", {"weekdays": ["", "3"]}),
            ("month_nth", {"repeat": "monthly_weekday", "month_nth": "-²"}),
            ("start_date", {"start_date": "9999-12-31"}),
            ("interval", {"interval": "²"}),
        ]:
            for action in ("preview", "save"):
                response = await post_organise(
                    client,
                    f"/organise/series/{series_id}/schedule",
                    {**schedule, **change, "action": action},
                )
                assert response.status_code == 400, (action, field)
                assert f'id="error-{field}"' in response.text, (action, field)
        for field, change in [
            ("capacity", {"capacity": "²"}),
            ("confirm_first", {"confirm_first": "yesx"}),
        ]:
            response = await post_organise(
                client, f"/organise/series/{series_id}/details", series_form(**change)
            )
            assert response.status_code == 400 and f'id="error-{field}"' in response.text, field
        [first] = await EventDate.select(EventDate.id).order_by(EventDate.starts_at).limit(1)
        date_id = first["id"]
        for capacity in ("²", "١٢", "9" * 50):
            response = await post_organise(
                client, f"/organise/dates/{date_id}/change", {"topic": "", "capacity": capacity}
            )
            assert response.status_code == 409, capacity
            assert "Fill in a whole number in the range shown." in response.text, capacity
        for day, start in [("9999-12-31", "10:00"), ("2027-01-20", "10:00+01:00")]:
            times = {"day": day, "start": start, "end": "11:00"}
            added = await post_organise(client, f"/organise/series/{series_id}/add-date", times)
            assert added.status_code == 400, (day, start)
            moved = await post_organise(client, f"/organise/dates/{date_id}/move", times)
            assert moved.status_code == 409, (day, start)
        # A NUL character is refused before any form is read (PostgreSQL cannot store one).
        nul = await post_organise(
            client, f"/organise/series/{series_id}/details", series_form(title="Herstel\x00café")
        )
        assert nul.status_code == 400
    assert await Series.count() == 1


async def test_over_long_fields_are_refused_each_at_its_field_never_cut(
    client: httpx.AsyncClient,
) -> None:
    """The one form decoder: every field over its limit is marked, the rest of the form kept."""
    organiser = await make_organiser()
    org = organiser.organisation_id
    await login(client, "organiser@example.org")
    with clock.frozen(NOW):
        form = series_form(action="save", skip="", title="T" * 201, meeting_url="h" * 501)
        response = await post_organise(client, f"/organise/{org}/series/new", form)
        assert response.status_code == 400
        assert 'id="error-title"' in response.text and 'id="error-meeting_url"' in response.text
        assert response.text.count("Use at most 200 characters.") >= 1
        assert "Use at most 500 characters." in response.text
        assert 'value="19:30"' in response.text  # the rest of the form is kept
        assert await Series.count() == 0
        saved = await post_organise(client, f"/organise/{org}/series/new",
                            series_form(action="save", skip="", title="T" * 200))  # fmt: skip
        assert saved.status_code == 303
        assert (await Series.select(Series.title))[0]["title"] == "T" * 200


async def test_the_list_of_series_is_in_date_order_and_can_be_filtered(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    await login(client, "organiser@example.org")
    for title, start in (("Later café", "2027-02-02"), ("Vroeg café", "2027-01-05"),
                         ("Lezing over herstel", "2027-01-19")):  # fmt: skip
        saved = await post_organise(
            client,
            f"/organise/{org}/series/new",
            series_form(action="save", title=title, start_date=start, skip="", repeat="none"),
        )
        assert saved.status_code == 303, title
    await Series.update({Series.status: "ended"}).where(Series.title == "Lezing over herstel")
    page = (await client.get("/organise?lang=en")).text
    assert page.index("Vroeg café") < page.index("Later café")  # soonest first
    assert "Lezing over herstel" not in page  # ended: not among the running ones
    found = (await client.get("/organise?lang=en&q=CAFÉ&show=all")).text
    assert "Vroeg café" in found and "Later café" in found and "Lezing" not in found
    over = (await client.get("/organise?lang=en&show=over")).text
    assert "Lezing over herstel" in over and "Vroeg café" not in over
    none = (await client.get("/organise?lang=en&q=yoga&show=nonsense")).text
    assert "No series match." in none and 'value="yoga"' in none
    assert 'option value="current" selected' in none  # an unknown choice reads as the default
