"""One line per step of a request: who did what, with the words exchanged.

Every service that changes a request writes its line here in the same transaction.  Lines that
are ``shared`` are shown to the requester as well; the others only to organisers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from events_app import clock
from events_app.tables import RequestEntry

__all__ = ["Entry", "entries", "record"]


@dataclass(frozen=True, slots=True)
class Entry:
    at: datetime
    actor: str  # requester, organiser, expert, system
    account_name: str  # the organiser who did it, "" otherwise
    action: str
    status: str | None
    text: str
    shared: bool


async def record(
    request_id: int,
    actor: str,
    action: str,
    *,
    account_id: int | None = None,
    status: str | None = None,
    text: str = "",
    shared: bool = False,
) -> int:
    """Add a line (call inside the transaction of the change it records); its id."""
    rows = await RequestEntry.insert(
        RequestEntry(
            request=request_id,
            at=clock.now(),
            actor=actor,
            account=account_id,
            action=action,
            status=status,
            text=text,
            shared=shared,
        )
    ).returning(RequestEntry.id)
    return int(rows[0]["id"])


async def entries(request_id: int, *, shared_only: bool) -> list[Entry]:
    """The request's history, oldest first (for the requester: only the shared lines)."""
    query = (
        RequestEntry.select(
            RequestEntry.at,
            RequestEntry.actor,
            RequestEntry.account.name.as_alias("account_name"),
            RequestEntry.action,
            RequestEntry.status,
            RequestEntry.text,
            RequestEntry.shared,
        )
        .where(RequestEntry.request == request_id)
        .order_by(RequestEntry.at)
        .order_by(RequestEntry.id)
    )
    if shared_only:
        query = query.where(RequestEntry.shared.eq(True))
    return [
        Entry(
            at=row["at"],
            actor=row["actor"],
            account_name=row["account_name"] or "",
            action=row["action"],
            status=row["status"],
            text=row["text"],
            shared=bool(row["shared"]),
        )
        for row in await query
    ]
