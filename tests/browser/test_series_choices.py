"""An organiser in Chromium makes a series with the API's choices on the form (registering
optional, the link for registered people, meeting details, a registration window, reminder,
topics, language, contact), in Dutch and in English: a wrong window is marked at its field,
saving says it is a draft, the public page says how to get the link, the host page sets the
date's topic and speaker; axe finds no serious or critical violation on these pages."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page, expect

from events_app.tables import EventDate, Series
from tests.factories import PASSWORD, make_organiser
from tests.helpers.browser import SERIOUS, violations

WORDS = {
    "nl": {
        "draft": "Opgeslagen als concept: nog niet te zien in de agenda.",
        "window": "Het aanmelden moet later sluiten dan het opengaat.",
        "link": "Aanmelden hoeft niet, maar de link om online mee te doen krijg je alleen",
        "saved": "Klaar: het onderwerp en de sprekers van deze datum zijn opgeslagen.",
    },
    "en": {
        "draft": "Saved as draft: not visible in the agenda yet.",
        "window": "Registration must close after it opens.",
        "link": "Registering is not required, but the link to join online comes only by e-mail",
        "saved": "Done: the topic and speakers of this date are saved.",
    },
}


async def _axe_here(page: Page) -> list[str]:
    """axe on the page as it is now (a page shown after a POST cannot be loaded again)."""
    results = await Axe().run(page)
    return [
        f"{page.url}: {v['id']} ({v['impact']})"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_new_series_with_the_api_choices(page: Page, language: str) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    words = WORDS[language]
    await page.goto("/login?lang=en&next=/organise")
    await page.get_by_label("E-mail address").fill("organiser@example.org")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("heading", level=1)).to_be_visible()

    today = datetime.now(ZoneInfo("Europe/Amsterdam")).date()
    start = today + timedelta(days=40)
    opens = f"{(today + timedelta(days=1)).isoformat()}T10:00"
    closes = f"{(start - timedelta(days=1)).isoformat()}T12:00"
    await page.goto(f"/organise/{org}/series/new?lang={language}")
    await page.locator("#field-title").fill("Herstelcafé online")
    await page.locator("#field-start_date").fill(start.isoformat())
    await page.locator("#field-start_time").fill("19:30")
    await page.locator("#field-end_time").fill("21:00")
    await page.locator("#ends-count").check()
    await page.locator("#field-count").fill("3")
    await page.locator("#field-meeting_url").fill("https://meet.example.org/herstel")
    await page.locator("#field-meeting_details").fill("Vergader-ID 123 456\nCode 9876")
    await page.locator("#registration_mode-optional").check()
    await page.locator("#link_visibility-registered").check()
    await page.locator("#field-registration_opens").fill(closes)  # the wrong way round
    await page.locator("#field-registration_closes").fill(opens)
    await page.locator("#field-reminder_hours").fill("48")
    await page.locator("#field-tags").fill("Herstel, Werk en inkomen")
    await page.locator("#field-language").select_option("en")
    await page.locator("#field-contact_email").fill("vragen@example.org")
    await page.locator("button[value=save]").click()

    error = page.locator("#error-registration_closes")
    await expect(error).to_contain_text(words["window"])
    await expect(page.locator("#field-registration_closes")).to_have_attribute(
        "aria-invalid", "true"
    )
    await expect(page.locator("#registration_mode-optional")).to_be_checked()
    await expect(page.locator("#field-tags")).to_have_value("Herstel, Werk en inkomen")
    assert await _axe_here(page) == []

    await page.locator("#field-registration_opens").fill(opens)
    await page.locator("#field-registration_closes").fill(closes)
    await page.locator("button[value=preview]").click()
    await page.locator("button[value=save]").click()
    await expect(page.locator(".notice[role=status]")).to_contain_text(words["draft"])
    await expect(page.locator("#registration_mode-optional")).to_be_checked()
    await expect(page.locator("#field-registration_opens")).to_have_value(opens)
    await expect(page.locator("#field-reminder_hours")).to_have_value("48")
    await expect(page.locator("#field-language")).to_have_value("en")
    assert await _axe_here(page) == []

    [series] = await Series.select(Series.id, Series.slug, Series.published)
    assert series["published"] is False
    [first] = (
        await EventDate.select(EventDate.id)
        .where(EventDate.series == series["id"])
        .order_by(EventDate.starts_at)
        .limit(1)
    )
    # Published through the details form: the public page says how to get the link.
    await page.locator("#field-published").check()
    await page.locator("form[action$='/details'] button[type=submit]").click()
    await page.goto(f"/events/{series['slug']}/{first['id']}?lang={language}")
    await expect(page.locator(".link-note")).to_contain_text(words["link"])
    await expect(page.get_by_text("meet.example.org")).to_have_count(0)

    await page.goto(f"/host/dates/{first['id']}?lang={language}")
    await page.locator("#field-topic").fill("Werk en herstel")
    await page.locator("#field-speakers").fill("Sanne Spreker\nMo Moderator (moderator)")
    await page.locator("form[action$='/details'] button[type=submit]").click()
    await expect(page.locator(".notice[role=status]")).to_contain_text(words["saved"])
    await expect(page.locator("#field-topic")).to_have_value("Werk en herstel")

    found = []
    for path in (
        f"/organise/{org}/series/new",
        f"/organise/series/{series['id']}",
        f"/events/{series['slug']}",
        f"/events/{series['slug']}/{first['id']}",
        f"/host/dates/{first['id']}",
    ):
        found += await violations(page, path)
    assert found == []
