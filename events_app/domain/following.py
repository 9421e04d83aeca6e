"""Rules of following, without a database: what can be followed, when a follow lapses.

A follow points at one thing of an organisation, written as one key: ``organisation`` (all of
it), ``series:<id>`` or ``topic:<tag>``.  An announcement reaches ``all`` confirmed followers
or those of one series or topic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from events_app.domain.errors import DomainError

__all__ = [
    "CONFIRM_DAYS",
    "DIGESTS",
    "MAX_ID",
    "Target",
    "audience_key",
    "check_digest",
    "expired",
    "target_for",
]

CONFIRM_DAYS = 7  # an unconfirmed follow (and its link) lapses after this, and is deleted
DIGESTS = ("daily", "weekly")
MAX_ID = 2**31 - 1  # ids are 32-bit integers in both databases
MAX_TOPIC = 40  # the length of one topic of a series


@dataclass(frozen=True, slots=True)
class Target:
    """What one follow points at."""

    series_id: int | None = None
    topic: str = ""

    @property
    def key(self) -> str:
        if self.series_id is not None:
            return f"series:{self.series_id}"
        if self.topic:
            return f"topic:{self.topic}"
        return "organisation"


def target_for(series_id: int | None, topic: str) -> Target:
    """The thing to follow; one of a series or a topic at most (both empty: the organisation)."""
    topic = topic.strip()
    if series_id is not None and topic:
        raise DomainError(
            "follow_one_thing", "Follow a series or a topic, not both.", field="topic"
        )
    if series_id is not None and not 0 < series_id <= MAX_ID:
        raise DomainError("series_unknown", "This series does not exist.", field="series_id")
    if len(topic) > MAX_TOPIC:
        raise DomainError("topic_unknown", "This topic does not exist.", field="topic")
    return Target(series_id=series_id, topic=topic)


def audience_key(series_id: int | None, topic: str) -> str:
    """Whom an announcement reaches: ``all``, or the followers of one series or topic."""
    target = target_for(series_id, topic)
    return "all" if target.key == "organisation" else target.key


def check_digest(value: str) -> str:
    if value not in DIGESTS:
        raise DomainError("digest_unknown", "Choose at once or weekly.", field="digest")
    return value


def expired(created_at: datetime, now: datetime) -> bool:
    """Whether an unconfirmed follow has lapsed (its link no longer confirms)."""
    return now - created_at >= timedelta(days=CONFIRM_DAYS)
