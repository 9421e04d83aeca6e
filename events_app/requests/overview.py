"""The figures of an organisation's requests: per month over the last twelve months, per kind
and per topic, and the share answered within a week.  The counting itself is pure
(:mod:`events_app.domain.request_figures`); this module reads the rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from events_app import clock
from events_app.accounts.credentials import Actor
from events_app.domain.expert_requests import RequestKind
from events_app.domain.request_figures import (
    Count,
    InTime,
    in_time,
    last_months,
    month_of,
    per_month,
    per_topic,
    top,
)
from events_app.requests.access import organisation_for
from events_app.tables import ExpertRequest

__all__ = ["Overview", "overview"]

ZONE = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True, slots=True)
class Overview:
    months: tuple[Count, ...]  # the last twelve months, oldest first
    kinds: tuple[Count, ...]  # every kind, in the form's order
    topics: tuple[Count, ...]  # the most asked topics
    in_time: InTime
    total: int  # requests in these months


async def overview(actor: Actor, organisation_id: int, now: datetime | None = None) -> Overview:
    organisation_for(actor, organisation_id)
    now = now or clock.now()
    months = last_months(now.astimezone(ZONE).date())
    first_year, first_month = (int(part) for part in months[0].split("-"))
    since = datetime(first_year, first_month, 1, tzinfo=ZONE)
    rows = await ExpertRequest.select(
        ExpertRequest.kind,
        ExpertRequest.topic,
        ExpertRequest.created_at,
        ExpertRequest.answered_at,
    ).where((ExpertRequest.organisation == organisation_id) & (ExpertRequest.created_at >= since))
    local = [row["created_at"].astimezone(ZONE) for row in rows]
    kinds = [row["kind"] for row in rows]
    return Overview(
        months=tuple(per_month(local, months)),
        kinds=tuple(Count(k.value, k.value, kinds.count(k.value)) for k in RequestKind),
        topics=tuple(top(per_topic(row["topic"] for row in rows))),
        in_time=in_time(((row["created_at"], row["answered_at"]) for row in rows), now),
        total=sum(1 for moment in local if month_of(moment) in months),
    )
