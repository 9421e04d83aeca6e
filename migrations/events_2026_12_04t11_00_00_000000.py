from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-04T11:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "A date's seat and queue counters never below zero, refused by the database"

# Every writer keeps the counters right (a decrement says ``WHERE … > 0``), but nothing refused
# a statement that would take one below zero.  PostgreSQL: a CHECK constraint.  SQLite cannot
# add one to an existing table, so two triggers refuse the same rows (on update and on insert,
# named as the feed-revision triggers are) with SQLite's constraint error.
NAME = "occurrence_counts_non_negative"
RULE = "confirmed_count >= 0 AND waiting_count >= 0"
SQLITE_REFUSAL = (
    "WHEN NOT (NEW.confirmed_count >= 0 AND NEW.waiting_count >= 0) BEGIN"
    f" SELECT RAISE(ABORT, 'CHECK constraint failed: {NAME}'); END"
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="events", description=DESCRIPTION)

    def migration_table():
        from piccolo.table import Table

        class Migration(Table, tablename="migration"):
            pass

        return Migration

    def postgres(table) -> bool:
        from piccolo.engine.postgres import PostgresEngine

        return isinstance(table._meta.db, PostgresEngine)

    async def add():
        table = migration_table()
        if postgres(table):
            statements = [
                f"ALTER TABLE occurrence DROP CONSTRAINT IF EXISTS {NAME}",
                f"ALTER TABLE occurrence ADD CONSTRAINT {NAME} CHECK ({RULE})",
            ]
        else:
            statements = [
                f"DROP TRIGGER IF EXISTS {NAME}",
                f"CREATE TRIGGER {NAME} BEFORE UPDATE OF confirmed_count, waiting_count"
                f" ON occurrence FOR EACH ROW {SQLITE_REFUSAL}",
                f"DROP TRIGGER IF EXISTS {NAME}_new",
                f"CREATE TRIGGER {NAME}_new BEFORE INSERT ON occurrence FOR EACH ROW"
                f" {SQLITE_REFUSAL}",
            ]
        for statement in statements:
            await table.raw(statement)

    async def remove():
        table = migration_table()
        if postgres(table):
            statements = [f"ALTER TABLE occurrence DROP CONSTRAINT IF EXISTS {NAME}"]
        else:
            statements = [f"DROP TRIGGER IF EXISTS {NAME}", f"DROP TRIGGER IF EXISTS {NAME}_new"]
        for statement in statements:
            await table.raw(statement)

    manager.add_raw(add)
    manager.add_raw_backwards(remove)
    return manager
