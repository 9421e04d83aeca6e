"""When a login session still works, and when its use is worth writing down (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from events_app.accounts.sessions import IDLE, LIFETIME, SessionTimes, is_live, needs_touch

START = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def times(last_seen: datetime) -> SessionTimes:
    return SessionTimes(expires_at=START + LIFETIME, last_seen_at=last_seen)


def test_a_session_in_use_works_until_its_absolute_end() -> None:
    almost = START + LIFETIME - timedelta(seconds=1)
    assert is_live(times(almost - timedelta(hours=1)), almost)
    assert not is_live(times(START + LIFETIME), START + LIFETIME)
    assert not is_live(times(START + LIFETIME), START + LIFETIME + timedelta(days=1))


def test_an_unused_session_ends_after_the_idle_time() -> None:
    assert is_live(times(START), START + IDLE - timedelta(seconds=1))
    assert not is_live(times(START), START + IDLE)


def test_use_is_written_down_every_few_minutes_only() -> None:
    assert not needs_touch(times(START), START + timedelta(minutes=4, seconds=59))
    assert needs_touch(times(START), START + timedelta(minutes=5))
    # Five minutes of imprecision is small beside the idle time.
    assert timedelta(hours=1) < IDLE
    assert timedelta(days=14) == LIFETIME
