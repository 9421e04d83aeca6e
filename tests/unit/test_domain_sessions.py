"""The rules of a programme's session, checked before it becomes a one-off series."""

from __future__ import annotations

from datetime import date, datetime, time

from events_app.domain.sessions import SessionInput, copy_of, refusals

NOW = datetime.combine(date(2026, 12, 4), time(9, 0))  # wall-clock time, no zone


def _good(**changes: object) -> SessionInput:
    values: dict[str, object] = {
        "title": "Herstelverhalen",
        "day": date(2026, 12, 7),
        "start": time(10, 0),
        "end": time(12, 0),
        "format": "in_person",
        "location": "Buurthuis De Linde",
        "capacity": 15,
        "speakers": ("Sanne de Vries",),
    }
    values.update(changes)
    return SessionInput(**values)  # type: ignore[arg-type]


def _fields(session: SessionInput) -> list[str | None]:
    return [r.field for r in refusals(session, NOW)]


def test_a_complete_session_passes() -> None:
    assert refusals(_good(), NOW) == []
    assert refusals(_good(format="online", location="", meeting_url="https://x.example.org"),
                    NOW) == []  # fmt: skip


def test_every_problem_is_named_at_once() -> None:
    bad = _good(title=" \t", day=None, start=None, end=None, format="hybrid", location=" ",
                meeting_url="javascript:alert(1)", capacity=0, speakers=(" ",))  # fmt: skip
    assert _fields(bad) == ["title", "day", "start_time", "end_time", "location", "meeting_url",
                            "capacity", "speakers"]  # fmt: skip


def test_times_and_days() -> None:
    assert _fields(_good(end=time(10, 0))) == ["end_time"]
    assert _fields(_good(end=time(9, 0))) == ["end_time"]
    assert _fields(_good(day=date(2026, 12, 4), start=time(9, 0))) == ["day"]
    assert _fields(_good(day=date(2026, 12, 4), start=time(9, 1), end=time(10, 0))) == []
    assert _fields(_good(format="telepathy")) == ["format"]
    assert _fields(_good(capacity=100_001)) == ["capacity"]


def test_a_copy_is_the_next_day_unless_told_otherwise() -> None:
    assert copy_of(_good()).day == date(2026, 12, 8)
    assert copy_of(_good(), days=7).day == date(2026, 12, 14)
    assert copy_of(_good(day=None)).day is None
    assert copy_of(_good()).title == "Herstelverhalen"
