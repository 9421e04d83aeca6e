"""The applications for a date (``/host/dates/{id}/applications``): read them with their
answers, accept one (a place, or the waiting list when full) or decline it with kind words.

Hosts of the date and organisers only; anyone else is told the date does not exist.  The
decline form comes filled with the default kind text in the applicant's language, to change.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from events_app.accounts.credentials import Actor
from events_app.domain.applications import DEFAULT_DECLINE
from events_app.domain.errors import DomainError
from events_app.hosting import applications, host_dates
from events_app.i18n import translate
from events_app.web.api.types import id_from_text
from events_app.web.pages.context import language_of
from events_app.web.pages.form_input import Line, Text, decode_to_show
from events_app.web.pages.messages import message_for
from events_app.web.pages.staff import provide_staff_actor, staff_page

__all__ = ["ApplicationsController"]

DONE = ("accepted", "declined")


class DecisionFields(msgspec.Struct):
    """Accept or decline: the date to go back to, and the kind words of a decline."""

    event_date: Line = ""
    message: Text = ""


class ApplicationsController(Controller):
    path = "/host"
    include_in_schema = False
    dependencies = {"actor": provide_staff_actor}

    async def _page(
        self,
        request: Request[Any, Any, Any],
        actor: Actor,
        date_id: int,
        *,
        status: int = 200,
        error: str = "",
        field_errors: dict[int, str] | None = None,
        messages: dict[int, str] | None = None,
    ) -> Response[str]:
        date = await host_dates.date_summary(actor, date_id)
        rows = await applications.applications_for_date(actor, date_id)
        done = request.query_params.get("done", "")
        return staff_page(
            request,
            actor,
            "host_applications.html",
            status=status,
            date=date,
            pending=[a for a in rows if a.status == "pending"],
            accepted=[a for a in rows if a.status == "accepted"],
            declined=[a for a in rows if a.status == "declined"],
            labels=await applications.question_labels(actor, date_id),
            # The kind words to start from, in each applicant's own language.
            messages={
                a.id: (messages or {}).get(a.id) or translate(a.language, DEFAULT_DECLINE)
                for a in rows
            },
            field_errors=field_errors or {},
            error=error,
            done=done if done in DONE else "",
        )

    @get("/dates/{date_id:int}/applications")
    async def applications_page(
        self, request: Request[Any, Any, Any], actor: NamedDependency[Actor], date_id: FromPath[int]
    ) -> Response[str]:
        return await self._page(request, actor, date_id)

    @post("/applications/{application_id:int}/accept")
    async def accept(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        application_id: FromPath[int],
    ) -> Response[Any]:
        sent, _rejected = await decode_to_show(request, DecisionFields)
        date_id = id_from_text(sent.event_date) or 0
        try:
            await applications.accept(actor, application_id)
        except DomainError as exc:
            if exc.status_code == 404 or not date_id:
                raise
            error = message_for(exc, language_of(request))
            return await self._page(request, actor, date_id, status=409, error=error)
        return Redirect(f"/host/dates/{date_id}/applications?done=accepted", status_code=303)

    @post("/applications/{application_id:int}/decline")
    async def decline(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        application_id: FromPath[int],
    ) -> Response[Any]:
        sent, rejected = await decode_to_show(request, DecisionFields)
        date_id = id_from_text(sent.event_date) or 0
        try:
            if rejected:
                raise rejected
            await applications.decline(actor, application_id, message=sent.message)
        except DomainError as exc:
            if exc.status_code == 404 or not date_id:
                raise
            language = language_of(request)
            message = message_for(exc, language)
            if rejected is not None and exc is rejected:
                message = next(iter(rejected.messages(language).values()))
            if exc.field == "message" or exc is rejected:
                return await self._page(
                    request,
                    actor,
                    date_id,
                    status=400,
                    field_errors={application_id: message},
                    messages={application_id: sent.message},
                )
            return await self._page(request, actor, date_id, status=409, error=message)
        return Redirect(f"/host/dates/{date_id}/applications?done=declined", status_code=303)
