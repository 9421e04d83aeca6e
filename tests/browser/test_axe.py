"""axe-core in Chromium on every page, Dutch and English: no serious or critical violation."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page

from events_app import clock
from events_app.registration import applications, following, registrations
from events_app.tables import Follower, Material, Programme, Series
from tests.factories import make_date, make_organisation, manage_token_of
from tests.helpers.browser import SERIOUS, violations


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_no_serious_violations(page: Page, language: str) -> None:
    org = await make_organisation()
    dates = await make_date(org, slug="ontmoeting", dates=3, capacity=2)
    [full] = await make_date(org, slug="vol", capacity=1)
    await registrations.register([full], name="Een", email="een@example.org")
    await Material.insert(Material(event_date=dates[0], title="Dia's", url="https://example.org/d"))
    rows = await Programme.insert(
        Programme(organisation=org, slug="week", title="Week", published=True)
    ).returning(Programme.id)
    await Series.update({Series.programme: rows[0]["id"]}).where(Series.slug == "vol")
    training = await make_date(org, slug="training", dates=2, capacity=4)
    await Series.update({Series.together: True}).where(Series.slug == "training")
    await Series.update(
        {Series.content_note: "Een zwaar onderwerp.\nJe mag altijd weggaan."}
    ).where(Series.slug == "ontmoeting")  # the note before registering
    await registrations.register(dates, name="Alex", email="alex@example.org")
    # A series that takes applications, one that closed, and Alex's pending application.
    [leerlijn] = await make_date(org, slug="leerlijn", capacity=1)
    [gesloten] = await make_date(org, slug="gesloten", capacity=1)
    await Series.update({Series.admission: Series.Admission.apply}).where(
        Series.slug.is_in(["leerlijn", "gesloten"])
    )
    await applications.apply([leerlijn], name="Alex", email="alex@example.org")
    await Series.update({Series.registration_closes_at: clock.now()}).where(
        Series.slug == "gesloten"
    )
    manage = f"/manage/{await manage_token_of('alex@example.org')}"
    await following.request_follow("volger@example.org", "stadsnetwerk")
    [follower] = await Follower.select(Follower.salt)
    follow_token = following.link_token(follower["salt"])
    await page.goto(f"/?lang={language}")  # sets the language cookie
    paths = [
        "/",
        "/?kind=meetup&format=online",
        "/events/ontmoeting",
        f"/events/ontmoeting/{dates[0]}",
        "/events/ontmoeting/register",
        "/events/training",
        f"/events/training/{training[1]}",
        "/events/training/register",
        "/events/leerlijn",
        "/events/leerlijn/register",
        f"/events/gesloten/{gesloten}",
        "/events/gesloten/register",
        f"/registered?dates={leerlijn}&applied=yes",
        "/programmes/week",
        "/organisations/stadsnetwerk",
        f"/registered?dates={dates[0]},{dates[1]}",
        manage,
        "/manage",
        f"{manage}/delete",
        "/events/bestaat-niet",
        "/manage/onbekend",
        "/certificates/verify",
        "/certificates/verify?code=onbekend",
        "/certificates/AAAA-AAAA-AAAA-AAAA-AAAA",
        f"/follow/{follow_token}",  # unconfirmed: the confirm button
        f"/unfollow/{follow_token}",
        "/follow/onbekend",
    ]
    problems: list[str] = []
    for path in paths:
        problems += await violations(page, path)
    # a form shown again with errors
    await page.goto("/events/ontmoeting/register")
    await page.locator("#field-email").fill("fout@")
    await page.locator("button[type=submit]").click()
    await page.wait_for_url(re.compile(".*/register"))
    results = await Axe().run(page)
    problems += [
        f"register with errors: {v['id']}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]
    # the follow form: "check your mailbox", and a confirmed follow's own page
    await page.goto("/organisations/stadsnetwerk")
    await page.locator("#follow-email").fill("nieuw@example.org")
    await page.locator("#follow-heading ~ form button[type=submit]").click()
    await page.wait_for_url(re.compile(".*/follow$"))
    problems += [
        f"follow sent: {v['id']}"
        for v in (await Axe().run(page)).response["violations"]
        if v["impact"] in SERIOUS
    ]
    await following.confirm(follow_token)
    problems += await violations(page, f"/follow/{follow_token}")
    assert problems == []
