from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-04T13:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = (
    "The occurrence revision trigger also follows status_cause and removed_at; reasons a "
    "schedule change wrote in English become the code"
)

# The English reasons the app stored until now, and the codes they become.
OLD_REASONS = {
    "The series has a new schedule and no longer meets on this date.": "schedule_changed",
    "The series ends.": "series_ended",
}

# The occurrence columns feeds show or select rows by (as in events_2026_12_04t10_00_00_000000)
# with the two new ones: the revision trigger is made again with them.
OCCURRENCE_FEED_COLUMNS = (
    "series", "uid", "local_start", "local_end", "timezone", "starts_at", "ends_at",
    "status", "status_reason", "topic", "note", "capacity", "location", "meeting_url",
    "meeting_details", "confirmed_count", "waiting_count", "sequence", "updated_at",
    "status_cause", "removed_at",
)  # fmt: skip


def _postgres(columns):
    old = ", ".join(f'OLD."{c}"' for c in columns)
    new = ", ".join(f'NEW."{c}"' for c in columns)
    return [
        "DROP TRIGGER IF EXISTS occurrence_revision ON occurrence",
        f"""CREATE TRIGGER occurrence_revision BEFORE UPDATE ON occurrence FOR EACH ROW
            WHEN (({old}) IS DISTINCT FROM ({new}))
            EXECUTE FUNCTION feed_revision_bump()""",
    ]


def _sqlite(columns):
    changed = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in columns)
    listed = ", ".join(f'"{c}"' for c in columns)
    return [
        "DROP TRIGGER IF EXISTS occurrence_revision",
        f"""CREATE TRIGGER occurrence_revision AFTER UPDATE OF {listed} ON occurrence
            FOR EACH ROW WHEN {changed}
            BEGIN UPDATE occurrence SET revision = revision + 1 WHERE id = NEW.id; END""",
    ]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="events", description=DESCRIPTION)

    async def triggers_and_data():
        from piccolo.engine.postgres import PostgresEngine
        from piccolo.table import Table

        class Migration(Table, tablename="migration"):
            pass

        postgres = isinstance(Migration._meta.db, PostgresEngine)
        columns = OCCURRENCE_FEED_COLUMNS
        statements = _postgres(columns) if postgres else _sqlite(columns)
        for statement in statements:
            await Migration.raw(statement)
        # Reasons the app wrote in English become the code; dates removed that way which
        # nobody ever registered for leave the pages (feeds keep them a while, as new ones).
        for reason, cause in OLD_REASONS.items():
            await Migration.raw(
                "UPDATE occurrence SET status_cause = {}, status_reason = ''"
                " WHERE status_reason = {}",
                cause,
                reason,
            )
        await Migration.raw(
            "UPDATE occurrence SET removed_at = updated_at"
            " WHERE status_cause = 'schedule_changed' AND status = 'cancelled'"
            " AND NOT EXISTS (SELECT 1 FROM registration r WHERE r.occurrence = occurrence.id)"
        )

    manager.add_raw(triggers_and_data)
    return manager
