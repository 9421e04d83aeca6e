"""Cancelling registrations: one by the person or an organiser, and the holds nobody confirmed.

A cancelled registration frees its seat or its place in the queue, and a freed seat goes to the
first person waiting, in the same transaction (:mod:`events_app.registration.seats`).
"""

from __future__ import annotations

from typing import Any

from events_app import clock, db
from events_app.domain.errors import NotFound
from events_app.mail import outbox
from events_app.registration import seats
from events_app.registration.registrations import ACTIVE
from events_app.tables import Attendee, EventDate, Registration, SeriesSubscription

__all__ = ["cancel", "release_expired_holds"]


async def cancel(registration_id: int, *, notify: bool = True, by: str = "self") -> bool:
    """Cancel one registration inside the caller's transaction; frees its seat or queue place.

    Returns False when it was already cancelled.  The freed seat goes to the first person
    waiting, in the same transaction.
    """
    row = (
        await Registration.select(
            Registration.id,
            Registration.status,
            Registration.event_date,
            Registration.email,
            Registration.name,
            Registration.language,
            Registration.attendee,
            Registration.event_date.series.as_alias("series"),
            Registration.event_date.series.together.as_alias(  # type: ignore[union-attr]
                "together"
            ),
            Registration.event_date.series.organisation.as_alias(  # type: ignore[union-attr]
                "organisation"
            ),
        )
        .where(Registration.id == registration_id)
        .first()
    )
    if row is None:
        raise NotFound("registration_unknown", "This registration does not exist.")
    await seats.lock_date(row["event_date"])
    status = (
        await Registration.select(Registration.status)
        .where(Registration.id == registration_id)
        .first()
    )
    assert status is not None
    row["status"] = status["status"]  # read again now that the date is locked
    if row["status"] not in ACTIVE:
        return False
    if row["together"]:
        return await _cancel_event(row, notify=notify, by=by)
    now = clock.now()
    await Registration.update(
        {
            Registration.status: Registration.Status.cancelled,
            Registration.cancelled_at: now,
            Registration.waiting_since: None,
            Registration.hold_until: None,
            Registration.updated_at: now,
        }
    ).where(Registration.id == registration_id)
    if row["status"] == Registration.Status.confirmed:
        await seats.release_seat(row["event_date"])
    else:
        await _leave_queue(row["event_date"])
    if notify and row["email"]:
        await outbox.enqueue(
            "registration_cancelled",
            to_email=row["email"],
            to_name=row["name"],
            language=row["language"],
            context={"by": by},
            organisation_id=row["organisation"],
            date_id=row["event_date"],
            registration_id=registration_id,
        )
    await seats.fill_free_seats(row["event_date"])
    return True


async def _cancel_event(row: dict[str, Any], *, notify: bool, by: str) -> bool:
    """Cancel the person's place on every day of an event registered as one (its days are
    locked): one mail for all days, then the freed seat goes to whoever waits first."""
    days = await EventDate.select(EventDate.id).where(EventDate.series == row["series"])
    mine = Registration.attendee == row["attendee"]
    if row["attendee"] is None:
        mine = Registration.id == row["id"]
    siblings = (
        await Registration.select(Registration.id, Registration.status, Registration.event_date)
        .where(
            mine
            & Registration.event_date.is_in([d["id"] for d in days])
            & Registration.status.is_in(list(ACTIVE))
        )
        .order_by(Registration.id)
    )
    now = clock.now()
    await Registration.update(
        {
            Registration.status: Registration.Status.cancelled,
            Registration.cancelled_at: now,
            Registration.waiting_since: None,
            Registration.hold_until: None,
            Registration.updated_at: now,
        }
    ).where(Registration.id.is_in([s["id"] for s in siblings]))
    for sibling in sorted(siblings, key=lambda s: s["event_date"]):
        if sibling["status"] == Registration.Status.confirmed:
            await seats.release_seat(sibling["event_date"])
        else:
            await _leave_queue(sibling["event_date"])
    if notify and row["email"]:
        await outbox.enqueue(
            "cancellation_receipt",
            to_email=row["email"],
            to_name=row["name"],
            language=row["language"],
            organisation_id=row["organisation"],
            context={
                "registrations": [s["id"] for s in siblings],
                "attendee": row["attendee"],
                "by": by,
            },
        )
    await seats.fill_free_seats(row["event_date"])
    return True


async def _leave_queue(date_id: int) -> None:
    await EventDate.update({EventDate.waiting_count: EventDate.waiting_count - 1}).where(
        (EventDate.id == date_id) & (EventDate.waiting_count > 0)
    )


async def release_expired_holds() -> int:
    """Give back the seats and queue places of registrations nobody confirmed in time.

    The person never proved the address, so nothing of theirs is kept: the registrations, the
    whole-series subscriptions and (when nothing else is left) the address itself are deleted,
    and no mail goes out.  Returns how many registrations were released.
    """
    now = clock.now()
    expired = await Registration.select(Registration.event_date).where(
        (Registration.hold_until < now) & Registration.status.is_in(list(ACTIVE))
    )
    stale = await SeriesSubscription.exists().where(SeriesSubscription.hold_until < now)
    if not expired and not stale:
        return 0  # no write (and no write lock on SQLite) when nothing ran out
    released = 0
    async with db.transaction():
        await seats.lock_dates(sorted({row["event_date"] for row in expired}))
        # Read again under the locks: a confirmation may have come in meanwhile.
        rows = await Registration.select(Registration.id, Registration.attendee).where(
            (Registration.hold_until < now) & Registration.status.is_in(list(ACTIVE))
        )
        for row in rows:
            released += await cancel(row["id"], notify=False)
        subscriptions = (
            await SeriesSubscription.delete()
            .where(SeriesSubscription.hold_until < now)
            .returning(SeriesSubscription.attendee)
        )
        if rows:
            await Registration.delete().where(Registration.id.is_in([r["id"] for r in rows]))
        people = {r["attendee"] for r in rows} | {r["attendee"] for r in subscriptions}
        people.discard(None)
        for attendee_id in people:
            has_more = await Registration.exists().where(Registration.attendee == attendee_id)
            subscribed = await SeriesSubscription.exists().where(
                SeriesSubscription.attendee == attendee_id
            )
            if not has_more and not subscribed:
                await Attendee.delete().where(
                    (Attendee.id == attendee_id) & Attendee.verified_at.is_null()
                )
    return released
