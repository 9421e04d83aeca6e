from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-05T12:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "A certificate rule's measure holds only its listed values, refused by the database"

# The measure column holds only its listed values (as the migration "Status, kind and role
# columns…" does for the others): a CHECK on PostgreSQL, two triggers on SQLite.
CHOICE = ("certificate_rule", "measure", ("percent", "hours"))


def _choice_statements(postgres):
    table, column, values = CHOICE
    name = f"{table}_{column}_choice"
    listed = ", ".join(f"'{value}'" for value in values)
    if postgres:
        return [f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({column} IN ({listed}))"]
    refusal = (
        f"WHEN NOT (NEW.{column} IN ({listed})) BEGIN"
        f" SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END"
    )
    return [
        f"CREATE TRIGGER {name} BEFORE UPDATE OF {column} ON {table} FOR EACH ROW {refusal}",
        f"CREATE TRIGGER {name}_new BEFORE INSERT ON {table} FOR EACH ROW {refusal}",
    ]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="events", description=DESCRIPTION)

    async def choice():
        from piccolo.engine.postgres import PostgresEngine

        class Migration(Table, tablename="migration"):
            pass

        postgres = isinstance(Migration._meta.db, PostgresEngine)
        for statement in _choice_statements(postgres):
            await Migration.raw(statement)

    manager.add_raw(choice)
    return manager
