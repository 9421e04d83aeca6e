"""Move an installation from SQLite to PostgreSQL: ``events-app copy-database --from … --to …``.

Both databases are brought to the current migrations first and must then have the same ones.
The target must be empty.  Every table is copied in foreign-key order with its ids (PostgreSQL's
COPY, in batches, one transaction), the id sequences are moved past the copied ids, and at the
end every table is compared: the number of rows and a SHA-256 of all its rows, read back from
both databases the same way.  Any difference is an error, and nothing is committed.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from piccolo.columns import JSON, Boolean, ForeignKey, Timestamp, Timestamptz
from piccolo.table import Table

import events_app.tables as tables

__all__ = ["CopyError", "TableCopy", "copy_database", "tables_in_order"]

BATCH = 1000


class CopyError(Exception):
    """The copy cannot start, or did not arrive whole (the message says why)."""


@dataclass(frozen=True, slots=True)
class TableCopy:
    name: str
    rows: int
    checksum: str


def tables_in_order() -> list[type[Table]]:
    """Our tables, each after the tables it refers to."""
    todo = {name: getattr(tables, name) for name in tables.__all__}
    done: list[type[Table]] = []
    while todo:
        ready = [
            name
            for name, table in todo.items()
            if all(
                fk._foreign_key_meta.resolved_references not in todo.values()
                or fk._foreign_key_meta.resolved_references is table
                for fk in table._meta.foreign_key_columns
            )
        ]
        if not ready:  # pragma: no cover - a cycle in the model
            raise CopyError(f"Foreign keys form a cycle among {sorted(todo)}")
        for name in sorted(ready):
            done.append(todo.pop(name))
    return done


def _sqlite_path(url: str) -> str:
    if not url.startswith("sqlite:///"):
        raise CopyError("--from must be a sqlite:/// address")
    path = Path(url[len("sqlite:///") :])
    if not path.exists():
        raise CopyError(f"There is no SQLite database at {path}")
    return str(path)


def _migrate(url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "events_app.cli", "migrate"],
        # Not a setting read: the child's environment, this one's with the target database.
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise CopyError(f"Migrating {url.split('@')[-1]} failed: {done.stderr.strip()[-500:]}")


def _value(column: Any, value: Any) -> Any:
    """A value read from SQLite, as PostgreSQL wants it."""
    if value is None:
        return None
    if isinstance(column, Timestamptz):
        parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if isinstance(column, Timestamp):
        parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        return parsed.replace(tzinfo=None)
    if isinstance(column, Boolean):
        return bool(value)
    if isinstance(column, JSON):
        return value if isinstance(value, str) else json.dumps(value)
    return value


def _canonical(column: Any, value: Any) -> Any:
    """The same value read from either database, in one form for the checksum."""
    value = _value(column, value)
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    if isinstance(column, JSON) and value is not None:
        return json.dumps(json.loads(value), sort_keys=True)
    if isinstance(column, ForeignKey) and value is not None:
        return int(value)
    return value


def _checksum(columns: Sequence[Any], rows: Iterator[Sequence[Any]]) -> tuple[int, str]:
    digest, count = hashlib.sha256(), 0
    for row in rows:
        canonical = [_canonical(c, v) for c, v in zip(columns, row, strict=True)]
        digest.update(json.dumps(canonical, default=str).encode())
        count += 1
    return count, digest.hexdigest()


async def copy_database(source_url: str, target_url: str) -> list[TableCopy]:
    """Copy everything from SQLite to PostgreSQL and prove it arrived (see the module text)."""
    import asyncpg

    if not target_url.startswith(("postgresql://", "postgres://")):
        raise CopyError("--to must be a postgresql:// address")
    path = _sqlite_path(source_url)
    _migrate(source_url)
    _migrate(target_url)
    ordered = tables_in_order()
    source = sqlite3.connect(path)
    target = await asyncpg.connect(target_url)
    try:
        source_migrations = {r[0] for r in source.execute("SELECT name FROM migration")}
        target_migrations = {r["name"] for r in await target.fetch("SELECT name FROM migration")}
        if source_migrations != target_migrations:
            raise CopyError("The two databases do not have the same migrations.")
        for table in ordered:
            name = table._meta.tablename
            if await target.fetchval(f"SELECT EXISTS (SELECT 1 FROM {name})"):
                raise CopyError(f"The target is not empty (table {name} has rows).")
        report: list[TableCopy] = []
        async with target.transaction():
            for table in ordered:
                name = table._meta.tablename
                columns = table._meta.columns
                names = [c._meta.db_column_name for c in columns]
                select = f"SELECT {', '.join(names)} FROM {name} ORDER BY id"
                cursor = source.execute(select)
                while batch := cursor.fetchmany(BATCH):
                    records = [
                        tuple(_value(c, v) for c, v in zip(columns, row, strict=True))
                        for row in batch
                    ]
                    await target.copy_records_to_table(name, records=records, columns=names)
                await target.execute(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {name}"
                )
                count, checksum = _checksum(columns, iter(source.execute(select)))
                arrived = [tuple(r) for r in await target.fetch(select)]
                got_count, got_checksum = _checksum(columns, iter(arrived))
                if (count, checksum) != (got_count, got_checksum):
                    raise CopyError(
                        f"Table {name} did not arrive whole: {count} rows in SQLite, "
                        f"{got_count} in PostgreSQL, or their contents differ."
                    )
                report.append(TableCopy(name, count, checksum))
        return report
    finally:
        source.close()
        await target.close()
