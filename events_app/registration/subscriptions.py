"""Registering for a whole series or a whole programme.

A whole-series registration is a ``SeriesSubscription`` plus a registration for every future
date that exists now; dates added later (the rolling horizon, an extra date) get a registration
for every subscriber through :func:`apply_subscriptions`, called by whoever creates the date.
A whole programme (a course, a two-day training) is simply every future date of its series.
"""

from __future__ import annotations

from typing import Any

from events_app import clock
from events_app.domain.errors import DomainError, NotFound
from events_app.registration import registrations
from events_app.registration.registrations import Receipt
from events_app.tables import EventDate, Programme, Series, SeriesSubscription

__all__ = ["future_dates", "programme_dates", "subscribe_series", "apply_subscriptions"]


async def future_dates(series_ids: list[int]) -> list[int]:
    rows = (
        await EventDate.select(EventDate.id)
        .where(
            EventDate.series.is_in(series_ids or [0])
            & (EventDate.status == EventDate.Status.scheduled)
            & (EventDate.starts_at > clock.now())
        )
        .order_by(EventDate.starts_at)
        .limit(registrations.MAX_DATES)
    )
    return [row["id"] for row in rows]


async def programme_dates(programme_id: int) -> list[int]:
    programme = (
        await Programme.select(Programme.id)
        .where((Programme.id == programme_id) & Programme.published.eq(True))
        .first()
    )
    if programme is None:
        raise NotFound("programme_unknown", "This programme does not exist.")
    series = await Series.select(Series.id).where(
        (Series.programme == programme_id) & Series.published.eq(True)
    )
    dates = await future_dates([row["id"] for row in series])
    if not dates:
        raise DomainError("no_dates", "This programme has no dates left to register for.")
    return dates


async def subscribe_series(series_id: int, **person: Any) -> Receipt:
    """Register for every future date of the series, and for dates added later."""
    series = await Series.select(Series.id, Series.published).where(Series.id == series_id).first()
    if series is None or not series["published"]:
        raise NotFound("series_unknown", "This event does not exist.")
    dates = await future_dates([series_id])
    if not dates:
        raise DomainError("no_dates", "This series has no dates left to register for.")
    return await registrations.register(dates, subscribe_series=series_id, **person)


async def apply_subscriptions(date_id: int) -> int:
    """Register every subscriber of the date's series for this (new) date; returns how many.

    Runs inside the caller's transaction.  A full date puts subscribers on its waiting list.
    """
    event_date = (
        await EventDate.select(EventDate.series, EventDate.starts_at)
        .where(EventDate.id == date_id)
        .first()
    )
    if event_date is None or event_date["starts_at"] <= clock.now():
        return 0
    subscribers = await SeriesSubscription.select(
        SeriesSubscription.name,
        SeriesSubscription.role,
        SeriesSubscription.needs,
        SeriesSubscription.language,
        SeriesSubscription.attendance,
        SeriesSubscription.attendee.email.as_alias("email"),
    ).where(
        (SeriesSubscription.series == event_date["series"])
        & SeriesSubscription.cancelled_at.is_null()
        & SeriesSubscription.hold_until.is_null()  # not confirmed (yet): no new dates
    )
    count = 0
    for sub in subscribers:
        try:
            await registrations.register(
                [date_id],
                name=sub["name"] or sub["email"],
                email=sub["email"],
                language=sub["language"],
                role=sub["role"],
                needs=sub["needs"],
                source="subscription",
                attendance=sub["attendance"],
            )
        except DomainError:
            continue  # e.g. a full date without a waiting list: the others still get theirs
        count += 1
    return count
