"""The organisers' pages of the pool of experts and of asking them for a request.

``/organise/{organisation}/experts``: the pool (filter by topic and language) and the form to
add someone, only with their consent; ``…/experts/{id}``: change or remove an entry.
``/organise/{organisation}/requests/{request}/experts``: what the request asks, the pool's
active experts (the best fits first) to ask one or two of, and the asks with their answers.
Anything not of the organiser's organisation is the same 404.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from events_app import clock
from events_app.accounts.credentials import Actor
from events_app.accounts.owned import not_found
from events_app.domain.errors import DomainError, Refusals, gather
from events_app.domain.experts import (
    FORMAT_LABELS,
    KIND_LABELS,
    LANGUAGES,
    ExpertForm,
    check_expert,
    euros,
    parse_fee,
    split_topics,
)
from events_app.i18n import N_, translate
from events_app.requests import asks, experts
from events_app.requests.access import request_for
from events_app.requests.experts import ExpertView
from events_app.web.api.types import id_from_text
from events_app.web.pages.context import language_of
from events_app.web.pages.form_input import Email, Line, Name, NoFields, Text, decode_to_show
from events_app.web.pages.forms import field_messages
from events_app.web.pages.messages import message_for
from events_app.web.pages.staff import provide_staff_actor, staff_page

__all__ = [
    "ExpertPoolController",
    "RequestExpertsController",
    "form_errors",
    "labels",
    "money",
]

ZONE = ZoneInfo("Europe/Amsterdam")
# What these forms say when a service refuses (error code → words); the rest as elsewhere.
MESSAGES = {
    "expert_name_missing": N_("Fill in the name."),
    "consent_needed": N_("Only add someone who agreed to be in the pool: tick the box."),
    "consent_in_future": N_("Consent cannot be given in the future."),
    "fee_invalid": N_("Write the fee in euros, such as 85 or 85,50."),
    "topics_invalid": N_("Give at most 20 topics of at most 100 characters."),
    "languages_invalid": N_("Choose the languages they speak."),
    "account_unknown": N_("Choose a member of your organisation."),
    "expert_exists": N_("Someone with this address is in the pool already."),
    "too_long": N_("This is too long."),
    "experts_missing": N_("Choose one or two experts."),
    "experts_too_many": N_("Choose one or two experts."),
    "expert_unknown": N_("Choose active experts of your pool."),
    "expert_asked_already": N_("This expert has been asked already."),
    "too_many_asks": N_("At most three experts can be asked at once: withdraw an ask first."),
    "request_closed": N_("This request is closed: nobody can be asked for it any more."),
    "message_too_long": N_("This message is too long."),
    "ask_not_open": N_("This ask is no longer open."),
    "answer_unknown": N_("Choose yes or no."),
    "note_too_long": N_("This note is too long."),
    "ask_closed": N_("This question is no longer open: nothing can be answered."),
    "day_invalid": N_("Write the date as 2026-12-03."),
}
LANGUAGE_LABELS = {
    "nl": N_("Dutch"),
    "en": N_("English"),
    "de": N_("German"),
    "fr": N_("French"),
    "ar": N_("Arabic"),
    "tr": N_("Turkish"),
    "pap": N_("Papiamento"),
    "ber": N_("Tamazight"),
    "pl": N_("Polish"),
    "es": N_("Spanish"),
    "ngt": N_("Dutch Sign Language"),
}
ASK_LABELS = {
    "asked": N_("Waiting for an answer"),
    "accepted": N_("Said yes"),
    "declined": N_("Said no"),
    "withdrawn": N_("Withdrawn"),
}
FIELDS = {"expert_ids": "experts", "consent_at": "consent_day", "account_id": "account"}


def money(cents: int, language: str) -> str:
    """A fee as the page shows it: "€ 85,50" in Dutch, "€85.50" in English."""
    shown = euros(cents)
    return f"€ {shown.replace('.', ',')}" if language == "nl" else f"€{shown}"


def labels(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The words of what is asked, of languages and of asks, for these pages' templates."""
    language = language_of(request)
    return {
        "kind_labels": KIND_LABELS,
        "format_labels": FORMAT_LABELS,
        "ask_labels": ASK_LABELS,
        "expert_languages": {
            code: translate(language, label) for code, label in LANGUAGE_LABELS.items()
        },
        "money": lambda cents: money(cents, language),
    }


def form_errors(exc: DomainError, language: str) -> dict[str, str]:
    """Every refusal at its input, in the page's language."""
    if isinstance(exc, Refusals):
        found: dict[str, str] = {}
        for refusal in exc.refusals:
            found.update(form_errors(refusal, language))
        return found
    if exc.code in MESSAGES:
        field = exc.field or "form"
        return {FIELDS.get(field, field): translate(language, MESSAGES[exc.code])}
    found = field_messages(exc, language)
    return {FIELDS.get(k, k): v for k, v in found.items()} or {"form": message_for(exc, language)}


class ExpertFields(msgspec.Struct):
    name: Name = ""
    email: Email = ""
    topics: Line = ""
    languages: list[Line] = []
    region: Line = ""
    availability: Text = ""
    fee: Line = ""
    consent: Line = ""
    consent_note: Line = ""
    consent_day: Line = ""
    active: Line = ""
    account: Line = ""


class AskFields(msgspec.Struct):
    experts: list[Line] = []
    message: Text = ""


def _consent_at(day: str) -> datetime | None:
    if not day.strip():
        return None
    try:
        found = date.fromisoformat(day.strip())
    except ValueError:
        raise DomainError(
            "day_invalid", "Write the date as 2026-12-03.", field="consent_day"
        ) from None
    if found == clock.now().astimezone(ZONE).date():
        return clock.now()
    return datetime.combine(found, time(12), tzinfo=ZONE)


def read_expert(sent: ExpertFields, *, new: bool) -> tuple[ExpertForm, int | None]:
    """The form as the service takes it, or every problem at its field at once (a wrong fee
    or day with those the service's rules find)."""
    refusals: list[DomainError] = []
    fee = consent_at = None
    try:
        fee = parse_fee(sent.fee)
    except DomainError as exc:
        refusals.append(exc)
    try:
        consent_at = _consent_at(sent.consent_day)
    except DomainError as exc:
        refusals.append(exc)
    account = id_from_text(sent.account) if sent.account else None
    if sent.account and account is None:
        refusals.append(
            DomainError("account_unknown", "Choose a member of your organisation.", field="account")
        )
    form = ExpertForm(
        name=sent.name,
        email=sent.email,
        topics=split_topics(sent.topics),
        languages=tuple(sent.languages),
        region=sent.region,
        availability=sent.availability,
        fee_cents=fee or 0,
        consent=sent.consent == "yes",
        consent_note=sent.consent_note,
        consent_at=consent_at,
        active=sent.active == "yes",
    )
    try:
        check_expert(form, new=new, now=clock.now())
    except DomainError as exc:
        refusals.append(exc)
    gather(refusals)
    return form, account


def form_of(expert: ExpertView | None) -> dict[str, Any]:
    if expert is None:
        return {"name": "", "email": "", "topics": "", "languages": ["nl"], "region": "",
                "availability": "", "fee": "", "consent": "", "consent_note": "",
                "consent_day": "", "active": "yes", "account": ""}  # fmt: skip
    return {
        "name": expert.name,
        "email": expert.email,
        "topics": ", ".join(expert.topics),
        "languages": list(expert.languages),
        "region": expert.region,
        "availability": expert.availability,
        "fee": euros(expert.fee_cents).replace(".", ","),
        "consent": "",
        "consent_note": expert.consent_note,
        "consent_day": expert.consent_at.astimezone(ZONE).date().isoformat(),
        "active": "yes" if expert.active else "",
        "account": str(expert.account_id or ""),
    }


class ExpertPoolController(Controller):
    path = "/organise/{organisation_id:int}/experts"
    include_in_schema = False
    dependencies = {"actor": provide_staff_actor}

    async def _show(
        self,
        request: Request[Any, Any, Any],
        actor: Actor,
        organisation_id: int,
        *,
        status: int = 200,
        form: dict[str, Any] | None = None,
        errors: dict[str, str] | None = None,
    ) -> Response[str]:
        topic = request.query_params.get("topic", "")[:100]
        language = request.query_params.get("language", "")
        language = language if language in LANGUAGES else ""
        pool = await experts.list_experts(actor, organisation_id, topic=topic, language=language)
        done = request.query_params.get("done", "")
        return staff_page(
            request,
            actor,
            "experts.html",
            status=status,
            **labels(request),
            organisation=await experts.organisation_of(actor, organisation_id),
            pool=pool,
            topic=topic,
            language_filter=language,
            languages=LANGUAGES,
            members=await experts.members(actor, organisation_id),
            form=form or form_of(None),
            errors=errors or {},
            done=done if done in ("added", "removed") else "",
        )

    @get("/")
    async def show(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
    ) -> Response[str]:
        return await self._show(request, actor, organisation_id)

    @post("/")
    async def add(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
    ) -> Response[Any]:
        actor.require_organiser(organisation_id)
        sent, rejected = await decode_to_show(request, ExpertFields)
        try:
            if rejected:
                raise rejected
            form, account = read_expert(sent, new=True)
            await experts.add_expert(actor, organisation_id, form, account_id=account)
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return await self._show(
                request, actor, organisation_id, status=400, form=msgspec.structs.asdict(sent),
                errors=form_errors(exc, language_of(request)),
            )  # fmt: skip
        return Redirect(f"/organise/{organisation_id}/experts?done=added", status_code=303)

    async def _edit(
        self,
        request: Request[Any, Any, Any],
        actor: Actor,
        organisation_id: int,
        expert: ExpertView,
        *,
        status: int = 200,
        form: dict[str, Any] | None = None,
        errors: dict[str, str] | None = None,
    ) -> Response[str]:
        return staff_page(
            request,
            actor,
            "expert_edit.html",
            status=status,
            **labels(request),
            organisation=await experts.organisation_of(actor, organisation_id),
            expert=expert,
            languages=LANGUAGES,
            members=await experts.members(actor, organisation_id),
            form=form or form_of(expert),
            errors=errors or {},
            done=request.query_params.get("done", "") == "saved",
        )

    async def _expert(self, actor: Actor, organisation_id: int, expert_id: int) -> ExpertView:
        found = await experts.expert_view(actor, expert_id)
        if found.organisation_id != organisation_id:
            raise not_found()
        return found

    @get("/{expert_id:int}")
    async def edit(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
        expert_id: FromPath[int],
    ) -> Response[str]:
        expert = await self._expert(actor, organisation_id, expert_id)
        return await self._edit(request, actor, organisation_id, expert)

    @post("/{expert_id:int}")
    async def save(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
        expert_id: FromPath[int],
    ) -> Response[Any]:
        expert = await self._expert(actor, organisation_id, expert_id)
        sent, rejected = await decode_to_show(request, ExpertFields)
        try:
            if rejected:
                raise rejected
            form, account = read_expert(sent, new=False)
            await experts.update_expert(actor, expert_id, form, account_id=account)
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return await self._edit(
                request, actor, organisation_id, expert, status=400,
                form=msgspec.structs.asdict(sent), errors=form_errors(exc, language_of(request)),
            )  # fmt: skip
        return Redirect(
            f"/organise/{organisation_id}/experts/{expert_id}?done=saved", status_code=303
        )

    @post("/{expert_id:int}/remove")
    async def remove(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
        expert_id: FromPath[int],
    ) -> Redirect:
        await self._expert(actor, organisation_id, expert_id)
        await decode_to_show(request, NoFields)
        await experts.remove_expert(actor, expert_id)
        return Redirect(f"/organise/{organisation_id}/experts?done=removed", status_code=303)


async def _check(actor: Actor, organisation_id: int, request_id: int) -> None:
    """The request, when it is of this organisation and the actor organises it (else 404)."""
    row = await request_for(actor, request_id)
    if row["organisation"] != organisation_id:
        raise not_found()


class RequestExpertsController(Controller):
    path = "/organise/{organisation_id:int}/requests/{request_id:int}/experts"
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
        await _check(actor, organisation_id, request_id)
        what, asked = await asks.asks_of(actor, request_id)
        organisation = await experts.organisation_of(actor, organisation_id)
        done = request.query_params.get("done", "")
        return staff_page(
            request,
            actor,
            "request_experts.html",
            status=status,
            **labels(request),
            organisation=organisation,
            what=what,
            asks=asked,
            candidates=await asks.candidates(actor, request_id),
            open_asks=sum(1 for a in asked if a.status in asks.OPEN),
            form=form or {"experts": [], "message": ""},
            errors=errors or {},
            done=done if done in ("asked", "withdrawn") else "",
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
    async def ask(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
        request_id: FromPath[int],
    ) -> Response[Any]:
        await _check(actor, organisation_id, request_id)
        sent, rejected = await decode_to_show(request, AskFields)
        try:
            if rejected:
                raise rejected
            ids = [id_from_text(value) for value in sent.experts]
            if any(found is None for found in ids):
                raise DomainError("expert_unknown", "Choose active experts.", field="expert_ids")
            await asks.ask_experts(
                actor, request_id, [found for found in ids if found is not None], sent.message
            )
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return await self._show(
                request, actor, organisation_id, request_id, status=400,
                form=msgspec.structs.asdict(sent), errors=form_errors(exc, language_of(request)),
            )  # fmt: skip
        path = f"/organise/{organisation_id}/requests/{request_id}/experts"
        return Redirect(f"{path}?done=asked", status_code=303)

    @post("/asks/{ask_id:int}/withdraw")
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
        request_id: FromPath[int],
        ask_id: FromPath[int],
    ) -> Response[Any]:
        await _check(actor, organisation_id, request_id)
        _, asked = await asks.asks_of(actor, request_id)
        if ask_id not in {a.id for a in asked}:
            raise not_found()
        await decode_to_show(request, NoFields)
        try:
            await asks.withdraw_ask(actor, ask_id)
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return await self._show(
                request, actor, organisation_id, request_id, status=400,
                errors=form_errors(exc, language_of(request)),
            )  # fmt: skip
        path = f"/organise/{organisation_id}/requests/{request_id}/experts"
        return Redirect(f"{path}?done=withdrawn", status_code=303)
