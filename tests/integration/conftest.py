"""HTTP fixtures: the app driven in the test's own event loop (no server thread)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from litestar import Litestar

from tests.conftest import empty_all_tables


@pytest.fixture(scope="session")
def app() -> Litestar:
    from events_app.app import create_app

    return create_app()


@pytest.fixture(autouse=True)
async def clean_tables(database: None) -> None:
    from events_app.feeds import cache

    await empty_all_tables()
    cache.clear()  # refilled tables could reproduce a cached feed's version


@pytest.fixture
async def client(app: Litestar, database: None) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://events.test") as client:
        yield client
