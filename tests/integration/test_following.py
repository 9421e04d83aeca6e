"""Following by address: double opt-in, one mail a day at most, announcements with one-click
unsubscribe, organisers see counts only, and every bad input a clear 4xx."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest

from events_app import clock
from events_app.registration import follow_digest, registrations, retention
from events_app.settings import Settings
from events_app.tables import Announcement, Follower, OutboxMail, Series
from tests.factories import make_date, make_organisation, make_organiser, manage_token_of
from tests.helpers.pages import csrf_token, page_login
from tests.smtp import SmtpServer, drain

pytest_plugins = ["tests.integration.conftest_mail"]
FOLLOW_LINK = re.compile(r"http://[^\s\"<>]+/follow/([A-Za-z0-9_\-]+)")
ADDRESS = "volger@example.org"


async def ask(
    client: httpx.AsyncClient, email: str = ADDRESS, what: str = "organisation", **extra: str
) -> httpx.Response:
    token = await csrf_token(client, "/organisations/stadsnetwerk?lang=en")
    form = {"_csrf_token": token, "email": email, "organisation": "stadsnetwerk", "what": what}
    return await client.post("/follow", data={**form, "digest": "daily", **extra})


async def confirmed_follower(client: httpx.AsyncClient, email: str = ADDRESS) -> str:
    """Follow and confirm as the person would; returns the private token."""
    await ask(client, email)
    [row] = (
        await OutboxMail.select(OutboxMail.context)
        .where((OutboxMail.to_email == email) & (OutboxMail.kind == "follow_confirm"))
        .output(load_json=True)
    )
    found = FOLLOW_LINK.search(row["context"]["link"])
    assert found is not None
    token = found.group(1)
    page_token = await csrf_token(client, f"/follow/{token}")
    done = await client.post(f"/follow/{token}/confirm", data={"_csrf_token": page_token})
    assert done.status_code == 303
    return token


async def test_follow_confirms_only_by_the_button_and_never_tells_who_follows(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    await make_organisation()
    first = await ask(client)
    assert first.status_code == 200 and "Check your mailbox" in first.text
    assert await drain(mail_settings) == 1
    [message] = smtp_server.messages
    assert "List-Unsubscribe" not in message  # the confirmation is no list mail
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    found = FOLLOW_LINK.search(text)
    assert found is not None
    token = found.group(1)
    assert token not in str(await Follower.select())  # only its hash (and a salt) are kept

    shown = await client.get(f"/follow/{token}?lang=en")  # a link scanner opens it
    assert shown.status_code == 200 and "Yes, I want to follow" in shown.text
    assert await Follower.count().where(Follower.confirmed_at.is_not_null()) == 0
    page_token = await csrf_token(client, f"/follow/{token}")
    done = await client.post(f"/follow/{token}/confirm", data={"_csrf_token": page_token})
    assert done.status_code == 303
    assert await Follower.count().where(Follower.confirmed_at.is_not_null()) == 1

    again = await ask(client)  # already following: the same answer, no mail
    strip = re.compile(r'value="[0-9a-f]{64}"')
    assert again.status_code == 200 and strip.sub("", again.text) == strip.sub("", first.text)
    assert await OutboxMail.count().where(OutboxMail.kind == "follow_confirm") == 1


async def test_one_confirmation_mail_per_address_a_day_whatever_is_asked(
    client: httpx.AsyncClient,
) -> None:
    org = await make_organisation()
    [date_id] = await make_date(org)
    series_id = (await Series.select(Series.id).first())["id"]  # type: ignore[index]
    start = clock.now()
    with clock.frozen(start):
        for what in ["organisation", f"series:{series_id}", "organisation", "organisation"]:
            assert (await ask(client, what=what)).status_code == 200
        assert await OutboxMail.count().where(OutboxMail.kind == "follow_confirm") == 1
        assert await Follower.count() == 2  # two things asked for, neither confirmed
    with clock.frozen(start + timedelta(days=1, minutes=1)):
        await ask(client)
        assert await OutboxMail.count().where(OutboxMail.kind == "follow_confirm") == 2
    assert date_id


async def test_unconfirmed_follows_lapse_and_are_deleted(client: httpx.AsyncClient) -> None:
    await make_organisation()
    start = clock.now()
    with clock.frozen(start):
        await confirmed_follower(client, "bevestigd@example.org")
        await ask(client, "nooit@example.org")
    with clock.frozen(start + timedelta(days=8)):
        await retention.forget_account_traces(clock.now())
    emails = [row["email"] for row in await Follower.select(Follower.email)]
    assert emails == ["bevestigd@example.org"]


async def test_announcement_reaches_confirmed_followers_with_one_click_unsubscribe(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    organiser = await make_organiser()
    [date_id] = await make_date(organiser.organisation_id)
    token = await confirmed_follower(client)
    await ask(client, "onbevestigd@example.org")
    await drain(mail_settings)
    before = len(smtp_server.messages)

    sent = await client.post(
        f"/api/v1/organisations/{organiser.organisation_id}/announcements",
        json={"subject": "Nieuwe cursus", "body": "We beginnen in maart.", "date_ids": [date_id]},
        headers=organiser.headers,
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["recipients"] == 1
    assert await drain(mail_settings) == 1
    [message] = smtp_server.messages[before:]
    assert message["Subject"] == "Nieuwe cursus" and ADDRESS in message["To"]
    unsubscribe = message["List-Unsubscribe"]
    assert unsubscribe.startswith("<http") and unsubscribe.endswith(">")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    url = unsubscribe[1:-1]
    assert url in text and "because you follow Stadsnetwerk at Stadsnetwerk" in text
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    assert path == f"/unfollow/{token}"

    looked = await client.get(path)  # a link scanner: nothing happens
    assert looked.status_code == 200 and await Follower.count().where(Follower.email == ADDRESS)
    fresh = httpx.AsyncClient(transport=client._transport, base_url=str(client.base_url))
    async with fresh:  # the mail program: no cookie, no CSRF token
        gone = await fresh.post(path, data={"List-Unsubscribe": "One-Click"})
    assert gone.status_code == 200
    assert not await Follower.exists().where(Follower.email == ADDRESS)
    assert (await client.post(path)).status_code == 404

    counts = await client.get(
        f"/api/v1/organisations/{organiser.organisation_id}/followers", headers=organiser.headers
    )
    listed = await client.get(
        f"/api/v1/organisations/{organiser.organisation_id}/announcements",
        headers=organiser.headers,
    )
    assert counts.status_code == listed.status_code == 200
    assert counts.json() == []  # the unconfirmed address is not counted
    assert [a["recipients"] for a in listed.json()] == [1]
    assert "@" not in counts.text + listed.text


async def test_organisers_see_only_their_own_followers(client: httpx.AsyncClient) -> None:
    ours = await make_organiser()
    other = await make_organisation("zuid", "Zuid")
    for path in ("followers", "announcements"):
        for org in (other, 2**31, 2**63):
            answer = await client.get(f"/api/v1/organisations/{org}/{path}", headers=ours.headers)
            assert answer.status_code in (400, 404), answer.text
    sent = await client.post(
        f"/api/v1/organisations/{other}/announcements",
        json={"subject": "x", "body": "y"},
        headers=ours.headers,
    )
    assert sent.status_code == 404
    assert await Announcement.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"subject": "", "body": "y"}, "subject"),
        ({"subject": "x", "body": "y", "date_ids": [0]}, "date_ids"),
        ({"subject": "x", "body": "y", "date_ids": [2**40]}, "date_ids"),
        ({"subject": "x", "body": "y", "date_ids": "1"}, "date_ids"),
        ({"subject": "x\x00", "body": "y"}, "subject"),
        ({"subject": "x", "body": "y", "series_id": 1, "topic": "z"}, "topic"),
    ],
)
async def test_bad_announcements_are_refused(
    client: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    organiser = await make_organiser()
    answer = await client.post(
        f"/api/v1/organisations/{organiser.organisation_id}/announcements",
        json=body,
        headers=organiser.headers,
    )
    assert 400 <= answer.status_code < 500, answer.text
    assert await OutboxMail.count() == 0


@pytest.mark.parametrize(
    "extra",
    [
        {"email": "geen adres"},
        {"what": "series:99999999999999999999"},
        {"what": "series:12"},
        {"what": "topic:" + "x" * 41},
        {"what": "iets anders"},
        {"digest": "hourly"},
    ],
)
async def test_bad_follow_forms_show_the_form_again(
    client: httpx.AsyncClient, extra: dict[str, str]
) -> None:
    await make_organisation()
    answer = await ask(client, **extra)
    assert answer.status_code == 400 and 'class="error' in answer.text
    assert await Follower.count() == 0 and await OutboxMail.count() == 0


async def test_the_api_follow_request_and_unknown_things(client: httpx.AsyncClient) -> None:
    await make_organisation()
    good = await client.post(
        "/api/v1/follow", json={"email": ADDRESS, "organisation": "stadsnetwerk"}
    )
    assert good.status_code == 202 and good.json() == {"status": "check_your_mailbox"}
    for body in (
        {"email": ADDRESS, "organisation": "bestaat-niet"},
        {"email": ADDRESS, "organisation": "stadsnetwerk", "series_id": 2**40},
        {"email": ADDRESS, "organisation": "stadsnetwerk", "series_id": "1"},
        {"email": ADDRESS, "organisation": "stadsnetwerk", "topic": "onbekend"},
        {"email": ADDRESS, "organisation": "stadsnetwerk", "digest": "hourly"},
        {"email": 5, "organisation": "stadsnetwerk"},
    ):
        answer = await client.post("/api/v1/follow", json=body)
        assert answer.status_code in (400, 404), (body, answer.text)
    for path in ("/follow/onbekend", "/unfollow/onbekend", "/follow/" + "x" * 500):
        assert (await client.get(path)).status_code == 404
    assert (await client.post("/unfollow/onbekend")).status_code == 404


async def test_digest_lists_new_published_dates_once_a_day_at_most(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    org = await make_organisation()
    start = clock.now()
    with clock.frozen(start - timedelta(minutes=1)):
        await make_date(org, slug="oud")  # before following: not new
    with clock.frozen(start):
        await confirmed_follower(client)
        await drain(mail_settings)
    before = len(smtp_server.messages)
    with clock.frozen(start + timedelta(hours=1)):
        await make_date(org, slug="concept", published=False)  # a draft never appears
        assert await follow_digest.queue_follow_digests() == 0
        await make_date(org, slug="nieuw")
        assert await follow_digest.queue_follow_digests() == 1
        assert await follow_digest.queue_follow_digests() == 0  # once per period
        await drain(mail_settings)
    [message] = smtp_server.messages[before:]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "nieuw" in text and "/events/oud" not in text and "concept" not in text
    with clock.frozen(start + timedelta(hours=5)):
        await make_date(org, slug="later")
        assert await follow_digest.queue_follow_digests() == 0  # not twice within the day
    with clock.frozen(start + timedelta(days=1, hours=2)):
        assert await follow_digest.queue_follow_digests() == 1  # what came since the last one


async def test_the_mail_log_never_shows_a_followers_address(
    client: httpx.AsyncClient, mail_settings: Settings
) -> None:
    organiser = await make_organiser()
    await confirmed_follower(client)
    await client.post(
        f"/api/v1/organisations/{organiser.organisation_id}/announcements",
        json={"subject": "Nieuws", "body": "Tekst"},
        headers=organiser.headers,
    )
    await drain(mail_settings)
    log = await client.get(
        f"/api/v1/organisations/{organiser.organisation_id}/mails", headers=organiser.headers
    )
    assert log.status_code == 200 and ADDRESS not in log.text
    for row in await OutboxMail.select(OutboxMail.id):
        retried = await client.post(f"/api/v1/mails/{row['id']}/retry", headers=organiser.headers)
        assert retried.status_code == 404 and ADDRESS not in retried.text


async def test_the_organisers_followers_page_counts_sends_and_refuses_bad_input(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    other = await make_organisation("zuid", "Zuid")
    await make_date(organiser.organisation_id)
    await confirmed_follower(client, "een@example.org")
    await confirmed_follower(client, "twee@example.org")
    assert (await page_login(client)).status_code == 303
    path = f"/organise/{organiser.organisation_id}/followers?lang=en"
    shown = await client.get(path)
    assert shown.status_code == 200 and "Confirmed followers" in shown.text
    assert "een@example.org" not in shown.text
    token = await csrf_token(client, path)
    form = {"_csrf_token": token, "audience": "all"}
    for bad in (
        {"subject": "", "body": ""},
        {"subject": "x", "body": "y", "audience": "series:99999999999"},
        {"subject": "x", "body": "y", "audience": "iets"},
        {"subject": "x", "body": "y", "dates": "99999999999"},
        {"subject": "x", "body": "y", "dates": "12345"},
        {"subject": "x" * 201, "body": "y"},
    ):
        refused = await client.post(path, data={**form, **bad})
        assert refused.status_code == 400 and 'aria-invalid="true"' in refused.text, bad
    assert await Announcement.count() == 0
    sent = await client.post(path, data={**form, "subject": "Nieuws", "body": "Tekst"})
    assert sent.status_code == 303
    after = await client.get(sent.headers["location"] + "&lang=en")
    assert "Nieuws" in after.text and "goes to 2 followers" in after.text
    assert (await client.get(f"/organise/{other}/followers")).status_code == 404
    assert (await client.post(f"/organise/{other}/followers", data=form)).status_code == 404


async def test_my_data_shows_and_deletes_what_my_address_follows(
    client: httpx.AsyncClient,
) -> None:
    org = await make_organisation()
    [date_id] = await make_date(org)
    await registrations.register([date_id], name="Volger", email=ADDRESS)
    await confirmed_follower(client)
    manage = f"/manage/{await manage_token_of(ADDRESS)}"
    exported = (await client.get(f"{manage}/data")).json()
    assert [f["follows"] for f in exported["follows"]] == ["organisation"]
    token = await csrf_token(client, f"{manage}/delete")
    deleted = await client.post(f"{manage}/delete", data={"_csrf_token": token})
    assert deleted.status_code == 200
    assert not await Follower.exists().where(Follower.email == ADDRESS)


async def test_a_follower_changes_the_digest_from_their_link(client: httpx.AsyncClient) -> None:
    await make_organisation()
    token = await confirmed_follower(client)
    page_token = await csrf_token(client, f"/follow/{token}")
    changed = await client.post(
        f"/follow/{token}/digest", data={"_csrf_token": page_token, "digest": "weekly"}
    )
    assert changed.status_code == 303
    assert (await Follower.select(Follower.digest).first()) == {"digest": "weekly"}
    refused = await client.post(
        f"/follow/{token}/digest", data={"_csrf_token": page_token, "digest": "elk uur"}
    )
    assert refused.status_code == 400
    forged = await client.post(f"/follow/{token}/digest", data={"digest": "daily"})
    assert forged.status_code == 403  # CSRF is on for everything but one-click unfollow
    assert (await Follower.select(Follower.digest).first()) == {"digest": "weekly"}


async def test_an_announcement_cannot_inject_headers_or_html(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    organiser = await make_organiser()
    await confirmed_follower(client)
    await drain(mail_settings)
    before = len(smtp_server.messages)
    sent = await client.post(
        f"/api/v1/organisations/{organiser.organisation_id}/announcements",
        json={"subject": "Nieuws\r\nBcc: stiekem@example.org", "body": "<script>x()</script>"},
        headers=organiser.headers,
    )
    assert sent.status_code == 201
    await drain(mail_settings)
    [message] = smtp_server.messages[before:]
    assert message["Bcc"] is None and "stiekem" not in str(message["To"])
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<script>" not in html and "&lt;script&gt;" in html


async def test_the_agenda_offers_to_follow_one_organisations_topic(
    client: httpx.AsyncClient,
) -> None:
    org = await make_organisation()
    await make_date(org)
    await Series.update({Series.tags: ["herstel"]}).where(Series.organisation == org)
    shown = await client.get("/?organisation=stadsnetwerk&topic=herstel&lang=en")
    assert shown.status_code == 200 and 'value="topic:herstel"' in shown.text
    for query in ("topic=herstel", "organisation=stadsnetwerk", "organisation=x&topic=herstel"):
        assert 'name="what"' not in (await client.get(f"/?{query}")).text
    token = await csrf_token(client, "/?organisation=stadsnetwerk&topic=herstel")
    asked = await client.post(
        "/follow",
        data={
            "_csrf_token": token,
            "email": ADDRESS,
            "organisation": "stadsnetwerk",
            "what": "topic:herstel",
            "digest": "weekly",
        },
    )
    assert asked.status_code == 200
    assert [row["target"] for row in await Follower.select(Follower.target)] == ["topic:herstel"]
