"""The organisers' pages of the pool of experts.

``/organise/{organisation}/experts``: the pool (filter by topic and language) and the form to
add someone, only with their consent; ``…/experts/{id}``: change or remove an entry.  Anything
not of the organiser's organisation is the same 404.  Asking experts for a request:
:mod:`events_app.web.pages.request_asks`.
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
from events_app.domain.errors import DomainError, gather
from events_app.domain.experts import (
    LANGUAGES,
    ExpertForm,
    check_expert,
    euros,
    parse_fee,
    split_topics,
)
from events_app.i18n import N_, translate
from events_app.requests import experts
from events_app.requests.experts import ExpertView
from events_app.web.api.types import id_from_text
from events_app.web.pages.context import language_of
from events_app.web.pages.experts_words import form_errors, labels
from events_app.web.pages.form_input import Email, Line, Name, Text, decode_to_show
from events_app.web.pages.staff import provide_staff_actor, staff_page

__all__ = ["ExpertPoolController", "read_expert"]

ZONE = ZoneInfo("Europe/Amsterdam")


class ConfirmFields(msgspec.Struct):
    confirm: Line = ""


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
    ) -> Response[Any]:
        """Asks first ("are you sure?"); with ``confirm=yes`` the entry is deleted."""
        expert = await self._expert(actor, organisation_id, expert_id)
        sent, _ = await decode_to_show(request, ConfirmFields)
        if sent.confirm != "yes":
            language = language_of(request)
            back = f"/organise/{organisation_id}/experts/{expert_id}"
            return staff_page(
                request,
                actor,
                "confirm.html",
                heading=translate(language, N_("Remove %(name)s from the pool?"), name=expert.name),
                explanation=[
                    translate(
                        language,
                        N_(
                            "Their details are deleted, with the questions asked to them. "
                            "Bookings keep their name. This cannot be undone."
                        ),
                    )
                ],
                action=f"{back}/remove",
                hidden=[],
                yes=translate(language, N_("Yes, remove from the pool")),
                no=translate(language, N_("No, go back")),
                back=back,
                back_label=expert.name,
            )
        await experts.remove_expert(actor, expert_id)
        return Redirect(f"/organise/{organisation_id}/experts?done=removed", status_code=303)
