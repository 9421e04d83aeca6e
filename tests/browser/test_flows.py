"""End-to-end in Chromium: find, register, mail, manage link, personal feed, cancel; a
workshop week; a full date's waiting list.

After registering the browser only sees "check your e-mail": the way to the manage page is the
link in the mail that the test SMTP server caught."""

from __future__ import annotations

import re
from typing import Any

import httpx
from playwright.async_api import Page, expect

from events_app.tables import OutboxMail, Programme, Registration, Series
from tests.factories import make_date, make_organisation
from tests.helpers.browser import mail_to, text_of
from tests.smtp import SmtpServer


def _manage_link(message: Any) -> str:
    text = text_of(message)
    link = re.search(r"https?://\S+/manage/[\w-]+", text)
    assert link is not None, text
    return link.group(0)


async def _check_your_email(page: Page) -> None:
    """The page after registering: nothing about the person, no link to their page."""
    await expect(page.get_by_role("heading", level=1)).to_have_text("Kijk in je e-mail")
    assert re.search(r"/registered\?dates=[\d,]+$", page.url), page.url
    assert await page.locator('a[href*="/manage/"]').count() == 0


async def _fill_person(page: Page, name: str, email: str) -> None:
    await page.get_by_label("Je naam").fill(name)
    await page.get_by_label("Je e-mailadres").fill(email)


async def test_meetup_register_mail_manage_feed_cancel(
    page: Page, smtp: SmtpServer, base_url: str
) -> None:
    smtp.clear()
    org = await make_organisation()
    dates = await make_date(org, slug="ontmoeting", dates=4, registration_mode="optional")
    await Series.update(
        {Series.title: "Ontmoeting op donderdag", Series.rrule: "FREQ=WEEKLY"}
    ).where(Series.slug == "ontmoeting")
    await page.goto("/")
    await page.get_by_role("link", name="Ontmoeting op donderdag").first.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Ontmoeting op donderdag")
    await page.get_by_role("link", name="Aanmelden", exact=True).click()
    await page.get_by_label(re.compile("^donderdag|^[a-z]+dag")).first.check()
    await _fill_person(page, "Alex de Vries", "alex@example.org")
    await page.get_by_role("button", name="Aanmelden").click()
    await _check_your_email(page)
    await expect(page.get_by_text("Ontmoeting op donderdag")).to_be_visible()

    [mail] = await mail_to(smtp, "alex@example.org")
    link = _manage_link(mail)
    assert link.startswith(base_url + "/manage/")

    await page.goto(link)
    await expect(page.get_by_role("heading", name="Mijn aanmeldingen")).to_be_visible()
    feed = await page.get_by_role("link", name="Mijn agenda-adres (https)").get_attribute("href")
    webcal = await page.get_by_role("link", name="Abonneren in mijn agenda-app").get_attribute(
        "href"
    )
    assert feed is not None and webcal is not None and webcal.startswith("webcal://")
    async with httpx.AsyncClient() as client:
        ics = (await client.get(feed)).text
    assert "BEGIN:VEVENT" in ics and "Ontmoeting op donderdag" in ics

    await page.get_by_role("button", name=re.compile("^Afmelden")).first.click()
    await expect(page.get_by_text("Gelukt: je bent afgemeld voor die datum.")).to_be_visible()
    status = await Registration.select(Registration.status).where(
        Registration.event_date == dates[0]
    )
    assert [row["status"] for row in status] == ["cancelled"]
    async with httpx.AsyncClient() as client:
        ics = (await client.get(feed)).text
    assert "STATUS:CANCELLED" in ics


async def test_workshop_week_two_workshops(page: Page, smtp: SmtpServer) -> None:
    smtp.clear()
    org = await make_organisation()
    ids = [(await make_date(org, slug=f"workshop-{n}"))[0] for n in range(3)]
    rows = await Programme.insert(
        Programme(organisation=org, slug="week", title="Week van de workshops", published=True)
    ).returning(Programme.id)
    await Series.update({Series.programme: rows[0]["id"]}).where(Series.organisation == org)
    await page.goto("/programmes/week")
    await page.get_by_label(re.compile("Bijeenkomst workshop-0")).check()
    await page.get_by_label(re.compile("Bijeenkomst workshop-2")).check()
    await _fill_person(page, "Sam", "sam@example.org")
    await page.get_by_role("button", name="Aanmelden").click()
    await _check_your_email(page)
    found = await Registration.select(Registration.event_date)
    assert {row["event_date"] for row in found} == {ids[0], ids[2]}
    # one mail for both workshops, with a calendar invitation for each
    [mail] = await mail_to(smtp, "sam@example.org")
    text = text_of(mail)
    assert "Bijeenkomst workshop-0" in text and "Bijeenkomst workshop-2" in text
    assert "Bijeenkomst workshop-1" not in text
    attachments = sorted(part.get_filename() for part in mail.iter_attachments())
    assert attachments == ["date-1.ics", "date-2.ics"]
    assert await OutboxMail.count().where(OutboxMail.to_email == "sam@example.org") == 1


async def test_full_date_waiting_list(page: Page, smtp: SmtpServer) -> None:
    smtp.clear()
    org = await make_organisation()
    [date_id] = await make_date(org, slug="inleefsessie", capacity=1)
    for n, name in enumerate(["Eerste", "Tweede"]):
        await page.goto(f"/events/inleefsessie/{date_id}")
        if n == 1:
            await expect(page.get_by_text("Vol — wachtlijst")).to_be_visible()
            await page.get_by_role("link", name="Op de wachtlijst").click()
        else:
            await page.get_by_role("link", name="Aanmelden", exact=True).click()
        await _fill_person(page, name, f"{name.lower()}@example.org")
        await page.get_by_role("button", name="Aanmelden").click()
        await _check_your_email(page)
    [mail] = await mail_to(smtp, "tweede@example.org")
    assert "Je bent nummer 1." in text_of(mail)
    await page.goto(_manage_link(mail))
    await expect(page.get_by_text("Je staat op de wachtlijst (plek 1).")).to_be_visible()
    await page.get_by_role("button", name=re.compile("^Van de wachtlijst af")).click()
    await expect(page.get_by_text("Gelukt")).to_be_visible()


async def test_error_is_announced_and_input_kept(page: Page) -> None:
    org = await make_organisation()
    await make_date(org, slug="ontmoeting")
    await page.goto("/events/ontmoeting/register")
    await _fill_person(page, "Alex", "alex@")
    await page.get_by_role("button", name="Aanmelden").click()
    await expect(page.get_by_role("alert")).to_contain_text("Dit e-mailadres klopt niet")
    email = page.get_by_label("Je e-mailadres")
    await expect(email).to_have_value("alex@")
    await expect(email).to_have_attribute("aria-invalid", "true")
    focused = await page.evaluate("document.activeElement.id")
    assert focused == "error-summary-title"
