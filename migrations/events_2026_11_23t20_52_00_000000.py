"""Composite unique indexes and ordering indexes that Piccolo's columns cannot express."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T20:52:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "composite unique indexes"

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS membership_account_organisation"
    " ON membership (account, organisation)",
    "CREATE UNIQUE INDEX IF NOT EXISTS registration_occurrence_attendee"
    " ON registration (occurrence, attendee)",
    "CREATE UNIQUE INDEX IF NOT EXISTS occurrence_series_rule_start"
    " ON occurrence (series, rule_start)",
    "CREATE UNIQUE INDEX IF NOT EXISTS series_subscription_series_attendee"
    " ON series_subscription (series, attendee)",
    "CREATE INDEX IF NOT EXISTS registration_queue"
    " ON registration (occurrence, status, waiting_since)",
    "CREATE INDEX IF NOT EXISTS outbox_due ON outbox_mail (status, next_attempt_at)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="events", description=DESCRIPTION)
    engine = engine_finder()
    assert engine is not None

    async def create_indexes() -> None:
        for statement in STATEMENTS:
            await engine.run_ddl(statement, in_pool=False)

    async def drop_indexes() -> None:
        for statement in STATEMENTS:
            name = statement.split(" EXISTS ")[1].split(" ")[0]
            await engine.run_ddl(f"DROP INDEX IF EXISTS {name}", in_pool=False)

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
