"""Calendar feeds over HTTP: ``/feeds/…`` (paths in :mod:`events_app.urls`).

Thousands of calendars poll these every hour, so the answer is built for that:

* every request reads from the database whether the cached render is still current: one
  tiny snapshot query while nothing changed, the feed's aggregate version query when
  something did (see :mod:`events_app.feeds.versions`); an unchanged feed is never
  rendered again, and no process serves a feed older than the last commit;
* a strong ETag (hash of the body, computed once per render) and Last-Modified; a matching
  ``If-None-Match`` (or, without it, ``If-Modified-Since``) gets an empty 304;
* gzip done once per render and kept: the app's compression middleware would otherwise
  compress megabytes on every poll, and would send one strong ETag for two encodings.
  The gzip variant has its own ETag (``"…-gz"``).

Filters of ``/feeds/all.ics``: ``organisation`` (slug), ``kind`` (Series.Kind), ``topic``
(a tag; free text: a topic nobody uses yet gives an empty feed, so subscribing ahead works),
``format`` (``online`` = online and hybrid, ``in_person`` = in person and hybrid, ``hybrid``
= hybrid only) and ``lang`` (``nl``, default, or ``en``).  Unknown values give 400, an
unknown organisation 404.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, HttpMethod, Request, Response, route
from litestar.enums import ScopeType
from litestar.params import PathParameter, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_304_NOT_MODIFIED
from litestar.types import ASGIApp, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from events_app import urls
from events_app.calendar.describe import Language
from events_app.domain.errors import DomainError, NotFound
from events_app.feeds.cache import FeedEntry
from events_app.feeds.queries import PublicScope
from events_app.feeds.service import (
    Address,
    FeedKind,
    PublicFeed,
    host_feed,
    personal_feed,
    public_feed,
    served,
)
from events_app.observability.logs import RequestLogMiddleware
from events_app.tables import Series
from events_app.web.api.types import is_id

__all__ = [
    "FastLane",
    "FeedController",
    "FrontDoor",
    "answer",
    "current_answer",
    "respond",
    "send_current",
]

MEDIA_TYPE = "text/calendar"  # Litestar adds "; charset=utf-8" to text/* types
PUBLIC_CACHE = "public, max-age=300"
PRIVATE_CACHE = "private, max-age=300"
FORMATS: dict[str, tuple[str, ...]] = {
    "online": ("online", "hybrid"),
    "in_person": ("in_person", "hybrid"),
    "hybrid": ("hybrid",),
}
KINDS = frozenset(kind.value for kind in Series.Kind)
# HEAD answers like GET without the body (calendar apps and link checkers ask with it).
FEED_METHODS = [HttpMethod.GET, HttpMethod.HEAD]
FAST_METHODS = frozenset(FEED_METHODS)
FEEDS_PREFIX = "/feeds/"
MAX_ANSWERS_PER_ENTRY = 32
# The request headers an answer depends on (with the address and the database).
_CONDITION_HEADERS = frozenset({b"accept-encoding", b"if-none-match", b"if-modified-since"})
Conditions = dict[str, str]

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


def _accepts_gzip(accept_encoding: str) -> bool:
    for part in accept_encoding.split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            q = params.strip().lower()
            return not (q.startswith("q=") and q[2:].strip() in ("0", "0.0", "0.00", "0.000"))
    return False


def _not_modified(conditions: Conditions, entry: FeedEntry) -> bool:
    """RFC 9110 §13.2.2: If-None-Match (weak comparison) wins; else If-Modified-Since."""
    if_none_match = conditions.get("if-none-match")
    if if_none_match is not None:
        if if_none_match.strip() == "*":
            return True
        ours = entry.etag.strip('"')
        for tag in if_none_match.split(","):
            tag = tag.strip().removeprefix("W/").strip('"').removesuffix("-gz")
            if tag == ours:
                return True
        return False
    since = conditions.get("if-modified-since")
    if since:
        try:
            moment: datetime = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if moment.tzinfo is not None:
            return entry.last_modified <= moment
    return False


def answer(
    method: str, conditions: Conditions, entry: FeedEntry, *, private: bool
) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body for a rendered feed: 200 (plain or gzip) or an empty 304;
    ``HEAD`` gets the headers of ``GET`` (its Content-Length too) and no body."""
    use_gzip = entry.gzipped is not None and _accepts_gzip(conditions.get("accept-encoding") or "")
    headers = {
        "ETag": entry.gzip_etag if use_gzip else entry.etag,
        "Last-Modified": entry.last_modified_http,
        "Cache-Control": PRIVATE_CACHE if private else PUBLIC_CACHE,
        "Vary": "Accept-Encoding",
    }
    if private:
        headers["X-Robots-Tag"] = "noindex"
    if _not_modified(conditions, entry):
        return HTTP_304_NOT_MODIFIED, headers, b""
    if entry.filename:
        headers["Content-Disposition"] = f'attachment; filename="{entry.filename}"'
    body = entry.body
    if use_gzip and entry.gzipped is not None:
        body = entry.gzipped
        headers["Content-Encoding"] = "gzip"
    if method == HttpMethod.HEAD:
        headers["Content-Length"] = str(len(body))
        body = b""
    return HTTP_200_OK, headers, body


def respond(request: Request[Any, Any, Any], entry: FeedEntry, *, private: bool) -> Response[bytes]:
    """The HTTP answer for a rendered feed (:class:`FastLane` answers with the same
    :func:`answer`)."""
    status, headers, body = answer(
        request.method, _conditions(request.scope), entry, private=private
    )
    if status == HTTP_304_NOT_MODIFIED:
        return Response(b"", status_code=status, headers=headers)
    # The bytes are final: tell the compression middleware not to compress them again.
    ScopeState.from_scope(request.scope).is_cached = True
    return Response(body, media_type=MEDIA_TYPE, headers=headers)


def _conditions(scope: Scope) -> Conditions:
    """The request headers :func:`answer` reads (the first of each, as Litestar's do)."""
    found: Conditions = {}
    for name, value in scope["headers"]:
        if name in _CONDITION_HEADERS:
            found.setdefault(name.decode("latin-1"), value.decode("latin-1"))
    return found


def address(scope: Scope) -> Address:
    """What a feed was asked for with: the answer depends on nothing else but the headers
    that :func:`answer` reads (and the database, which :func:`served` checks).  The raw path
    is part of it because the input guard's verdict depends on it too."""
    return scope["path"], scope.get("raw_path"), scope["query_string"]


_CONTENT_TYPE = (b"content-type", f"{MEDIA_TYPE}; charset=utf-8".encode())


class FastLane:
    """Answers a poll of an address whose last answer is still current without the handler.

    Calendars poll the same address all day, and nearly every poll changes nothing: then
    :func:`served` (one shared snapshot read, no version query) gives the entry the handler
    last served for this address, and the answer is built from it at once, with the same
    :func:`answer` as the handler's.  Everything else (the first poll, after a change, errors,
    SQLite) goes on to the input guard and the handler.

    It is app middleware right after the request log (which logs and counts its answers too):
    an address is only remembered once the input guard has let it through to the handler, and
    the guard's verdict depends on nothing but the address (path, raw path and query; GET and
    HEAD carry no body), so it would let it through again.  The session middleware skips
    feeds anyway, and the compression middleware is never needed (feeds are gzipped once).
    As served (:class:`FrontDoor`) the same check runs before routing, too.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = await current_answer(scope)
        if found is None:
            await self.app(scope, receive, send)
            return
        await send_current(scope, found, send)


async def current_answer(scope: Scope) -> tuple[FeedEntry, bool] | None:
    """The entry to answer this request from, when it is a feed poll whose last answer is
    still current (see :class:`FastLane`)."""
    if scope.get("method", "") in FAST_METHODS and scope["path"].startswith(FEEDS_PREFIX):
        return await served(address(scope))
    return None


async def send_current(scope: Scope, found: tuple[FeedEntry, bool], send: Send) -> None:
    entry, private = found
    method = str(scope.get("method", ""))
    conditions = _conditions(scope)
    # The answer is a function of these alone (the entry is one version of one feed), so
    # it is built and encoded once; a few kinds per entry (capped: If-None-Match is free
    # text) cover every calendar client.
    key = (
        private,
        method,
        conditions.get("accept-encoding"),
        conditions.get("if-none-match"),
        conditions.get("if-modified-since"),
    )
    known = entry.encoded_answers.get(key)
    if known is None:
        status, headers, body = answer(method, conditions, entry, private=private)
        encoded = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in headers.items()
        ]
        if status == HTTP_200_OK:
            encoded.append(_CONTENT_TYPE)
            if "Content-Length" not in headers:
                encoded.append((b"content-length", str(len(body)).encode()))
        known = (status, encoded, body)
        if len(entry.encoded_answers) < MAX_ANSWERS_PER_ENTRY:
            entry.encoded_answers[key] = known
    status, encoded, body = known
    raw = list(encoded)  # middleware further out adds to the list it is given
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body, "more_body": False})


# The route a poll answered by the front door is counted under in the metrics.
FRONT_DOOR_ROUTE = "/feeds/… (current, answered before routing)"
_FOUND = "events_app.current_feed"


class FrontDoor:
    """The app as served (``events-app serve``): a feed poll whose last answer is still
    current is answered before routing, with its own request-log line; everything else goes
    to the app, which checks once more (:class:`FastLane`) and then routes.

    Polls are nearly all a calendar ever sends, and nearly all of them are answered from the
    fast lane; routing and the framework's per-route stack cost more than the rest of such an
    answer.  The verdict of the input guard holds for a remembered address (see
    :class:`FastLane`), so nothing that runs inside the app is skipped for it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._logged = RequestLogMiddleware(self._send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            found = await current_answer(scope)
            if found is not None:
                scope["path_template"] = FRONT_DOOR_ROUTE
                scope[_FOUND] = found  # type: ignore[literal-required]
                await self._logged(scope, receive, send)
                return
        await self.app(scope, receive, send)

    @staticmethod
    async def _send(scope: Scope, receive: Receive, send: Send) -> None:
        await send_current(scope, scope[_FOUND], send)  # type: ignore[literal-required]


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
        if not name.isdigit() or len(name) > 10 or not is_id(int(name)):
            raise NotFound("feed_unknown", "This date does not exist.")
        occurrence_id = int(name)
        url = _feed_url(urls.date_ics(occurrence_id), language)
        scope = PublicScope(occurrence_id=occurrence_id)
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
