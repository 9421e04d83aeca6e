"""Every choice the API has on the series form: registering, who sees the link, meeting
details, the registration window (Dutch wall-clock time), reminder, topics, language and
contact address; each bad value refused at its field; draft or published said at save; the
public page saying how to get a link that is only for registered people."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from events_app import clock
from events_app.tables import EventDate, Organisation, Series
from tests.factories import make_organiser
from tests.helpers.pages import csrf_token, login, post_organise, series_form

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
CHOICES = {
    "registration_mode": "optional",
    "link_visibility": "registered",
    "meeting_url": "https://meet.example.org/herstel",
    "meeting_details": "Vergader-ID 123 456\nToegangscode 9876",
    "registration_opens": "2026-11-25T10:00",
    "registration_closes": "2026-12-01T12:30",
    "reminder_hours": "48",
    "tags": "Herstel, Werk en inkomen, herstel ,Herstel",
    "language": "en",
    "contact_email": "Vragen@Example.org",
}


async def _new(client: httpx.AsyncClient, org: int, **fields: str) -> httpx.Response:
    return await post_organise(
        client, f"/organise/{org}/series/new", series_form(action="save", skip="", **fields)
    )


def _series_id(response: httpx.Response) -> int:
    return int(response.headers["location"].split("/")[-1].split("?")[0])


async def test_every_choice_is_saved_shown_again_and_reaches_the_public_pages(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    await login(client, "organiser@example.org")
    with clock.frozen(NOW):
        saved = await _new(client, org, published="", **CHOICES)
        assert saved.status_code == 303, saved.text
        assert saved.headers["location"].endswith("?done=created_draft")
        series_id = _series_id(saved)
        row = await Series.select().where(Series.id == series_id).output(load_json=True).first()
        assert row is not None
        assert row["registration_mode"] == "optional"
        assert row["link_visibility"] == "registered"
        assert row["meeting_details"] == "Vergader-ID 123 456\nToegangscode 9876"
        # Dutch wall-clock time, stored as UTC (winter: one hour ahead of UTC)
        assert row["registration_opens_at"] == datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
        assert row["registration_closes_at"] == datetime(2026, 12, 1, 11, 30, tzinfo=UTC)
        assert row["reminder_hours"] == 48
        assert row["tags"] == ["Herstel", "Werk en inkomen", "herstel"]
        assert row["language"] == "en"
        assert row["contact_email"] == "vragen@example.org"
        assert row["published"] is False

        page = await client.get(f"/organise/series/{series_id}?done=created_draft&lang=en")
        assert "Saved as draft: not visible in the agenda yet." in page.text
        assert 'value="2026-11-25T10:00"' in page.text  # shown again in Dutch time
        assert 'value="2026-12-01T12:30"' in page.text
        assert 'value="Herstel, Werk en inkomen, herstel"' in page.text
        assert 'value="optional" checked' in page.text
        assert 'value="48"' in page.text
        nl = await client.get(f"/organise/series/{series_id}?done=created_draft&lang=nl")
        assert "Opgeslagen als concept: nog niet te zien in de agenda." in nl.text
        agenda = await client.get("/?lang=en")
        assert "Werk en inkomen" not in agenda.text  # a draft's topics are not offered

        # publish through the same details form: the page says where it is visible
        form = series_form(**CHOICES, published="yes", action="save")
        published = await post_organise(client, f"/organise/series/{series_id}/details", form)
        assert published.status_code == 303, published.text
        assert published.headers["location"].endswith("?done=details")
        shown = await client.get(published.headers["location"] + "&lang=en")
        assert "Published: visible in the agenda and at" in shown.text
        slug = row["slug"]
        assert f"/events/{slug}</a>" in shown.text

        agenda = await client.get("/?lang=en")
        assert '<option value="Werk en inkomen">' in agenda.text
        filtered = await client.get("/?lang=en&topic=Werk+en+inkomen")
        assert row["title"] in filtered.text
        other = await client.get("/?lang=en&topic=Sport")
        assert row["title"] not in other.text

        [first] = (
            await EventDate.select(EventDate.id)
            .where(EventDate.series == series_id)
            .order_by(EventDate.starts_at)
            .limit(1)
        )
        for language, words in (
            ("en", "Registering is not required, but the link to join online comes only by"),
            ("nl", "Aanmelden hoeft niet, maar de link om online mee te doen krijg je alleen"),
        ):
            date_page = await client.get(f"/events/{slug}/{first['id']}?lang={language}")
            assert words in date_page.text
            assert "meet.example.org" not in date_page.text
            assert "Toegangscode" not in date_page.text
            series_page = await client.get(f"/events/{slug}?lang={language}")
            assert words in series_page.text and "meet.example.org" not in series_page.text


async def test_a_link_for_everyone_is_shown_with_its_details_and_required_says_register(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    await login(client, "organiser@example.org")
    with clock.frozen(NOW):
        open_link = await _new(
            client, org, **{**CHOICES, "link_visibility": "everyone", "registration_opens": ""}
        )
        closed = await _new(
            client, org, **{**CHOICES, "registration_mode": "required", "title": "Gesloten"}
        )
        assert open_link.status_code == closed.status_code == 303
        for response, expected, absent in (
            (open_link, "https://meet.example.org/herstel", "Register to get the link"),
            (closed, "Register to get the link to join online by e-mail.", "meet.example.org"),
        ):
            series_id = _series_id(response)
            slug = (await Series.select(Series.slug).where(Series.id == series_id))[0]["slug"]
            [first] = (
                await EventDate.select(EventDate.id)
                .where(EventDate.series == series_id)
                .order_by(EventDate.starts_at)
                .limit(1)
            )
            page = await client.get(f"/events/{slug}/{first['id']}?lang=en")
            assert expected in page.text and absent not in page.text
        page = await client.get(f"/events/{slug}/{first['id']}?lang=nl")
        assert "Meld je aan, dan krijg je de link om online mee te doen per e-mail." in page.text


async def test_each_bad_choice_is_refused_at_its_field_all_at_once(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    await login(client, "organiser@example.org")
    bad = {
        "registration_mode": "maybe",
        "link_visibility": "friends",
        "registration_opens": "2026-13-01T10:00",
        "registration_closes": "gisteren",
        "reminder_hours": "337",
        "tags": "Herstel, " + "x" * 41,
        "language": "de",
        "contact_email": "geen adres",
    }
    with clock.frozen(NOW):
        several = await _new(client, org, **bad)
        assert several.status_code == 400
        for field in bad:
            assert f'id="error-{field}"' in several.text, field
        assert 'value="gisteren"' in several.text  # what was typed is kept
        cases = {
            "registration_closes": (
                {
                    "registration_opens": "2026-12-01T10:00",
                    "registration_closes": "2026-12-01T10:00",
                },
                "Registration must close after it opens.",
            ),
            "registration_opens": ({"registration_opens": "9999-12-01T10:00"}, "too far away"),
            "reminder_hours": ({"reminder_hours": "٤٨"}, "from 0 to 336"),
            "tags": ({"tags": ",".join(f"t{n}" for n in range(21))}, "at most 20 topics"),
            "link_visibility": (
                {
                    "registration_mode": "none",
                    "link_visibility": "registered",
                    "meeting_url": "https://meet.example.org/x",
                },
                "nobody would get the link",
            ),
            "meeting_details": ({"meeting_details": "x" * 2001}, "at most 2,000 characters"),
            "contact_email": (
                {"contact_email": "a" * 250 + "@example.org"},
                "at most 254 characters",
            ),
        }
        for field, (change, message) in cases.items():
            response = await _new(client, org, **change)
            assert response.status_code == 400, field
            assert message in response.text, (field, response.text[:300])
            assert f'id="error-{field}"' in response.text, field
    assert await Series.count() == 0


async def test_the_details_form_refuses_a_bad_window_and_keeps_the_saved_one(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    await login(client, "organiser@example.org")
    with clock.frozen(NOW):
        saved = await _new(client, org, **CHOICES)
        series_id = _series_id(saved)
        form = series_form(**{**CHOICES, "registration_closes": "2026-11-24T10:00"}, action="save")
        refused = await post_organise(client, f"/organise/series/{series_id}/details", form)
        assert refused.status_code == 400
        assert 'id="error-registration_closes"' in refused.text
        row = await Series.select(Series.registration_closes_at).where(Series.id == series_id)
        assert row[0]["registration_closes_at"] == datetime(2026, 12, 1, 11, 30, tzinfo=UTC)


async def test_the_organisations_time_zone_is_set_in_settings_and_used_by_new_series(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    await login(client, "organiser@example.org")
    token = await csrf_token(client, f"/organise/{org}/settings?lang=en")
    settings = {
        "name": "Stadsnetwerk",
        "contact_email": "info@example.org",
        "language": "nl",
        "retention_days": "60",
    }
    for zone in ("Mars/Olympus", "../../etc/passwd", "Europe/Amsterdam\x7f"):
        refused = await client.post(
            f"/organise/{org}/settings", data={"_csrf_token": token, **settings, "timezone": zone}
        )
        assert refused.status_code == 400, zone
        assert 'id="error-timezone"' in refused.text and "Europe/Amsterdam" in refused.text
    saved = await client.post(
        f"/organise/{org}/settings",
        data={"_csrf_token": token, **settings, "timezone": "Europe/London"},
    )
    assert saved.status_code == 303
    row = await Organisation.select(Organisation.timezone).where(Organisation.id == org)
    assert row[0]["timezone"] == "Europe/London"
    kept = await client.post(f"/organise/{org}/settings", data={"_csrf_token": token, **settings})
    assert kept.status_code == 303  # a form without the field leaves the zone as it is
    row = await Organisation.select(Organisation.timezone).where(Organisation.id == org)
    assert row[0]["timezone"] == "Europe/London"
    page = await client.get(f"/organise/{org}/settings?lang=en")
    assert 'value="Europe/London"' in page.text

    with clock.frozen(NOW):
        form = await client.get(f"/organise/{org}/series/new?lang=en")
        assert "in the time zone Europe/London" in form.text
        created = await _new(client, org, registration_opens="2026-11-25T10:00")
        assert created.status_code == 303, created.text
        series = await Series.select(Series.registration_opens_at).where(
            Series.id == _series_id(created)
        )
        # London wall clock in winter is UTC
        assert series[0]["registration_opens_at"] == datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


async def test_the_public_address_is_chosen_on_the_new_series_form(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    await login(client, "organiser@example.org")
    with clock.frozen(NOW):
        for slug, message in (
            ("Herstel Café", "Use only small letters"),
            ("a" * 121, "at most 120 characters"),
            ("-herstel", "Use only small letters"),
        ):
            refused = await _new(client, org, slug=slug, title="")
            assert refused.status_code == 400, slug
            assert message in refused.text and 'id="error-slug"' in refused.text, slug
            if len(slug) <= 120:  # a field over its length is refused before any rule
                assert 'id="error-title"' in refused.text  # marked together with the others
        saved = await _new(client, org, slug="herstelcafe-noord")
        assert saved.status_code == 303
        row = await Series.select(Series.slug).where(Series.id == _series_id(saved))
        assert row[0]["slug"] == "herstelcafe-noord"
        taken = await _new(client, org, slug="herstelcafe-noord")
        assert taken.status_code == 400 and 'id="error-slug"' in taken.text
        assert "already in use" in taken.text
        made = await _new(client, org, title="Herstelcafé Zuid")
        row = await Series.select(Series.slug).where(Series.id == _series_id(made))
        assert row[0]["slug"] == "herstelcafe-zuid"
    assert await Series.count() == 2
