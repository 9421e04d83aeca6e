"""Counting sessions and hours per person across a course."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from events_app.domain.participation import Held, Mark, tally

START = datetime(2026, 9, 1, 17, 0, tzinfo=UTC)
HELD = [
    Held(1, START, START + timedelta(hours=2)),
    Held(2, START + timedelta(days=7), START + timedelta(days=7, hours=2, minutes=30)),
    Held(3, START + timedelta(days=14), START + timedelta(days=14, hours=2)),
]


def test_sessions_and_hours_per_person() -> None:
    marks = [
        Mark(1, "a@example.org", "Ada", True),
        Mark(2, "a@example.org", "Ada", True),
        Mark(3, "a@example.org", "Ada", False),
        Mark(1, "b@example.org", "Bo", None),
        Mark(3, "b@example.org", "Bo", True),
        Mark(9, "c@example.org", "Cas", True),  # not a held date: cancelled or still to come
        Mark(1, "", "", True),  # anonymised
    ]
    ada, bo = tally(HELD, marks)
    assert (ada.name, ada.registered, ada.attended, ada.hours, ada.dates) == (
        "Ada",
        3,
        2,
        4.5,
        [1, 2],
    )
    assert ada.share(len(HELD)) == 67
    assert (bo.attended, bo.hours, bo.registered) == (1, 2.0, 2)


def test_nothing_held_counts_nothing() -> None:
    assert tally([], [Mark(1, "a@example.org", "Ada", True)]) == []
    [only] = tally(HELD[:1], [Mark(1, "a@example.org", "Ada", None)])
    assert only.share(0) == 0 and only.attended == 0
