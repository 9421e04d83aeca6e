"""A workshop week made in one place, and a hybrid date where the attendee comes online, in
Chromium, Dutch and English; axe finds no serious or critical violation on the changed pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page, expect

from events_app import clock
from events_app.tables import Registration, Series
from tests.factories import PASSWORD, make_date, make_organiser
from tests.helpers.browser import SERIOUS, mail_to, text_of, violations
from tests.smtp import SmtpServer


async def _axe_here(page: Page, what: str) -> list[str]:
    results = await Axe().run(page)
    return [
        f"{what}: {v['id']} ({v['impact']})"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


async def _session(page: Page, title: str, day: str, start: str, end: str) -> None:
    await page.locator("#field-session_title").fill(title)
    await page.locator("#field-session_day").fill(day)
    await page.locator("#field-session_start_time").fill(start)
    await page.locator("#field-session_end_time").fill(end)
    await page.locator("#field-session_location").fill("Buurthuis De Linde")
    await page.locator(".session-form button[type=submit]").click()


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_an_organiser_builds_a_three_session_week_inline(page: Page, language: str) -> None:
    organiser = await make_organiser()
    await page.goto(f"/login?lang={language}")
    await page.locator("#field-email").fill("organiser@example.org")
    await page.locator("#field-password").fill(PASSWORD)
    await page.locator("main button[type=submit]").click()
    await page.goto(f"/organise/{organiser.organisation_id}/programmes/new")
    await page.locator("#field-title").fill("Week van de ervaring")
    await page.locator("#field-published").check()
    await page.locator("form.narrow-form button[type=submit]").first.click()
    await page.wait_for_url(re.compile(r".*/organise/programmes/\d+\?done=created"))
    problems = await _axe_here(page, "programme page")
    first = clock.now().date() + timedelta(days=30)
    # Tuesday first, then Monday: the list is in date order all the same.
    await _session(page, "Dinsdag: peersupport", (first + timedelta(days=1)).isoformat(),
                   "10:00", "12:00")  # fmt: skip
    await page.wait_for_url(re.compile(r".*done=session.*"))
    await _session(page, "Maandag: herstelverhalen", first.isoformat(), "10:00", "12:00")
    await page.wait_for_url(re.compile(r".*done=session.*"))
    # A mistake is marked at its field, and what was typed stays.
    await _session(page, "Woensdag", "", "14:00", "13:00")
    await expect(page.locator("#error-session_day")).to_be_visible()
    await expect(page.locator("#error-session_end_time")).to_be_visible()
    await expect(page.locator("#field-session_title")).to_have_value("Woensdag")
    problems += await _axe_here(page, "session form with errors")
    # Copy Tuesday: the form comes filled in for Wednesday.
    await page.goto(page.url.split("/sessions")[0].split("?")[0])
    rows = page.locator("table.sessions tbody tr")
    await expect(rows).to_have_count(2)
    await expect(rows.nth(0)).to_contain_text("Maandag")
    await rows.nth(1).locator("a[href*='copy=']").click()
    await expect(page.locator("#field-session_day")).to_have_value(
        (first + timedelta(days=2)).isoformat()
    )
    await page.locator("#field-session_title").fill("Woensdag: samen schrijven")
    await page.locator(".session-form button[type=submit]").click()
    await page.wait_for_url(re.compile(r".*done=session.*"))
    await expect(rows).to_have_count(3)
    for n, word in enumerate(("Maandag", "Dinsdag", "Woensdag")):
        await expect(rows.nth(n)).to_contain_text(word)
    assert await Series.count().where(Series.kind == "workshop") == 3
    problems += await violations(page, "/programmes/week-van-de-ervaring")
    await expect(page.locator("main")).to_contain_text("Woensdag: samen schrijven")
    assert problems == []


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_an_attendee_registers_for_a_hybrid_date_online(
    page: Page, smtp: SmtpServer, language: str
) -> None:
    organiser = await make_organiser()
    [date] = await make_date(organiser.organisation_id, slug="hybride")
    await Series.update({Series.format: "hybrid", Series.location: "Buurthuis De Linde"}).where(
        Series.slug == "hybride"
    )
    email = f"ayla-{language}@example.org"
    await page.goto(f"/events/hybride/register?lang={language}")
    problems = await _axe_here(page, "hybrid register form")
    await page.locator("#field-name").fill("Ayla")
    await page.locator("#field-email").fill(email)
    consent = page.locator("#field-consent")
    if await consent.count():
        await consent.check()
    await page.locator("main button[type=submit]").click()
    await expect(page.locator("#error-attendance")).to_be_visible()
    problems += await _axe_here(page, "hybrid register form with errors")
    await expect(page.locator("#field-name")).to_have_value("Ayla")
    await page.locator("#attendance-online").check()
    await page.locator("main button[type=submit]").click()
    await page.wait_for_url(re.compile(r".*/registered\?dates=.*"))
    row = await Registration.select(Registration.attendance).first()
    assert row["attendance"] == "online"
    [mail] = await mail_to(smtp, email)
    expected = "Je doet online mee." if language == "nl" else "You take part online."
    assert expected in text_of(mail)
    # The organiser's sign-up list counts and shows it.
    await page.goto(f"/login?lang={language}")
    await page.locator("#field-email").fill("organiser@example.org")
    await page.locator("#field-password").fill(PASSWORD)
    await page.locator("main button[type=submit]").click()
    await page.wait_for_url(re.compile(r".*/(organise|host).*"))
    problems += await violations(page, f"/host/dates/{date}")
    counted = "0 op locatie, 1 online" if language == "nl" else "0 on site, 1 online"
    await expect(page.locator("#attendance-counts")).to_contain_text(counted)
    problems += await violations(page, f"/host/dates/{date}/print")
    assert problems == []
