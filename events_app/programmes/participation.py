"""Participation across a series or a programme (a course, a learning path), for certificates.

Organisers of the organisation see every series and programme; the host of a whole series
sees that series.  Anyone else is told it does not exist.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from events_app.accounts.credentials import Actor
from events_app.domain.errors import NotFound
from events_app.domain.participation import Held, Mark, Participant, tally
from events_app.tables import EventDate, Programme, Registration, Series, SeriesHost

__all__ = ["participation"]

UNKNOWN = "This does not exist or is not yours to see."


async def _scope(actor: Actor, kind: str, scope_id: int) -> tuple[str, list[int]]:
    """The title and the series ids of a series or programme the actor may see."""
    if kind == "series":
        row = (
            await Series.select(Series.title, Series.organisation)
            .where(Series.id == scope_id)
            .first()
        )
        if row is None or row["organisation"] not in actor.roles:
            raise NotFound("not_found", UNKNOWN)
        if not actor.is_organiser(row["organisation"]):
            hosts = await SeriesHost.exists().where(
                (SeriesHost.account == actor.account_id)
                & (SeriesHost.series == scope_id)
                & SeriesHost.event_date.is_null()
            )
            if not hosts:
                raise NotFound("not_found", UNKNOWN)
        return row["title"], [scope_id]
    row = (
        await Programme.select(Programme.title, Programme.organisation)
        .where(Programme.id == scope_id)
        .first()
    )
    if row is None or not actor.is_organiser(row["organisation"]):
        raise NotFound("not_found", UNKNOWN)
    series = await Series.select(Series.id).where(Series.programme == scope_id)
    return row["title"], [s["id"] for s in series]


async def participation(actor: Actor, kind: str, scope_id: int, now: datetime) -> dict[str, Any]:
    """Held dates and, per participant, sessions attended and hours."""
    title, series_ids = await _scope(actor, kind, scope_id)
    dates = (
        await EventDate.select(
            EventDate.id,
            EventDate.starts_at,
            EventDate.ends_at,
            EventDate.local_start,
            EventDate.local_end,
            EventDate.timezone,
        )
        .where(
            EventDate.series.is_in(series_ids or [0])
            & (EventDate.status == EventDate.Status.scheduled)
            & (EventDate.ends_at <= now)
        )
        .order_by(EventDate.starts_at)
    )
    held = [Held(d["id"], d["starts_at"], d["ends_at"]) for d in dates]
    rows = await Registration.select(
        Registration.event_date, Registration.email, Registration.name, Registration.attended
    ).where(
        Registration.event_date.is_in([h.id for h in held] or [0])
        & (Registration.status == Registration.Status.confirmed)
        & Registration.anonymised_at.is_null()
    )
    people: list[Participant] = tally(
        held,
        (Mark(r["event_date"], r["email"], r["name"], r["attended"]) for r in rows),
    )
    recorded = {r["event_date"] for r in rows if r["attended"] is not None}
    return {
        "title": title,
        "kind": kind,
        "id": scope_id,
        "dates": dates,
        "held": len(held),
        "held_hours": sum(h.hours for h in held),
        "unrecorded": [d for d in dates if d["id"] not in recorded],
        "people": people,
    }
