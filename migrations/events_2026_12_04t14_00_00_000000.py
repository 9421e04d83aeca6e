from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Bytea, Integer, Text, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-04T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Materials as a written text or a file kept in the database, beside links"


def _params(**given: object) -> dict[str, object]:
    return {
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
        **given,
    }


COLUMNS = (
    ("kind", Varchar, _params(length=8, default="link")),
    ("body", Text, _params(default="")),
    ("file_name", Varchar, _params(length=200, default="")),
    ("content_type", Varchar, _params(length=120, default="")),
    ("size", Integer, _params(default=0)),
    ("data", Bytea, _params(default=None, null=True)),
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="events", description=DESCRIPTION)
    for name, column_class, params in COLUMNS:
        manager.add_column(
            table_class_name="Material",
            tablename="material",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager
