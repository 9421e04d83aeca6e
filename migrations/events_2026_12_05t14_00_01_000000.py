from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-05T14:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "Requests: one pool entry per address, one ask per expert, fees never negative"

# Separate from the 14:00 migration, which makes the tables: a migration's raw statements run
# before its tables are made.  CHECK rules are constraints on PostgreSQL and a pair of
# triggers on SQLite (see the 19:00 migration of 4 December); this migration keeps its own copy
# of the enumerations.
CHOICES: list[tuple[str, str, tuple[str, ...], bool]] = [
    (
        "expert_request",
        "kind",
        ("guest_lesson", "empathy_session", "workshop", "speaker", "other"),
        False,
    ),
    (
        "expert_request",
        "status",
        ("new", "in_discussion", "proposed", "accepted", "declined", "withdrawn", "done"),
        False,
    ),
    ("expert_request", "format", ("online", "in_person", "hybrid"), False),
    ("request_entry", "actor", ("requester", "organiser", "expert", "system"), False),
    (
        "request_entry",
        "status",
        ("new", "in_discussion", "proposed", "accepted", "declined", "withdrawn", "done"),
        True,
    ),
    ("expert_ask", "status", ("asked", "accepted", "declined", "withdrawn"), False),
    ("proposal", "format", ("online", "in_person", "hybrid"), False),
    ("proposal", "status", ("proposed", "accepted", "declined", "withdrawn"), False),
]

CHECKS: list[tuple[str, str, str, str]] = [
    # (table, name, column, rule)
    ("proposal", "proposal_fee_non_negative", "fee_cents", "fee_cents >= 0"),
    ("expert", "expert_fee_non_negative", "fee_cents", "fee_cents >= 0"),
]

UNIQUE = [
    "CREATE UNIQUE INDEX IF NOT EXISTS expert_organisation_email ON expert (organisation, email)",
    "CREATE UNIQUE INDEX IF NOT EXISTS expert_ask_request_expert ON expert_ask (request, expert)",
]


def _condition(column: str, values: tuple[str, ...], null: bool) -> str:
    listed = ", ".join(f"'{value}'" for value in values)
    rule = f"{column} IN ({listed})"
    return f"{column} IS NULL OR {rule}" if null else rule


def _rules() -> list[tuple[str, str, str, str]]:
    rules = [
        (table, f"{table}_{column}_choice", column, _condition(column, values, null))
        for table, column, values, null in CHOICES
    ]
    return rules + CHECKS


def _statements(postgres: bool) -> list[str]:
    statements = list(UNIQUE)
    for table, name, column, rule in _rules():
        if postgres:
            statements += [
                f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}",
                f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({rule})",
            ]
            continue
        new_rule = rule.replace(column, f"NEW.{column}")
        refusal = (
            f"WHEN NOT ({new_rule}) BEGIN"
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
        statements = [
            "DROP INDEX IF EXISTS expert_organisation_email",
            "DROP INDEX IF EXISTS expert_ask_request_expert",
        ]
        for table_name, name, _column, _rule in _rules():
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
