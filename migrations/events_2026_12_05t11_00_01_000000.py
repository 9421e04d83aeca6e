from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-05T11:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = (
    "Applications: one per address and date, and their choice columns hold only their values"
)

# Separate from the 11:00 migration, which makes the table: a migration's raw statements run
# before its tables are made.
# This migration's own copy of the enumerations (see the 19:00 migration of 4 December for why
# CHECK rules on PostgreSQL and triggers on SQLite).
CHOICES: list[tuple[str, str, tuple[str, ...], bool]] = [
    ("series", "admission", ("register", "apply"), False),
    ("application", "status", ("pending", "accepted", "declined", "withdrawn"), False),
    ("application", "role", ("expert", "professional", "relative", "student", "other"), True),
    ("application", "attendance", ("on_site", "online"), True),
]

UNIQUE = (
    "CREATE UNIQUE INDEX IF NOT EXISTS application_event_date_attendee"
    " ON application (event_date, attendee)"
)


def _condition(column: str, values: tuple[str, ...], null: bool, row: str = "") -> str:
    listed = ", ".join(f"'{value}'" for value in values)
    rule = f"{row}{column} IN ({listed})"
    return f"{row}{column} IS NULL OR {rule}" if null else rule


def _statements(postgres: bool) -> list[str]:
    statements = [UNIQUE]
    for table, column, values, null in CHOICES:
        name = f"{table}_{column}_choice"
        if postgres:
            statements += [
                f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}",
                f"ALTER TABLE {table} ADD CONSTRAINT {name}"
                f" CHECK ({_condition(column, values, null)})",
            ]
            continue
        refusal = (
            f"WHEN NOT ({_condition(column, values, null, 'NEW.')}) BEGIN"
            f" SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END"
        )
        statements += [
            f"DROP TRIGGER IF EXISTS {name}",
            f"CREATE TRIGGER {name} BEFORE UPDATE OF {column} ON {table} FOR EACH ROW {refusal}",
            f"DROP TRIGGER IF EXISTS {name}_new",
            f"CREATE TRIGGER {name}_new BEFORE INSERT ON {table} FOR EACH ROW {refusal}",
        ]
    return statements


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="events", description=DESCRIPTION)

    def migration_table():
        class Migration(Table, tablename="migration"):
            pass

        return Migration

    def postgres(table) -> bool:
        from piccolo.engine.postgres import PostgresEngine

        return isinstance(table._meta.db, PostgresEngine)

    async def add():
        table = migration_table()
        for statement in _statements(postgres(table)):
            await table.raw(statement)

    async def remove():
        table = migration_table()
        statements = ["DROP INDEX IF EXISTS application_event_date_attendee"]
        for table_name, column, _values, _null in CHOICES:
            name = f"{table_name}_{column}_choice"
            if postgres(table):
                statements.append(f"ALTER TABLE {table_name} DROP CONSTRAINT IF EXISTS {name}")
            else:
                statements += [
                    f"DROP TRIGGER IF EXISTS {name}",
                    f"DROP TRIGGER IF EXISTS {name}_new",
                ]
        for statement in statements:
            await table.raw(statement)

    manager.add_raw(add)
    manager.add_raw_backwards(remove)
    return manager
