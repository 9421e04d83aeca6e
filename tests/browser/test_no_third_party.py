"""No page of the product makes the browser talk to another site: every request Chromium makes
on the public pages, the staff pages and the API documentation goes to the app's own origin
(``data:`` and ``blob:`` addresses stay inside the browser and are fine)."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.async_api import Page, Request, expect

from events_app.tables import Material, Programme, Series
from events_app.web.api_docs import SCALAR_JS
from tests.factories import PASSWORD, make_date, make_organiser

LOCAL_SCHEMES = ("data", "blob")


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


class Recorder:
    """Every request of a browser context, and those that leave the app's origin."""

    def __init__(self, base_url: str) -> None:
        self.origin = _origin(base_url)
        self.urls: list[str] = []
        self.where = ""
        self.foreign: list[str] = []

    def __call__(self, request: Request) -> None:
        self.urls.append(request.url)
        scheme = urlsplit(request.url).scheme
        if scheme not in LOCAL_SCHEMES and _origin(request.url) != self.origin:
            self.foreign.append(f"{self.where}: {request.resource_type} {request.url}")


async def _visit(page: Page, recorder: Recorder, path: str, *, idle: bool = True) -> None:
    recorder.where = path
    response = await page.goto(path)
    assert response is not None and response.status == 200, (path, response)
    if idle:
        await page.wait_for_load_state("networkidle")


async def _setup() -> tuple[int, list[int], int, int]:
    organiser = await make_organiser()
    org = organiser.organisation_id
    dates = await make_date(org, slug="ontmoeting", dates=2, capacity=5)
    await make_date(org, slug="workshop", capacity=10)
    await Material.insert(Material(event_date=dates[0], title="Dia's", url="https://example.org/d"))
    rows = await Programme.insert(
        Programme(organisation=org, slug="week", title="Week", published=True)
    ).returning(Programme.id)
    await Series.update({Series.programme: rows[0]["id"]}).where(Series.slug == "workshop")
    series = await Series.select(Series.id).where(Series.slug == "ontmoeting").first()
    assert series is not None
    return org, dates, int(series["id"]), int(rows[0]["id"])


async def test_no_page_requests_anything_from_another_site(page: Page, base_url: str) -> None:
    org, dates, series_id, programme_id = await _setup()
    recorder = Recorder(base_url)
    page.context.on("request", recorder)

    for path in (
        "/",
        "/organisations/stadsnetwerk",
        "/events/ontmoeting",
        f"/events/ontmoeting/{dates[0]}",
        "/programmes/week",
        "/events/ontmoeting/register",
        "/login",
        "/password/forgot",
    ):
        await _visit(page, recorder, path)

    recorder.where = "log in"
    await page.goto("/login?lang=en&next=/host")
    await page.get_by_label("E-mail address").fill("organiser@example.org")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("My dates")
    for path in (
        "/host",
        f"/host/dates/{dates[0]}",
        f"/host/dates/{dates[0]}/print",
        f"/host/dates/{dates[0]}/attendance",
        f"/host/dates/{dates[0]}/groups?n=2",
        f"/host/dates/{dates[0]}/mail",
        f"/host/series/{series_id}/participation",
        "/organise",
        f"/organise/{org}/series/new",
        f"/organise/series/{series_id}",
        f"/organise/programmes/{programme_id}",
        "/team",
        "/account",
        f"/organise/{org}/mail",
        f"/organise/{org}/settings",
    ):
        await _visit(page, recorder, path)

    # Scalar never lets the network go idle in Playwright's sense: wait until it has drawn the
    # documentation from /schema/openapi.json, then give late requests (fonts, telemetry) time.
    await _visit(page, recorder, "/schema", idle=False)
    assert recorder.foreign == []
    await expect(
        page.get_by_text("Series, dates, registrations and calendar feeds.")
    ).to_be_visible()
    await expect(
        page.get_by_role("heading", name="Readiness: database and migrations")
    ).to_be_visible()
    await page.wait_for_timeout(2000)

    assert recorder.foreign == []
    # The recorder saw the pages' own files, so an empty list above means something.
    paths = {urlsplit(url).path for url in recorder.urls}
    assert {"/static/site.css", "/static/host.css", SCALAR_JS, "/schema/openapi.json"} <= paths
