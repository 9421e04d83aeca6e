"""The pool of experts, asking them, their answers, fees and the figures of requests, in the API.

Organisers of the organisation only (anything else: the same 404).  The expert's own link
(``/api/v1/expert-links/{token}``) needs no account; it shows what is asked, never who asked,
and no answer of the API contains a private link.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT
from msgspec import UNSET, Meta, UnsetType

from events_app.accounts.credentials import Actor
from events_app.domain.expert_requests import MAX_TEXT
from events_app.domain.experts import LANGUAGES, MAX_FEE_CENTS, ExpertForm
from events_app.requests import asks, expert_links, experts
from events_app.requests.asks import AskedWhat, AskView
from events_app.requests.experts import ExpertView
from events_app.web.api.types import Id
from events_app.web.auth import provide_actor

__all__ = [
    "AskController",
    "ExpertController",
    "ExpertLinkController",
    "PoolController",
]

Text200 = Annotated[str, Meta(max_length=200)]
Topic = Annotated[str, Meta(max_length=100)]
Language = Literal["nl", "en", "de", "fr", "ar", "tr", "pap", "ber", "pl", "es", "ngt"]
assert set(Language.__args__) == set(LANGUAGES)  # type: ignore[attr-defined]
Fee = Annotated[int, Meta(ge=0, le=MAX_FEE_CENTS)]
Moment = Annotated[datetime, Meta(tz=True)]  # with its offset (a naive time is refused)


class ExpertIn(msgspec.Struct, forbid_unknown_fields=True):
    """A new pool entry: only with the person's consent (``consent`` true, how in
    ``consent_note``; ``consent_at`` defaults to now).  ``fee_cents``: the usual fee."""

    name: Text200
    email: Annotated[str, Meta(max_length=254)]
    consent: bool
    topics: Annotated[list[Topic], Meta(max_length=20)] = []
    languages: Annotated[list[Language], Meta(min_length=1, max_length=11)] = msgspec.field(
        default_factory=lambda: ["nl"]
    )
    region: Annotated[str, Meta(max_length=120)] = ""
    availability: Annotated[str, Meta(max_length=2000)] = ""
    fee_cents: Fee = 0
    consent_note: Annotated[str, Meta(max_length=300)] = ""
    consent_at: Moment | None = None
    active: bool = True
    account_id: Id | None = None


class ExpertPatch(msgspec.Struct, forbid_unknown_fields=True):
    """Only the fields sent change (``account_id`` null unlinks the account)."""

    name: Text200 | UnsetType = UNSET
    email: Annotated[str, Meta(max_length=254)] | UnsetType = UNSET
    topics: Annotated[list[Topic], Meta(max_length=20)] | UnsetType = UNSET
    languages: Annotated[list[Language], Meta(min_length=1, max_length=11)] | UnsetType = UNSET
    region: Annotated[str, Meta(max_length=120)] | UnsetType = UNSET
    availability: Annotated[str, Meta(max_length=2000)] | UnsetType = UNSET
    fee_cents: Fee | UnsetType = UNSET
    consent_note: Annotated[str, Meta(max_length=300)] | UnsetType = UNSET
    consent_at: Moment | UnsetType = UNSET
    active: bool | UnsetType = UNSET
    account_id: Id | UnsetType | None = UNSET


class ExpertOut(msgspec.Struct):
    id: int
    name: str
    email: str
    topics: list[str]
    languages: list[str]
    region: str
    availability: str
    fee_cents: int
    consent_at: datetime
    consent_note: str
    active: bool
    account_id: int | None


class AskIn(msgspec.Struct, forbid_unknown_fields=True):
    """Ask one or two experts of the pool (at most three asks of a request open at once)."""

    expert_ids: Annotated[list[Id], Meta(min_length=1, max_length=2)]
    message: Annotated[str, Meta(max_length=MAX_TEXT)] = ""


class AskOut(msgspec.Struct):
    id: int
    expert_id: int
    expert_name: str
    status: str  # asked, accepted, declined, withdrawn
    message: str
    answer: str
    asked_at: datetime
    answered_at: datetime | None


class AskedOut(msgspec.Struct):
    """What is asked, as the expert reads it: online, or the town; never who asked."""

    kind: str
    topic: str
    audience: str
    people: int | None
    days: list[date]
    period: str
    format: str
    town: str


class ExpertLinkOut(msgspec.Struct):
    organisation: str
    expert_name: str
    asked: AskedOut
    message: str
    status: str
    answer: str
    answered_at: datetime | None
    can_answer: bool


class AnswerIn(msgspec.Struct, forbid_unknown_fields=True):
    answer: Literal["accept", "decline"]
    note: Annotated[str, Meta(max_length=MAX_TEXT)] = ""


def expert_out(e: ExpertView) -> ExpertOut:
    return ExpertOut(
        e.id, e.name, e.email, list(e.topics), list(e.languages), e.region, e.availability,
        e.fee_cents, e.consent_at, e.consent_note, e.active, e.account_id,
    )  # fmt: skip


def ask_out(a: AskView) -> AskOut:
    return AskOut(
        a.id, a.expert_id, a.expert_name, a.status, a.message, a.answer, a.asked_at,
        a.answered_at,
    )  # fmt: skip


def asked_out(w: AskedWhat) -> AskedOut:
    return AskedOut(w.kind, w.topic, w.audience, w.people, list(w.days), w.period, w.format, w.town)


def link_out(found: expert_links.ExpertPage) -> ExpertLinkOut:
    return ExpertLinkOut(
        found.organisation_name, found.expert_name, asked_out(found.what), found.message,
        found.status, found.answer, found.answered_at, found.can_answer,
    )  # fmt: skip


def _form(data: ExpertIn | ExpertPatch, base: ExpertView | None) -> ExpertForm:
    def pick(name: str, default: Any) -> Any:
        value = getattr(data, name, UNSET)
        return default if value is UNSET else value

    return ExpertForm(
        name=str(pick("name", base.name if base else "")),
        email=str(pick("email", base.email if base else "")),
        topics=tuple(pick("topics", base.topics if base else ())),
        languages=tuple(pick("languages", base.languages if base else ("nl",))),
        region=str(pick("region", base.region if base else "")),
        availability=str(pick("availability", base.availability if base else "")),
        fee_cents=int(pick("fee_cents", base.fee_cents if base else 0)),
        consent=bool(pick("consent", False)),
        consent_note=str(pick("consent_note", base.consent_note if base else "")),
        consent_at=pick("consent_at", None),
        active=bool(pick("active", base.active if base else True)),
    )


class PoolController(Controller):
    path = "/api/v1/organisations/{organisation_id:int}"
    tags = ["requests"]
    dependencies = {"actor": provide_actor}

    @get("/experts", summary="The pool of experts (filter by topic and language)")
    async def pool(
        self,
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
        topic: Annotated[str, QueryParameter(max_length=100)] = "",
        language: FromQuery[Language | None] = None,
    ) -> list[ExpertOut]:
        found = await experts.list_experts(
            actor, organisation_id, topic=topic, language=language or ""
        )
        return [expert_out(e) for e in found]

    @post("/experts", summary="Add an expert to the pool (with their consent)")
    async def add(
        self,
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
        data: JSONBody[ExpertIn],
    ) -> ExpertOut:
        added = await experts.add_expert(
            actor, organisation_id, _form(data, None), account_id=data.account_id
        )
        return expert_out(added)


class ExpertController(Controller):
    path = "/api/v1/experts/{expert_id:int}"
    tags = ["requests"]
    dependencies = {"actor": provide_actor}

    @get("/", summary="One expert of the pool")
    async def show(self, actor: NamedDependency[Actor], expert_id: FromPath[int]) -> ExpertOut:
        return expert_out(await experts.expert_view(actor, expert_id))

    @patch("/", summary="Change an expert of the pool")
    async def change(
        self, actor: NamedDependency[Actor], expert_id: FromPath[int], data: JSONBody[ExpertPatch]
    ) -> ExpertOut:
        base = await experts.expert_view(actor, expert_id)
        account = base.account_id if data.account_id is UNSET else data.account_id
        changed = await experts.update_expert(
            actor, expert_id, _form(data, base), account_id=account
        )
        return expert_out(changed)

    @delete("/", summary="Remove an expert from the pool", status_code=HTTP_204_NO_CONTENT)
    async def remove(self, actor: NamedDependency[Actor], expert_id: FromPath[int]) -> None:
        await experts.remove_expert(actor, expert_id)


class AskController(Controller):
    path = "/api/v1"
    tags = ["requests"]
    dependencies = {"actor": provide_actor}

    @get("/requests/{request_id:int}/asks", summary="The experts asked for a request")
    async def asks(self, actor: NamedDependency[Actor], request_id: FromPath[int]) -> list[AskOut]:
        _, found = await asks.asks_of(actor, request_id)
        return [ask_out(a) for a in found]

    @post(
        "/requests/{request_id:int}/asks",
        summary="Ask one or two experts (each gets a mail with their private link)",
        status_code=HTTP_201_CREATED,
    )
    async def ask(
        self, actor: NamedDependency[Actor], request_id: FromPath[int], data: JSONBody[AskIn]
    ) -> list[AskOut]:
        found = await asks.ask_experts(actor, request_id, data.expert_ids, data.message)
        return [ask_out(a) for a in found]

    @post("/asks/{ask_id:int}/withdraw", summary="Withdraw an ask (the expert is told)")
    async def withdraw(self, actor: NamedDependency[Actor], ask_id: FromPath[int]) -> AskOut:
        return ask_out(await asks.withdraw_ask(actor, ask_id))


class ExpertLinkController(Controller):
    """The asked expert's link (no account; the token reached them only by mail)."""

    path = "/api/v1/expert-links/{token:str}"
    tags = ["requests"]

    @get("/", summary="What the expert is asked, and their answer so far")
    async def show(self, token: FromPath[str]) -> ExpertLinkOut:
        return link_out(await expert_links.expert_page(token))

    @post("/answer", summary="Accept or decline, with a note", status_code=200)
    async def answer(self, token: FromPath[str], data: JSONBody[AnswerIn]) -> ExpertLinkOut:
        return link_out(await expert_links.answer(token, data.answer, data.note))

    @post("/leave", summary="Leave the pool (the pool entry is deleted)", status_code=200)
    async def leave(self, token: FromPath[str]) -> dict[str, str]:
        await expert_links.leave_pool(token)
        return {"status": "removed"}
