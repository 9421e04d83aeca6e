"""Calendar feeds over HTTP: ``/feeds/…`` (paths in :mod:`events_app.urls`).

Thousands of calendars poll these every hour, so the answer is built for that: an unchanged
feed is never rendered again (:mod:`events_app.feeds.service`), the answer is conditional and
gzipped once (:mod:`events_app.web.feed_answers`), and a poll whose last answer is still
current is answered before the handler (:mod:`events_app.web.fast_lane`).

Filters of ``/feeds/all.ics``: ``organisation`` (slug), ``kind`` (Series.Kind), ``topic``
(a tag; free text: a topic nobody uses yet gives an empty feed, so subscribing ahead works),
``format`` (``online`` = online and hybrid, ``in_person`` = in person and hybrid, ``hybrid``
= hybrid only) and ``lang`` (``nl``, default, or ``en``).  Unknown values give 400, an
unknown organisation 404.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, route
from litestar.params import PathParameter, QueryParameter

from events_app import urls
from events_app.agenda.public import FORMATS
from events_app.calendar.describe import Language
from events_app.domain.errors import DomainError, NotFound
from events_app.feeds.queries import PublicScope
from events_app.feeds.service import FeedKind, PublicFeed, host_feed, personal_feed, public_feed
from events_app.tables import Series
from events_app.web.api.types import id_from_text
from events_app.web.feed_answers import FEED_METHODS, MEDIA_TYPE, address, respond

__all__ = ["FeedController"]

KINDS = frozenset(Series.Kind)

Lang = Annotated[str | None, QueryParameter(description="nl (default) or en")]
IcsName = Annotated[
    str, PathParameter(description="the slug, token or date number, followed by .ics")
]


def _language(lang: str | None) -> Language:
    if lang is None or lang == "nl":
        return "nl"
    if lang == "en":
        return "en"
    raise DomainError("lang_unknown", "Choose lang=nl or lang=en.", field="lang")


def _name(filename: str) -> str:
    """The slug or token from ``{name}.ics``."""
    if not filename.endswith(".ics") or len(filename) <= 4 or len(filename) > 200:
        raise NotFound("feed_unknown", "This calendar feed does not exist (any more).")
    return filename[:-4]


def _feed_url(base: str, language: Language, **filters: str | None) -> str:
    query = {key: value for key, value in filters.items() if value is not None}
    if language != "nl":
        query["lang"] = language
    return f"{base}?{urlencode(query)}" if query else base


async def _public(
    request: Request[Any, Any, Any],
    kind: FeedKind,
    scope: PublicScope,
    language: Language,
    url: str,
) -> Response[bytes]:
    feed = PublicFeed(kind=kind, scope=scope, language=language, url=url)
    entry = await public_feed(feed, address(request.scope))
    return respond(request, entry, private=False)


class FeedController(Controller):
    path = "/feeds"
    tags = ["feeds"]

    @route(
        "/all.ics",
        summary="Every published date of every organisation (filterable)",
        media_type=MEDIA_TYPE,
        http_method=FEED_METHODS,
    )
    async def all_dates(
        self,
        request: Request[Any, Any, Any],
        organisation: Annotated[str | None, QueryParameter(description="organisation slug")] = None,
        kind: Annotated[str | None, QueryParameter(description="kind of event")] = None,
        topic: Annotated[str | None, QueryParameter(description="a tag")] = None,
        format: Annotated[
            str | None, QueryParameter(description="online, in_person or hybrid")
        ] = None,
        lang: Lang = None,
    ) -> Response[bytes]:
        language = _language(lang)
        if kind is not None and kind not in KINDS:
            raise DomainError(
                "kind_unknown", f"Choose kind from: {', '.join(sorted(KINDS))}.", field="kind"
            )
        if format is not None and format not in FORMATS:
            raise DomainError(
                "format_unknown", "Choose format=online, in_person or hybrid.", field="format"
            )
        topic = topic.strip() if topic is not None else None
        if topic is not None and not 0 < len(topic) <= 100:
            raise DomainError("topic_invalid", "Give a topic of 1 to 100 characters.")
        if organisation is not None and not 0 < len(organisation) <= 120:
            raise NotFound("organisation_unknown", "There is no such organisation.")
        scope = PublicScope(
            organisation=organisation,
            kind=kind,
            formats=FORMATS[format] if format else (),
            topic=topic,
        )
        url = _feed_url(
            urls.all_feed(), language, organisation=organisation, kind=kind, topic=topic,
            format=format,
        )  # fmt: skip
        return await _public(request, "all", scope, language, url)

    @route(
        "/organisations/{filename:str}",
        summary="Every published date of one organisation",
        media_type=MEDIA_TYPE,
        http_method=FEED_METHODS,
    )
    async def organisation(
        self, request: Request[Any, Any, Any], filename: IcsName, lang: Lang = None
    ) -> Response[bytes]:
        slug, language = _name(filename), _language(lang)
        url = _feed_url(urls.organisation_feed(slug), language)
        return await _public(request, "organisation", PublicScope(organisation=slug), language, url)

    @route(
        "/series/{filename:str}",
        summary="Every date of one series",
        media_type=MEDIA_TYPE,
        http_method=FEED_METHODS,
    )
    async def series(
        self, request: Request[Any, Any, Any], filename: IcsName, lang: Lang = None
    ) -> Response[bytes]:
        slug, language = _name(filename), _language(lang)
        url = _feed_url(urls.series_feed(slug), language)
        return await _public(request, "series", PublicScope(series=slug), language, url)

    @route(
        "/programmes/{filename:str}",
        summary="Every date of one programme",
        media_type=MEDIA_TYPE,
        http_method=FEED_METHODS,
    )
    async def programme(
        self, request: Request[Any, Any, Any], filename: IcsName, lang: Lang = None
    ) -> Response[bytes]:
        slug, language = _name(filename), _language(lang)
        url = _feed_url(urls.programme_feed(slug), language)
        return await _public(request, "programme", PublicScope(programme=slug), language, url)

    @route(
        "/dates/{filename:str}",
        summary="One date as an .ics download",
        media_type=MEDIA_TYPE,
        http_method=FEED_METHODS,
    )
    async def one_date(
        self, request: Request[Any, Any, Any], filename: IcsName, lang: Lang = None
    ) -> Response[bytes]:
        name, language = _name(filename), _language(lang)
        date_id = id_from_text(name)
        if date_id is None:
            raise NotFound("feed_unknown", "This date does not exist.")
        url = _feed_url(urls.date_ics(date_id), language)
        scope = PublicScope(date_id=date_id)
        return await _public(request, "date", scope, language, url)

    @route(
        "/me/{filename:str}",
        summary="My registrations (personal, secret address)",
        media_type=MEDIA_TYPE,
        http_method=FEED_METHODS,
    )
    async def personal(self, request: Request[Any, Any, Any], filename: IcsName) -> Response[bytes]:
        entry = await personal_feed(_name(filename), address(request.scope))
        return respond(request, entry, private=True)

    @route(
        "/hosts/{filename:str}",
        summary="The dates I host (personal, secret address)",
        media_type=MEDIA_TYPE,
        http_method=FEED_METHODS,
    )
    async def hosts(self, request: Request[Any, Any, Any], filename: IcsName) -> Response[bytes]:
        entry = await host_feed(_name(filename), address(request.scope))
        return respond(request, entry, private=True)
