"""The rename of ``occurrence`` to ``event_date`` keeps a running database's rows and words.

The test takes the freshly migrated database back to before the rename (both migrations run
backwards), checks that the old names are back, and runs them forwards again: every row is
still there, a pending mail of a renamed kind is still deliverable by its new name, the audit
log's entity follows, and the database again holds exactly what ``tables.py`` declares.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

from events_app import clock, db
from events_app.mail import outbox
from events_app.mail.kinds import KINDS
from events_app.tables import AuditLog, EventDate, OutboxMail, Registration
from tests.factories import make_date, make_organisation

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def _migration(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, MIGRATIONS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RENAME = _migration("events_2026_12_05t00_00_00_000000")
NAMES = _migration("events_2026_12_05t00_00_01_000000")
# Migrations made after the rename: taken back first, and run again after it.
LATER = [
    _migration(path.stem)
    for path in sorted(MIGRATIONS.glob("events_*.py"))
    if path.stem > "events_2026_12_05t00_00_01_000000"
]


async def _names() -> set[str]:
    if db.is_postgres():
        rows = await db.execute(
            "SELECT relname AS name FROM pg_class WHERE relnamespace = 'public'::regnamespace"
            " UNION SELECT conname FROM pg_constraint"
            " UNION SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
            " UNION SELECT table_name || '.' || column_name FROM information_schema.columns"
            " WHERE table_schema = 'public'"
        )
        return {str(row["name"]) for row in rows}
    tables = await db.execute("SELECT name FROM sqlite_master")
    names = {str(row["name"]) for row in tables}
    for table in [n for n in names if not n.startswith("sqlite_")]:
        try:
            columns = await db.execute(f'PRAGMA table_info("{table}")')
        except Exception:  # an index or trigger, not a table
            continue
        names |= {f"{table}.{column['name']}" for column in columns}
    return names


async def _run(module: ModuleType, *, backwards: bool) -> None:
    manager: Any = await module.forwards()
    await manager.run(backwards=backwards)


async def test_the_rename_keeps_rows_pending_mail_and_history() -> None:
    assert "date_cancelled" in KINDS and "occurrence_cancelled" not in KINDS
    org = await make_organisation()
    [date_id] = await make_date(org)
    now = clock.now()
    await OutboxMail.insert(
        OutboxMail(
            message_id=outbox.new_message_id(),
            kind="date_cancelled",
            dedupe_key="date_cancelled:1:2",
            organisation=org,
            event_date=date_id,
            to_email="deelnemer@example.org",
            context={},
            next_attempt_at=now,
            created_at=now,
        )
    )
    await AuditLog.insert(
        AuditLog(organisation=org, action="cancel", entity="event_date", entity_id=date_id,
                 created_at=now)
    )  # fmt: skip
    await Registration.insert(
        Registration(event_date=date_id, name="Deelnemer", email="deelnemer@example.org",
                     status="confirmed", created_at=now, updated_at=now)
    )  # fmt: skip
    before = await _names()

    for later in reversed(LATER):
        await _run(later, backwards=True)
    await _run(NAMES, backwards=True)
    await _run(RENAME, backwards=True)
    try:
        old = await _names()
        assert {"occurrence", "registration.occurrence", "outbox_mail.occurrence"} <= old
        assert not any("event_date" in name for name in old)
        kinds = await db.execute("SELECT kind, dedupe_key FROM outbox_mail")
        assert [(row["kind"], row["dedupe_key"]) for row in kinds] == [
            ("occurrence_cancelled", "occurrence_cancelled:1:2")
        ]
        entities = await db.execute("SELECT entity FROM audit_log")
        assert [row["entity"] for row in entities] == ["occurrence"]
    finally:
        await _run(RENAME, backwards=False)
        await _run(NAMES, backwards=False)
        for later in LATER:
            await _run(later, backwards=False)

    assert await _names() == before
    assert not any("occurrence" in name for name in before)
    assert await OutboxMail.select(
        OutboxMail.kind, OutboxMail.dedupe_key, OutboxMail.event_date
    ) == [{"kind": "date_cancelled", "dedupe_key": "date_cancelled:1:2", "event_date": date_id}]
    assert await AuditLog.select(AuditLog.entity) == [{"entity": "event_date"}]
    assert await Registration.count().where(Registration.event_date == date_id) == 1
    assert await EventDate.count() == 1
