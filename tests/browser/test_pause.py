"""The organiser pauses a fortnightly meet-up over a break and continues it, in Chromium, in
Dutch and in English: the preview first (axe finds nothing serious on it), then saved; the
person registered for a date in the pause gets one mail, in their language, with the reason;
an empty form is refused at each field without JavaScript's help."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page, expect

from events_app import clock
from events_app.domain.schedule import ScheduleInput
from events_app.i18n import format_date
from events_app.registration import registrations
from events_app.series import planning
from events_app.tables import EventDate
from tests.factories import PASSWORD, make_organiser
from tests.helpers.browser import mail_to, text_of
from tests.smtp import SmtpServer

WORDS = {
    "nl": {
        "first": "Eerste dag van de pauze",
        "last": "Laatste dag van de pauze",
        "resume": "Verder op",
        "weeks": "Daarna om de hoeveel weken?",
        "show": "Laat zien wat er verandert",
        "save": "Pauze opslaan",
        "done": "Klaar: de pauze is opgeslagen.",
        "after": "Na de pauze: elke twee weken op donderdag",
        "reason": "De reeks heeft een pauze. Op deze datum is er geen bijeenkomst.",
        "missing": "Vul deze dag in.",
    },
    "en": {
        "first": "First day of the pause",
        "last": "Last day of the pause",
        "resume": "Continue on",
        "weeks": "Then every how many weeks?",
        "show": "Show what changes",
        "save": "Save the pause",
        "done": "Done: the pause is saved.",
        "after": "After the pause: every two weeks on Thursday",
        "reason": "The series takes a break and does not meet on this date.",
        "missing": "Fill in this day.",
    },
}


async def _meetup(language: str) -> tuple[int, date, str]:
    """A fortnightly Thursday meet-up from a Thursday at least a week ahead (day 0: 0, 14,
    28, …); somebody registered for day 14, which falls in the pause."""
    organiser = await make_organiser()
    today = clock.now().date()
    first = today + timedelta(days=7 + (3 - today.weekday()) % 7)
    series_id, _ = await planning.create_series(
        organiser.actor,
        organiser.organisation_id,
        ScheduleInput(
            rule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
            first_start=datetime.combine(first, time(19, 30)).isoformat(timespec="minutes"),
            end_time="21:00",
        ),
        {"title": "Herstelcafé", "published": True},
    )
    [in_pause] = await EventDate.select(EventDate.id).where(
        (EventDate.series == series_id)
        & (EventDate.local_start == datetime.combine(first + timedelta(days=14), time(19, 30)))
    )
    email = f"deelnemer-{language}@example.org"
    await registrations.register(
        [in_pause["id"]], name="Deelnemer", email=email, language=language, consent=True
    )
    return series_id, first, email


async def _serious(page: Page) -> list[str]:
    results = await Axe().run(page)
    return [
        f"{page.url}: {v['id']} ({v['impact']})"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_pause_over_a_break_then_continue(
    page: Page, smtp: SmtpServer, language: str
) -> None:
    words = WORDS[language]
    series_id, first, email = await _meetup(language)
    await mail_to(smtp, email)  # the receipt
    await page.goto(f"/login?lang=en&next=/organise/series/{series_id}")
    await page.get_by_label("E-mail address").fill("organiser@example.org")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await page.goto(f"/organise/series/{series_id}?lang={language}")
    pause = page.locator("#pause")
    await pause.locator("summary").click()  # the part opens; the rest of the page stays short
    # nothing filled in: every day refused at its field, the form comes back
    await pause.get_by_label(words["weeks"]).fill("")
    await pause.get_by_role("button", name=words["show"]).click()
    pause = page.locator("#pause")
    for label in ("first", "last", "resume"):
        field = pause.get_by_label(words[label])
        await expect(field).to_have_attribute("aria-invalid", "true")
    await expect(pause.locator("#error-first_off")).to_contain_text(words["missing"])
    await expect(pause.locator("#error-weeks")).to_be_visible()
    # the break: from the day after day 0 to day 20, then every two weeks from day 21
    await pause.get_by_label(words["first"]).fill((first + timedelta(days=1)).isoformat())
    await pause.get_by_label(words["last"]).fill((first + timedelta(days=20)).isoformat())
    await pause.get_by_label(words["resume"]).fill((first + timedelta(days=21)).isoformat())
    await pause.get_by_label(words["weeks"]).fill("2")
    await pause.get_by_role("button", name=words["show"]).click()
    preview = page.locator("#pause-preview")
    await expect(preview).to_contain_text(words["after"])
    for day in (14, 21, 35):
        await expect(preview).to_contain_text(format_date(first + timedelta(days=day), language))
    assert await _serious(page) == []
    assert await EventDate.count().where(EventDate.status == "cancelled") == 0
    await page.locator("#pause").get_by_role("button", name=words["save"]).click()
    await expect(page.get_by_role("status").first).to_contain_text(words["done"])
    statuses = {
        row["local_start"].date(): row["status"]
        for row in await EventDate.select(EventDate.local_start, EventDate.status)
    }
    assert statuses[first] == "scheduled"
    assert statuses[first + timedelta(days=14)] == "cancelled"
    assert statuses[first + timedelta(days=21)] == "scheduled"
    [receipt, cancelled] = await mail_to(smtp, email, count=2)
    assert words["reason"] in text_of(cancelled)
    assert re.search(words["reason"][:20], text_of(receipt)) is None
