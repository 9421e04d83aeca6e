from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import (
    JSON,
    ForeignKey,
    Integer,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-05T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Certificates of participation: a threshold per series or programme, issued certificates"


class Organisation(Table, tablename="organisation", schema=None):
    id = Serial(null=False, primary_key=True)


class Series(Table, tablename="series", schema=None):
    id = Serial(null=False, primary_key=True)


class Programme(Table, tablename="programme", schema=None):
    id = Serial(null=False, primary_key=True)


class Attendee(Table, tablename="attendee", schema=None):
    id = Serial(null=False, primary_key=True)


def _params(**given):
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


def _fk(references, on_delete, **given):
    return (
        ForeignKey,
        _params(
            references=references,
            on_delete=on_delete,
            on_update=OnUpdate.cascade,
            target_column=None,
            **given,
        ),
    )


TABLES = {
    ("CertificateRule", "certificate_rule"): {
        "id": (Serial, _params(primary_key=True)),
        "organisation": _fk(Organisation, OnDelete.cascade, index=True),
        "series": _fk(Series, OnDelete.cascade, null=True, default=None, unique=True),
        "programme": _fk(Programme, OnDelete.cascade, null=True, default=None, unique=True),
        "measure": (Varchar, _params(length=8, default="percent")),
        "threshold": (Integer, _params(default=80)),
        "updated_at": (Timestamptz, _params(default=TimestamptzNow())),
    },
    ("Certificate", "certificate"): {
        "id": (Serial, _params(primary_key=True)),
        "organisation": _fk(Organisation, OnDelete.cascade, index=True),
        "series": _fk(Series, OnDelete.set_null, null=True, default=None, index=True),
        "programme": _fk(Programme, OnDelete.set_null, null=True, default=None, index=True),
        "attendee": _fk(Attendee, OnDelete.set_null, null=True, default=None, index=True),
        "code": (Varchar, _params(length=32, default="", unique=True)),
        "name": (Varchar, _params(length=200, default="")),
        "title": (Varchar, _params(length=200, default="")),
        "organisation_name": (Varchar, _params(length=200, default="")),
        "dates": (JSON, _params(default="[]")),
        "minutes": (Integer, _params(default=0)),
        "language": (Varchar, _params(length=2, default="nl")),
        "issued_at": (Timestamptz, _params(default=TimestamptzNow())),
        "revoked_at": (Timestamptz, _params(default=None, null=True)),
        "sent_count": (Integer, _params(default=0)),
    },
}

async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="events", description=DESCRIPTION)
    for (class_name, tablename), columns in TABLES.items():
        manager.add_table(class_name=class_name, tablename=tablename, schema=None, columns=None)
        for name, (column_class, params) in columns.items():
            manager.add_column(
                table_class_name=class_name,
                tablename=tablename,
                column_name=name,
                db_column_name=name,
                column_class_name=column_class.__name__,
                column_class=column_class,
                params=params,
                schema=None,
            )
    return manager
