"""Test set-up: one database per run (SQLite or PostgreSQL), emptied before every test.

``EVENTS_TEST_DATABASE`` chooses the engine (``sqlite`` by default, or ``postgres``);
``EVENTS_TEST_POSTGRES_URL`` names the server (default: the local ``test`` database), on which
a fresh ``events_app_test_<pid>`` database is made (and dropped at the end).  Tests under
``tests/integration`` and ``tests/browser`` are marked ``db`` automatically.  Under
``CI=true`` an unreachable PostgreSQL fails the run instead of skipping it.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ENGINE = os.environ.get("EVENTS_TEST_DATABASE", "sqlite")
IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_ADMIN_URL = os.environ.get(
    "EVENTS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
# One database per test run, so runs side by side (several developers, one machine) never
# drop each other's tables; it is dropped again when the run ends.
TEST_DB_NAME = f"events_app_test_{os.getpid()}"
_postgres_problem: str | None = None


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


async def _recreate_postgres_database() -> None:
    import asyncpg

    conn = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{TEST_DB_NAME}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{TEST_DB_NAME}"')
    finally:
        await conn.close()


if ENGINE == "postgres":
    try:
        asyncio.run(_recreate_postgres_database())
    except Exception as exc:
        _postgres_problem = f"PostgreSQL at {POSTGRES_ADMIN_URL} is not usable: {exc}"
    os.environ["DATABASE_URL"] = _with_database(POSTGRES_ADMIN_URL, TEST_DB_NAME)
elif ENGINE == "sqlite":
    _tmp = Path(tempfile.mkdtemp(prefix="events-test-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{_tmp / 'test.sqlite3'}"
else:  # pragma: no cover
    raise RuntimeError("EVENTS_TEST_DATABASE must be sqlite or postgres")

os.environ.setdefault("EVENTS_SECRET_KEY", "test-secret-key-that-is-long-enough-0123456789")
os.environ.setdefault("EVENTS_BASE_URL", "http://events.test")
# Tests fire many registrations from one address; the limit itself has its own test.
os.environ.setdefault("EVENTS_REGISTRATION_RATE_LIMIT", "100000")


async def _drop_postgres_database() -> None:
    import asyncpg

    conn = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{TEST_DB_NAME}" WITH (FORCE)')
    finally:
        await conn.close()


def pytest_unconfigure(config: pytest.Config) -> None:
    if ENGINE == "postgres" and _postgres_problem is None:
        asyncio.run(_drop_postgres_database())


def pytest_configure(config: pytest.Config) -> None:
    if _postgres_problem and IN_CI:
        raise pytest.UsageError(f"{_postgres_problem} (CI=true: a missing service is a failure)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        parts = Path(str(item.fspath)).parts
        if "integration" in parts or "browser" in parts:
            item.add_marker(pytest.mark.db)
        if _postgres_problem and "db" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=_postgres_problem))


@pytest.fixture(scope="session")
async def database() -> AsyncIterator[None]:
    """Migrate the test database once per run and keep the pool open."""
    from events_app import db

    await db.migrate()
    await db.start()
    yield
    await db.stop()


async def empty_all_tables() -> None:
    """Delete every row (the schema stays): each database test starts from nothing."""
    import events_app.tables as tables
    from events_app import db

    names = [getattr(tables, name)._meta.tablename for name in tables.__all__]
    if db.is_postgres():
        await db.engine().run_ddl(
            f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE", in_pool=True
        )
    else:
        for name in names:
            await db.engine().run_ddl(f"DELETE FROM {name}", in_pool=False)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def repo_root() -> Iterator[Path]:
    yield Path(__file__).resolve().parent.parent
