"""The helpers for raw statements: IN lists, and rows read back from either database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from events_app import db


def test_placeholders_make_an_in_list() -> None:
    assert db.placeholders(1) == "{}"
    assert db.placeholders(3) == "{}, {}, {}"
    with pytest.raises(ValueError):
        db.placeholders(0)  # "IN ()" is a syntax error on PostgreSQL


def test_typed_reads_sqlite_values_as_the_columns_types() -> None:
    row = {"ok": 1, "never": 0, "at": "2026-12-03 19:00:00.5+00:00", "naive": "2026-12-03 19:00:00"}
    types = {"ok": bool, "never": bool, "at": datetime, "naive": datetime, "missing": bool}
    out = db.typed(row, types)
    assert out["ok"] is True and out["never"] is False
    assert out["at"] == datetime(2026, 12, 3, 19, 0, 0, 500000, tzinfo=UTC)
    assert out["naive"] == datetime(2026, 12, 3, 19, 0, tzinfo=UTC)  # stored UTC, read aware
    assert "missing" not in out or out["missing"] is None


def test_typed_leaves_postgres_values_as_they_are() -> None:
    at = datetime(2026, 12, 3, 19, 0, tzinfo=UTC)
    row = {"ok": True, "at": at, "none": None}
    assert db.typed(row, {"ok": bool, "at": datetime, "none": datetime}) == row
