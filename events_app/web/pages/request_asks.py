"""The organisers' page of asking experts for a request:
``/organise/{organisation}/requests/{request}/experts`` shows what the request asks, the pool's
active experts (the best fits first) to ask one or two of, and the asks with the experts'
answers; an ask can be withdrawn.  Anything not of the organiser's organisation is the same 404.
"""

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
from events_app.requests import asks, experts
from events_app.requests.access import request_for
from events_app.web.api.types import id_from_text
from events_app.web.pages.context import language_of
from events_app.web.pages.experts_words import form_errors, labels
from events_app.web.pages.form_input import Line, NoFields, Text, decode_to_show
from events_app.web.pages.staff import provide_staff_actor, staff_page

__all__ = ["RequestExpertsController"]


class AskFields(msgspec.Struct):
    experts: list[Line] = []
    message: Text = ""


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
