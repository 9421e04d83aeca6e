"""Telling registered people that their date changed, was cancelled or that the series ended.

One outbox row per registration (confirmed or waiting), written in the caller's transaction.
The row carries small facts only; the mail module renders it in the person's language.  The
dedupe key includes the date's sequence, so one change is one mail, and a later change of the
same date is a new mail.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from events_app import clock
from events_app.mail import outbox
from events_app.tables import EventDate, Registration

__all__ = ["Kind", "bump", "notify_registrants"]

Kind = Literal["date_changed", "date_cancelled", "series_ended"]
ACTIVE = (Registration.Status.confirmed, Registration.Status.waiting)


async def bump(date_ids: list[int], values: dict[Any, Any] | None = None) -> None:
    """Apply ``values`` and count one more calendar-visible change (SEQUENCE + 1)."""
    if not date_ids:
        return
    await EventDate.update(
        {
            **(values or {}),
            EventDate.sequence: EventDate.sequence + 1,
            EventDate.updated_at: clock.now(),
        }
    ).where(EventDate.id.is_in(date_ids))


async def notify_registrants(
    date_id: int,
    kind: Kind,
    *,
    organisation_id: int,
    old_start: datetime | None = None,
    reason: str = "",
    changed: tuple[str, ...] = (),
) -> int:
    """Queue one mail per active registration of the date; returns how many were queued."""
    event_date = (
        await EventDate.select(
            EventDate.sequence, EventDate.local_start, EventDate.starts_at, EventDate.timezone
        )
        .where(EventDate.id == date_id)
        .first()
    )
    assert event_date is not None
    people = await Registration.select(
        Registration.id, Registration.email, Registration.name, Registration.language
    ).where(
        (Registration.event_date == date_id)
        & Registration.status.is_in(list(ACTIVE))
        & (Registration.email != "")
    )
    context: dict[str, Any] = {
        "date_id": date_id,
        "sequence": event_date["sequence"],
        "new_start": event_date["local_start"].isoformat(),
        "timezone": event_date["timezone"],
    }
    if old_start is not None:
        context["old_start"] = old_start.isoformat()
    if reason:
        context["reason"] = reason
    if changed:
        context["changed"] = list(changed)
    queued = 0
    for person in people:
        mail_id = await outbox.enqueue(
            kind,
            to_email=person["email"],
            to_name=person["name"],
            language=person["language"],
            context=context,
            organisation_id=organisation_id,
            date_id=date_id,
            registration_id=person["id"],
            dedupe_key=f"{kind}:{person['id']}:{event_date['sequence']}",
        )
        queued += mail_id is not None
    return queued
