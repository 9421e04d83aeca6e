"""In Chromium, in Dutch and English: a two-day training registered as one.

One person takes the only seat, the next waits; each gets one mail for both days (two calendar
invitations for the one with a place).  The first cancels from the link in their mail: both
days free up at once and the one waiting gets one mail with a place on both days.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import Page, expect

from events_app.tables import Registration, Series
from tests.factories import make_date, make_organisation, series_of
from tests.helpers.browser import mail_to, text_of
from tests.smtp import SmtpServer

WORDS = {
    "nl": {
        "register": "Aanmelden",
        "all": "Je meldt je in één keer aan voor alle 2 datums",
        "name": "Je naam",
        "email": "Je e-mailadres",
        "cancel": "Alle datums van deze activiteit annuleren",
        "promoted": "Goed nieuws",
    },
    "en": {
        "register": "Register",
        "all": "You register for all 2 dates at once",
        "name": "Your name",
        "email": "Your e-mail address",
        "cancel": "Cancel all dates of this event",
        "promoted": "Good news",
    },
}


def _calendars(message: Any) -> list[str]:
    return sorted(
        part.get_filename()
        for part in message.walk()
        if (part.get_filename() or "").endswith(".ics")
    )


async def _statuses(email: str) -> list[str]:
    rows = (
        await Registration.select(Registration.status)
        .where(Registration.email == email)
        .order_by(Registration.event_date)
    )
    return [row["status"] for row in rows]


async def _register(page: Page, words: dict[str, str], slug: str, lang: str, who: str) -> None:
    await page.goto(f"/events/{slug}?lang={lang}")
    await page.get_by_role("link", name=words["register"], exact=True).click()
    await expect(page.get_by_role("heading", name=words["all"])).to_be_visible()
    assert await page.locator('input[name="dates"]').count() == 0  # nothing to choose
    await page.get_by_label(words["name"]).fill(who.split("@")[0].title())
    await page.get_by_label(words["email"]).fill(who)
    await page.get_by_role("button", name=words["register"]).click()
    await expect(page).to_have_url(re.compile(r"/registered\?dates="))


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_two_days_one_seat_one_list_one_mail(page: Page, smtp: SmtpServer, lang: str) -> None:
    smtp.clear()
    words = WORDS[lang]
    org = await make_organisation()
    slug = f"training-{lang}"
    dates = await make_date(org, slug=slug, capacity=1, dates=2)
    await Series.update({Series.together: True, Series.kind: "training"}).where(
        Series.id == await series_of(dates[0])
    )
    first, second = f"eerste-{lang}@example.org", f"tweede-{lang}@example.org"

    await _register(page, words, slug, lang, first)
    [mail] = await mail_to(smtp, first)
    assert _calendars(mail) == ["date-1.ics", "date-2.ics"]
    await _register(page, words, slug, lang, second)
    [waiting_mail] = await mail_to(smtp, second)
    assert _calendars(waiting_mail) == []  # no place yet: no invitation
    assert await _statuses(second) == ["waiting", "waiting"]

    link = re.search(r"https?://\S+/manage/[\w-]+", text_of(mail))
    assert link is not None
    await page.goto(link.group(0))
    buttons = page.get_by_role("button", name=re.compile("^" + words["cancel"]))
    await expect(buttons).to_have_count(1)
    await buttons.click()
    assert await _statuses(first) == ["cancelled", "cancelled"]
    assert await _statuses(second) == ["confirmed", "confirmed"]
    mails = await mail_to(smtp, second, count=2)
    promoted = mails[-1]
    assert words["promoted"] in str(promoted["Subject"])
    assert _calendars(promoted) == ["date-1.ics", "date-2.ics"]
    assert len([m for m in smtp.messages if second in str(m["To"])]) == 2
