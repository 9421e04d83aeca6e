"""The audit log: who changed what, written in the same transaction as the change."""

from __future__ import annotations

from typing import Any

from events_app import clock
from events_app.tables import AuditLog

__all__ = ["record"]


async def record(
    action: str,
    entity: str,
    entity_id: int | None,
    *,
    organisation_id: int | None,
    account_id: int | None,
    detail: dict[str, Any] | None = None,
) -> None:
    await AuditLog.insert(
        AuditLog(
            organisation=organisation_id,
            account=account_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=detail or {},
            created_at=clock.now(),
        )
    )
