"""Proposals in the JSON API: organisers propose and withdraw; the requester, with their
private link, accepts or declines.  No answer contains a private link."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT
from msgspec import Meta

from events_app.accounts.credentials import Actor
from events_app.domain.proposals import ProposalForm
from events_app.requests import proposals
from events_app.web.api.types import Id
from events_app.web.auth import provide_actor

__all__ = ["ProposalController", "RequesterProposalController"]

Token = Annotated[str, Meta(min_length=1, max_length=100)]


class ProposalIn(msgspec.Struct, forbid_unknown_fields=True):
    """A day and time in the organisation's zone; the fee in euros as typed ("85,50"); without
    a fee, the expert's usual one."""

    day: Annotated[str, Meta(max_length=10, examples=["2027-03-02"])]
    start_time: Annotated[str, Meta(max_length=5, examples=["14:00"])]
    title: Annotated[str, Meta(min_length=1, max_length=200)]
    duration_minutes: Annotated[int, Meta(ge=1, le=24 * 60)] = 90
    format: Literal["online", "in_person", "hybrid"] = "in_person"
    location: Annotated[str, Meta(max_length=500)] = ""
    meeting_url: Annotated[str, Meta(max_length=500)] = ""
    expert_id: Id | None = None
    fee: Annotated[str, Meta(max_length=20)] = ""
    note: Annotated[str, Meta(max_length=5000)] = ""
    public: bool = False


class ProposalOut(msgspec.Struct):
    id: int
    status: Literal["proposed", "accepted", "declined", "withdrawn"]
    title: str
    local_start: datetime  # wall-clock time in ``timezone``
    timezone: str
    duration_minutes: int
    format: str
    location: str
    meeting_url: str
    expert_id: int | None
    expert_name: str
    fee_cents: int
    public: bool
    note: str
    answer: str  # the requester's words when they declined
    series_id: int | None  # the event it became
    created_at: datetime
    decided_at: datetime | None


class DeclineIn(msgspec.Struct, forbid_unknown_fields=True):
    answer: Annotated[str, Meta(max_length=5000)] = ""


class Accepted(msgspec.Struct):
    series_id: int


def _out(view: proposals.ProposalView) -> ProposalOut:
    return ProposalOut(
        id=view.id,
        status=view.status,  # type: ignore[arg-type]
        title=view.title,
        local_start=view.local_start,
        timezone=view.timezone,
        duration_minutes=view.duration_minutes,
        format=view.format,
        location=view.location,
        meeting_url=view.meeting_url,
        expert_id=view.expert_id,
        expert_name=view.expert_name,
        fee_cents=view.fee_cents,
        public=view.public,
        note=view.note,
        answer=view.answer,
        series_id=view.series_id,
        created_at=view.created_at,
        decided_at=view.decided_at,
    )


class ProposalController(Controller):
    path = "/api/v1/requests/{request_id:int}/proposals"
    tags = ["requests"]
    dependencies = {"actor": provide_actor}

    @get("/", summary="The proposals of a request, oldest first")
    async def list_proposals(
        self, actor: NamedDependency[Actor], request_id: FromPath[int]
    ) -> list[ProposalOut]:
        return [_out(p) for p in await proposals.for_request(actor, request_id)]

    @post(
        "/",
        summary="Propose a date and an expert to the requester (mailed; replaces an open one)",
        status_code=HTTP_201_CREATED,
    )
    async def propose(
        self, actor: NamedDependency[Actor], request_id: FromPath[int], data: JSONBody[ProposalIn]
    ) -> ProposalOut:
        form = ProposalForm(
            day=data.day,
            start_time=data.start_time,
            duration_minutes=data.duration_minutes,
            format=data.format,
            title=data.title,
            location=data.location,
            meeting_url=data.meeting_url,
            fee=data.fee,
            note=data.note,
            public=data.public,
        )
        made = await proposals.propose(actor, request_id, form, expert_id=data.expert_id)
        found = [p for p in await proposals.for_request(actor, request_id) if p.id == made]
        return _out(found[0])

    @post(
        "/{proposal_id:int}/withdraw",
        summary="Withdraw an open proposal (the request is in discussion again)",
        status_code=HTTP_200_OK,
    )
    async def withdraw(
        self,
        actor: NamedDependency[Actor],
        request_id: FromPath[int],
        proposal_id: FromPath[int],
    ) -> ProposalOut:
        await proposals.withdraw(actor, request_id, proposal_id)
        found = [p for p in await proposals.for_request(actor, request_id) if p.id == proposal_id]
        return _out(found[0])


class RequesterProposalController(Controller):
    path = "/api/v1/request-links/{token:str}/proposals/{proposal_id:int}"
    tags = ["requests"]

    @post(
        "/accept",
        summary="The requester accepts a proposal: it becomes an event, invitations are mailed",
        status_code=HTTP_200_OK,
    )
    async def accept(self, token: FromPath[Token], proposal_id: FromPath[int]) -> Accepted:
        return Accepted(series_id=await proposals.accept(token, proposal_id))

    @post(
        "/decline",
        summary="The requester declines a proposal, saying what does not suit them",
        status_code=HTTP_204_NO_CONTENT,
    )
    async def decline(
        self, token: FromPath[Token], proposal_id: FromPath[int], data: JSONBody[DeclineIn]
    ) -> None:
        await proposals.decline(token, proposal_id, data.answer)
