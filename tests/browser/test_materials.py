"""An organiser in Chromium adds a file and a written text to a date that is over, sends the
materials once, and the people registered get one mail with links to them (Dutch and English);
the date page shows the text and serves the file; axe finds nothing serious on the pages."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, expect

from events_app import clock
from events_app.tables import EventDate, Material
from tests.factories import PASSWORD, fill, make_date, make_organiser
from tests.helpers.browser import mail_to, text_of, violations
from tests.smtp import SmtpServer

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
WORDS = {
    "nl": {"login": "Inloggen", "added": "het materiaal staat erbij", "sent": "één e-mail per"},
    "en": {"login": "Log in", "added": "the material is added", "sent": "one e-mail each"},
}


async def _date_that_ended(people: int, language: str) -> int:
    organiser = await make_organiser()
    [date_id] = await make_date(organiser.organisation_id, starts_in=timedelta(days=1))
    await fill(date_id, people, language=language)
    row = (await EventDate.select().where(EventDate.id == date_id))[0]
    shift = row["starts_at"] - (clock.now() - timedelta(hours=3))
    await EventDate.update(
        {
            EventDate.starts_at: row["starts_at"] - shift,
            EventDate.ends_at: row["ends_at"] - shift,
            EventDate.local_start: row["local_start"] - shift,
            EventDate.local_end: row["local_end"] - shift,
        }
    ).where(EventDate.id == date_id)
    return date_id


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_an_organiser_adds_a_file_and_a_text_and_sends_them_once(
    page: Page, smtp: SmtpServer, base_url: str, tmp_path: Path, language: str
) -> None:
    smtp.clear()
    words = WORDS[language]
    date_id = await _date_that_ended(2, language)
    await page.goto(f"/login?lang={language}")
    await page.locator("#field-email").fill("organiser@example.org")
    await page.locator("#field-password").fill(PASSWORD)
    await page.get_by_role("button", name=words["login"]).click()
    materials = f"/organise/dates/{date_id}/materials"
    problems = await violations(page, materials)

    slides = tmp_path / "Dia's mei.pdf"
    slides.write_bytes(PDF)
    await page.locator("#field-file-title").fill("Dia's")
    await page.locator("#field-file-file").set_input_files(str(slides))
    await page.locator("form[action$='material-file'] button[type=submit]").click()
    await expect(page.get_by_role("status")).to_contain_text(words["added"])

    await page.locator("#field-text-title").fill("Vragen uit de chat")
    await page.locator("#field-text-body").fill("Vraag: hoe begin ik?\nAntwoord: klein.")
    await page.locator("form[action$='material-text'] button[type=submit]").click()
    await expect(page.get_by_role("status")).to_contain_text(words["added"])
    assert smtp.messages == []  # adding sends nothing

    # A refused file is shown at its field, and the page stays accessible.
    bad = tmp_path / "programma.exe"
    bad.write_bytes(b"MZ")
    await page.locator("#field-file-file").set_input_files(str(bad))
    await page.locator("form[action$='material-file'] button[type=submit]").click()
    await expect(page.locator("#error-file-file")).to_be_visible()
    await expect(page.locator("#field-file-file")).to_have_attribute("aria-invalid", "true")

    await page.goto(materials)
    problems += await violations(page, materials)
    await page.locator("input[name=audience][value=registered]").check()
    await page.locator("form[action$='materials-send'] button[type=submit]").click()
    await expect(page.get_by_role("status")).to_contain_text(words["sent"])
    # Sending again at once is refused, with the reason on the page.
    await page.locator("input[name=again]").check()
    await page.locator("form[action$='materials-send'] button[type=submit]").click()
    await expect(page.get_by_role("alert")).to_be_visible()

    mails = await mail_to(smtp, "@example.org", count=2)
    await page.wait_for_timeout(500)
    assert len([m for m in smtp.messages if "p0@example.org" in str(m["To"])]) == 1
    text = text_of(mails[0])
    [file_row] = await Material.select(Material.id).where(Material.kind == "file")
    file_url = f"{base_url}/events/ontmoeting/{date_id}/materials/{file_row['id']}"
    assert file_url in text and "#material-" in text
    assert all(part.get_content_maintype() != "application" for part in mails[0].walk())

    date_page = f"/events/ontmoeting/{date_id}"
    await page.goto(date_page + f"?lang={language}")
    await expect(page.get_by_role("heading", name="Vragen uit de chat")).to_be_visible()
    await expect(page.locator(".material-text")).to_contain_text("Antwoord: klein.")
    problems += await violations(page, date_page)
    async with httpx.AsyncClient(base_url=base_url) as anonymous:
        served = await anonymous.get(file_url)
    assert served.status_code == 200 and served.content == PDF
    assert served.headers["content-type"] == "application/pdf"
    assert problems == []
