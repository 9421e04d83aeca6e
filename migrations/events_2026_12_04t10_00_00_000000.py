from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-04T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Feed revisions: a counter per row, raised by the database on every change feeds show"

# Per table, the columns a calendar feed shows or selects its rows by.  A change of any of them
# raises the row's revision in the same statement (a trigger), so no service can forget it; a
# feed's version sums the revisions of what is in its scope (events_app/feeds/versions.py).
# A column added later that feeds show needs a migration that creates the trigger again with
# it: tests/integration/test_feed_revisions.py fails until then.
FEED_COLUMNS = {
    "organisation": ("slug", "name", "contact_email", "updated_at"),
    "programme": ("slug", "title", "summary", "published"),
    "series": (
        "organisation", "programme", "kind", "slug", "title", "summary", "format", "location",
        "meeting_url", "meeting_details", "link_visibility", "registration_mode", "capacity",
        "waitlist", "tags", "contact_email", "published", "status", "updated_at",
    ),
    "occurrence": (
        "series", "uid", "local_start", "local_end", "timezone", "starts_at", "ends_at",
        "status", "status_reason", "topic", "note", "capacity", "location", "meeting_url",
        "meeting_details", "confirmed_count", "waiting_count", "sequence", "updated_at",
    ),
    "speaker": ("series", "occurrence", "name", "role", "position"),
    "series_host": ("account", "series", "occurrence"),
    "attendee": ("feed_token", "language"),
    "registration": (
        "occurrence", "attendee", "status", "waiting_since", "created_at", "updated_at",
        "cancelled_at",
    ),
    "account": ("host_feed_token", "language", "active"),
}  # fmt: skip
JSON_COLUMNS = {("series", "tags")}  # PostgreSQL's json has no equality: compared as text


def _params():
    return {
        "default": 0,
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
    }


def _postgres(table, columns):
    def value(row, column):
        cast = "::text" if (table, column) in JSON_COLUMNS else ""
        return f'{row}."{column}"{cast}'

    old = ", ".join(value("OLD", c) for c in columns)
    new = ", ".join(value("NEW", c) for c in columns)
    return [
        f"DROP TRIGGER IF EXISTS {table}_revision ON {table}",
        f"""CREATE TRIGGER {table}_revision BEFORE UPDATE ON {table} FOR EACH ROW
            WHEN (({old}) IS DISTINCT FROM ({new}))
            EXECUTE FUNCTION feed_revision_bump()""",
    ]


def _sqlite(table, columns):
    changed = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in columns)
    listed = ", ".join(f'"{c}"' for c in columns)
    # SQLite gives the id of a deleted last row to the next insert: a new row starts at a
    # revision no row had before (one counter for all tables; SQLite writes one at a time), so
    # a row deleted and another inserted in its place still change the feed's sums.
    return [
        f"DROP TRIGGER IF EXISTS {table}_revision",
        f"""CREATE TRIGGER {table}_revision AFTER UPDATE OF {listed} ON {table}
            FOR EACH ROW WHEN {changed}
            BEGIN UPDATE {table} SET revision = revision + 1 WHERE id = NEW.id; END""",
        f"DROP TRIGGER IF EXISTS {table}_revision_new",
        f"""CREATE TRIGGER {table}_revision_new AFTER INSERT ON {table} FOR EACH ROW
            BEGIN
                UPDATE feed_revision SET n = n + 1;
                UPDATE {table} SET revision = (SELECT n FROM feed_revision) WHERE id = NEW.id;
            END""",
    ]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="events", description=DESCRIPTION)
    for table in FEED_COLUMNS:
        class_name = "".join(part.title() for part in table.split("_"))
        manager.add_column(
            table_class_name=class_name,
            tablename=table,
            column_name="revision",
            db_column_name="revision",
            column_class_name="Integer",
            column_class=Integer,
            params=_params(),
            schema=None,
        )

    async def triggers():
        from piccolo.engine.postgres import PostgresEngine
        from piccolo.table import Table

        class Migration(Table, tablename="migration"):
            pass

        postgres = isinstance(Migration._meta.db, PostgresEngine)
        if postgres:
            statements = [
                """CREATE OR REPLACE FUNCTION feed_revision_bump() RETURNS trigger
                    LANGUAGE plpgsql AS $$
                    BEGIN NEW.revision := OLD.revision + 1; RETURN NEW; END $$"""
            ]
        else:
            statements = [
                "CREATE TABLE IF NOT EXISTS feed_revision (n INTEGER NOT NULL)",
                "INSERT INTO feed_revision (n) SELECT 0"
                " WHERE NOT EXISTS (SELECT 1 FROM feed_revision)",
            ]
        for table, columns in FEED_COLUMNS.items():
            statements += _postgres(table, columns) if postgres else _sqlite(table, columns)
        for statement in statements:
            await Migration.raw(statement)

    manager.add_raw(triggers)
    return manager
