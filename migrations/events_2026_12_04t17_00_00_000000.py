from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-04T17:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "How someone comes to a hybrid date: on site or online (a registration, a whole-series registration)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="events", description=DESCRIPTION)
    for class_name, table in (("Registration", "registration"),
                              ("SeriesSubscription", "series_subscription")):  # fmt: skip
        manager.add_column(
            table_class_name=class_name,
            tablename=table,
            column_name="attendance",
            db_column_name="attendance",
            column_class_name="Varchar",
            column_class=Varchar,
            params={
                "length": 8,
                "default": None,
                "null": True,
                "primary_key": False,
                "unique": False,
                "index": False,
                "index_method": IndexMethod.btree,
                "choices": None,
                "db_column_name": None,
                "secret": False,
            },
            schema=None,
        )
    return manager
