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
from events_app.tables import Occurrence, Registration

__all__ = ["Kind", "bump", "notify_registrants"]

Kind = Literal["occurrence_changed", "occurrence_cancelled", "series_ended"]
ACTIVE = (Registration.Status.confirmed, Registration.Status.waiting)


async def bump(occurrence_ids: list[int], values: dict[Any, Any] | None = None) -> None:
    """Apply ``values`` and count one more calendar-visible change (SEQUENCE + 1)."""
    if not occurrence_ids:
        return
    await Occurrence.update(
        {
            **(values or {}),
            Occurrence.sequence: Occurrence.sequence + 1,
            Occurrence.updated_at: clock.now(),
        }
    ).where(Occurrence.id.is_in(occurrence_ids))


async def notify_registrants(
    occurrence_id: int,
    kind: Kind,
    *,
    organisation_id: int,
    old_start: datetime | None = None,
    reason: str = "",
    changed: tuple[str, ...] = (),
) -> int:
    """Queue one mail per active registration of the date; returns how many were queued."""
    occurrence = (
        await Occurrence.select(
            Occurrence.sequence, Occurrence.local_start, Occurrence.starts_at, Occurrence.timezone
        )
        .where(Occurrence.id == occurrence_id)
        .first()
    )
    assert occurrence is not None
    people = await Registration.select(
        Registration.id, Registration.email, Registration.name, Registration.language
    ).where(
        (Registration.occurrence == occurrence_id)
        & Registration.status.is_in(list(ACTIVE))
        & (Registration.email != "")
    )
    context: dict[str, Any] = {
        "occurrence_id": occurrence_id,
        "sequence": occurrence["sequence"],
        "new_start": occurrence["local_start"].isoformat(),
        "timezone": occurrence["timezone"],
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
            occurrence_id=occurrence_id,
            registration_id=person["id"],
            dedupe_key=f"{kind}:{person['id']}:{occurrence['sequence']}",
        )
        queued += mail_id is not None
    return queued
