"""A series' own questions on its form (``/organise/series/{id}/questions``): what an
application asks (motivation, a training done before), or what one event needs to know.

The organisation's questions (settings) are asked too and are listed here to read only.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from events_app.accounts.credentials import Actor
from events_app.domain.errors import DomainError
from events_app.registration import questions
from events_app.series import planning
from events_app.web.pages.context import language_of
from events_app.web.pages.form_input import NoFields, decode_form, decode_to_show
from events_app.web.pages.forms import field_messages
from events_app.web.pages.messages import message_for
from events_app.web.pages.settings_page import QuestionFields
from events_app.web.pages.staff import provide_staff_actor, staff_page

__all__ = ["SeriesQuestionsController"]

DONE = ("added", "removed")
EMPTY = {"label": "", "kind": "text", "choices": "", "required": ""}


class SeriesQuestionsController(Controller):
    path = "/organise/series/{series_id:int}/questions"
    include_in_schema = False
    dependencies = {"actor": provide_staff_actor}

    async def _show(
        self,
        request: Request[Any, Any, Any],
        actor: Actor,
        series_id: int,
        *,
        status: int = 200,
        errors: dict[str, str] | None = None,
        question: dict[str, Any] | None = None,
    ) -> Response[str]:
        series = await planning.get_series(actor, series_id)
        organisation_id, own = await questions.series_questions(actor, series_id)
        done = request.query_params.get("done", "")
        return staff_page(
            request,
            actor,
            "series_questions.html",
            status=status,
            series=series,
            questions=own,
            shared=await questions.list_questions(actor, organisation_id),
            errors=errors or {},
            question=question or EMPTY,
            done=done if done in DONE else "",
        )

    @get("/")
    async def show(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        series_id: FromPath[int],
    ) -> Response[str]:
        return await self._show(request, actor, series_id)

    @post("/")
    async def add(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        series_id: FromPath[int],
    ) -> Response[Any]:
        sent, rejected = await decode_to_show(request, QuestionFields)
        try:
            if rejected:
                raise rejected
            await questions.add_series_question(
                actor,
                series_id,
                label=sent.label,
                kind=sent.kind,
                choices=sent.choices.splitlines(),
                required=sent.required == "yes",
            )
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            language = language_of(request)
            message = message_for(exc, language, "settings")
            errors = field_messages(exc, language, message, field=exc.field or "label")
            return await self._show(
                request,
                actor,
                series_id,
                status=400,
                errors={"q_" + field: text for field, text in errors.items()},
                question=msgspec.structs.asdict(sent),
            )
        return Redirect(f"/organise/series/{series_id}/questions?done=added", status_code=303)

    @post("/{question_id:int}/remove")
    async def remove(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        series_id: FromPath[int],
        question_id: FromPath[int],
    ) -> Redirect:
        await decode_form(request, NoFields)
        await questions.delete_series_question(actor, series_id, question_id)
        return Redirect(f"/organise/series/{series_id}/questions?done=removed", status_code=303)
