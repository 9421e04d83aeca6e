"""Error pages app-wide (as the lead wires them with ``html_aware``) and the rate limit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import httpx
import pytest
from litestar import Litestar

from events_app.settings import get_settings
from events_app.web.csrf import csrf_config
from events_app.web.errors import EXCEPTION_HANDLERS
from events_app.web.pages.errors import html_aware
from events_app.web.routes import route_handlers
from tests.factories import make_date, make_organisation

HTML = {"Accept": "text/html,application/xhtml+xml"}


@pytest.fixture
async def strict_client(database: None) -> AsyncIterator[httpx.AsyncClient]:
    settings = replace(get_settings(), registration_rate_limit=2)
    app = Litestar(
        route_handlers=route_handlers(settings),
        exception_handlers=html_aware(EXCEPTION_HANDLERS),
        csrf_config=csrf_config(settings),
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://events.test") as client:
        yield client


async def test_browsers_get_pages_and_machines_keep_json(strict_client: httpx.AsyncClient) -> None:
    page = await strict_client.get("/bestaat/niet", headers=HTML)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Deze pagina bestaat niet (meer)" in page.text
    api = await strict_client.get("/api/v1/bestaat-niet", headers=HTML)
    assert api.status_code == 404 and api.json()["code"] == "not_found"
    plain = await strict_client.get("/bestaat/niet")
    assert plain.json()["code"] == "not_found"


async def test_too_many_registrations_get_a_429_page(strict_client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    await make_date(org, slug="ontmoeting")
    answers = [
        await strict_client.post("/events/ontmoeting/register", data={}, headers=HTML)
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [403, 403, 429]
    assert "Wacht even" in answers[-1].text
    assert (await strict_client.get("/events/ontmoeting")).status_code == 200  # views are free
