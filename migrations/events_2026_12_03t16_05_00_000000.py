from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete
from piccolo.columns.base import OnUpdate
from piccolo.columns.column_types import ForeignKey
from piccolo.columns.column_types import Serial
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.column_types import Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class Account(Table, tablename="account", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name=None,
        secret=False,
    )


ID = "2026-12-03T16:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "server-side login sessions"


def _timestamptz(index: bool = False) -> dict[str, object]:
    return {
        "default": TimestamptzNow(),
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": index,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
    }


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="events", description=DESCRIPTION
    )

    manager.add_table(
        class_name="LoginSession",
        tablename="login_session",
        schema=None,
        columns=None,
    )

    manager.add_column(
        table_class_name="LoginSession",
        tablename="login_session",
        column_name="id",
        db_column_name="id",
        column_class_name="Serial",
        column_class=Serial,
        params={
            "null": False,
            "primary_key": True,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="LoginSession",
        tablename="login_session",
        column_name="account",
        db_column_name="account",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": Account,
            "on_delete": OnDelete.cascade,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="LoginSession",
        tablename="login_session",
        column_name="token_hash",
        db_column_name="token_hash",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 64,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": True,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    for column_name, index in (
        ("created_at", False),
        ("last_seen_at", False),
        ("expires_at", True),
    ):
        manager.add_column(
            table_class_name="LoginSession",
            tablename="login_session",
            column_name=column_name,
            db_column_name=column_name,
            column_class_name="Timestamptz",
            column_class=Timestamptz,
            params=_timestamptz(index=index),
            schema=None,
        )

    # Sessions are rows now: ending them deletes the rows, so the epoch counter goes.
    manager.drop_column(
        table_class_name="Account",
        tablename="account",
        column_name="session_epoch",
        db_column_name="session_epoch",
        schema=None,
    )

    return manager
