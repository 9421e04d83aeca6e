"""What pages, the API and mail show of requests and proposals: typed views of their rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from events_app.domain.expert_requests import is_open
from events_app.tables import Proposal

__all__ = ["ProposalView", "RequestSummary", "proposal_view", "request_summary"]


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


@dataclass(frozen=True, slots=True)
class RequestSummary:
    """What was asked, as the organisers' pages show it at the top."""

    id: int
    organisation_id: int
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
    language: str
    status: str
    series_id: int | None
    created_at: datetime

    @property
    def open(self) -> bool:
        return is_open(self.status)


def request_summary(row: dict[str, Any]) -> RequestSummary:
    days = []
    for value in row["preferred_days"] or []:
        try:
            days.append(date.fromisoformat(str(value)))
        except ValueError:
            continue
    return RequestSummary(
        id=row["id"],
        organisation_id=row["organisation"],
        kind=row["kind"],
        topic=row["topic"],
        audience=row["audience"],
        people=row["people"],
        preferred_days=tuple(days),
        period=row["period"],
        format=row["format"],
        address=row["address"],
        requester_organisation=row["requester_organisation"],
        contact_name=row["contact_name"],
        contact_email=row["contact_email"],
        language=row["language"],
        status=row["status"],
        series_id=row["series"],
        created_at=row["created_at"],
    )
