"""In Chromium, in Dutch and English: an organiser sets up an event that takes applications,
with a question of its own; two people apply and get the "received" mail; the organiser
accepts one (the only place) and declines the other with kind words; both get their mail, and
the link in it shows each person their application's state.  axe finds nothing serious."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Page, expect

from events_app.tables import Application, EventDate, Series
from tests.factories import PASSWORD, make_organiser
from tests.helpers.browser import mail_to, text_of, violations
from tests.smtp import SmtpServer

WORDS = {
    "nl": {
        "apply": "Aanvragen",
        "heading": "Aanvraag doen voor Leerlijn buurtteams",
        "name": "Je naam",
        "email": "Je e-mailadres",
        "send": "Aanvraag versturen",
        "received": "We hebben je aanvraag ontvangen",
        "accept": "Goedkeuren",
        "decline": "Afwijzen",
        "decline_send": "Afwijzen en dit bericht sturen",
        "kind": "Dat zegt niets over jou",
        "accepted": "Je aanvraag is goedgekeurd",
        "declined_mail": "Over je aanvraag",
        "accepted_state": "Je aanvraag is goedgekeurd.",
        "declined_state": "Je aanvraag is deze keer niet goedgekeurd.",
    },
    "en": {
        "apply": "Apply",
        "heading": "Apply for Leerlijn buurtteams",
        "name": "Your name",
        "email": "Your e-mail address",
        "send": "Send application",
        "received": "We received your application",
        "accept": "Accept",
        "decline": "Decline",
        "decline_send": "Decline and send this message",
        "kind": "This says nothing about you",
        "accepted": "Your application is accepted",
        "declined_mail": "About your application",
        "accepted_state": "Your application is accepted.",
        "declined_state": "Your application was not accepted this time.",
    },
}


async def _apply(page: Page, words: dict[str, str], language: str, who: str) -> None:
    await page.goto(f"/events/leerlijn-buurtteams?lang={language}")
    await page.get_by_role("link", name=words["apply"], exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(words["heading"])
    await page.get_by_label(words["name"]).fill(who.split("@")[0].title())
    await page.get_by_label(words["email"]).fill(who)
    await page.get_by_label("Waarom wil je meedoen?").fill("Ik werk in een buurtteam.")
    await page.get_by_role("button", name=words["send"]).click()
    await expect(page).to_have_url(re.compile(r"/registered\?dates=\d+&applied=yes"))


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_apply_then_accept_one_and_decline_the_other(
    page: Page, smtp: SmtpServer, language: str
) -> None:
    smtp.clear()
    words = WORDS[language]
    organiser = await make_organiser()
    await page.goto(f"/login?lang={language}&next=/organise")
    await page.locator("#field-email").fill("organiser@example.org")
    await page.locator("#field-password").fill(PASSWORD)
    await page.locator("form button[type=submit]").click()
    await expect(page.get_by_role("heading", level=1)).to_be_visible()

    # The organiser plans a one-off training that takes applications, one place.
    start = datetime.now(ZoneInfo("Europe/Amsterdam")).date() + timedelta(days=30)
    await page.goto(f"/organise/{organiser.organisation_id}/series/new?lang={language}")
    await page.locator("#field-title").fill("Leerlijn buurtteams")
    await page.locator("#repeat-none").check()
    await page.locator("#field-start_date").fill(start.isoformat())
    await page.locator("#field-start_time").fill("10:00")
    await page.locator("#field-end_time").fill("16:00")
    await page.locator("#field-capacity").fill("1")
    await page.locator("#field-admission").check()
    await page.locator("#field-published").check()
    await page.locator("button[value=preview]").click()
    await page.locator("button[value=save]").click()
    await expect(page.locator(".notice[role=status]")).to_be_visible()
    [series] = await Series.select(Series.id, Series.admission)
    assert series["admission"] == "apply"

    # Its own question: what the application asks.
    questions = f"/organise/series/{series['id']}/questions?lang={language}"
    problems = await violations(page, questions)
    await page.locator("#field-q_label").fill("Waarom wil je meedoen?")
    await page.locator("#q-kind-text").check()
    await page.locator("#field-q_required").check()
    await page.locator("form[action$='/questions'] button[type=submit]").click()
    await expect(page.locator(".notice[role=status]")).to_be_visible()

    # Two people apply; each gets the "received" mail, nobody takes a place yet.
    problems += await violations(page, f"/events/leerlijn-buurtteams/register?lang={language}")
    first, second = f"anna-{language}@example.org", f"bram-{language}@example.org"
    await _apply(page, words, language, first)
    problems += await violations(page, page.url)
    await _apply(page, words, language, second)
    for who in (first, second):
        [received] = await mail_to(smtp, who)
        assert words["received"] in str(received["Subject"])
    [date] = await EventDate.select(EventDate.id, EventDate.confirmed_count)
    assert date["confirmed_count"] == 0

    # The organiser reads the answers, accepts Anna and declines Bram with the kind words.
    applications = f"/host/dates/{date['id']}/applications?lang={language}"
    problems += await violations(page, applications)
    await expect(page.get_by_text("Ik werk in een buurtteam.")).to_have_count(2)
    await page.get_by_role("button", name=re.compile(f"^{words['accept']}.*Anna")).click()
    await expect(page.locator(".notice[role=status]")).to_be_visible()
    await page.locator("summary", has_text=re.compile(f"^{words['decline']}.*Bram")).click()
    message = page.locator("textarea[name=message]:visible")
    await expect(message).to_have_value(re.compile(words["kind"]))
    await page.get_by_role("button", name=re.compile(f"^{words['decline_send']}.*Bram")).click()
    await expect(page.locator(".notice[role=status]")).to_be_visible()
    problems += await violations(page, applications)
    statuses = {r["name"]: r["status"] for r in await Application.select()}
    assert statuses == {
        f"Anna-{language.title()}": "accepted",
        f"Bram-{language.title()}": "declined",
    }

    accepted = (await mail_to(smtp, first, count=2))[-1]
    assert words["accepted"] in str(accepted["Subject"])
    assert any(part.get_content_type() == "text/calendar" for part in accepted.walk())
    declined = (await mail_to(smtp, second, count=2))[-1]
    assert words["declined_mail"] in str(declined["Subject"])
    assert words["kind"] in text_of(declined)

    # The link in the mail shows each person the state of their application.
    for mail, state in ((accepted, "accepted_state"), (declined, "declined_state")):
        link = re.search(r"https?://\S+/manage/[\w-]+", text_of(mail))
        assert link is not None
        await page.goto(link.group(0) + f"?lang={language}")
        await expect(page.get_by_text(words[state])).to_be_visible()
    problems += await violations(page, page.url)
    assert problems == []
