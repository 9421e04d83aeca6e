"""The console command, run as a newcomer would: separate processes on a fresh database."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from events_app import db
from tests.conftest import POSTGRES_ADMIN_URL, _with_database

ROOT = Path(__file__).resolve().parent.parent.parent


async def _cli(*args: str, database_url: str) -> tuple[int, str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "events_app.cli",
        *args,
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await proc.communicate()
    return proc.returncode or 0, out.decode()


@pytest.fixture
async def fresh_url(tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of the engine under test, not the suite's own."""
    if not db.is_postgres():
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    name = f"events_app_cli_{os.getpid()}"
    conn = await asyncpg.connect(POSTGRES_ADMIN_URL)
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(POSTGRES_ADMIN_URL, name)
    finally:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


async def test_two_migrations_at_once_are_safe(fresh_url: str) -> None:
    results = await asyncio.gather(
        _cli("migrate", database_url=fresh_url), _cli("migrate", database_url=fresh_url)
    )
    assert [code for code, _ in results] == [0, 0], results
    code, out = await _cli("migrate", database_url=fresh_url)
    assert code == 0 and "current" in out


async def test_organisation_and_organiser_from_the_command_line(fresh_url: str) -> None:
    code, out = await _cli(
        "create-organisation",
        "--slug",
        "wijknetwerk",
        "--name",
        "Wijknetwerk",
        "--contact-email",
        "info@wijk.example.org",
        database_url=fresh_url,
    )
    assert code == 0, out
    code, out = await _cli(
        "create-organiser",
        "--email",
        "baas@wijk.example.org",
        "--name",
        "Baas",
        "--organisation",
        "wijknetwerk",
        "--password",
        "een lang wachtwoord",
        database_url=fresh_url,
    )
    assert code == 0, out
    code, out = await _cli(
        "create-organiser",
        "--email",
        "x@wijk.example.org",
        "--name",
        "X",
        "--organisation",
        "bestaat-niet",
        "--password",
        "een lang wachtwoord",
        database_url=fresh_url,
    )
    assert code == 2 and "bestaat-niet" in out
    code, out = await _cli(
        "create-organiser",
        "--email",
        "y@wijk.example.org",
        "--name",
        "Y",
        "--organisation",
        "wijknetwerk",
        "--password",
        "kort",
        database_url=fresh_url,
    )
    assert code == 2 and "10 characters" in out


async def test_demo_twice_loads_once(fresh_url: str) -> None:
    first = await _cli("demo", database_url=fresh_url)
    second = await _cli("demo", database_url=fresh_url)
    assert first[0] == 0 and "demo data loaded" in first[1], first
    assert "already present" in second[1]


async def test_several_app_processes_on_sqlite_are_refused(tmp_path: Path) -> None:
    code, out = await _cli(
        "serve", "--workers", "2", database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}"
    )
    assert code == 2 and "PostgreSQL" in out
