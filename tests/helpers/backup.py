"""Representative data for the backup and copy tests, and every row of a database read back."""

from __future__ import annotations

import sqlite3
from typing import Any

import events_app.tables as tables
from events_app.accounts import credentials as accounts
from events_app.registration import registrations
from events_app.series import materials
from tests.factories import make_date, make_organiser

PDF = b"%PDF-1.4\n\x00\xff\xfe binary \x89\n%%EOF\n"

__all__ = ["NAMES", "fill_backup_data", "pg_rows", "sqlite_rows"]

# Every table, and Piccolo's record of the migrations run.
NAMES = [getattr(tables, name)._meta.tablename for name in tables.__all__] + ["migration"]


async def fill_backup_data() -> None:
    """Representative data: organisations, accounts, dates, a waiting list, mails, audit,
    materials (a file's bytes among them)."""
    organiser = await make_organiser()
    dates = await make_date(organiser.organisation_id, capacity=2, dates=3)
    for n in range(4):
        await registrations.register(
            dates[:2], name=f"Deelnemer {n}", email=f"p{n}@example.org", role="expert"
        )
    await accounts.create_account("host@example.org", "Hanna Host", "lang genoeg wachtwoord")
    # A file kept in the database (bytes that are not text, a NUL among them) and a text.
    await materials.add_file(organiser.actor, dates[0], "Dia's", "dias.pdf", PDF)
    await materials.add_text(organiser.actor, dates[0], "Verslag", "Regel 1\nRegel 2")


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
