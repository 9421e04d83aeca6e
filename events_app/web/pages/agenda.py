"""The agenda: upcoming dates of every organisation, filterable and paged (``/``, ``/events``)."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get

from events_app.agenda import catalogue, public
from events_app.i18n import translate
from events_app.registration.following import topics_of
from events_app.tables import Series
from events_app.web.pages.context import language_of, page

__all__ = ["AgendaController"]

KINDS: tuple[str, ...] = tuple(Series.Kind)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filters(request: Request[Any, Any, Any]) -> tuple[public.AgendaFilter, dict[str, str]]:
    q = request.query_params
    chosen = {
        key: (q.get(key) or "").strip()[:100]
        for key in ("organisation", "kind", "topic", "format", "from", "to")
    }
    filters = public.AgendaFilter(
        organisation=chosen["organisation"] or None,
        kind=chosen["kind"] if chosen["kind"] in KINDS else None,
        topic=chosen["topic"] or None,
        format=chosen["format"] if chosen["format"] in public.FORMATS else None,
        date_from=_day(chosen["from"]),
        date_to=_day(chosen["to"]),
    )
    return filters, {k: v for k, v in chosen.items() if v}


class AgendaController(Controller):
    @get(["/", "/events"], include_in_schema=False)
    async def agenda(self, request: Request[Any, Any, Any]) -> Response[str]:
        filters, chosen = _filters(request)
        try:
            number = int(request.query_params.get("page") or 1)
        except ValueError:
            number = 1
        found = await public.agenda(filters, number)

        # One organisation's topic chosen: its followers can get its new dates by mail.
        follow_choices: list[tuple[str, str]] = []
        if filters.organisation and filters.topic:
            organisation = await catalogue.organisation_by_slug(filters.organisation)
            if organisation and filters.topic in await topics_of(organisation["id"]):
                label = translate(language_of(request), "Topic: %(topic)s", topic=filters.topic)
                follow_choices = [(f"topic:{filters.topic}", label)]

        def page_url(n: int) -> str:
            return "?" + urlencode({**chosen, "page": str(n)})

        return page(
            request,
            "agenda.html",
            agenda=found,
            chosen=chosen,
            page_url=page_url,
            organisations=await catalogue.organisations(),
            topics=await catalogue.topics(),
            kinds=list(KINDS),
            filtered=bool(chosen),
            follow_choices=follow_choices,
            follow_organisation=filters.organisation or "",
        )
