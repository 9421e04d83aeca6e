"""Hosts in Chromium: log in with the form, open My dates, export the list, mark attendance
with taps (also while the connection drops), make groups; a host of one series cannot open
another series' pages; a forgotten password is reset through the link in the real mail; axe
finds no serious or critical violation on these pages."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from events_app import clock
from events_app.tables import EventDate, Registration
from tests.factories import (
    PASSWORD,
    fill,
    make_date,
    make_host,
    make_organisation,
    make_organiser,
    series_of,
)
from tests.helpers.browser import mail_to, text_of, violations
from tests.smtp import SmtpServer

HOST = "host@example.org"


async def _axe_here(page: Page) -> list[str]:
    """axe on the page as it is now (a form shown after a POST cannot be loaded again)."""
    from axe_playwright_python.async_playwright import Axe

    results = await Axe().run(page)
    return [
        f"{page.url}: {v['id']} ({v['impact']})"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


async def _setup() -> tuple[int, int, list[int]]:
    org = await make_organisation()
    [mine] = await make_date(org, slug="mijn-reeks", capacity=3)
    [other] = await make_date(org, slug="andere-reeks", capacity=3)
    await make_host(org, await series_of(mine))
    people = await fill(mine, 4)
    # The meeting starts in half an hour: attendance can be recorded.
    row = (await EventDate.select().where(EventDate.id == mine))[0]
    shift = row["starts_at"] - (clock.now() + timedelta(minutes=30))
    await EventDate.update(
        {
            EventDate.starts_at: row["starts_at"] - shift,
            EventDate.ends_at: row["ends_at"] - shift,
            EventDate.local_start: row["local_start"] - shift,
            EventDate.local_end: row["local_end"] - shift,
        }
    ).where(EventDate.id == mine)
    return mine, other, people


async def _log_in(page: Page, password: str = PASSWORD, next_: str = "/host") -> None:
    await page.goto(f"/login?lang=en&next={next_}")
    await page.get_by_label("E-mail address").fill(HOST)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Log in").click()


async def test_host_exports_the_list_and_marks_attendance(page: Page, tmp_path: Path) -> None:
    mine, _, people = await _setup()
    await _log_in(page)
    await expect(page.get_by_role("heading", level=1)).to_have_text("My dates")
    await page.get_by_role("link", name="Bijeenkomst mijn-reeks").click()
    await expect(page.get_by_role("heading", name=re.compile(r"Registered \(3\)"))).to_be_visible()
    await expect(
        page.get_by_role("heading", name=re.compile(r"Waiting list \(1\)"))
    ).to_be_visible()

    async with page.expect_download() as info:
        await page.get_by_role("link", name="Download as spreadsheet (CSV)").click()
    download = await info.value
    saved = tmp_path / "list.csv"
    await download.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_text("utf-8-sig")), delimiter=";"))
    assert [r[2] for r in rows[1:]] == [f"Deelnemer {n:02d}" for n in range(4)]

    await (
        page.get_by_role("navigation", name="This date")
        .get_by_role("link", name="Attendance")
        .click()
    )
    first = page.locator(f"#person-{people[0]}")
    await first.get_by_role("button", name=re.compile("^Present")).click()
    await expect(first.get_by_role("button", name=re.compile("^Present"))).to_have_attribute(
        "aria-pressed", "true"
    )
    await expect(first.locator(".save-state")).to_have_text("Saved")

    # The connection drops: the tap is shown as not saved, and saved when it comes back.
    second = page.locator(f"#person-{people[1]}")
    await page.context.set_offline(True)
    await second.get_by_role("button", name=re.compile("^Absent")).click()
    await expect(second.locator(".save-state")).to_contain_text("No connection")
    await expect(second).to_have_class(re.compile("is-failed"))
    await page.context.set_offline(False)
    await expect(second.locator(".save-state")).to_have_text("Saved")
    await expect(second).not_to_have_class(re.compile("is-failed"))

    await page.reload()
    await expect(page.locator("#attendance-count")).to_contain_text("1 present · 1 absent")
    marks = {
        r["id"]: r["attended"]
        for r in await Registration.select(Registration.id, Registration.attended)
    }
    assert marks[people[0]] is True and marks[people[1]] is False and marks[people[2]] is None

    await page.goto(f"/host/dates/{mine}/groups")
    await page.get_by_label("Number of groups").fill("2")
    await page.get_by_label("Only the people marked present").check()
    await page.get_by_role("button", name="Make groups").click()
    await expect(page.get_by_role("heading", name=re.compile("^Group 1"))).to_be_visible()


async def test_a_host_cannot_open_another_series(page: Page) -> None:
    mine, other, _ = await _setup()
    await _log_in(page)
    for path in (
        f"/host/dates/{other}",
        f"/host/dates/{other}/attendance",
        f"/host/dates/{other}/signups.csv",
        f"/host/dates/{other}/groups?n=2",
    ):
        response = await page.goto(path)
        assert response is not None and response.status == 404, path
    await expect(page.get_by_role("heading", level=1)).to_contain_text("does not exist")
    response = await page.goto(f"/host/dates/{mine}")
    assert response is not None and response.status == 200


async def test_a_forgotten_password_is_reset_through_the_mail(page: Page, smtp: SmtpServer) -> None:
    smtp.clear()
    await _setup()
    await page.goto("/login?lang=en")
    await page.get_by_role("link", name="Forgot your password?").click()
    await page.get_by_label("E-mail address").fill(HOST)
    await page.get_by_role("button", name="Send me a link").click()
    await expect(page.get_by_role("status")).to_contain_text("If this address belongs")
    [mail] = await mail_to(smtp, HOST)
    link = re.search(r"https?://\S+/password/reset/[\w-]+", text_of(mail))
    assert link is not None
    await page.goto(link.group(0))
    await page.get_by_label("New password (at least 10 characters)").fill("een nieuw wachtwoord")
    await page.get_by_label("New password again").fill("een nieuw wachtwoord")
    await page.get_by_role("button", name="Save my new password").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    await page.get_by_role("button", name="Log out", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("You are logged out")
    await _log_in(page, password="een nieuw wachtwoord")
    await expect(page.get_by_role("heading", level=1)).to_have_text("My dates")


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_staff_pages_have_no_serious_violations(page: Page, language: str) -> None:
    mine, _, _ = await _setup()
    await page.goto(f"/login?lang={language}")
    problems = await violations(page, "/login")
    problems += await violations(page, "/password/forgot")
    await page.goto(f"/login?lang={language}")
    await page.locator("#field-email").fill(HOST)
    await page.locator("#field-password").fill("wrong password")
    await page.locator("form.narrow-form button[type=submit]").click()
    problems += await violations(page, page.url.replace(page.url.split("/login")[0], ""))
    await page.locator("#field-email").fill(HOST)
    await page.locator("#field-password").fill(PASSWORD)
    await page.locator("form.narrow-form button[type=submit]").click()
    for path in (
        "/host",
        f"/host/dates/{mine}",
        f"/host/dates/{mine}/print",
        f"/host/dates/{mine}/attendance",
        f"/host/dates/{mine}/groups?n=2",
        f"/host/dates/{mine}/groups?n=99",
        f"/host/dates/{mine}/mail",
        f"/host/dates/{mine}/applications",
        f"/host/series/{await series_of(mine)}/participation",
        "/account",
    ):
        problems += await violations(page, path)
    assert problems == []


async def test_an_organiser_invites_a_host_who_joins_through_the_mail(
    page: Page, smtp: SmtpServer
) -> None:
    smtp.clear()
    await make_organiser()
    await page.goto("/login?lang=en")
    await page.get_by_label("E-mail address").fill("organiser@example.org")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await page.get_by_role("link", name="Team").click()
    problems = await violations(page, "/team")
    await page.get_by_label("Name").fill("Nina Nieuw")
    await page.get_by_label("E-mail address").fill("nina@example.org")
    await page.get_by_role("button", name="Send the invitation").click()
    await expect(page.get_by_role("status")).to_contain_text("the invitation is on its way")
    await page.get_by_role("button", name="Log out", exact=True).click()

    [mail] = await mail_to(smtp, "nina@example.org")
    link = re.search(r"https?://\S+/invitations/[\w-]+", text_of(mail))
    assert link is not None
    await page.goto(link.group(0))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Join Stadsnetwerk")
    problems += await violations(page, "/invitations/" + link.group(0).rsplit("/", 1)[1])
    await page.get_by_label("Your name").fill("Nina Nieuw")
    await page.get_by_label("Password (at least 10 characters)").fill("nina haar wachtwoord")
    await page.get_by_label("Password again").fill("nina haar wachtwoord")
    await page.get_by_role("button", name="Accept the invitation").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("My dates")
    assert problems == []


async def test_an_organiser_plans_a_fortnightly_series_with_a_skipped_holiday(
    page: Page,
) -> None:
    organiser = await make_organiser()
    await page.goto("/login?lang=en")
    await page.get_by_label("E-mail address").fill("organiser@example.org")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await page.get_by_role("link", name="Plan").click()
    problems = await violations(page, "/organise")
    await page.get_by_role("link", name="New series").click()
    year = clock.now().year + 1  # a Tuesday well ahead, and a holiday two weeks later
    first = date(year, 3, 2)
    while first.weekday() != 1:
        first += timedelta(days=1)
    holiday = first + timedelta(weeks=2)
    await page.get_by_label("First date").fill(first.isoformat())
    await page.get_by_label("Start time").fill("19:30")
    await page.get_by_label("End time").fill("21:00")
    # only the fields that apply to the chosen repeat are shown
    await page.get_by_label("Once (one date)").check()
    await expect(page.get_by_label(re.compile("^Every how many"))).to_be_hidden()
    await expect(page.get_by_role("checkbox", name="Tuesday")).to_be_hidden()
    await page.get_by_label("Every week or every few weeks").check()
    await expect(page.get_by_role("checkbox", name="Tuesday")).to_be_visible()
    await expect(page.get_by_label("Which week of the month?", exact=False)).to_be_hidden()
    await expect(page.get_by_label("Last date")).to_be_hidden()
    await page.get_by_label("Until a date").check()
    await expect(page.get_by_label("Last date")).to_be_visible()
    await page.get_by_label("No end date").check()
    await page.get_by_label(re.compile("^Every how many")).fill("2")
    await page.get_by_role("checkbox", name="Tuesday").check()
    await page.get_by_label(re.compile("^Skip these dates")).fill(holiday.strftime("%d-%m-%Y"))
    await page.get_by_label("Title").fill("Herstelcafé op dinsdag")
    await page.get_by_label("Published: shown in the agenda").check()
    await page.get_by_role("button", name="Show the dates").click()
    # public holidays among the dates come ticked for skipping; this group meets on them
    holidays = page.get_by_role("group", name="Public holidays among the dates")
    for box in await holidays.get_by_role("checkbox").all():
        await box.uncheck()
    await page.get_by_role("button", name="Show the dates").click()
    preview = page.get_by_role("region", name="Check before saving")
    await expect(preview).to_contain_text("every two weeks on Tuesday, 19:30–21:00")
    await expect(preview.locator("s")).to_have_count(1)
    problems += await _axe_here(page)
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_role("status")).to_contain_text("the series is saved")
    await expect(page.get_by_text("No meeting (skipped)")).to_have_count(1)
    problems += await _axe_here(page)

    # Give the first date a speaker, and cancel the next one.
    first_date = page.locator(".host-date").first
    await first_date.locator("summary").click()
    await first_date.get_by_label("Topic or speaker of this date").fill("Met gastspreker Sam")
    await first_date.get_by_role("button", name="Save this date").click()
    await expect(page.get_by_role("status")).to_contain_text("the date is changed")
    second = page.locator(".host-date").nth(2)  # the one after the skipped holiday
    await second.locator("summary").click()
    await second.get_by_label(re.compile("^Reason for cancelling")).fill("De zaal is dicht")
    await second.get_by_role("button", name="Cancel this date").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Call off")
    await expect(page.get_by_text("Your reason in the e-mail: De zaal is dicht")).to_be_visible()
    problems += await _axe_here(page)
    await page.get_by_role("button", name="Yes, call off this date").click()
    await expect(page.get_by_role("status")).to_contain_text("the date is cancelled")

    problems += await violations(page, f"/organise/{organiser.organisation_id}/mail")
    problems += await violations(page, f"/organise/{organiser.organisation_id}/settings")
    problems += await violations(page, f"/organise/{organiser.organisation_id}/programmes/new")
    public = await page.goto("/events/herstelcafe-op-dinsdag?lang=en")
    assert public is not None and public.status == 200
    await expect(page.get_by_text("Met gastspreker Sam")).to_be_visible()
    assert problems == []
