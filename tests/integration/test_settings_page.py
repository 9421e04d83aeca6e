"""Organisation settings and the questions asked at registration, as organisers see them."""

from __future__ import annotations

import httpx

from events_app.tables import Organisation, Question
from tests.factories import PASSWORD, make_date, make_organiser
from tests.helpers.pages import csrf_token, login, post_organise, series_form

SETTINGS = {
    "name": "Stadsnetwerk Ervaringskennis",
    "contact_email": "info@example.org",
    "language": "en",
    "retention_days": "60",
    "consent_text": "Wij bewaren je gegevens tot twee maanden na de bijeenkomst.",
}


async def test_settings_are_checked_and_saved(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    await login(client, "organiser@example.org")
    token = await csrf_token(client, f"/organise/{org}/settings?lang=en")
    for change, field, message in (
        ({"name": " "}, "name", "Give the organisation a name."),
        ({"contact_email": "info@"}, "contact_email", "not a valid e-mail address"),
        ({"retention_days": "0"}, "retention_days", "from 1 to 3650"),
        ({"language": "de"}, "language", "Choose Dutch or English."),
    ):
        response = await client.post(
            f"/organise/{org}/settings", data={"_csrf_token": token, **SETTINGS, **change}
        )
        assert response.status_code == 400, field
        assert message in response.text and f'id="error-{field}"' in response.text, field
        assert "tot twee maanden" in response.text  # the rest of the input is kept
    saved = await client.post(f"/organise/{org}/settings", data={"_csrf_token": token, **SETTINGS})
    assert saved.headers["location"].endswith("done=saved")
    row = (await Organisation.select().where(Organisation.id == org))[0]
    assert (row["name"], row["retention_days"], row["language"]) == (
        "Stadsnetwerk Ervaringskennis",
        60,
        "en",
    )


async def test_a_question_is_added_asked_on_the_form_and_removed(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    await make_date(org, slug="ontmoeting")
    await login(client, "organiser@example.org")
    token = await csrf_token(client, f"/organise/{org}/settings?lang=en")
    bad = await client.post(
        f"/organise/{org}/settings/questions",
        data={"_csrf_token": token, "label": "Hoe kom je?", "kind": "choice", "choices": "Trein"},
    )
    assert bad.status_code == 400 and "2 to 20 options" in bad.text and "Trein" in bad.text
    added = await client.post(
        f"/organise/{org}/settings/questions",
        data={"_csrf_token": token, "label": "Hoe kom je?", "kind": "choice",
              "choices": "Trein\nAuto\nFiets", "required": "yes"},
    )  # fmt: skip
    assert added.status_code == 303
    form = await client.get("/events/ontmoeting/register")
    assert "Hoe kom je?" in form.text and "Fiets" in form.text
    [question] = await Question.select(Question.id)
    removed = await client.post(
        f"/organise/{org}/settings/questions/{question['id']}/remove", data={"_csrf_token": token}
    )
    assert removed.status_code == 303
    assert "Hoe kom je?" not in (await client.get("/events/ontmoeting/register")).text


async def test_only_organisers_of_the_organisation(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    await make_organiser("ander-netwerk", email="olga@example.org")
    await client.post("/api/v1/session", json={"email": "olga@example.org", "password": PASSWORD})
    response = await client.get(
        f"/organise/{organiser.organisation_id}/settings", headers={"accept": "text/html"}
    )
    assert response.status_code == 404


async def test_confirm_first_is_chosen_per_organisation_and_per_series(
    client: httpx.AsyncClient,
) -> None:
    from events_app.tables import Series

    organiser = await make_organiser()
    org = organiser.organisation_id
    await login(client, "organiser@example.org")
    token = await csrf_token(client, f"/organise/{org}/settings")
    page = await client.get(f"/organise/{org}/settings")
    assert 'name="confirm_first"' in page.text and "eerst laten bevestigen" in page.text
    saved = await client.post(
        f"/organise/{org}/settings",
        data={"_csrf_token": token, **SETTINGS, "confirm_first": "yes"},
    )
    assert saved.status_code == 303
    assert (await Organisation.select(Organisation.confirm_first).first()) == {
        "confirm_first": True
    }
    shown = await client.get(f"/organise/{org}/settings")
    assert 'id="field-confirm_first" name="confirm_first" value="yes" checked' in shown.text

    created = await post_organise(
        client,
        f"/organise/{org}/series/new",
        series_form(action="save", start_date="2027-01-05", skip="", confirm_first="no"),
    )
    assert created.status_code == 303, created.text
    series_id = int(created.headers["location"].split("/")[-1].split("?")[0])
    assert (await Series.select(Series.confirm_first).first()) == {"confirm_first": False}
    details = await client.get(f"/organise/series/{series_id}")
    assert '<option value="no" selected>' in details.text
    changed = await post_organise(
        client, f"/organise/series/{series_id}/details", series_form(confirm_first="")
    )
    assert changed.status_code == 303
    assert (await Series.select(Series.confirm_first).first()) == {"confirm_first": None}


async def test_the_english_form_shows_the_english_consent_text(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    await Organisation.update({Organisation.language: "nl"}).where(Organisation.id == org)
    await make_date(org, slug="ontmoeting")
    await login(client, "organiser@example.org")
    token = await csrf_token(client, f"/organise/{org}/settings?lang=en")
    dutch_only = {**SETTINGS, "language": "nl"}
    await client.post(f"/organise/{org}/settings", data={"_csrf_token": token, **dutch_only})
    english_form = (await client.get("/events/ontmoeting/register?lang=en")).text
    # no English wording yet: the Dutch text, marked as Dutch for screen readers
    assert '<span lang="nl">Wij bewaren je gegevens tot twee maanden' in english_form

    alone = await client.post(
        f"/organise/{org}/settings",
        data={
            "_csrf_token": token,
            **dutch_only,
            "consent_text": "",
            "consent_text_en": "We keep your details for two months.",
        },
    )
    assert alone.status_code == 400 and 'id="error-consent_text_en"' in alone.text
    assert "organisation&#39;s language first" in alone.text

    english = "We keep your details until two months after the meeting."
    saved = await client.post(
        f"/organise/{org}/settings",
        data={"_csrf_token": token, **dutch_only, "consent_text_en": english},
    )
    assert saved.status_code == 303
    english_form = (await client.get("/events/ontmoeting/register?lang=en")).text
    assert f"I agree: {english}" in english_form and "Wij bewaren" not in english_form
    dutch_form = (await client.get("/events/ontmoeting/register?lang=nl")).text
    assert "Wij bewaren je gegevens tot twee maanden" in dutch_form and english not in dutch_form
    api = await client.get("/api/v1/organisations", headers={"X-Requested-With": "fetch"})
    assert api.json()[0]["consent_text_en"] == english
