"""A request refused by the shared rate limit is a 429 everywhere: in the answer (with
Retry-After and how long to wait in words: JSON for the API, a page in Dutch or English for
pages), in the JSON request log line and in the Prometheus counters."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from litestar import Litestar, get
from litestar.exceptions import TooManyRequestsException
from litestar.types import ASGIApp, Receive, Scope, Send

from events_app import clock
from events_app.observability.logs import RequestLogMiddleware
from events_app.web.rate_limit import retry_after_of, wait_in_words
from tests.factories import make_date, make_organisation
from tests.helpers.observability import access_lines, counted

HTML = {"Accept": "text/html,application/xhtml+xml"}
API = "/api/v1/registrations"


@pytest.fixture
async def limited(database: None) -> AsyncIterator[httpx.AsyncClient]:
    """The whole app (request log, metrics, error handlers) with a limit of 2 a minute."""
    from events_app.app import create_app
    from events_app.settings import load_settings

    settings = load_settings(
        {
            "EVENTS_SECRET_KEY": "x" * 40,
            "EVENTS_REGISTRATION_RATE_LIMIT": "2",
            "EVENTS_RUN_WORKER": "0",
        }
    )
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://events.test") as client:
        yield client


async def test_the_api_answers_429_with_the_wait_in_words_and_logs_and_counts_429(
    limited: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="events_app.access")
    before = await counted(limited, "POST", API, "429")
    errors_before = await counted(limited, "POST", API, "500")  # the counter is per process
    start = clock.now()
    with clock.frozen(start):
        tries = [await limited.post(API, json={}) for _ in range(2)]  # counted, then refused
    assert [t.status_code for t in tries] == [400, 400]
    with clock.frozen(start + timedelta(seconds=23)):
        refused = await limited.post(API, json={}, headers={"x-request-id": "limit-1"})

    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "37"
    assert refused.headers["x-request-id"] == "limit-1"
    assert refused.json() == {
        "code": "rate_limited",
        "detail": "Too many attempts. Wait 37 seconds and try again.",
        "retry_after": 37,
    }
    [line] = [line for line in access_lines(caplog, API) if line["request_id"] == "limit-1"]
    assert line["status"] == 429
    assert await counted(limited, "POST", API, "429") == before + 1
    assert await counted(limited, "POST", API, "500") == errors_before


@pytest.mark.parametrize(
    ("lang", "seconds_text", "minute_text"),
    [
        ("nl", "Wacht 37 seconden en probeer het dan opnieuw.", "Wacht 1 minuut en probeer"),
        ("en", "Wait 37 seconds and try again.", "Wait 1 minute and try again."),
    ],
)
async def test_a_page_answers_429_with_an_error_page_that_says_how_long_to_wait(
    limited: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
    lang: str,
    seconds_text: str,
    minute_text: str,
) -> None:
    caplog.set_level(logging.INFO, logger="events_app.access")
    org = await make_organisation()
    await make_date(org, slug="ontmoeting")
    path = "/events/ontmoeting/register"
    route = "/events/{series_slug}/register"
    before = await counted(limited, "POST", route, "429")
    start = clock.now()
    with clock.frozen(start):
        tries = [await limited.post(f"{path}?lang={lang}", data={}, headers=HTML) for _ in "ab"]
        assert [t.status_code for t in tries] == [403, 403]  # no CSRF token, but counted
        at_once = await limited.post(f"{path}?lang={lang}", data={}, headers=HTML)
    with clock.frozen(start + timedelta(seconds=23)):
        later = await limited.post(f"{path}?lang={lang}", data={}, headers=HTML)

    assert at_once.status_code == 429 and at_once.headers["retry-after"] == "60"
    assert minute_text in at_once.text
    assert later.status_code == 429 and later.headers["retry-after"] == "37"
    assert later.headers["content-type"].startswith("text/html")
    assert seconds_text in later.text
    assert "Wait a minute" not in later.text and "Wacht een minuut" not in later.text
    assert [line["status"] for line in access_lines(caplog, path)] == [403, 403, 429, 429]
    assert await counted(limited, "POST", route, "429") == before + 2
    # Looking is never limited.
    assert (await limited.get(path, headers=HTML)).status_code == 200


async def test_a_client_without_html_gets_the_page_too_and_other_machines_get_json(
    limited: httpx.AsyncClient,
) -> None:
    org = await make_organisation()
    await make_date(org, slug="ontmoeting")
    start = clock.now()
    with clock.frozen(start):
        for _ in range(2):
            await limited.post("/events/ontmoeting/register", data={})
        page = await limited.post("/events/ontmoeting/register", data={})
        api = await limited.post(API, json={}, headers=HTML)  # the same limit, shared
    assert page.status_code == 429 and "Wacht 1 minuut" in page.text
    assert api.status_code == 429 and api.json()["detail"].endswith("Wait 1 minute and try again.")


async def test_the_request_log_counts_an_http_error_raised_in_a_middleware_as_its_status(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Any middleware that raises (rather than answers) is logged with the status Litestar
    answers with, not as a crash."""

    def refusing(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            raise TooManyRequestsException("slow down", headers={"Retry-After": "5"})

        return middleware

    @get("/anything", sync_to_thread=False)
    def anything() -> str:
        return "never"

    app = Litestar([anything], middleware=[RequestLogMiddleware, refusing], logging_config=None)
    caplog.set_level(logging.INFO, logger="events_app.access")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://events.test") as client:
        answer = await client.get("/anything")
    assert answer.status_code == 429
    [line] = access_lines(caplog, "/anything")
    assert line["status"] == 429


def test_the_wait_in_words_and_the_retry_after_header() -> None:
    assert [wait_in_words(s) for s in (1, 37, 59, 60, 61, 900)] == [
        "1 second",
        "37 seconds",
        "59 seconds",
        "1 minute",
        "2 minutes",
        "15 minutes",
    ]
    assert retry_after_of({"Retry-After": "37"}) == 37
    assert retry_after_of({"retry-after": "0"}) == 1
    assert retry_after_of({"Retry-After": "Wed, 21 Oct 2026 07:28:00 GMT"}) is None
    assert retry_after_of(None) is None
