"""The caller's own series, dates and programmes, or a 404 that does not reveal they exist.

An id of another organisation and an id that was never used get the same answer, so ids
cannot be probed.  With ``lock=True`` (inside a transaction) the row is locked on PostgreSQL
(``FOR NO KEY UPDATE``, which lets registrations keep referencing it); SQLite's
``BEGIN IMMEDIATE`` already excludes other writers.
"""

from __future__ import annotations

from typing import Any

from events_app import db
from events_app.accounts.credentials import Actor
from events_app.domain.errors import NotFound
from events_app.tables import EventDate, Programme, Series, SeriesHost

__all__ = ["not_found", "date_for", "programme_for", "series_for"]


def not_found() -> NotFound:
    return NotFound("not_found", "This does not exist or is not yours to see.")


async def series_for(actor: Actor, series_id: int, *, lock: bool = False) -> dict[str, Any]:
    query = Series.select().where(Series.id == series_id)
    if lock and db.is_postgres():
        query = query.lock_rows("NO KEY UPDATE")
    row = await query.output(load_json=True).first()
    if row is None or not actor.is_organiser(row["organisation"]):
        raise not_found()
    return row


async def date_for(
    actor: Actor, date_id: int, *, lock: bool = False, hosts: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The date and its series; with ``hosts``, also for a host of the date or its series."""
    query = EventDate.select().where(EventDate.id == date_id)
    if lock and db.is_postgres():
        query = query.lock_rows("NO KEY UPDATE")
    row = await query.first()
    if row is None:
        raise not_found()
    if hosts and await _hosts(actor, row):
        hosted = await Series.select().where(Series.id == row["series"]).output(load_json=True)
        return row, hosted[0]
    return row, await series_for(actor, row["series"])


async def _hosts(actor: Actor, event_date: dict[str, Any]) -> bool:
    """Whether the actor, a member of the date's organisation, hosts the date or its series."""
    organisation = await Series.select(Series.organisation).where(Series.id == event_date["series"])
    if not organisation or organisation[0]["organisation"] not in actor.roles:
        return False
    return await SeriesHost.exists().where(
        (SeriesHost.account == actor.account_id)
        & (SeriesHost.series == event_date["series"])
        & (SeriesHost.event_date.is_null() | (SeriesHost.event_date == event_date["id"]))
    )


async def programme_for(actor: Actor, programme_id: int) -> dict[str, Any]:
    row = await Programme.select().where(Programme.id == programme_id).first()
    if row is None or not actor.is_organiser(row["organisation"]):
        raise not_found()
    return row
