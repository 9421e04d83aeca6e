"""Representative data for the backup and copy tests, and every row of a database read back."""

from __future__ import annotations

import sqlite3
from typing import Any

import events_app.tables as tables
from events_app.accounts import credentials as accounts
from events_app.registration import registrations
from tests.factories import make_date, make_organiser

__all__ = ["NAMES", "fill_backup_data", "pg_rows", "sqlite_rows"]

# Every table, and Piccolo's record of the migrations run.
NAMES = [getattr(tables, name)._meta.tablename for name in tables.__all__] + ["migration"]


async def fill_backup_data() -> None:
    """Representative data: organisations, accounts, dates, a waiting list, mails, audit."""
    organiser = await make_organiser()
    dates = await make_date(organiser.organisation_id, capacity=2, dates=3)
    for n in range(4):
        await registrations.register(
            dates[:2], name=f"Deelnemer {n}", email=f"p{n}@example.org", role="expert"
        )
    await accounts.create_account("host@example.org", "Hanna Host", "lang genoeg wachtwoord")


def sqlite_rows(path: str) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as conn:
        return {
            name: conn.execute(f"SELECT * FROM {name} ORDER BY id").fetchall() for name in NAMES
        }


async def pg_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        return {
            name: [tuple(r) for r in await conn.fetch(f"SELECT * FROM {name} ORDER BY id")]
            for name in NAMES
        }
    finally:
        await conn.close()
