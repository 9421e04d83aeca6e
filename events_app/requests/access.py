"""A request or pool entry of the caller's organisation, or the same 404 for everything else.

Only organisers of the organisation see its requests and its pool of experts (not its hosts):
an id of another organisation, a host's guess and an id never used get one answer.  With
``lock=True`` (inside a transaction) the request row is locked on PostgreSQL; SQLite's
``BEGIN IMMEDIATE`` already excludes other writers.
"""

from __future__ import annotations

from typing import Any

from events_app import db
from events_app.accounts.credentials import Actor
from events_app.accounts.owned import not_found
from events_app.tables import Expert, ExpertRequest

__all__ = ["expert_for", "organisation_for", "request_for"]


def organisation_for(actor: Actor, organisation_id: int) -> int:
    """The organisation, when the actor organises it (a 404 otherwise)."""
    if not actor.is_organiser(organisation_id):
        raise not_found()
    return organisation_id


async def request_for(actor: Actor, request_id: int, *, lock: bool = False) -> dict[str, Any]:
    query = ExpertRequest.select().where(ExpertRequest.id == request_id)
    if lock and db.is_postgres():
        query = query.lock_rows("NO KEY UPDATE")
    row = await query.output(load_json=True).first()
    if row is None or not actor.is_organiser(row["organisation"]):
        raise not_found()
    return row


async def expert_for(actor: Actor, expert_id: int) -> dict[str, Any]:
    row = await Expert.select().where(Expert.id == expert_id).output(load_json=True).first()
    if row is None or not actor.is_organiser(row["organisation"]):
        raise not_found()
    return row
