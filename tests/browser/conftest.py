"""Browser tests: the real app in a uvicorn subprocess, a real SMTP server, Debian's Chromium.

Chromium must be at ``/usr/bin/chromium`` (``apt-get install -y chromium``); Playwright's own
browser download does not work here.  Without it these tests are skipped, except under
``CI=true``, where a missing browser is a failure.  Playwright's async API is used directly
(pytest-playwright's sync fixtures break pytest-asyncio).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI, empty_all_tables
from tests.serving import served_app
from tests.smtp import SmtpServer

CHROMIUM = os.environ.get("EVENTS_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as exc:
        return f"playwright / axe-playwright-python not installed: {exc}"
    return None


_problem = _missing()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _problem is None:
        return
    for item in items:
        if "browser" in Path(str(item.fspath)).parts:
            item.add_marker(pytest.mark.skip(reason=_problem))


def pytest_configure(config: pytest.Config) -> None:
    if _problem is not None and IN_CI:
        raise pytest.UsageError(f"{_problem} (CI=true: a missing browser is a failure)")


@pytest.fixture(autouse=True)
async def clean_tables(database: None) -> None:
    await empty_all_tables()


@pytest.fixture(scope="package")
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="package")
def base_url(database: None, smtp: SmtpServer) -> Iterator[str]:
    """The app served by uvicorn in a subprocess, on the test database, with its worker.

    Package scope: the server (and its worker, which delivers the outbox) must be gone before
    other tests run, or it would send their mails."""
    env = {
        "EVENTS_SMTP_HOST": "127.0.0.1",
        "EVENTS_SMTP_PORT": str(smtp.port),
        "EVENTS_SMTP_SECURITY": "none",
        "EVENTS_RUN_WORKER": "1",
    }
    with served_app(env) as base:
        yield base


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        launched = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@pytest.fixture
async def page(browser: Any, base_url: str) -> AsyncIterator[Any]:
    context = await browser.new_context(base_url=base_url, locale="nl-NL")
    opened = await context.new_page()
    yield opened
    await context.close()
