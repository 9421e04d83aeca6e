"""Requests for an expert in the JSON API: the public form, the requester's private link, and
the organisers' inbox, detail, messages and status changes.

The public answer is the same for every address and carries no link (the link goes by mail);
no answer contains a private link or its hash.  Everything of the organisers' side answers
only organisers of the request's organisation; everyone else gets the same 404.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED
from msgspec import Meta

from events_app.accounts.credentials import Actor
from events_app.domain.expert_requests import MAX_PEOPLE, MAX_TEXT, RequestForm
from events_app.requests import inbox, intake
from events_app.requests.history import Entry
from events_app.requests.views import RequestPage
from events_app.web.auth import provide_actor

__all__ = [
    "OrganiserRequestController",
    "RequestIntakeController",
    "RequestLinkController",
    "RequestLinksController",
]

Message = Annotated[str, Meta(max_length=MAX_TEXT)]
Filter = Annotated[str | None, QueryParameter(max_length=32)]


class RequestCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A request: ``preferred_days`` (ISO dates, up to three) or ``period``; an ``address`` for
    ``in_person`` and ``hybrid``."""

    kind: Literal["guest_lesson", "empathy_session", "workshop", "speaker", "other"]
    topic: Annotated[str, Meta(max_length=200)]
    contact_name: Annotated[str, Meta(max_length=200)]
    contact_email: Annotated[str, Meta(max_length=254)]
    audience: Annotated[str, Meta(max_length=300)] = ""
    people: Annotated[int, Meta(ge=1, le=MAX_PEOPLE)] | None = None
    preferred_days: Annotated[list[Annotated[str, Meta(max_length=10)]], Meta(max_length=3)] = []
    period: Annotated[str, Meta(max_length=200)] = ""
    format: Literal["online", "in_person", "hybrid"] = "in_person"
    address: Annotated[str, Meta(max_length=500)] = ""
    requester_organisation: Annotated[str, Meta(max_length=200)] = ""
    notes: Annotated[str, Meta(max_length=MAX_TEXT)] = ""
    language: Literal["nl", "en"] = "nl"


class RequestAccepted(msgspec.Struct):
    """Always the same answer: a confirmation with the private link went to the address, if it
    had not had too many today."""

    status: Literal["check_your_mailbox"] = "check_your_mailbox"


class MessageIn(msgspec.Struct, forbid_unknown_fields=True):
    message: Annotated[str, Meta(min_length=1, max_length=MAX_TEXT)]


class StatusIn(msgspec.Struct, forbid_unknown_fields=True):
    """``in_discussion`` (also: take a declined one up again), ``declined`` (``message``: the
    words mailed to the requester) or ``done`` (after it was accepted)."""

    status: Literal["in_discussion", "declined", "done"]
    message: Message = ""


class EntryOut(msgspec.Struct):
    at: datetime
    actor: str  # requester, organiser, expert, system
    action: str
    status: str | None
    text: str
    organiser: str | None = None  # the organiser who did it (organisers' answers only)
    shared: bool | None = None  # shown to the requester (organisers' answers only)


class RequestOut(msgspec.Struct):
    id: int
    organisation_id: int
    organisation: str
    kind: str
    topic: str
    audience: str
    people: int | None
    preferred_days: list[date]
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
    answered_at: datetime | None
    closed_at: datetime | None
    series_id: int | None  # the event an accepted proposal became
    history: list[EntryOut]


class InboxRowOut(msgspec.Struct):
    id: int
    status: str
    kind: str
    topic: str
    requester_organisation: str
    created_at: datetime
    answered: bool


class InboxOut(msgspec.Struct):
    requests: list[InboxRowOut]
    counts: dict[str, int]


class StatusOut(msgspec.Struct):
    status: str


def _entry(entry: Entry, *, organiser: bool) -> EntryOut:
    out = EntryOut(entry.at, entry.actor, entry.action, entry.status, entry.text)
    if organiser:
        out.organiser = entry.account_name or None
        out.shared = entry.shared
    return out


def _request(found: RequestPage, *, organiser: bool) -> RequestOut:
    r = found.request
    return RequestOut(
        id=r.id,
        organisation_id=r.organisation_id,
        organisation=r.organisation_name,
        kind=r.kind,
        topic=r.topic,
        audience=r.audience,
        people=r.people,
        preferred_days=list(r.preferred_days),
        period=r.period,
        format=r.format,
        address=r.address,
        requester_organisation=r.requester_organisation,
        contact_name=r.contact_name,
        contact_email=r.contact_email,
        notes=r.notes,
        language=r.language,
        status=r.status,
        created_at=r.created_at,
        answered_at=r.answered_at,
        closed_at=r.closed_at,
        series_id=r.series_id,
        history=[_entry(e, organiser=organiser) for e in found.history],
    )


class RequestIntakeController(Controller):
    path = "/api/v1/organisations/{organisation:str}/requests"
    tags = ["requests"]

    @post(
        "/",
        summary="Ask an organisation for a guest lesson, a training or a speaker (no account)",
        status_code=HTTP_202_ACCEPTED,
    )
    async def send(
        self, organisation: FromPath[str], data: JSONBody[RequestCreate]
    ) -> RequestAccepted:
        """``organisation`` is its slug.  The answer never tells anything about the address;
        the private link to follow the request goes only by mail."""
        form = RequestForm(
            kind=data.kind,
            topic=data.topic,
            contact_name=data.contact_name,
            contact_email=data.contact_email,
            audience=data.audience,
            people=data.people,
            preferred_days=tuple(data.preferred_days),
            period=data.period,
            format=data.format,
            address=data.address,
            requester_organisation=data.requester_organisation,
            notes=data.notes,
        )
        await intake.submit(organisation, form, language=data.language)
        return RequestAccepted()


class LinksRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: Annotated[str, Meta(max_length=254)]


class RequestLinksController(Controller):
    path = "/api/v1/request-links"
    tags = ["requests"]

    @post(
        "/", summary="E-mail me the links to my open requests again", status_code=HTTP_202_ACCEPTED
    )
    async def send(self, data: JSONBody[LinksRequest]) -> RequestAccepted:
        """The same answer for every address; the links go only by mail (at most the three
        newest open requests), counted toward the address's hourly limit."""
        await intake.send_links(data.email)
        return RequestAccepted()


class RequestLinkController(Controller):
    """Everything here is keyed by the requester's private link token (from their mail)."""

    path = "/api/v1/request-links/{token:str}"
    tags = ["requests"]

    @get("/", summary="My request: what I sent, its status, the shared history")
    async def show(self, token: FromPath[str]) -> RequestOut:
        return _request(await intake.page_for_token(token), organiser=False)

    @post("/messages", summary="Write to the organisation", status_code=HTTP_200_OK)
    async def write(self, token: FromPath[str], data: JSONBody[MessageIn]) -> RequestOut:
        await intake.send_message(token, data.message)
        return _request(await intake.page_for_token(token), organiser=False)

    @post("/withdraw", summary="Withdraw my request", status_code=HTTP_200_OK)
    async def withdraw(self, token: FromPath[str]) -> RequestOut:
        await intake.withdraw(token)
        return _request(await intake.page_for_token(token), organiser=False)


class OrganiserRequestController(Controller):
    path = "/api/v1"
    tags = ["requests"]
    dependencies = {"actor": provide_actor}

    @get(
        "/organisations/{organisation_id:int}/requests",
        summary="The organisation's requests, newest first, with counts per status",
    )
    async def list(
        self,
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
        status: Filter = None,
        kind: Filter = None,
    ) -> InboxOut:
        found = await inbox.inbox(actor, organisation_id, status=status, kind=kind)
        return InboxOut(
            requests=[
                InboxRowOut(
                    r.id, r.status, r.kind, r.topic, r.requester_organisation, r.created_at,
                    r.answered,
                )
                for r in found.rows
            ],
            counts=found.counts,
        )  # fmt: skip

    @get("/requests/{request_id:int}", summary="One request with its full history")
    async def detail(self, actor: NamedDependency[Actor], request_id: FromPath[int]) -> RequestOut:
        return _request(await inbox.detail(actor, request_id), organiser=True)

    @post(
        "/requests/{request_id:int}/messages",
        summary="Write to the requester (mailed; a new request moves to in discussion)",
        status_code=HTTP_200_OK,
    )
    async def write(
        self, actor: NamedDependency[Actor], request_id: FromPath[int], data: JSONBody[MessageIn]
    ) -> RequestOut:
        await inbox.send_message(actor, request_id, data.message)
        return _request(await inbox.detail(actor, request_id), organiser=True)

    @post(
        "/requests/{request_id:int}/status",
        summary="Change the status: in discussion, declined (mailed), done",
        status_code=HTTP_200_OK,
    )
    async def move(
        self, actor: NamedDependency[Actor], request_id: FromPath[int], data: JSONBody[StatusIn]
    ) -> StatusOut:
        return StatusOut(await inbox.set_status(actor, request_id, data.status, data.message))
