"""Helpers for the planning tests (series, dates, programmes): rows and requests, no asserts."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import httpx

from events_app import clock
from events_app.tables import AuditLog, EventDate, OutboxMail, Registration
from tests.factories import Organiser

__all__ = [
    "audit_actions",
    "create_series",
    "dates_of",
    "local",
    "mails",
    "register_people",
]


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    """A naive wall-clock datetime (written this way to keep the DTZ lint rules meaningful)."""
    return datetime.combine(date(y, mo, d), time(h, mi))


async def create_series(
    client: httpx.AsyncClient, organiser: Organiser, **body: Any
) -> dict[str, Any]:
    body.setdefault("title", "Online ontmoeting")
    response = await client.post("/api/v1/series", json=body, headers=organiser.headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def dates_of(series_id: int) -> list[dict[str, Any]]:
    """The series' rows in time order, straight from the database."""
    return list(
        await EventDate.select()
        .where(EventDate.series == series_id)
        .order_by(EventDate.starts_at)
        .order_by(EventDate.id)
    )


async def register_people(
    date_id: int, count: int, *, status: str = "confirmed", first: int = 1
) -> list[int]:
    """People registered for a date, written directly (as the registration service would)."""
    now = clock.now()
    ids = []
    for n in range(first, first + count):
        rows = await Registration.insert(
            Registration(
                event_date=date_id,
                name=f"Deelnemer {n}",
                email=f"deelnemer{n}@example.org",
                language="nl" if n % 2 else "en",
                status=status,
                waiting_since=now if status == "waiting" else None,
                created_at=now,
                updated_at=now,
            )
        ).returning(Registration.id)
        ids.append(int(rows[0]["id"]))
    column = EventDate.confirmed_count if status == "confirmed" else EventDate.waiting_count
    await EventDate.update({column: column + count}).where(EventDate.id == date_id)
    return ids


async def mails(kind: str | None = None) -> list[dict[str, Any]]:
    query = OutboxMail.select().order_by(OutboxMail.id)
    if kind is not None:
        query = query.where(OutboxMail.kind == kind)
    return list(await query.output(load_json=True))


async def audit_actions(entity: str, entity_id: int) -> list[str]:
    """The audit trail of one thing, oldest first."""
    query = AuditLog.select(AuditLog.action).order_by(AuditLog.id)
    query = query.where((AuditLog.entity == entity) & (AuditLog.entity_id == entity_id))
    return [row["action"] for row in await query]
