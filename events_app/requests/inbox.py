"""The organisers' side of a request: the inbox (filters, counts per status), the detail with
the full history, their messages to the requester and their status changes.

Only organisers of the request's organisation reach any of it (``access``); everyone else gets
the same 404.  Each change locks the request row, writes its history line and its mail in one
transaction.  The organisation's first answer (a message, a decline, a proposal) sets
``answered_at``; a declined, withdrawn or done request gets ``closed_at`` (retention counts
from it), and reopening clears it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from events_app import clock, db
from events_app.accounts.credentials import Actor
from events_app.domain.errors import DomainError
from events_app.domain.expert_requests import (
    RequestKind,
    RequestStatus,
    Who,
    check_move,
    is_open,
)
from events_app.requests import access, history, notices
from events_app.requests.intake import check_message
from events_app.requests.views import RequestPage, request_view
from events_app.tables import ExpertRequest, Organisation

__all__ = [
    "ORGANISER_MOVES",
    "Inbox",
    "InboxRow",
    "detail",
    "first_answer",
    "inbox",
    "parse_filter",
    "send_message",
    "set_status",
]

# What the status actions of the detail page (and the API) may set; "proposed" and "accepted"
# come only with a proposal and its acceptance.
ORGANISER_MOVES = (RequestStatus.in_discussion, RequestStatus.declined, RequestStatus.done)
ENDS = frozenset({RequestStatus.declined, RequestStatus.withdrawn, RequestStatus.done})
MAX_ROWS = 500


@dataclass(frozen=True, slots=True)
class InboxRow:
    id: int
    status: str
    kind: str
    topic: str
    requester_organisation: str
    created_at: datetime
    answered: bool


@dataclass(frozen=True, slots=True)
class Inbox:
    organisation_id: int
    organisation_name: str
    rows: list[InboxRow]
    counts: dict[str, int]  # every status, also those with none
    status: str | None
    kind: str | None


def parse_filter(status: str | None, kind: str | None) -> tuple[str | None, str | None]:
    """The inbox's filters (empty means all), or a refusal at the filter's field."""
    status = (status or "").strip() or None
    kind = (kind or "").strip() or None
    if status is not None and status not in RequestStatus.__members__:
        raise DomainError("status_unknown", "This status does not exist.", field="status")
    if kind is not None and kind not in RequestKind.__members__:
        raise DomainError("kind_unknown", "This kind of request does not exist.", field="kind")
    return status, kind


async def inbox(
    actor: Actor, organisation_id: int, *, status: str | None = None, kind: str | None = None
) -> Inbox:
    """The organisation's requests, newest first, filtered, with counts per status."""
    access.organisation_for(actor, organisation_id)
    status, kind = parse_filter(status, kind)
    organisation = (
        await Organisation.select(Organisation.name)
        .where(Organisation.id == organisation_id)
        .first()
    )
    query = ExpertRequest.select(
        ExpertRequest.id,
        ExpertRequest.status,
        ExpertRequest.kind,
        ExpertRequest.topic,
        ExpertRequest.requester_organisation,
        ExpertRequest.created_at,
        ExpertRequest.answered_at,
    ).where(ExpertRequest.organisation == organisation_id)
    if status is not None:
        query = query.where(ExpertRequest.status == status)
    if kind is not None:
        query = query.where(ExpertRequest.kind == kind)
    rows = await query.order_by(ExpertRequest.created_at, ascending=False).order_by(
        ExpertRequest.id, ascending=False
    ).limit(MAX_ROWS)  # fmt: skip
    counted = await db.execute(
        "SELECT status, COUNT(*) AS n FROM expert_request WHERE organisation = {} GROUP BY status",
        organisation_id,
    )
    counts = {s.value: 0 for s in RequestStatus}
    counts.update({str(row["status"]): int(row["n"]) for row in counted})
    return Inbox(
        organisation_id=organisation_id,
        organisation_name=str(organisation["name"]) if organisation else "",
        rows=[
            InboxRow(
                id=row["id"],
                status=row["status"],
                kind=row["kind"],
                topic=row["topic"],
                requester_organisation=row["requester_organisation"],
                created_at=row["created_at"],
                answered=row["answered_at"] is not None,
            )
            for row in rows
        ],
        counts=counts,
        status=status,
        kind=kind,
    )


async def detail(actor: Actor, request_id: int) -> RequestPage:
    """Everything the requester sent and the full history (organisers of it only)."""
    row = await access.request_for(actor, request_id)
    organisation = (
        await Organisation.select(Organisation.name)
        .where(Organisation.id == row["organisation"])
        .first()
    )
    view = request_view(row, str(organisation["name"]) if organisation else "")
    return RequestPage(view, await history.entries(request_id, shared_only=False))


def first_answer(row: dict[str, Any], now: datetime) -> dict[Any, Any]:
    """The column to set with a change that answers the requester (a message, a decline, a
    proposal): ``answered_at``, the first time only."""
    return {} if row["answered_at"] is not None else {ExpertRequest.answered_at: now}


async def send_message(actor: Actor, request_id: int, text: str) -> None:
    """The organiser writes to the requester: mailed, shared in the history; a new request
    moves to "in discussion"."""
    text = check_message(text)
    async with db.transaction():
        row = await access.request_for(actor, request_id, lock=True)
        if not is_open(row["status"]) or row["anonymised_at"] is not None:
            raise DomainError(
                "request_closed", "This request is closed: messages cannot be added.",
                field="message",
            )  # fmt: skip
        now = clock.now()
        changes: dict[Any, Any] = {ExpertRequest.updated_at: now, **first_answer(row, now)}
        status = None
        if row["status"] == RequestStatus.new:
            status = check_move(row["status"], RequestStatus.in_discussion, Who.organiser).value
            changes[ExpertRequest.status] = status
        await ExpertRequest.update(changes).where(ExpertRequest.id == request_id)
        entry = await history.record(
            request_id, "organiser", "message", account_id=actor.account_id, status=status,
            text=text, shared=True,
        )  # fmt: skip
        await notices.mail_requester("request_message", row, entry_id=entry)


async def set_status(actor: Actor, request_id: int, status: str, message: str = "") -> str:
    """Move the request to ``status`` (in discussion, declined, done; a declined one back to in
    discussion).  A decline is mailed to the requester with the organiser's words."""
    if status not in {s.value for s in ORGANISER_MOVES}:
        if status in RequestStatus.__members__:
            raise DomainError(
                "status_by_proposal",
                "A request is proposed or accepted through a proposal, not here.",
                field="status",
            )
        raise DomainError("status_unknown", "This status does not exist.", field="status")
    text = message.replace("\r\n", "\n").strip()
    if text:
        text = check_message(text)
    async with db.transaction():
        row = await access.request_for(actor, request_id, lock=True)
        if row["anonymised_at"] is not None:
            raise DomainError("request_closed", "This request is closed.", field="status")
        target = check_move(row["status"], status, Who.organiser)
        now = clock.now()
        changes: dict[Any, Any] = {
            ExpertRequest.status: target.value,
            ExpertRequest.updated_at: now,
            ExpertRequest.closed_at: now if target in ENDS else None,
        }
        if target == RequestStatus.declined:
            changes.update(first_answer(row, now))
        await ExpertRequest.update(changes).where(ExpertRequest.id == request_id)
        action = "reopened" if row["status"] == RequestStatus.declined else str(target)
        entry = await history.record(
            request_id, "organiser", action, account_id=actor.account_id, status=target.value,
            text=text, shared=True,
        )  # fmt: skip
        if target == RequestStatus.declined:
            await notices.mail_requester("request_declined", row, entry_id=entry)
        return target.value
