"""A school asks for a guest lesson in Chromium: the form (first with a mistake, then right),
"check your e-mail", the confirmation mail with the private link, the request's page and a
message to the organisation; the organiser finds it in the inbox, opens it and answers, and the
answer reaches the requester by mail and on their page.  Dutch and English; axe finds nothing
serious or critical on any of these pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.async_api import Page, expect

from events_app import clock
from tests.factories import PASSWORD, make_organiser
from tests.helpers.browser import mail_to, text_of, violations
from tests.smtp import SmtpServer

LINK = re.compile(r"https?://[^\s\"<>]+/request/[A-Za-z0-9_\-]+")
WORDS = {
    "nl": {
        "ask": "Doe een aanvraag",
        "kind": "Gastles",
        "send": "Verstuur mijn aanvraag",
        "check": "Kijk in je e-mail",
        "problem": "Kijk het formulier nog even na",
        "message": "Verstuur bericht",
        "message_sent": "Je bericht is verstuurd",
        "login": "Inloggen",
        "requests": "Aanvragen",
        "answer": "Verstuur naar de aanvrager",
        "answered": "Verstuurd: de aanvrager krijgt je bericht",
        "status": "In gesprek",
        "subject": "Een bericht over je aanvraag",
    },
    "en": {
        "ask": "Send a request",
        "kind": "Guest lesson",
        "send": "Send my request",
        "check": "Check your e-mail",
        "problem": "Please check the form",
        "message": "Send message",
        "message_sent": "Your message has been sent",
        "login": "Log in",
        "requests": "Requests",
        "answer": "Send to the requester",
        "answered": "Sent: the requester gets your message",
        "status": "In discussion",
        "subject": "A message about your request",
    },
}


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_a_request_from_the_form_to_the_organisers_answer(
    page: Page, smtp: SmtpServer, base_url: str, language: str
) -> None:
    smtp.clear()
    words = WORDS[language]
    address = f"docent-{language}@school.example.org"
    topic = f"Herstel en werk ({language})"
    organiser = await make_organiser()
    problems = await violations(page, f"/organisations/stadsnetwerk?lang={language}")
    await page.get_by_role("link", name=words["ask"]).click()
    problems += await violations(page, page.url)

    await page.get_by_label(words["kind"]).check()
    await page.locator("#field-topic").fill(topic)
    await page.locator("#field-people").fill("veel")  # a mistake: the form comes back
    day = (clock.now() + timedelta(days=40)).date().isoformat()
    await page.locator("#field-preferred_days").fill(day)
    await page.locator("#field-format").check()  # in person
    await page.locator("#field-address").fill("Hogeschool Voorbeeld, Lokaal 2.14")
    await page.locator("#field-contact_name").fill("Dana Docent")
    await page.locator("#field-contact_email").fill(address)
    await page.get_by_role("button", name=words["send"]).click()
    await expect(page.get_by_role("alert")).to_contain_text(words["problem"])
    await expect(page.locator("#field-topic")).to_have_value(topic)  # nothing typed lost
    results_errors = await _axe_here(page)
    problems += results_errors
    await page.locator("#field-people").fill("24")
    await page.get_by_role("button", name=words["send"]).click()
    await expect(page.locator("h1")).to_have_text(words["check"])
    assert "/request/" not in await page.content()
    problems += await _axe_here(page)

    [received] = await mail_to(smtp, address)
    link = LINK.search(text_of(received))
    assert link is not None and topic in text_of(received)
    request_path = _path(link.group(0))
    problems += await violations(page, request_path)
    await page.locator("#field-message").fill("Kan het ook in de ochtend?")
    await page.get_by_role("button", name=words["message"]).click()
    await expect(page.get_by_role("status")).to_contain_text(words["message_sent"])
    await expect(page.get_by_text("Kan het ook in de ochtend?")).to_be_visible()
    problems += await violations(page, request_path + "/withdraw")

    await page.goto(f"/login?lang={language}")
    await page.locator("#field-email").fill("organiser@example.org")
    await page.locator("#field-password").fill(PASSWORD)
    await page.get_by_role("button", name=words["login"]).click()
    await page.goto("/organise")
    await page.get_by_role("link", name=words["requests"], exact=True).first.click()
    assert page.url.endswith(f"/organise/{organiser.organisation_id}/requests")
    problems += await _axe_here(page)
    await page.get_by_role("link", name=topic).click()
    await expect(page.get_by_text("Kan het ook in de ochtend?")).to_be_visible()
    problems += await _axe_here(page)
    await page.locator("#field-message").fill("Ja, dat kan. Past dinsdag 10 uur?")
    await page.get_by_role("button", name=words["answer"]).click()
    await expect(page.get_by_role("status")).to_contain_text(words["answered"])
    await expect(page.locator("h1")).to_contain_text(words["status"])
    problems += await _axe_here(page)

    answer = (await mail_to(smtp, address, 2))[1]
    assert words["subject"] in answer["Subject"]
    assert "Past dinsdag 10 uur?" in text_of(answer)
    await page.goto(request_path)
    await expect(page.get_by_text("Past dinsdag 10 uur?")).to_be_visible()
    assert problems == []


async def _axe_here(page: Page) -> list[str]:
    """axe's serious findings on the page as it is now (a form shown again, a notice)."""
    from axe_playwright_python.async_playwright import Axe

    from tests.helpers.browser import SERIOUS

    results = await Axe().run(page)
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]
