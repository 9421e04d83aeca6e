"""Counting requests and fees, without a database: per month, per kind and topic, the share
answered within a week, bookings per month with totals per expert, and the bars of a chart.

Months are calendar months in the organisation's wall-clock time ("2026-12"); the caller
passes the local moments.  Free-text topics are grouped case-insensitively and by their words
("Herstel " and "herstel" are one topic), shown as first typed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from events_app.domain.errors import DomainError
from events_app.domain.expert_requests import answered_in_time

__all__ = [
    "Bar",
    "Count",
    "InTime",
    "MONTHS",
    "bars",
    "in_time",
    "last_months",
    "month_of",
    "parse_month",
    "per_month",
    "per_topic",
    "top",
]

MONTHS = 12
TOP_TOPICS = 10
MIN_SLOTS = 6  # a chart of one or two bars keeps them narrow
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, slots=True)
class Count:
    key: str  # "2026-12", a kind, or a topic's grouping key
    label: str  # what the page shows (the month is formatted by the page)
    count: int


@dataclass(frozen=True, slots=True)
class InTime:
    answered_in_time: int
    late: int  # answered after the week, or not answered and the week is over
    waiting: int  # not answered, the week not over: not counted either way

    @property
    def counted(self) -> int:
        return self.answered_in_time + self.late

    @property
    def percent(self) -> int | None:
        """The share answered within a week, rounded; None when nothing can be counted."""
        if not self.counted:
            return None
        return round(100 * self.answered_in_time / self.counted)


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    count: int
    x: int
    y: int
    width: int
    height: int


def month_of(moment: datetime | date) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def parse_month(text: str) -> str:
    """A month typed as YYYY-MM (from 2000 to 2999), or a refusal at ``month``."""
    found = _MONTH.match(text)
    if (
        found is None
        or not 2000 <= int(found.group(1)) <= 2999
        or not 1 <= int(found.group(2)) <= 12
    ):
        raise DomainError("month_invalid", "Give a month as 2026-12.", field="month")
    return text


def last_months(today: date, count: int = MONTHS) -> list[str]:
    """The ``count`` months up to and including today's, oldest first."""
    year, month = today.year, today.month
    found = []
    for _ in range(count):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found[::-1]


def per_month(moments: Iterable[datetime], months: Sequence[str]) -> list[Count]:
    """How many of ``moments`` fall in each of ``months`` (every month, also those with none)."""
    counted = Counter(month_of(m) for m in moments)
    return [Count(month, month, counted.get(month, 0)) for month in months]


def _topic_key(topic: str) -> str:
    return " ".join(re.findall(r"\w+", topic.casefold()))


def per_topic(topics: Iterable[str]) -> list[Count]:
    """Free-text topics grouped case-insensitively, the most asked first (ties by name)."""
    counted: Counter[str] = Counter()
    labels: dict[str, str] = {}
    for topic in topics:
        key = _topic_key(topic)
        if not key:
            continue
        counted[key] += 1
        labels.setdefault(key, " ".join(topic.split()))
    ordered = sorted(counted.items(), key=lambda item: (-item[1], item[0]))
    return [Count(key, labels[key], n) for key, n in ordered]


def top(counts: Sequence[Count], limit: int = TOP_TOPICS) -> list[Count]:
    return list(counts[:limit])


def in_time(requests: Iterable[tuple[datetime, datetime | None]], now: datetime) -> InTime:
    """The organisation's first answers: within a week, late, or still waiting (not counted)."""
    good = late = waiting = 0
    for created_at, answered_at in requests:
        verdict = answered_in_time(created_at, answered_at, now)
        if verdict is None:
            waiting += 1
        elif verdict:
            good += 1
        else:
            late += 1
    return InTime(good, late, waiting)


def bars(counts: Sequence[Count], *, width: int = 640, height: int = 200) -> list[Bar]:
    """Vertical bars side by side in ``width`` × ``height`` (the tallest is full height; a
    count of zero has no bar; a few bars are no wider than a sixth), for a server-drawn SVG
    chart."""
    if not counts:
        return []
    slot = width // max(len(counts), MIN_SLOTS)
    gap = max(2, slot // 5)
    highest = max(c.count for c in counts) or 1
    found = []
    for n, c in enumerate(counts):
        bar_height = round(height * c.count / highest)
        found.append(
            Bar(c.label, c.count, n * slot + gap // 2, height - bar_height, slot - gap, bar_height)
        )
    return found
