from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamp,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamp import TimestampNow
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-05T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Requests: guest lessons and speakers asked for, a pool of experts, proposals"


class Organisation(Table, tablename="organisation", schema=None):
    id = Serial(primary_key=True)


class Account(Table, tablename="account", schema=None):
    id = Serial(primary_key=True)


class Series(Table, tablename="series", schema=None):
    id = Serial(primary_key=True)


class ExpertRequest(Table, tablename="expert_request", schema=None):
    id = Serial(primary_key=True)


class Expert(Table, tablename="expert", schema=None):
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


def _maybe(table: type[Table], on_delete: OnDelete, **given: object) -> dict[str, object]:
    return _reference(table, on_delete, null=True, default=None, **given)


ID_COLUMN = ("id", Serial, _params(primary_key=True))
NOW = _params(default=TimestamptzNow())
WHEN = _params(null=True, default=None)

TABLES = {
    ("ExpertRequest", "expert_request"): (
        ID_COLUMN,
        ("organisation", ForeignKey, _reference(Organisation, OnDelete.cascade, index=True)),
        ("kind", Varchar, _params(length=16, default="guest_lesson")),
        ("topic", Varchar, _params(length=200, default="")),
        ("audience", Varchar, _params(length=300, default="")),
        ("people", Integer, _params(null=True, default=None)),
        ("preferred_days", JSON, _params(default="[]")),
        ("period", Varchar, _params(length=200, default="")),
        ("format", Varchar, _params(length=16, default="in_person")),
        ("address", Text, _params(default="")),
        ("requester_organisation", Varchar, _params(length=200, default="")),
        ("contact_name", Varchar, _params(length=200, default="")),
        ("contact_email", Varchar, _params(length=254, default="", index=True)),
        ("notes", Text, _params(default="")),
        ("language", Varchar, _params(length=2, default="nl")),
        ("status", Varchar, _params(length=16, default="new")),
        ("salt", Varchar, _params(length=64, default="")),
        ("token_hash", Varchar, _params(length=64, default="", unique=True)),
        ("series", ForeignKey, _maybe(Series, OnDelete.set_null, index=True)),
        ("created_at", Timestamptz, _params(default=TimestamptzNow(), index=True)),
        ("updated_at", Timestamptz, NOW),
        ("answered_at", Timestamptz, WHEN),
        ("closed_at", Timestamptz, WHEN),
        ("anonymised_at", Timestamptz, WHEN),
    ),
    ("RequestEntry", "request_entry"): (
        ID_COLUMN,
        ("request", ForeignKey, _reference(ExpertRequest, OnDelete.cascade, index=True)),
        ("at", Timestamptz, NOW),
        ("actor", Varchar, _params(length=16, default="")),
        ("account", ForeignKey, _maybe(Account, OnDelete.set_null)),
        ("action", Varchar, _params(length=32, default="")),
        ("status", Varchar, _params(length=16, null=True, default=None)),
        ("text", Text, _params(default="")),
        ("shared", Boolean, _params(default=False)),
    ),
    ("Expert", "expert"): (
        ID_COLUMN,
        ("organisation", ForeignKey, _reference(Organisation, OnDelete.cascade, index=True)),
        ("account", ForeignKey, _maybe(Account, OnDelete.set_null, index=True)),
        ("name", Varchar, _params(length=200, default="")),
        ("email", Varchar, _params(length=254, default="")),
        ("topics", JSON, _params(default="[]")),
        ("languages", JSON, _params(default='["nl"]')),
        ("region", Varchar, _params(length=120, default="")),
        ("availability", Text, _params(default="")),
        ("fee_cents", Integer, _params(default=0)),
        ("consent_at", Timestamptz, NOW),
        ("consent_note", Varchar, _params(length=300, default="")),
        ("active", Boolean, _params(default=True)),
        ("created_at", Timestamptz, NOW),
        ("updated_at", Timestamptz, NOW),
    ),
    ("ExpertAsk", "expert_ask"): (
        ID_COLUMN,
        ("request", ForeignKey, _reference(ExpertRequest, OnDelete.cascade, index=True)),
        ("expert", ForeignKey, _reference(Expert, OnDelete.cascade, index=True)),
        ("status", Varchar, _params(length=16, default="asked")),
        ("message", Text, _params(default="")),
        ("answer", Text, _params(default="")),
        ("salt", Varchar, _params(length=64, default="")),
        ("token_hash", Varchar, _params(length=64, default="", unique=True)),
        ("asked_at", Timestamptz, NOW),
        ("answered_at", Timestamptz, WHEN),
    ),
    ("Proposal", "proposal"): (
        ID_COLUMN,
        ("request", ForeignKey, _reference(ExpertRequest, OnDelete.cascade, index=True)),
        ("expert", ForeignKey, _maybe(Expert, OnDelete.set_null, index=True)),
        ("expert_name", Varchar, _params(length=200, default="")),
        ("account", ForeignKey, _maybe(Account, OnDelete.set_null)),
        ("local_start", Timestamp, _params(default=TimestampNow())),
        ("timezone", Varchar, _params(length=64, default="Europe/Amsterdam")),
        ("duration_minutes", Integer, _params(default=90)),
        ("format", Varchar, _params(length=16, default="in_person")),
        ("location", Text, _params(default="")),
        ("meeting_url", Varchar, _params(length=500, default="")),
        ("title", Varchar, _params(length=200, default="")),
        ("note", Text, _params(default="")),
        ("fee_cents", Integer, _params(default=0)),
        ("public", Boolean, _params(default=False)),
        ("status", Varchar, _params(length=16, default="proposed")),
        ("answer", Text, _params(default="")),
        ("series", ForeignKey, _maybe(Series, OnDelete.set_null, index=True)),
        ("created_at", Timestamptz, NOW),
        ("decided_at", Timestamptz, WHEN),
    ),
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="events", description=DESCRIPTION)
    for (class_name, tablename), columns in TABLES.items():
        manager.add_table(class_name=class_name, tablename=tablename, schema=None, columns=None)
        for name, column_class, params in columns:
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
