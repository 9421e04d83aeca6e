"""The rules of following, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from events_app.domain.errors import DomainError
from events_app.domain.following import (
    MAX_ID,
    audience_key,
    check_digest,
    expired,
    target_for,
)

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def test_what_is_followed_is_one_key() -> None:
    assert target_for(None, "").key == "organisation"
    assert target_for(12, "").key == "series:12"
    assert target_for(None, " herstel ").key == "topic:herstel"
    assert audience_key(None, "") == "all"
    assert audience_key(7, "") == "series:7"


@pytest.mark.parametrize(
    ("series_id", "topic", "field"),
    [
        (3, "herstel", "topic"),
        (0, "", "series_id"),
        (-1, "", "series_id"),
        (MAX_ID + 1, "", "series_id"),
        (None, "x" * 41, "topic"),
    ],
)
def test_impossible_targets_are_refused_at_their_field(
    series_id: int | None, topic: str, field: str
) -> None:
    with pytest.raises(DomainError) as refused:
        target_for(series_id, topic)
    assert refused.value.field == field


def test_digest_choices() -> None:
    assert check_digest("daily") == "daily" and check_digest("weekly") == "weekly"
    for wrong in ("", "hourly", "DAILY", "daily\x00"):
        with pytest.raises(DomainError):
            check_digest(wrong)


def test_an_unconfirmed_follow_lapses_after_seven_days() -> None:
    assert not expired(NOW - timedelta(days=6, hours=23), NOW)
    assert expired(NOW - timedelta(days=7), NOW)
