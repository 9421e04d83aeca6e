"""What pages and the API show of a request and its proposals: typed views, made from their
rows in one place.

The requester's page and the organisers' detail show the same facts; only the history differs
(the requester sees the shared lines).  A view never carries the private link or its hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from events_app import db
from events_app.domain.expert_requests import is_open
from events_app.requests.history import Entry
from events_app.tables import Proposal

__all__ = ["ProposalView", "RequestPage", "RequestView", "proposal_view", "request_view"]


@dataclass(frozen=True, slots=True)
class RequestView:
    """A request as it was sent, and where it stands."""

    id: int
    organisation_id: int
    organisation_name: str
    kind: str
    topic: str
    audience: str
    people: int | None
    preferred_days: tuple[date, ...]
    period: str
    format: str
    address: str
    requester_organisation: str
    contact_name: str
    contact_email: str
    notes: str
    language: str
    status: str
    created_at: datetime
    updated_at: datetime
    answered_at: datetime | None
    closed_at: datetime | None
    anonymised: bool
    series_id: int | None = None  # the event an accepted proposal became

    @property
    def open(self) -> bool:
        """Whether anything can still happen to it (messages, proposals, experts asked)."""
        return is_open(self.status)


@dataclass(frozen=True, slots=True)
class RequestPage:
    """A request with its history (for the requester: the shared lines only)."""

    request: RequestView
    history: list[Entry]


def _days(value: object) -> tuple[date, ...]:
    days = []
    for raw in db.json_strings(value):
        try:
            days.append(date.fromisoformat(raw))
        except ValueError:
            continue
    return tuple(days)


def request_view(row: dict[str, Any], organisation_name: str) -> RequestView:
    """The view of an ``ExpertRequest`` row (as ``select()`` gives it)."""
    typed = db.typed(
        row,
        {
            "created_at": datetime,
            "updated_at": datetime,
            "answered_at": datetime,
            "closed_at": datetime,
            "anonymised_at": datetime,
        },
    )
    return RequestView(
        id=int(typed["id"]),
        organisation_id=int(typed["organisation"]),
        organisation_name=organisation_name,
        kind=str(typed["kind"]),
        topic=str(typed["topic"]),
        audience=str(typed["audience"]),
        people=typed["people"],
        preferred_days=_days(typed["preferred_days"]),
        period=str(typed["period"]),
        format=str(typed["format"]),
        address=str(typed["address"]),
        requester_organisation=str(typed["requester_organisation"]),
        contact_name=str(typed["contact_name"]),
        contact_email=str(typed["contact_email"]),
        notes=str(typed["notes"]),
        language=str(typed["language"]),
        status=str(typed["status"]),
        created_at=typed["created_at"],
        updated_at=typed["updated_at"],
        answered_at=typed["answered_at"],
        closed_at=typed["closed_at"],
        anonymised=typed["anonymised_at"] is not None,
        series_id=typed["series"],
    )


@dataclass(frozen=True, slots=True)
class ProposalView:
    id: int
    status: str
    title: str
    local_start: datetime
    timezone: str
    duration_minutes: int
    format: str
    location: str
    meeting_url: str
    expert_id: int | None
    expert_name: str
    account_id: int | None  # the organiser who proposed it
    fee_cents: int
    public: bool
    note: str
    answer: str
    series_id: int | None
    created_at: datetime
    decided_at: datetime | None

    @property
    def local_end(self) -> datetime:
        return self.local_start + timedelta(minutes=self.duration_minutes)

    @property
    def open(self) -> bool:
        return self.status == Proposal.Status.proposed


def proposal_view(row: dict[str, Any]) -> ProposalView:
    return ProposalView(
        id=row["id"],
        status=row["status"],
        title=row["title"],
        local_start=row["local_start"],
        timezone=row["timezone"],
        duration_minutes=row["duration_minutes"],
        format=row["format"],
        location=row["location"],
        meeting_url=row["meeting_url"],
        expert_id=row["expert"],
        expert_name=row["expert_name"],
        account_id=row["account"],
        fee_cents=row["fee_cents"],
        public=bool(row["public"]),
        note=row["note"],
        answer=row["answer"],
        series_id=row["series"],
        created_at=row["created_at"],
        decided_at=row["decided_at"],
    )
