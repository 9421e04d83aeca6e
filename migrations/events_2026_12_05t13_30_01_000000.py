from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-05T13:30:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "Needs never kept longer than the rest: needs_days brought down to retention_days"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="events", description=DESCRIPTION)

    async def clamp():
        from piccolo.table import Table

        class Migration(Table, tablename="migration"):
            pass

        await Migration.raw(
            "UPDATE organisation SET needs_days = retention_days WHERE needs_days > retention_days"
        )

    manager.add_raw(clamp)
    return manager
