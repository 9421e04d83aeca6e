"""An organisation's page (``/organisations/{slug}``): its events, programmes and next dates."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath

from events_app import urls
from events_app.agenda import catalogue, public
from events_app.domain.errors import NotFound
from events_app.i18n import translate
from events_app.registration.following import topics_of
from events_app.web.pages.context import language_of, page
from events_app.web.pages.series import feed_links

__all__ = ["OrganisationPageController"]


class OrganisationPageController(Controller):
    @get("/organisations/{organisation_slug:str}", include_in_schema=False)
    async def organisation(
        self, request: Request[Any, Any, Any], organisation_slug: FromPath[str]
    ) -> Response[str]:
        organisation = await catalogue.organisation_by_slug(organisation_slug)
        if organisation is None:
            raise NotFound("page_unknown", "This page does not exist (any more).")
        upcoming = await public.agenda(public.AgendaFilter(organisation=organisation_slug), 1)
        language = language_of(request)
        choices = [
            (
                "organisation",
                translate(language, "Everything of %(name)s", name=organisation["name"]),
            )
        ]
        choices += [
            (f"topic:{topic}", translate(language, "Topic: %(topic)s", topic=topic))
            for topic in await topics_of(organisation["id"])
        ]
        return page(
            request,
            "organisation.html",
            organisation=organisation,
            series_list=await catalogue.series_list(organisation_id=organisation["id"]),
            programmes=await catalogue.programmes_of(organisation["id"]),
            upcoming=upcoming,
            feed=feed_links(urls.organisation_feed(organisation_slug), language),
            follow_choices=choices,
        )
