"""Proposals in the pages: the organisers' page to propose a date and an expert for a request
(and withdraw it), and the requester's buttons to accept or decline it on their own page."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from events_app.accounts.credentials import Actor
from events_app.accounts.owned import not_found
from events_app.domain.errors import DomainError
from events_app.domain.proposals import ProposalForm
from events_app.requests import access, proposals
from events_app.requests.views import RequestPage, request_view
from events_app.tables import Organisation
from events_app.web.api.types import id_from_text
from events_app.web.pages.context import language_of
from events_app.web.pages.experts_words import money
from events_app.web.pages.form_input import Line, Location, Text, Title, Url, decode_to_show
from events_app.web.pages.forms import field_messages
from events_app.web.pages.requests_public import request_errors, request_page, words
from events_app.web.pages.staff import provide_staff_actor, staff_page

__all__ = ["ProposalsAdminController", "RequesterProposalsController"]


class ProposalFields(msgspec.Struct):
    expert_id: Line = ""
    day: Line = ""
    start_time: Line = ""
    duration_minutes: Line = "90"
    format: Line = "in_person"
    location: Location = ""
    meeting_url: Url = ""
    title: Title = ""
    fee: Line = ""
    note: Text = ""
    public: Line = ""


class DeclineFields(msgspec.Struct):
    answer: Text = ""


def _minutes(value: str) -> int:
    if value.strip().isdigit() and len(value.strip()) <= 4:
        return int(value.strip())
    raise DomainError("duration_invalid", "Give the length in minutes.", field="duration_minutes")


def _expert(value: str) -> int | None:
    if not value.strip():
        return None
    found = id_from_text(value)
    if found is None:
        raise DomainError("expert_unknown", "Choose an expert from your pool.", field="expert_id")
    return found


class ProposalsAdminController(Controller):
    path = "/organise/{organisation_id:int}/requests/{request_id:int}/proposal"
    include_in_schema = False
    dependencies = {"actor": provide_staff_actor}

    async def _show(
        self,
        request: Request[Any, Any, Any],
        actor: Actor,
        organisation_id: int,
        request_id: int,
        *,
        status: int = 200,
        form: dict[str, Any] | None = None,
        errors: dict[str, str] | None = None,
    ) -> Response[str]:
        row = await access.request_for(actor, request_id)
        if row["organisation"] != organisation_id:
            raise not_found()
        organisation = (
            await Organisation.select(Organisation.id, Organisation.name, Organisation.timezone)
            .where(Organisation.id == organisation_id)
            .first()
        )
        assert organisation is not None
        summary = request_view(row, organisation["name"])
        experts = await proposals.expert_choices(actor, request_id)
        default = {
            "expert_id": str(experts[0].expert.id)
            if experts and experts[0].asked == "accepted"
            else "",
            "day": summary.preferred_days[0].isoformat() if summary.preferred_days else "",
            "start_time": "",
            "duration_minutes": "90",
            "format": summary.format,
            "location": summary.address,
            "meeting_url": "",
            "title": summary.topic,
            "fee": "",
            "note": "",
            "public": "",
        }
        return staff_page(
            request,
            actor,
            "request_proposal.html",
            status=status,
            organisation=organisation,
            req=summary,
            found=RequestPage(request=summary, history=[]),
            experts=experts,
            proposals=await proposals.for_request(actor, request_id),
            form=form or default,
            errors=errors or {},
            done=request.query_params.get("done", ""),
            money=lambda cents: money(cents, language_of(request)),
            **words(),
        )

    @get("/")
    async def show(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
        request_id: FromPath[int],
    ) -> Response[str]:
        return await self._show(request, actor, organisation_id, request_id)

    @post("/")
    async def propose(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
        request_id: FromPath[int],
    ) -> Response[Any]:
        actor.require_organiser(organisation_id)
        sent, rejected = await decode_to_show(request, ProposalFields)
        form = msgspec.structs.asdict(sent)
        try:
            if rejected:
                raise rejected
            await proposals.propose(
                actor,
                request_id,
                ProposalForm(
                    day=sent.day,
                    start_time=sent.start_time,
                    duration_minutes=_minutes(sent.duration_minutes),
                    format=sent.format,
                    title=sent.title,
                    location=sent.location,
                    meeting_url=sent.meeting_url,
                    fee=sent.fee,
                    note=sent.note,
                    public=sent.public == "yes",
                ),
                expert_id=_expert(sent.expert_id),
            )
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            errors = field_messages(exc, language_of(request))
            return await self._show(
                request, actor, organisation_id, request_id, status=400, form=form, errors=errors
            )
        return Redirect(
            f"/organise/{organisation_id}/requests/{request_id}/proposal?done=sent",
            status_code=303,
        )

    @post("/{proposal_id:int}/withdraw")
    async def withdraw(
        self,
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
        request_id: FromPath[int],
        proposal_id: FromPath[int],
    ) -> Redirect:
        actor.require_organiser(organisation_id)
        await proposals.withdraw(actor, request_id, proposal_id)
        return Redirect(
            f"/organise/{organisation_id}/requests/{request_id}/proposal?done=withdrawn",
            status_code=303,
        )


class RequesterProposalsController(Controller):
    """The buttons of the proposal section on the requester's own page (``/request/<link>``)."""

    path = "/request/{token:str}/proposals/{proposal_id:int}"
    include_in_schema = False

    @post("/accept")
    async def accept(
        self, request: Request[Any, Any, Any], token: FromPath[str], proposal_id: FromPath[int]
    ) -> Response[Any]:
        try:
            await proposals.accept(token, proposal_id)
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            errors = request_errors(exc, language_of(request), "proposal")
            return await request_page(request, token, status=exc.status_code, errors=errors)
        return Redirect(f"/request/{token}?done=accepted#proposals", status_code=303)

    @post("/decline")
    async def decline(
        self, request: Request[Any, Any, Any], token: FromPath[str], proposal_id: FromPath[int]
    ) -> Response[Any]:
        sent, rejected = await decode_to_show(request, DeclineFields)
        try:
            if rejected:
                raise rejected
            await proposals.decline(token, proposal_id, sent.answer)
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            errors = request_errors(exc, language_of(request), "answer")
            return await request_page(
                request, token, status=exc.status_code, answer=sent.answer, errors=errors
            )
        return Redirect(f"/request/{token}?done=declined#proposals", status_code=303)
