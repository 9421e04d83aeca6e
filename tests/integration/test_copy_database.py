"""`events-app copy-database`: SQLite to an empty PostgreSQL, every row checked; refusals."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator

import pytest

from events_app import db
from events_app.copy_database import tables_in_order
from tests.conftest import POSTGRES_ADMIN_URL, _postgres_problem, _with_database
from tests.helpers.backup import NAMES, fill_backup_data, pg_rows, sqlite_rows

pytestmark = pytest.mark.skipif(
    os.environ.get("EVENTS_TEST_DATABASE", "sqlite") != "sqlite",
    reason="the copy starts from the SQLite test database",
)


@pytest.fixture
async def empty_postgres() -> AsyncIterator[str]:
    import asyncpg

    if _postgres_problem:
        pytest.fail(_postgres_problem)
    name = f"events_copy_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(POSTGRES_ADMIN_URL)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(POSTGRES_ADMIN_URL, name)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def _copy(source: str, target: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "events_app.cli", "copy-database", "--from", source, "--to", target],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_tables_come_after_the_tables_they_refer_to() -> None:
    order = [t._meta.tablename for t in tables_in_order()]
    assert order.index("organisation") < order.index("series") < order.index("event_date")
    assert order.index("event_date") < order.index("registration") < order.index("outbox_mail")
    assert order.index("account") < order.index("membership")


async def test_every_row_arrives_and_ids_go_on(empty_postgres: str) -> None:
    import asyncpg

    await fill_backup_data()
    source_path = str(db.engine().path)  # type: ignore[attr-defined]
    done = _copy(f"sqlite:///{source_path}", empty_postgres)
    assert done.returncode == 0, done.stderr
    assert "rows copied and checked" in done.stdout
    original, arrived = sqlite_rows(source_path), await pg_rows(empty_postgres)
    for name in NAMES:
        if name != "migration":
            assert len(arrived[name]) == len(original[name]), name
    conn = await asyncpg.connect(empty_postgres)
    try:
        top = await conn.fetchval("SELECT MAX(id) FROM registration")
        new_id = await conn.fetchval(
            "INSERT INTO organisation (slug, name, contact_email, timezone, language, "
            "retention_days, consent_text, created_at, updated_at) VALUES "
            "('nieuw', 'Nieuw', 'a@example.org', 'Europe/Amsterdam', 'nl', 90, '', now(), now())"
            " RETURNING id"
        )
        assert top == 8 and new_id > 1  # the sequences moved past the copied ids
    finally:
        await conn.close()
    again = _copy(f"sqlite:///{source_path}", empty_postgres)
    assert again.returncode == 2 and "not empty" in again.stderr


def test_wrong_addresses_are_refused() -> None:
    missing = _copy("sqlite:////nowhere/events.sqlite3", "postgresql://x@127.0.0.1/y")
    assert missing.returncode == 2 and "no SQLite database" in missing.stderr
    wrong = _copy("sqlite:////nowhere/events.sqlite3", "sqlite:////tmp/x.sqlite3")
    assert wrong.returncode == 2 and "postgresql://" in wrong.stderr
