"""An organiser adds an expert to the pool (refused without consent, then with it), asks them
for a request in Chromium; the expert opens the link from their mail and accepts; the
organisation's contact address is told; the fees and overview pages render.  Dutch and
English; axe finds nothing on any of these pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page, expect

from events_app import clock
from events_app.tables import ExpertAsk
from tests.factories import (
    PASSWORD,
    REQUESTER_EMAIL,
    REQUESTER_NAME,
    REQUESTER_STREET,
    make_booking,
    make_organiser,
    make_request,
)
from tests.helpers.browser import mail_to, text_of, violations
from tests.smtp import SmtpServer

LINK = re.compile(r"https?://[^\s\"<>]+/expert/[A-Za-z0-9_\-]+")
CONTACT = "info@stadsnetwerk.example.org"
WORDS = {
    "nl": {
        "login": "Inloggen",
        "add": "Aan de pool toevoegen",
        "consent": "vink het vakje aan",
        "added": "Toegevoegd aan de pool",
        "ask": "Per e-mail vragen",
        "asked": "Gevraagd:",
        "subject": "Kun jij dit geven?",
        "yes": "Ja, dat wil ik graag",
        "send": "Mijn antwoord versturen",
        "thanks": "Dank je wel",
        "said_yes": "Zei ja",
        "fees": "Vergoedingen",
        "figures": "Cijfers van aanvragen",
    },
    "en": {
        "login": "Log in",
        "add": "Add to the pool",
        "consent": "tick the box",
        "added": "Added to the pool",
        "ask": "Ask by e-mail",
        "asked": "Asked:",
        "subject": "Can you give this?",
        "yes": "Yes, I would like to",
        "send": "Send my answer",
        "thanks": "Thank you",
        "said_yes": "Said yes",
        "fees": "Fees",
        "figures": "Figures of requests",
    },
}


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_an_expert_is_added_asked_and_accepts_by_the_mailed_link(
    page: Page, smtp: SmtpServer, language: str
) -> None:
    smtp.clear()
    words = WORDS[language]
    address = f"expert-{language}@example.org"
    organiser = await make_organiser()
    org = organiser.organisation_id
    await organiser_login(page, language)

    pool = f"/organise/{org}/experts?lang={language}"
    problems = await violations(page, pool)
    await page.locator("#field-name").fill("Esra Ervaring")
    await page.locator("#field-email").fill(address)
    await page.locator("#field-topics").fill("psychose, herstel")
    if language == "en":  # the expert reads English: their mail comes in English
        await page.locator("#language-nl").uncheck()
        await page.locator("#language-en").check()
    await page.locator("#field-fee").fill("85,50")
    await page.get_by_role("button", name=words["add"]).click()
    await expect(page.locator("#error-consent")).to_contain_text(words["consent"])
    problems += [f"refused form: {v}" for v in await violations_here(page)]
    await page.locator("#consent").check()
    await page.locator("#field-consent_note").fill("Mondeling op de intervisie")
    await page.get_by_role("button", name=words["add"]).click()
    await expect(page.get_by_role("status")).to_contain_text(words["added"])
    await expect(page.get_by_role("table")).to_contain_text("Esra Ervaring")
    await page.get_by_role("link", name="Esra Ervaring").click()
    problems += [f"edit page: {v}" for v in await violations_here(page)]

    request_id, _ = await make_request(org, topic="Herstel na een psychose", language=language)
    asking = f"/organise/{org}/requests/{request_id}/experts?lang={language}"
    problems += await violations(page, asking)
    await page.get_by_label(re.compile("Esra Ervaring")).check()
    await page.locator("#field-message").fill("Lijkt dit je wat?")
    await page.get_by_role("button", name=words["ask"]).click()
    await expect(page.get_by_role("status")).to_contain_text(words["asked"])

    [mail] = await mail_to(smtp, address)
    assert words["subject"] in mail["Subject"]
    text = text_of(mail)
    for private in (REQUESTER_NAME, REQUESTER_EMAIL, REQUESTER_STREET):
        assert private not in mail.as_string()
    link = LINK.search(text)
    assert link is not None
    expert_path = "/" + link.group(0).split("://", 1)[1].split("/", 1)[1]
    await page.context.clear_cookies()  # the expert has no account
    problems += await violations(page, f"{expert_path}?lang={language}")
    assert REQUESTER_NAME not in await page.content()
    await page.get_by_label(words["yes"]).check()
    await page.locator("#field-note").fill("Graag, het liefst in maart.")
    await page.get_by_role("button", name=words["send"]).click()
    await expect(page.get_by_role("status")).to_contain_text(words["thanks"])
    problems += await violations(page, f"{expert_path}?lang={language}&done=answered")
    problems += await violations(page, f"{expert_path}/leave?lang={language}")
    assert await ExpertAsk.count().where(ExpertAsk.status == "accepted") == 1

    [told] = await mail_to(smtp, CONTACT)  # in the organisation's language (Dutch)
    assert "heeft geantwoord" in told["Subject"] and "Esra Ervaring" in text_of(told)

    await organiser_login(page, language)
    await page.goto(asking)
    await expect(page.get_by_role("table")).to_contain_text(words["said_yes"])
    start = (clock.now() + timedelta(days=10)).replace(tzinfo=None, microsecond=0, second=0)
    await make_booking(
        org, request_id, expert_id=None, expert_name="Esra Ervaring", fee_cents=8550,
        local_starts=[start],
    )  # fmt: skip
    problems += await violations(page, f"/organise/{org}/requests/fees?lang={language}")
    await expect(page.get_by_role("heading", level=1)).to_contain_text(words["fees"])
    await expect(page.get_by_role("table").first).to_contain_text("Esra Ervaring")
    problems += await violations(page, f"/organise/{org}/requests/overview?lang={language}")
    await expect(page.get_by_role("heading", level=1)).to_contain_text(words["figures"])
    await expect(page.get_by_role("img").first).to_be_visible()
    assert problems == []


async def organiser_login(page: Page, language: str) -> None:
    await page.goto(f"/login?lang={language}")
    await page.locator("#field-email").fill("organiser@example.org")
    await page.locator("#field-password").fill(PASSWORD)
    await page.get_by_role("button", name=WORDS[language]["login"]).click()
    await expect(page).not_to_have_url(re.compile("/login"))


async def violations_here(page: Page) -> list[str]:
    """Axe on the page as it stands (a form shown again with its errors)."""
    results = await Axe().run(page)
    return [f"{v['id']} ({v['impact']})" for v in results.response["violations"]]
