"""Care in Chromium, in Dutch and English: the organiser gives a series a content note and an
aftercare text; a person reads the note before registering, writes a need and is told when it
is deleted; the date's host sees the need, a host of another series does not; after the date
the host marks who came, the aftercare mail reaches them once, and the need is gone a week
later.  axe finds nothing serious on the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.async_api import Page, expect

from events_app import clock
from events_app.mail import scheduled
from events_app.registration import retention
from events_app.tables import EventDate
from tests.factories import PASSWORD, make_date, make_host, make_organiser, series_of
from tests.helpers.browser import mail_to, text_of, violations
from tests.smtp import SmtpServer

CARE = "Wil je napraten? Mail Iris via iris@example.org of bel 0800-0000 (elke dag open)."
WORDS = {
    "nl": {"login": "Inloggen", "save": "Bewaar de gegevens", "details": "Details",
           "register": "Aanmelden", "note": "Voordat je komt", "days": "7 dagen na de datum",
           "subject": "als je wilt praten", "present": "Aanwezig"},
    "en": {"login": "Log in", "save": "Save the details", "details": "Details",
           "register": "Register", "note": "Before you come", "days": "7 days after the date",
           "subject": "if you want to talk", "present": "Present"},
}  # fmt: skip


async def _log_in(page: Page, email: str, language: str) -> None:
    await page.context.clear_cookies()
    await page.goto(f"/login?lang={language}")
    await page.locator("#field-email").fill(email)
    await page.locator("#field-password").fill(PASSWORD)
    await page.get_by_role("button", name=WORDS[language]["login"]).click()


async def _move_to_the_past(date_id: int, ended: timedelta) -> None:
    row = (await EventDate.select().where(EventDate.id == date_id))[0]
    shift = row["ends_at"] - (clock.now() - ended)
    await EventDate.update(
        {
            EventDate.starts_at: row["starts_at"] - shift,
            EventDate.ends_at: row["ends_at"] - shift,
            EventDate.local_start: row["local_start"] - shift,
            EventDate.local_end: row["local_end"] - shift,
        }
    ).where(EventDate.id == date_id)


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_a_heavy_evening_with_a_note_needs_and_aftercare(
    page: Page, smtp: SmtpServer, language: str
) -> None:
    smtp.clear()
    words = WORDS[language]
    organiser = await make_organiser()
    org = organiser.organisation_id
    [date_id] = await make_date(org, starts_in=timedelta(days=2))
    [elsewhere] = await make_date(org, slug="elders", starts_in=timedelta(days=2))
    series_id = await series_of(date_id)
    await make_host(org, series_id, "host@example.org")
    await make_host(org, await series_of(elsewhere), "other-host@example.org")

    # The organiser writes the note and the aftercare in the series' details.
    await _log_in(page, "organiser@example.org", language)
    admin = f"/organise/series/{series_id}?lang={language}"
    await page.goto(admin)
    await page.locator("#details summary").click()
    note = "Deze avond gaat over suïcide. Je mag altijd weggaan."
    await page.locator("#field-content_note").fill(note)
    await page.locator("#field-aftercare_text").fill(CARE)
    await page.locator("#field-aftercare_hours").fill("24")
    await page.get_by_role("button", name=words["save"]).click()
    await expect(page.get_by_role("status")).to_be_visible()
    problems = await violations(page, admin)

    # A person reads the note before registering and learns when their need is deleted.
    await page.context.clear_cookies()
    await page.goto(f"/events/ontmoeting?lang={language}")
    await expect(page.locator(".content-note")).to_contain_text("Je mag altijd weggaan.")
    await expect(page.get_by_role("heading", name=words["note"])).to_be_visible()
    problems += await violations(page, f"/events/ontmoeting/{date_id}?lang={language}")
    register = f"/events/ontmoeting/register?lang={language}"
    problems += await violations(page, register)
    await expect(page.locator(".content-note")).to_be_visible()
    await expect(page.locator("#hint-needs")).to_contain_text(words["days"])
    await page.locator(f"#date-{date_id}").check()
    await page.locator("#field-name").fill("Noor Verbeek")
    await page.locator("#field-email").fill("noor@example.org")
    await page.locator("#field-needs").fill("Een stoel bij de deur")
    consent = page.locator("#field-consent")
    if await consent.count():
        await consent.check()
    await page.locator("form[action$='/register'] button[type=submit]").click()
    await mail_to(smtp, "noor@example.org")

    # The host of this date sees the need; a host of another series gets "not found".
    await _log_in(page, "host@example.org", language)
    await page.goto(f"/host/dates/{date_id}?lang={language}")
    await expect(page.locator("body")).to_contain_text("Een stoel bij de deur")
    await _log_in(page, "other-host@example.org", language)
    answer = await page.goto(f"/host/dates/{date_id}?lang={language}")
    assert answer is not None and answer.status == 404
    assert "Een stoel bij de deur" not in await page.content()

    # After the date the host marks who came; the aftercare mail goes once, a day later.
    await _move_to_the_past(date_id, timedelta(hours=2))
    await _log_in(page, "host@example.org", language)
    attendance = f"/host/dates/{date_id}/attendance?lang={language}"
    await page.goto(attendance)
    await page.get_by_role("button", name=f"{words['present']} Noor Verbeek").click()
    await expect(
        page.get_by_role("button", name=f"{words['present']} Noor Verbeek")
    ).to_have_attribute("aria-pressed", "true")
    assert await scheduled.queue_aftercare() == 0  # not yet: 24 hours after the end
    await _move_to_the_past(date_id, timedelta(hours=25))
    assert await scheduled.queue_aftercare() == 1
    assert await scheduled.queue_aftercare() == 0
    [_receipt, aftercare] = await mail_to(smtp, "noor@example.org", count=2)
    assert words["subject"] in str(aftercare["Subject"])
    assert CARE in text_of(aftercare)

    # A week after the date the need is gone; the registration stays.
    with clock.frozen(clock.now() + timedelta(days=7)):
        assert await retention.delete_needs() == 1
    await page.goto(f"/host/dates/{date_id}?lang={language}")
    await expect(page.locator("body")).to_contain_text("Noor Verbeek")
    await expect(page.locator("body")).not_to_contain_text("Een stoel bij de deur")
    assert problems == []
