"""A request from the form to an accepted event, in Chromium, as the three people who do it:
a school asks for a guest lesson; the organiser adds an expert to the pool (with consent) and
asks her; the expert says yes through her mailed link; the organiser proposes a date with her;
the school accepts through its own link; the event exists (not in the public agenda), and the
school and the expert both get a mail with the calendar invitation, the organisation a notice.
Dutch and English; axe finds nothing serious or critical on the pages of the proposal."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.async_api import Page, expect

from events_app import clock
from events_app.tables import ExpertRequest, Series
from tests.factories import PASSWORD, make_organiser
from tests.helpers.browser import mail_to, text_of, violations
from tests.smtp import SmtpServer

REQUEST_LINK = re.compile(r"https?://[^\s\"<>]+(/request/[A-Za-z0-9_\-]+)")
EXPERT_LINK = re.compile(r"https?://[^\s\"<>]+(/expert/[A-Za-z0-9_\-]+)")
CONTACT = "info@stadsnetwerk.example.org"
WORDS = {
    "nl": {
        "ask": "Doe een aanvraag",
        "kind": "Gastles",
        "send": "Verstuur mijn aanvraag",
        "login": "Inloggen",
        "add": "Aan de pool toevoegen",
        "ask_by_mail": "Per e-mail vragen",
        "yes": "Ja, dat wil ik graag",
        "answer": "Mijn antwoord versturen",
        "propose": "Stuur het voorstel",
        "proposal_sent": "Het voorstel is naar",
        "proposal_mail": "Een voorstel voor je aanvraag",
        "accept": "Dit voorstel aannemen",
        "booked": "het is geboekt",
        "booked_mail": "Geboekt: Gastles herstel",
        "made_from": "Gemaakt van een aanvraag",
    },
    "en": {
        "ask": "Send a request",
        "kind": "Guest lesson",
        "send": "Send my request",
        "login": "Log in",
        "add": "Add to the pool",
        "ask_by_mail": "Ask by e-mail",
        "yes": "Yes, I would like to",
        "answer": "Send my answer",
        "propose": "Send the proposal",
        "proposal_sent": "The proposal is sent to",
        "proposal_mail": "A proposal for your request",
        "accept": "Accept this proposal",
        "booked": "it is booked",
        "booked_mail": "Booked: Gastles herstel",
        "made_from": "Made from a request",
    },
}


def _calendar(message: object) -> str:
    for part in message.walk():  # type: ignore[attr-defined]
        if part.get_content_type() == "text/calendar":
            return str(part.get_content())
    raise AssertionError("no calendar invitation in the mail")


async def _login(page: Page, language: str) -> None:
    await page.goto(f"/login?lang={language}")
    await page.locator("#field-email").fill("organiser@example.org")
    await page.locator("#field-password").fill(PASSWORD)
    await page.get_by_role("button", name=WORDS[language]["login"]).click()
    await expect(page).not_to_have_url(re.compile("/login"))


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_a_request_becomes_an_event_as_requester_organiser_and_expert(
    page: Page, smtp: SmtpServer, language: str
) -> None:
    smtp.clear()
    words = WORDS[language]
    school = f"school-{language}@example.org"
    expert = f"esra-{language}@example.org"
    topic = f"Herstel en werk ({language})"
    organiser = await make_organiser()
    org = organiser.organisation_id
    day = (clock.now() + timedelta(days=45)).date().isoformat()

    # The school asks for a guest lesson on the organisation's page.
    await page.goto(f"/organisations/stadsnetwerk?lang={language}")
    await page.get_by_role("link", name=words["ask"]).click()
    await page.get_by_label(words["kind"]).check()
    await page.locator("#field-topic").fill(topic)
    await page.locator("#field-people").fill("24")
    await page.locator("#field-preferred_days").fill(day)
    await page.locator("#field-format").check()  # in person
    await page.locator("#field-address").fill("Hogeschool Voorbeeld, Lokaal 2.14")
    await page.locator("#field-contact_name").fill("Dana Docent")
    await page.locator("#field-contact_email").fill(school)
    await page.get_by_role("button", name=words["send"]).click()
    [received] = await mail_to(smtp, school)
    found = REQUEST_LINK.search(text_of(received))
    assert found is not None
    request_path = found.group(1)

    # The organiser adds an expert to the pool, with her consent, and asks her.
    await _login(page, language)
    await page.goto(f"/organise/{org}/experts?lang={language}")
    await page.locator("#field-name").fill("Esra Ervaring")
    await page.locator("#field-email").fill(expert)
    await page.locator("#field-topics").fill("herstel, werk")
    if language == "en":
        await page.locator("#language-nl").uncheck()
        await page.locator("#language-en").check()
    await page.locator("#field-fee").fill("85,50")
    await page.locator("#consent").check()
    await page.locator("#field-consent_note").fill("Mondeling op de intervisie")
    await page.get_by_role("button", name=words["add"]).click()
    [request] = await ExpertRequest.select(ExpertRequest.id)
    detail = f"/organise/{org}/requests/{request['id']}"
    await page.goto(f"{detail}?lang={language}")
    await page.locator(f"a[href='{detail}/experts']").click()
    await page.get_by_label(re.compile("Esra Ervaring")).check()
    await page.locator("#field-message").fill("Een hogeschool vraagt een gastles. Kun jij?")
    await page.get_by_role("button", name=words["ask_by_mail"]).click()

    # The expert answers yes through the link in her mail (she has no account).
    [asked] = await mail_to(smtp, expert)
    found = EXPERT_LINK.search(text_of(asked))
    assert found is not None
    await page.context.clear_cookies()
    await page.goto(f"{found.group(1)}?lang={language}")
    await page.get_by_label(words["yes"]).check()
    await page.locator("#field-note").fill("Graag, 's middags.")
    await page.get_by_role("button", name=words["answer"]).click()
    await expect(page.get_by_role("status")).to_be_visible()

    # The organiser proposes a date with her.
    await _login(page, language)
    await page.goto(f"{detail}?lang={language}")
    await page.locator(f"a[href='{detail}/proposal']").click()
    problems = await violations(page, page.url)
    await page.locator("#field-title").fill("Gastles herstel")
    # She said yes, so she is chosen already (and first).
    await expect(page.locator("#field-expert_id option:checked")).to_contain_text("Esra Ervaring")
    await page.locator("#field-day").fill(day)
    await page.locator("#field-start_time").fill("13:30")
    await page.locator("#field-duration_minutes").fill("90")
    await page.locator("#format-in_person").check()
    await page.get_by_role("button", name=words["propose"]).click()
    await expect(page.get_by_role("status")).to_contain_text(words["proposal_sent"])
    problems += await violations(page, page.url)

    # The school reads the proposal in its mail and accepts it on its own page.
    proposal_mail = (await mail_to(smtp, school, 2))[1]
    assert words["proposal_mail"] in str(proposal_mail["Subject"])
    assert "Esra Ervaring" in text_of(proposal_mail) and "13:30" in text_of(proposal_mail), text_of(
        proposal_mail
    )
    await page.context.clear_cookies()
    problems += await violations(page, f"{request_path}?lang={language}")
    await page.get_by_role("button", name=words["accept"]).click()
    await expect(page.get_by_role("status")).to_contain_text(words["booked"])
    problems += await violations(page, page.url)

    # It is an event now, not in the public agenda; both people have the invitation.
    [request] = await ExpertRequest.select(ExpertRequest.status, ExpertRequest.series)
    assert request["status"] == "accepted"
    series = await Series.select(Series.published).where(Series.id == request["series"]).first()
    assert series == {"published": False}
    booked_school = (await mail_to(smtp, school, 3))[2]
    booked_expert = (await mail_to(smtp, expert, 2))[1]
    for mail in (booked_school, booked_expert):
        assert words["booked_mail"] in str(mail["Subject"])
        invitation = _calendar(mail)
        assert "METHOD:REQUEST" in invitation and "T133000" in invitation
    notices = await mail_to(smtp, CONTACT, 3)
    assert any("Voorstel aangenomen" in str(m["Subject"]) for m in notices)  # org speaks Dutch
    await _login(page, language)
    await page.goto(f"/organise/series/{request['series']}?lang={language}")
    await expect(page.get_by_text(words["made_from"])).to_be_visible()
    assert problems == []
