from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-03T16:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Mailbox proof: confirm first, held registrations, verified attendees"


def _params(default, null, index=False):
    return {
        "default": default,
        "null": null,
        "primary_key": False,
        "unique": False,
        "index": index,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
    }


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="events", description=DESCRIPTION)
    columns = (
        ("Organisation", "organisation", "confirm_first", Boolean, _params(False, False)),
        ("Series", "series", "confirm_first", Boolean, _params(None, True)),
        ("Attendee", "attendee", "verified_at", Timestamptz, _params(None, True)),
        ("Registration", "registration", "hold_until", Timestamptz, _params(None, True, True)),
        ("SeriesSubscription", "series_subscription", "hold_until", Timestamptz, _params(None, True)),
    )
    for class_name, tablename, column, column_class, params in columns:
        manager.add_column(
            table_class_name=class_name,
            tablename=tablename,
            column_name=column,
            db_column_name=column,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )

    async def replace_links():
        # Manage and feed addresses used to be shown on the page after registering, to whoever
        # typed the address.  Every address handed out that way is replaced: the new ones reach
        # people only by mail ("send me my link").
        import secrets

        from piccolo.table import Table
        from piccolo.columns.column_types import Serial, Varchar

        class Attendee(Table, tablename="attendee"):
            id = Serial(primary_key=True)
            manage_token = Varchar(length=64)
            feed_token = Varchar(length=64)

        for row in await Attendee.select(Attendee.id):
            await Attendee.update(
                {
                    Attendee.manage_token: secrets.token_urlsafe(32),
                    Attendee.feed_token: secrets.token_urlsafe(32),
                }
            ).where(Attendee.id == row["id"])

    manager.add_raw(replace_links)
    return manager
