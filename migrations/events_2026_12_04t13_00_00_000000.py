from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Timestamptz, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-04T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = (
    "Dates a schedule change removed: why as a code (shown in the reader's language) and, for "
    "dates nobody registered for, when they were removed (no page shows them any more)"
)
# The revision trigger with the new columns, and the rows written before, follow in
# events_2026_12_04t13_00_01_000000 (a migration's raw steps run before its columns are added).


def _params(**values):
    return {
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
        **values,
    }


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="events", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Occurrence",
        tablename="occurrence",
        column_name="status_cause",
        db_column_name="status_cause",
        column_class_name="Varchar",
        column_class=Varchar,
        params=_params(default="", length=32),
        schema=None,
    )
    manager.add_column(
        table_class_name="Occurrence",
        tablename="occurrence",
        column_name="removed_at",
        db_column_name="removed_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params=_params(default=None, null=True),
        schema=None,
    )
    return manager
