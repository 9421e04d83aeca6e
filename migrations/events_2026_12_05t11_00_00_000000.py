from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import (
    JSON,
    ForeignKey,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-05T11:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Applications: a series can take applications that an organiser accepts or declines"


class EventDate(Table, tablename="event_date", schema=None):
    id = Serial(primary_key=True)


class Attendee(Table, tablename="attendee", schema=None):
    id = Serial(primary_key=True)


class Registration(Table, tablename="registration", schema=None):
    id = Serial(primary_key=True)


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


def _reference(table: type[Table], on_delete: OnDelete, **given: object) -> dict[str, object]:
    return _params(
        references=table,
        on_delete=on_delete,
        on_update=OnUpdate.cascade,
        target_column=None,
        **given,
    )


COLUMNS = (
    ("id", Serial, _params(primary_key=True)),
    ("event_date", ForeignKey, _reference(EventDate, OnDelete.cascade, index=True)),
    (
        "attendee",
        ForeignKey,
        _reference(Attendee, OnDelete.set_null, null=True, default=None, index=True),
    ),
    ("name", Varchar, _params(length=200, default="")),
    ("email", Varchar, _params(length=254, default="")),
    ("role", Varchar, _params(length=16, null=True, default=None)),
    ("needs", Text, _params(default="")),
    ("answers", JSON, _params(default="{}")),
    ("language", Varchar, _params(length=2, default="nl")),
    ("attendance", Varchar, _params(length=8, null=True, default=None)),
    ("status", Varchar, _params(length=16, default="pending")),
    ("message", Text, _params(default="")),
    (
        "registration",
        ForeignKey,
        _reference(Registration, OnDelete.set_null, null=True, default=None),
    ),
    ("created_at", Timestamptz, _params(default=TimestamptzNow())),
    ("updated_at", Timestamptz, _params(default=TimestamptzNow())),
    ("decided_at", Timestamptz, _params(null=True, default=None)),
    ("anonymised_at", Timestamptz, _params(null=True, default=None)),
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="events", description=DESCRIPTION)

    manager.add_column(
        table_class_name="Series",
        tablename="series",
        column_name="admission",
        db_column_name="admission",
        column_class_name="Varchar",
        column_class=Varchar,
        params=_params(length=8, default="register"),
        schema=None,
    )
    manager.add_table(class_name="Application", tablename="application", schema=None, columns=None)
    for name, column_class, params in COLUMNS:
        manager.add_column(
            table_class_name="Application",
            tablename="application",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager
