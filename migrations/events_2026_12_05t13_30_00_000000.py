from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer, Text
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-05T13:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Care: needs kept a short while after the date, a content note, an aftercare mail"


def _params(default):
    return {
        "default": default,
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
    }


COLUMNS = [
    ("Organisation", "organisation", "needs_days", Integer, 7),
    ("Series", "series", "content_note", Text, ""),
    ("Series", "series", "aftercare_text", Text, ""),
    ("Series", "series", "aftercare_hours", Integer, 24),
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="events", description=DESCRIPTION)
    for class_name, tablename, column, column_class, default in COLUMNS:
        manager.add_column(
            table_class_name=class_name,
            tablename=tablename,
            column_name=column,
            db_column_name=column,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=_params(default),
            schema=None,
        )
    return manager
