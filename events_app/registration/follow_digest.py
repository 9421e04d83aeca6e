"""New dates for followers: a digest mail "at once" (at most one a day) or once a week.

A worker job (``follow_digests`` in :mod:`events_app.worker`).  A follower is due when its
period has passed since its last digest: a day for "at once" (the first one at once), seven
days for weekly (the first a week after confirming).  A due follower with new dates gets one
mail listing every coming date added since then, of published, active series only (drafts
never appear), in what it follows.

Exactly once per follower and period, with any number of workers: the follower's
``last_digest_at`` is moved forward with a compare-and-set (``WHERE last_digest_at = <what
this worker read>``) in the transaction that queues the mail, and the mail's ``dedupe_key``
names the follower and the period's start; a worker that lost the race writes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from events_app import clock, db, urls
from events_app.registration.announcements import queue_follower_mails
from events_app.tables import EventDate, Follower, Organisation, Series

__all__ = ["PERIODS", "queue_follow_digests"]

PERIODS = {Follower.Digest.daily: timedelta(days=1), Follower.Digest.weekly: timedelta(days=7)}
MAX_LISTED = 50  # dates in one digest; more read "see the page"


def _due(row: dict[str, Any], now: datetime) -> bool:
    """ "At once" is due whenever no digest went out within the day (the first one at once);
    weekly a week after the last digest (or after confirming)."""
    last = row["last_digest_at"]
    if last is None and row["digest"] == Follower.Digest.daily:
        return True
    return bool((last or row["confirmed_at"]) + PERIODS[row["digest"]] <= now)


async def _new_dates(organisation_id: int, since: datetime, now: datetime) -> list[dict[str, Any]]:
    """Coming dates of the organisation's published, active series added after ``since``."""
    return list(
        await EventDate.select(
            EventDate.id,
            EventDate.local_start,
            EventDate.created_at,
            EventDate.starts_at,
            EventDate.series.id.as_alias("series_id"),
            EventDate.series.title.as_alias("title"),
            EventDate.series.slug.as_alias("slug"),
            EventDate.series.tags.as_alias("tags"),
        )
        .where(
            (EventDate.series.organisation == organisation_id)
            & (EventDate.series.published == True)  # noqa: E712
            & (EventDate.series.status == Series.Status.active)
            & (EventDate.status == EventDate.Status.scheduled)
            & (EventDate.starts_at > now)
            & (EventDate.created_at >= since)
        )
        .order_by(EventDate.starts_at)
    )


def _new_for(row: dict[str, Any], date: dict[str, Any]) -> bool:
    """Added after the last digest (instants are whole seconds: a date added in the second of
    the last digest was in it), or from the second of confirming on before the first one."""
    if row["last_digest_at"] is not None:
        return bool(date["created_at"] > row["last_digest_at"])
    return bool(date["created_at"] >= row["confirmed_at"])


def _matches(target: str, date: dict[str, Any]) -> bool:
    if target.startswith("series:"):
        return target == f"series:{date['series_id']}"
    if target.startswith("topic:"):
        return target.removeprefix("topic:") in db.json_strings(date["tags"])
    return True


async def queue_follow_digests() -> int:
    """Queue the digests that are due now; returns how many were queued."""
    now = clock.now()
    followers = await Follower.select(
        Follower.id,
        Follower.organisation,
        Follower.target,
        Follower.email,
        Follower.language,
        Follower.salt,
        Follower.digest,
        Follower.confirmed_at,
        Follower.last_digest_at,
    ).where(Follower.confirmed_at.is_not_null())
    by_organisation: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in followers:
        if _due(row, now):
            by_organisation[row["organisation"]].append(row)
    queued = 0
    for organisation_id, due in by_organisation.items():
        since = min(row["last_digest_at"] or row["confirmed_at"] for row in due)
        dates = await _new_dates(organisation_id, since, now)
        if not dates:
            continue
        names = await Organisation.select(Organisation.name).where(
            Organisation.id == organisation_id
        )
        for row in due:
            mine = [d for d in dates if _new_for(row, d) and _matches(row["target"], d)]
            if mine:
                queued += await _queue_one(row, mine, names[0]["name"] if names else "", now)
    return queued


async def _what(row: dict[str, Any], organisation_name: str, dates: list[dict[str, Any]]) -> str:
    target = row["target"]
    if target.startswith("series:"):
        return str(dates[0]["title"])
    return target.removeprefix("topic:") if target.startswith("topic:") else organisation_name


async def _queue_one(
    row: dict[str, Any], dates: list[dict[str, Any]], organisation_name: str, now: datetime
) -> int:
    listed = [
        {
            "title": d["title"],
            "start": d["local_start"].isoformat(timespec="minutes"),
            "url": urls.series_page(d["slug"]),
        }
        for d in dates[:MAX_LISTED]
    ]
    period_start = row["last_digest_at"] or row["confirmed_at"]
    async with db.transaction():
        # Compare-and-set: only a worker that still finds the period over moves it on (the
        # row stays locked until this transaction ends; another worker then finds it moved).
        due_before = now - PERIODS[row["digest"]]
        moved = await (
            Follower.update({Follower.last_digest_at: now})
            .where(
                (Follower.id == row["id"])
                & (Follower.last_digest_at.is_null() | (Follower.last_digest_at <= due_before))
            )
            .returning(Follower.id)
        )
        if not moved:
            return 0
        context = {"what": await _what(row, organisation_name, dates), "dates": listed}
        return await queue_follower_mails(
            "follow_digest",
            row["organisation"],
            [row],
            context,
            now,
            dedupe=f"follow_digest:{period_start.isoformat()}:",
        )
