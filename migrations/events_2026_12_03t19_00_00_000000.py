from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-03T19:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Drop indexes that repeat another: every insert paid for both"

# A column declared unique already has the index of its UNIQUE constraint; the second,
# non-unique index on the same column only made every insert write it twice.  The
# registration's occurrence and the outbox's status lead composite indexes that serve the same
# lookups; a lone status or next-attempt index was never chosen.
REPEATED = (
    "account_email",
    "api_token_token_hash",
    "attendee_email",
    "attendee_manage_token",
    "attendee_feed_token",
    "invitation_token_hash",
    "login_session_token_hash",
    "organisation_slug",
    "password_reset_token_hash",
    "programme_slug",
    "series_slug",
    "throttle_key",
    "registration_occurrence",
    "registration_status",
    "outbox_mail_status",
    "outbox_mail_next_attempt_at",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="events", description=DESCRIPTION)

    async def drop():
        from piccolo.table import Table

        class Migration(Table, tablename="migration"):
            pass

        for name in REPEATED:
            await Migration.raw(f'DROP INDEX IF EXISTS "{name}"')

    manager.add_raw(drop)
    return manager
