"""The series page's "pause, then continue" form: first shown with what it does, then saved.

Thin: the days and the number of weeks are read here (each problem at its field, all at once),
the rules are :mod:`events_app.domain.pause`, and the work :mod:`events_app.series.pause`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from litestar import Controller, Request, Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from events_app import clock
from events_app.accounts.credentials import Actor
from events_app.domain.errors import DomainError
from events_app.domain.pause import Pause, check_pause
from events_app.series import pause as pauses
from events_app.web.pages.context import language_of
from events_app.web.pages.form_input import Line, decode_to_show
from events_app.web.pages.organise_form import AMSTERDAM, parse_day
from events_app.web.pages.organise_series import show_series
from events_app.web.pages.organise_text import errors_of
from events_app.web.pages.staff import provide_staff_actor

__all__ = ["PauseFields", "SeriesPauseController", "pause_form"]

DAYS = ("first_off", "last_off", "resume_on")


class PauseFields(msgspec.Struct):
    first_off: Line = ""
    last_off: Line = ""
    resume_on: Line = ""
    weeks: Line = ""
    action: Line = ""  # "preview" (the default) or "save"


def pause_form(sent: PauseFields) -> dict[str, str]:
    """The form's values as sent, to show them again."""
    return {name: getattr(sent, name) for name in (*DAYS, "weeks")}


def read_pause(sent: PauseFields) -> Pause:
    """The pause typed in the form, or every problem at once (:class:`Refusals`)."""
    days: dict[str, date | None] = {}
    refused: list[DomainError] = []
    for name in DAYS:
        text = getattr(sent, name).strip()
        days[name] = None
        if not text:
            refused.append(DomainError("day_missing", "Fill in this day.", field=name))
            continue
        try:
            days[name] = parse_day(text, name)
        except DomainError as exc:
            refused.append(exc)
    today = clock.now().astimezone(AMSTERDAM).date()
    return check_pause(
        days["first_off"],
        days["last_off"],
        days["resume_on"],
        sent.weeks,
        today=today,
        refused=refused,
    )


class SeriesPauseController(Controller):
    path = "/organise"
    include_in_schema = False
    dependencies = {"actor": provide_staff_actor}

    @post("/series/{series_id:int}/pause")
    async def pause(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        series_id: FromPath[int],
    ) -> Response[Any]:
        """Pause from a day to a day, then continue every N weeks from a day."""
        sent, rejected = await decode_to_show(request, PauseFields)
        shown: dict[str, Any] = {"form": pause_form(sent), "errors": {}, "preview": None}
        try:
            if rejected:
                raise rejected
            plan = read_pause(sent)
            if sent.action == "save":
                await pauses.pause_series(actor, series_id, plan)
                return Redirect(f"/organise/series/{series_id}?done=paused", status_code=303)
            shown["preview"] = await pauses.preview(actor, series_id, plan)
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            shown["errors"] = errors_of(exc, language_of(request))
            return await show_series(request, actor, series_id, status=400, pause=shown)
        return await show_series(request, actor, series_id, pause=shown)
