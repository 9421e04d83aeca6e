from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-05T00:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "One name for a date: indexes, constraints, triggers and stored words follow"

OLD, NEW = "occurrence", "event_date"
# Stored words that named the old table: mail kinds (pending mails are rendered at delivery
# by kind) and the audit log's entity.
KINDS = {"occurrence_cancelled": "date_cancelled", "occurrence_changed": "date_changed"}


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

    async def postgres_names(table, old, new):
        rows = await table.raw(
            "SELECT c.relname AS name, c.relkind::text AS kind FROM pg_class c"
            " WHERE c.relnamespace = 'public'::regnamespace AND c.relname LIKE {}"
            " AND c.relkind IN ('i', 'S')"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)",
            f"%{old}%",
        )
        statements = []
        for row in rows:
            what = "INDEX" if row["kind"] == "i" else "SEQUENCE"
            renamed = row["name"].replace(old, new)
            statements.append(f'ALTER {what} "{row["name"]}" RENAME TO "{renamed}"')
        constraints = await table.raw(
            "SELECT k.conname AS name, t.relname AS tablename FROM pg_constraint k"
            " JOIN pg_class t ON t.oid = k.conrelid"
            " WHERE t.relnamespace = 'public'::regnamespace AND k.conname LIKE {}",
            f"%{old}%",
        )
        for row in constraints:  # renaming a constraint renames its index too
            renamed = row["name"].replace(old, new)
            statements.append(
                f'ALTER TABLE "{row["tablename"]}" RENAME CONSTRAINT "{row["name"]}"'
                f' TO "{renamed}"'
            )
        triggers = await table.raw(
            "SELECT g.tgname AS name, t.relname AS tablename FROM pg_trigger g"
            " JOIN pg_class t ON t.oid = g.tgrelid"
            " WHERE NOT g.tgisinternal AND g.tgname LIKE {}",
            f"%{old}%",
        )
        for row in triggers:
            renamed = row["name"].replace(old, new)
            statements.append(
                f'ALTER TRIGGER "{row["name"]}" ON "{row["tablename"]}" RENAME TO "{renamed}"'
            )
        return statements

    async def sqlite_names(table, old, new):
        # SQLite renamed the table and columns inside every index and trigger already; what is
        # left is their own names (and a refusal's message naming its rule), which it cannot
        # change: each is made again under the new one.  A bare table or column name stays.
        import re

        def renamed(sql):
            return re.sub(
                rf"\w*{old}\w*",
                lambda m: m.group(0) if m.group(0) == old else m.group(0).replace(old, new),
                sql,
            )

        rows = await table.raw(
            "SELECT type, name, sql FROM sqlite_master"
            " WHERE type IN ('index', 'trigger') AND sql IS NOT NULL AND name LIKE {}",
            f"%{old}%",
        )
        statements = []
        for row in rows:
            what = "INDEX" if row["type"] == "index" else "TRIGGER"
            statements.append(f'DROP {what} IF EXISTS "{row["name"]}"')
            statements.append(renamed(row["sql"]))
        return statements

    def words(old_new_kinds, entity_old, entity_new):
        statements = []
        for old, new in old_new_kinds.items():
            statements.append(f"UPDATE outbox_mail SET kind = '{new}' WHERE kind = '{old}'")
            # a change mail's dedupe key starts with its kind: the same change is not queued
            # again under the new name
            statements.append(
                f"UPDATE outbox_mail SET dedupe_key = '{new}' || substr(dedupe_key, {len(old) + 1})"
                f" WHERE dedupe_key LIKE '{old}:%'"
            )
        statements.append(
            f"UPDATE audit_log SET entity = '{entity_new}' WHERE entity = '{entity_old}'"
        )
        return statements

    async def run(old, new, kinds):
        table = migration_table()
        if postgres(table):
            statements = await postgres_names(table, old, new)
        else:
            statements = await sqlite_names(table, old, new)
        for statement in statements + words(kinds, old, new):
            await table.raw(statement)

    async def forwards_raw():
        await run(OLD, NEW, KINDS)

    async def backwards_raw():
        await run(NEW, OLD, {new: old for old, new in KINDS.items()})

    manager.add_raw(forwards_raw)
    manager.add_raw_backwards(backwards_raw)
    return manager
