"""A programme page (``/programmes/{slug}``): the workshop week as a schedule, with its form."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath

from events_app.web.api.types import id_from_text
from events_app.web.pages.context import language_of, page
from events_app.web.pages.forms import FormInput
from events_app.web.pages.register import programme_context

__all__ = ["ProgrammePageController"]


class ProgrammePageController(Controller):
    @get("/programmes/{programme_slug:str}", include_in_schema=False)
    async def programme(
        self, request: Request[Any, Any, Any], programme_slug: FromPath[str]
    ) -> Response[str]:
        context = await programme_context(programme_slug, language_of(request))
        chosen = request.query_params.get("date", "")
        picked = [found] if (found := id_from_text(chosen)) is not None else []
        return page(
            request,
            "programme.html",
            values=FormInput(dates=picked),
            errors={},
            **context,
        )
