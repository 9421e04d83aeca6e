"""The organisers' requests: the inbox of an organisation (filters by status and kind, counts
per status) and one request's detail (what was sent, the full history, writing to the
requester, the status actions).

Only organisers of the organisation see any of it; a request of another organisation, a host's
guess or an id never used is the same 404 (the services decide).  A filter that is not one of
the choices shows the whole inbox with a message at the filter (400), never an error page.
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
from events_app.domain.errors import DomainError, NotFound
from events_app.domain.expert_requests import RequestKind, RequestStatus
from events_app.requests import inbox
from events_app.requests.views import RequestPage
from events_app.web.pages.context import language_of
from events_app.web.pages.form_input import Line, Text, decode_to_show
from events_app.web.pages.requests_public import request_errors, words
from events_app.web.pages.staff import provide_staff_actor, staff_page

__all__ = ["RequestsInboxController"]

DONE = ("message", "status")


class MessageFields(msgspec.Struct):
    message: Text = ""


class StatusFields(msgspec.Struct):
    status: Line = ""
    message: Text = ""


class RequestsInboxController(Controller):
    path = "/organise/{organisation_id:int}/requests"
    include_in_schema = False
    dependencies = {"actor": provide_staff_actor}

    @get("/")
    async def list(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
    ) -> Response[str]:
        status = request.query_params.get("status", "")
        kind = request.query_params.get("kind", "")
        errors: dict[str, str] = {}
        try:
            found = await inbox.inbox(actor, organisation_id, status=status, kind=kind)
        except NotFound:
            raise
        except DomainError as exc:
            errors = request_errors(exc, language_of(request), "status")
            found = await inbox.inbox(actor, organisation_id)
        return staff_page(
            request,
            actor,
            "requests_inbox.html",
            status=400 if errors else 200,
            found=found,
            errors=errors,
            statuses=[s.value for s in RequestStatus],
            kinds=[k.value for k in RequestKind],
            **words(),
        )

    async def _detail(
        self,
        actor: Actor,
        organisation_id: int,
        request_id: int,
    ) -> RequestPage:
        found = await inbox.detail(actor, request_id)
        if found.request.organisation_id != organisation_id:
            raise not_found()
        return found

    async def _show(
        self,
        request: Request[Any, Any, Any],
        actor: Actor,
        organisation_id: int,
        request_id: int,
        *,
        status: int = 200,
        form: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
    ) -> Response[str]:
        found = await self._detail(actor, organisation_id, request_id)
        done = request.query_params.get("done", "")
        return staff_page(
            request,
            actor,
            "request_detail.html",
            status=status,
            found=found,
            form=form or {"message": "", "decline": ""},
            errors=errors or {},
            done=done if done in DONE else "",
            **words(),
        )

    @get("/{request_id:int}")
    async def detail(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
        request_id: FromPath[int],
    ) -> Response[str]:
        return await self._show(request, actor, organisation_id, request_id)

    @post("/{request_id:int}/messages")
    async def write(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
        request_id: FromPath[int],
    ) -> Response[Any]:
        await self._detail(actor, organisation_id, request_id)
        sent, rejected = await decode_to_show(request, MessageFields)
        try:
            if rejected:
                raise rejected
            await inbox.send_message(actor, request_id, sent.message)
        except NotFound:
            raise
        except DomainError as exc:
            errors = request_errors(exc, language_of(request), "message")
            form = {"message": sent.message, "decline": ""}
            return await self._show(
                request, actor, organisation_id, request_id, status=400, form=form, errors=errors
            )
        return Redirect(
            f"/organise/{organisation_id}/requests/{request_id}?done=message#history",
            status_code=303,
        )

    @post("/{request_id:int}/status")
    async def move(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
        request_id: FromPath[int],
    ) -> Response[Any]:
        await self._detail(actor, organisation_id, request_id)
        sent, rejected = await decode_to_show(request, StatusFields)
        try:
            if rejected:
                raise rejected
            await inbox.set_status(actor, request_id, sent.status, sent.message)
        except NotFound:
            raise
        except DomainError as exc:
            errors = request_errors(exc, language_of(request), "status")
            if "message" in errors:  # the decline's words
                errors["decline"] = errors.pop("message")
            form = {"message": "", "decline": sent.message}
            return await self._show(
                request, actor, organisation_id, request_id, status=400, form=form, errors=errors
            )
        return Redirect(
            f"/organise/{organisation_id}/requests/{request_id}?done=status", status_code=303
        )
