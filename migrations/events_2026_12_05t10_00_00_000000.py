from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-05T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Followers (double opt-in, by address) and the announcements sent to them"

# The tables as they are at this migration (its own copy; tables.py may move on).  Piccolo
# writes each engine's CREATE TABLE and single-column indexes; the unique triple and the CHECK
# rule of the digest choice are added after, named as ``tables.py`` declares them.
DIGEST_VALUES = ("daily", "weekly")
UNIQUE = (
    "CREATE UNIQUE INDEX follower_organisation_target_email"
    " ON follower (organisation, target, email)"
)
CHOICE = "follower_digest_choice"


def _tables():
    from piccolo.columns import (
        JSON,
        ForeignKey,
        Integer,
        OnDelete,
        Serial,
        Text,
        Timestamptz,
        Varchar,
    )
    from piccolo.table import Table

    class Organisation(Table, tablename="organisation"):
        id = Serial(primary_key=True)

    class Series(Table, tablename="series"):
        id = Serial(primary_key=True)

    class Account(Table, tablename="account"):
        id = Serial(primary_key=True)

    class Follower(Table, tablename="follower"):
        id = Serial(primary_key=True)
        organisation = ForeignKey(references=Organisation, on_delete=OnDelete.cascade, index=True)
        series = ForeignKey(
            references=Series, on_delete=OnDelete.cascade, null=True, default=None, index=True
        )
        target = Varchar(length=60)
        email = Varchar(length=254, index=True)
        language = Varchar(length=2, default="nl")
        digest = Varchar(length=8, default="daily")
        salt = Varchar(length=64)
        token_hash = Varchar(length=64, unique=True)
        created_at = Timestamptz()
        confirmed_at = Timestamptz(null=True, default=None)
        last_digest_at = Timestamptz(null=True, default=None)

    class Announcement(Table, tablename="announcement"):
        id = Serial(primary_key=True)
        organisation = ForeignKey(references=Organisation, on_delete=OnDelete.cascade, index=True)
        account = ForeignKey(
            references=Account, on_delete=OnDelete.set_null, null=True, default=None
        )
        audience = Varchar(length=60)
        subject = Varchar(length=200)
        body = Text()
        date_ids = JSON(default=[])
        recipients = Integer(default=0)
        sent_at = Timestamptz()

    return Follower, Announcement


def _choice(postgres: bool) -> list[str]:
    listed = ", ".join(f"'{value}'" for value in DIGEST_VALUES)
    if postgres:
        return [f"ALTER TABLE follower ADD CONSTRAINT {CHOICE} CHECK (digest IN ({listed}))"]
    refusal = (
        f"WHEN NOT (NEW.digest IN ({listed})) BEGIN"
        f" SELECT RAISE(ABORT, 'CHECK constraint failed: {CHOICE}'); END"
    )
    return [
        f"CREATE TRIGGER {CHOICE} BEFORE UPDATE OF digest ON follower FOR EACH ROW {refusal}",
        f"CREATE TRIGGER {CHOICE}_new BEFORE INSERT ON follower FOR EACH ROW {refusal}",
    ]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="events", description=DESCRIPTION)

    async def add():
        from piccolo.engine.postgres import PostgresEngine

        follower, announcement = _tables()
        await follower.create_table(if_not_exists=True)
        await announcement.create_table(if_not_exists=True)
        postgres = isinstance(follower._meta.db, PostgresEngine)
        for statement in [UNIQUE, *_choice(postgres)]:
            await follower.raw(statement)

    async def remove():
        follower, announcement = _tables()
        await announcement.alter().drop_table(if_exists=True)
        await follower.alter().drop_table(if_exists=True)

    manager.add_raw(add)
    manager.add_raw_backwards(remove)
    return manager
