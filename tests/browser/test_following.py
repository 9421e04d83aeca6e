"""A person follows an organisation in Chromium, confirms from the mail, gets a digest when a
new date is published; the organiser sends an announcement from the followers page; the mail
has the one-click unsubscribe headers, and one POST to that address (as a mail program sends
it) deletes the address.  Dutch and English; axe finds nothing serious on the pages."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.async_api import Page, expect

from events_app.registration import follow_digest
from events_app.tables import Follower
from tests.factories import PASSWORD, make_date, make_organiser
from tests.helpers.browser import mail_to, text_of, violations
from tests.smtp import SmtpServer

LINK = re.compile(r"https?://[^\s\"<>]+/follow/[A-Za-z0-9_\-]+")
WORDS = {
    "nl": {
        "follow": "Volgen",
        "check": "Kijk in je mailbox",
        "confirm": "Ja, ik wil volgen",
        "thanks": "Je volgt nu",
        "digest": "Nieuwe datums",
        "login": "Inloggen",
        "send": "Stuur naar de volgers",
        "sent": "Verstuurd",
        "why": "omdat je met dit adres",
    },
    "en": {
        "follow": "Follow",
        "check": "Check your mailbox",
        "confirm": "Yes, I want to follow",
        "thanks": "You now follow",
        "digest": "New dates",
        "login": "Log in",
        "send": "Send to the followers",
        "sent": "Sent",
        "why": "because you follow",
    },
}


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_follow_confirm_digest_announcement_and_one_click_unsubscribe(
    page: Page, smtp: SmtpServer, base_url: str, language: str
) -> None:
    smtp.clear()
    words = WORDS[language]
    address = f"volger-{language}@example.org"
    organiser = await make_organiser()
    await make_date(organiser.organisation_id, slug="ontmoeting")
    org_page = f"/organisations/stadsnetwerk?lang={language}"
    problems = await violations(page, org_page)
    await page.locator("#follow-email").fill(address)
    await page.get_by_role("button", name=words["follow"], exact=True).click()
    await expect(page.get_by_text(words["check"])).to_be_visible()

    [confirmation] = await mail_to(smtp, address)
    link = LINK.search(text_of(confirmation))
    assert link is not None and "List-Unsubscribe" not in confirmation
    follow_path = "/" + link.group(0).split("://", 1)[1].split("/", 1)[1]
    problems += await violations(page, follow_path)
    await page.get_by_role("button", name=words["confirm"]).click()
    await expect(page.get_by_text(words["thanks"])).to_be_visible()
    problems += await violations(page, follow_path)

    await make_date(organiser.organisation_id, slug="nieuwe-reeks")  # published just now
    assert await follow_digest.queue_follow_digests() == 1
    digest = (await mail_to(smtp, address, 2))[1]
    assert words["digest"] in digest["Subject"] and "nieuwe-reeks" in text_of(digest)

    await page.goto(f"/login?lang={language}")
    await page.locator("#field-email").fill("organiser@example.org")
    await page.locator("#field-password").fill(PASSWORD)
    await page.get_by_role("button", name=words["login"]).click()
    followers = f"/organise/{organiser.organisation_id}/followers"
    problems += await violations(page, followers)
    await page.locator("#field-subject").fill("Schrijfgroep")
    await page.locator("#field-body").fill("Vanaf maart schrijven we samen.")
    await page.get_by_role("button", name=words["send"]).click()
    await expect(page.get_by_role("status")).to_contain_text(words["sent"])
    assert address not in await page.content()

    announcement = (await mail_to(smtp, address, 3))[2]
    assert announcement["Subject"] == "Schrijfgroep"
    assert announcement["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = announcement["List-Unsubscribe"].strip("<>")
    text = text_of(announcement)
    assert url in text and words["why"] in text
    problems += await violations(page, "/" + url.split("://", 1)[1].split("/", 1)[1])
    async with httpx.AsyncClient() as mail_program:  # no cookie, no CSRF token
        done = await mail_program.post(url, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert not await Follower.exists().where(Follower.email == address)
    assert problems == []
