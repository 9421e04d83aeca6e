"""Backups restore every row: SQLite with `events-app backup`, PostgreSQL with pg_dump -Fc and
pg_restore into a fresh database (the commands docs/production.md gives)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

import events_app.tables as tables
from events_app import db
from events_app.accounts import credentials as accounts
from events_app.registration import registrations
from tests.conftest import IN_CI, POSTGRES_ADMIN_URL, _with_database
from tests.factories import make_date, make_organiser

NAMES = [getattr(tables, name)._meta.tablename for name in tables.__all__] + ["migration"]


async def _fill() -> None:
    """Representative data: organisations, accounts, dates, a waiting list, mails, audit."""
    organiser = await make_organiser()
    dates = await make_date(organiser.organisation_id, capacity=2, dates=3)
    for n in range(4):
        await registrations.register(
            dates[:2], name=f"Deelnemer {n}", email=f"p{n}@example.org", role="expert"
        )
    await accounts.create_account("host@example.org", "Hanna Host", "lang genoeg wachtwoord")


def _sqlite_rows(path: str) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as conn:
        return {
            name: conn.execute(f"SELECT * FROM {name} ORDER BY id").fetchall() for name in NAMES
        }


async def _pg_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        return {
            name: [tuple(r) for r in await conn.fetch(f"SELECT * FROM {name} ORDER BY id")]
            for name in NAMES
        }
    finally:
        await conn.close()


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if IN_CI:
            pytest.fail(f"{name} is missing (apt-get install postgresql-client)")
        pytest.skip(f"{name} is missing")
    return found


async def test_a_backup_restores_every_row(tmp_path: Path) -> None:
    await _fill()
    env = {**os.environ}
    if not db.is_postgres():
        source = str(db.engine().path)  # type: ignore[attr-defined]
        copy = tmp_path / "backup.sqlite3"
        done = subprocess.run(
            [sys.executable, "-m", "events_app.cli", "backup", "--to", str(copy)],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        again = subprocess.run(
            [sys.executable, "-m", "events_app.cli", "backup", "--to", str(copy)],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert again.returncode == 2 and "exists already" in again.stderr
        original, restored = _sqlite_rows(source), _sqlite_rows(str(copy))
    else:
        import asyncpg

        url = env["DATABASE_URL"]
        dump = tmp_path / "events.dump"
        subprocess.run([_tool("pg_dump"), "-Fc", "-f", str(dump), url], check=True)
        fresh = f"events_restore_{uuid.uuid4().hex[:8]}"
        admin = await asyncpg.connect(POSTGRES_ADMIN_URL)
        await admin.execute(f'CREATE DATABASE "{fresh}"')
        try:
            target = _with_database(POSTGRES_ADMIN_URL, fresh)
            subprocess.run([_tool("pg_restore"), "--no-owner", "-d", target, str(dump)], check=True)
            original, restored = await _pg_rows(url), await _pg_rows(target)
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
            await admin.close()
    assert sum(len(rows) for rows in original.values()) > 30
    # 4 people on 2 dates each: 8 registrations, one mail per request
    assert len(original["registration"]) == 8 and len(original["outbox_mail"]) == 4
    for name in NAMES:
        assert restored[name] == original[name], name
