"""A small course in Chromium, in Dutch and in English: the host records attendance on its
held dates, the organiser sets 80 %, issues the certificates, downloads them (the PDF's text
read back), sends them (the mail with the PDF arrives, once), and anyone checks one by its
code; axe finds nothing serious on the pages."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, expect
from pypdf import PdfReader

from events_app import clock
from events_app.registration import registrations
from events_app.tables import Certificate, EventDate, Registration
from tests.factories import PASSWORD, make_date, make_host, make_organiser, series_of
from tests.helpers.browser import violations
from tests.smtp import SmtpServer

WORDS = {
    "nl": {"login": "Inloggen", "present": "Aanwezig", "absent": "Afwezig", "saved": "Bewaard",
           "save": "Bewaren", "issue": "Certificaten uitgeven aan iedereen die voldoet",
           "download": "Alle geldige certificaten downloaden", "send": "De nog niet verstuurde",
           "check": "Controleren", "heading": "Certificaat van deelname", "valid": "is geldig"},
    "en": {"login": "Log in", "present": "Present", "absent": "Absent", "saved": "Saved",
           "save": "Save", "issue": "Issue certificates to everyone who meets it",
           "download": "Download all valid certificates", "send": "Send the certificates not",
           "check": "Check", "heading": "Certificate of participation", "valid": "is valid"},
}  # fmt: skip
PEOPLE = [("Zoë Łukasz", "zoe@example.org"), ("Çelik Brouwer", "celik@example.org")]


async def _course(language: str) -> tuple[int, list[int]]:
    """Five weekly dates that took place in the last month, two people registered for all."""
    organiser = await make_organiser()
    dates = await make_date(
        organiser.organisation_id, slug="cursus", starts_in=timedelta(days=1), dates=5
    )
    for name, email in PEOPLE:
        await registrations.register(dates, name=name, email=email, role="expert",
                                     language=language)  # fmt: skip
    shift = timedelta(days=30)
    for row in await EventDate.select().where(EventDate.id.is_in(dates)):
        await EventDate.update(
            {
                EventDate.starts_at: row["starts_at"] - shift,
                EventDate.ends_at: row["ends_at"] - shift,
                EventDate.local_start: row["local_start"] - shift,
                EventDate.local_end: row["local_end"] - shift,
            }
        ).where(EventDate.id == row["id"])
    series_id = await series_of(dates[0])
    await make_host(organiser.organisation_id, series_id)
    return series_id, dates


def _has_pdf(message: Any) -> bool:
    return any(p.get_content_type() == "application/pdf" for p in message.iter_attachments())


async def _certificate_mails(smtp: SmtpServer, address: str) -> list[Any]:
    for _ in range(150):  # the app's worker delivers within a few seconds
        found = [m for m in smtp.messages if address in str(m["To"]) and _has_pdf(m)]
        if found:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"no certificate mail to {address}")


async def _log_in(page: Page, email: str, language: str) -> None:
    await page.context.clear_cookies()
    await page.goto(f"/login?lang={language}")
    await page.locator("#field-email").fill(email)
    await page.locator("#field-password").fill(PASSWORD)
    await page.get_by_role("button", name=WORDS[language]["login"]).click()
    await expect(page).not_to_have_url(re.compile("/login"))


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_attendance_to_certificate_to_check(
    page: Page, smtp: SmtpServer, tmp_path: Path, language: str
) -> None:
    smtp.clear()
    words = WORDS[language]
    series_id, dates = await _course(language)
    rows = {
        (r["event_date"], r["email"]): r["id"]
        for r in await Registration.select(
            Registration.id, Registration.event_date, Registration.email
        )
    }
    # The host: Zoë came to all five dates, Çelik to three (60 %, below 80 %).
    await _log_in(page, "host@example.org", language)
    for n, date_id in enumerate(dates):
        await page.goto(f"/host/dates/{date_id}/attendance?lang={language}")
        for _, email in PEOPLE:
            came = email == "zoe@example.org" or n < 3
            row = page.locator(f"#person-{rows[(date_id, email)]}")
            button = words["present"] if came else words["absent"]
            await row.get_by_role("button", name=re.compile(f"^{button}")).click()
            await expect(row.locator(".save-state")).to_have_text(words["saved"])

    await _log_in(page, "organiser@example.org", language)
    base = f"/organise/series/{series_id}/certificates"
    problems = await violations(page, f"{base}?lang={language}")
    await page.locator("#field-threshold-measure").check()
    await page.locator("#field-threshold-value").fill("80")
    await page.get_by_role("button", name=words["save"], exact=True).click()
    await expect(page.get_by_role("status")).to_be_visible()
    await page.get_by_role("button", name=words["issue"]).click()
    await expect(page.get_by_role("status")).to_contain_text("1")
    problems += await violations(page, f"{base}?lang={language}")
    [cert] = await Certificate.select()
    assert cert["name"] == "Zoë Łukasz"

    async with page.expect_download() as info:
        await page.get_by_role("link", name=re.compile(words["download"])).click()
    saved = tmp_path / "certificates.pdf"
    await (await info.value).save_as(saved)
    [text] = [p.extract_text() for p in PdfReader(io.BytesIO(saved.read_bytes())).pages]
    assert "Zoë Łukasz" in text and words["heading"] in text and cert["code"] in text
    assert "Çelik" not in text

    await page.get_by_role("button", name=re.compile(words["send"])).click()
    await expect(page.get_by_role("status")).to_be_visible()
    await page.get_by_role("button", name=re.compile(words["send"])).click()  # nobody again
    # (a registration receipt may have gone out before the dates were moved: not counted)
    [mail] = await _certificate_mails(smtp, "zoe@example.org")
    [pdf] = list(mail.iter_attachments())
    assert pdf.get_content_type() == "application/pdf"
    assert words["heading"] in PdfReader(io.BytesIO(pdf.get_content())).pages[0].extract_text()
    await page.wait_for_timeout(1000)
    assert len(await _certificate_mails(smtp, "zoe@example.org")) == 1
    assert [m for m in smtp.messages if "celik@" in str(m["To"]) and _has_pdf(m)] == []

    # Anyone, logged out, checks the code as they read it from the paper.
    await page.context.clear_cookies()
    problems += await violations(page, f"/certificates/verify?lang={language}")
    await page.locator("#field-code").fill(cert["code"].lower().replace("-", " "))
    await page.get_by_role("button", name=words["check"], exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(words["heading"])
    await expect(page.get_by_role("status")).to_contain_text(words["valid"])
    await expect(page.locator("dl.certificate")).to_contain_text("Zoë Łukasz")
    problems += await violations(page, f"/certificates/{cert['code']}?lang={language}")
    await page.goto(f"/certificates/verify?lang={language}&code=AAAA-AAAA-AAAA-AAAA-AAAA")
    await expect(page.locator("#error-code")).to_be_visible()
    assert clock.now()  # the server runs on the real clock: dates were moved, not frozen
    assert problems == []
