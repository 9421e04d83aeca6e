"""Piccolo's configuration: the engine follows DATABASE_URL (SQLite by default)."""

from __future__ import annotations

import os
from pathlib import Path

from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

_ROOT = Path(__file__).resolve().parent
_url = os.environ.get("DATABASE_URL") or f"sqlite:///{_ROOT / 'var' / 'events.sqlite3'}"

if _url.startswith(("postgres://", "postgresql://")):
    DB: PostgresEngine | SQLiteEngine = PostgresEngine(config={"dsn": _url})
elif _url.startswith("sqlite:///"):
    # sqlite:///relative/to/repo.sqlite3 or sqlite:////absolute/path.sqlite3
    _path = Path(_url[len("sqlite:///") :])
    if not _path.is_absolute():
        _path = _ROOT / _path
    _path.parent.mkdir(parents=True, exist_ok=True)
    DB = SQLiteEngine(path=str(_path), timeout=30)
else:
    raise RuntimeError("DATABASE_URL must start with postgresql:// or sqlite:///")

APP_REGISTRY = AppRegistry(apps=["events_app.piccolo_app"])
