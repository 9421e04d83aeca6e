"""Piccolo app registration: our tables and the top-level migrations folder."""

from __future__ import annotations

from piccolo.conf.apps import AppConfig, table_finder

from events_app.settings import ROOT

APP_CONFIG = AppConfig(
    app_name="events",
    migrations_folder_path=str(ROOT / "migrations"),
    table_classes=table_finder(modules=["events_app.tables"], exclude_imported=True),
    migration_dependencies=[],
    commands=[],
)
