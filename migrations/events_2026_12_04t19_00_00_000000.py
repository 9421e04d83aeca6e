from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-04T19:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "How a person joins a hybrid date, and what kind a material is, hold only their values"

# The same rule as the 16:00 migration's, for the choice columns the 14:00 and 17:00 migrations
# added (a material's kind; how a person joins a hybrid date).
# Piccolo's ``choices`` is checked only by the ORM; a bare statement could write any text into a
# status column, which every reader then misreads.  Each column below gets a rule named
# ``<table>_<column>_choice`` (as ``tables.choice_rules`` declares them).  PostgreSQL: a CHECK
# constraint.  SQLite cannot add one to an existing table, so two triggers refuse the same rows
# (on update of the column and on insert, named as the other rules' triggers are) with SQLite's
# constraint error.  The values are this migration's own copy of the enumerations in tables.py
# (a migration describes the database at its time); the database rules' test compares them
# with the enumerations, so a new value needs a new migration.
CHOICES: list[tuple[str, str, tuple[str, ...], bool]] = [
    # (table, column, values, NULL allowed)
    ("registration", "attendance", ("on_site", "online"), True),
    ("series_subscription", "attendance", ("on_site", "online"), True),
    ("material", "kind", ("link", "text", "file"), False),
]


def _condition(column: str, values: tuple[str, ...], null: bool, row: str = "") -> str:
    listed = ", ".join(f"'{value}'" for value in values)
    rule = f"{row}{column} IN ({listed})"
    return f"{row}{column} IS NULL OR {rule}" if null else rule


def _statements(postgres: bool) -> list[str]:
    statements = []
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
        from piccolo.table import Table

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
        for table_name, column, _values, _null in CHOICES:
            name = f"{table_name}_{column}_choice"
            if postgres(table):
                statements = [f"ALTER TABLE {table_name} DROP CONSTRAINT IF EXISTS {name}"]
            else:
                statements = [
                    f"DROP TRIGGER IF EXISTS {name}",
                    f"DROP TRIGGER IF EXISTS {name}_new",
                ]
            for statement in statements:
                await table.raw(statement)

    manager.add_raw(add)
    manager.add_raw_backwards(remove)
    return manager
