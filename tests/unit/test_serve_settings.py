"""``events-app serve`` runs uvicorn with the production settings the benchmarks measured."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
import uvicorn

from events_app import cli
from events_app.observability import logs


def test_serve_uses_uvloop_and_httptools(monkeypatch: pytest.MonkeyPatch) -> None:
    called: dict[str, Any] = {}

    def fake_run(app: str, **options: Any) -> None:
        called.update(options, app=app)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.setattr(logs, "configure_logging", lambda fmt: None)
    monkeypatch.setenv(logs.LOGGING_FLAG, "0")  # serve sets it; restored afterwards
    assert cli.main(["serve", "--workers", "1", "--port", "9999"]) == 0
    assert called["app"] == "events_app.app:create_served_app" and called["factory"] is True
    assert (called["loop"], called["http"]) == ("uvloop", "httptools")
    # Installed with the project (pyproject.toml), so the server starts as configured.
    importlib.import_module("uvloop")
    importlib.import_module("httptools")
