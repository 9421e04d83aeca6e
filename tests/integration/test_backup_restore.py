"""Backups restore every row: SQLite with `events-app backup`, PostgreSQL with pg_dump -Fc and
pg_restore into a fresh database (the commands docs/production.md gives)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from events_app import db
from tests.conftest import IN_CI, POSTGRES_ADMIN_URL, _with_database
from tests.helpers.backup import NAMES, fill_backup_data, pg_rows, sqlite_rows


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if IN_CI:
            pytest.fail(f"{name} is missing (apt-get install postgresql-client)")
        pytest.skip(f"{name} is missing")
    return found


async def test_a_backup_restores_every_row(tmp_path: Path) -> None:
    await fill_backup_data()
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
        original, restored = sqlite_rows(source), sqlite_rows(str(copy))
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
            original, restored = await pg_rows(url), await pg_rows(target)
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
            await admin.close()
    assert sum(len(rows) for rows in original.values()) > 30
    # 4 people on 2 dates each: 8 registrations, one mail per request
    assert len(original["registration"]) == 8 and len(original["outbox_mail"]) == 4
    for name in NAMES:
        assert restored[name] == original[name], name
