from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-05T00:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "One name for a date: the table occurrence becomes event_date, its references too"

# The pages, the API and the code call a concrete date of a series "date" (the table class is
# EventDate, as "date" alone is a column type).  The table and every column that refers to it
# are renamed here; the next migration renames the indexes, constraints, triggers and the
# sequence named after them, and the stored words (mail kinds, audit entities) that used the
# old name.
REFERENCES = {
    "Speaker": "speaker",
    "SeriesHost": "series_host",
    "Material": "material",
    "Registration": "registration",
    "OutboxMail": "outbox_mail",
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="events", description=DESCRIPTION)
    manager.rename_table(
        old_class_name="Occurrence",
        old_tablename="occurrence",
        new_class_name="EventDate",
        new_tablename="event_date",
    )
    for class_name, tablename in REFERENCES.items():
        manager.rename_column(
            table_class_name=class_name,
            tablename=tablename,
            old_column_name="occurrence",
            new_column_name="event_date",
            old_db_column_name="occurrence",
            new_db_column_name="event_date",
        )
    return manager
