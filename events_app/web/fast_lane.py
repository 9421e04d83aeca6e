"""Feed polls answered before the handler, and before routing, while their last answer is current.

Calendars poll the same address all day, and nearly every poll changes nothing: every request
reads from the database whether the cached render is still current (one tiny snapshot query
while nothing changed, see :mod:`events_app.feeds.versions`), so no process serves a feed older
than the last commit, and an unchanged feed is answered from the entry the handler last served.
"""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.status_codes import HTTP_200_OK
from litestar.types import ASGIApp, Receive, Scope, Send

from events_app.feeds.cache import FeedEntry
from events_app.feeds.service import served
from events_app.observability.logs import RequestLogMiddleware
from events_app.web.feed_answers import (
    FEED_METHODS,
    MEDIA_TYPE,
    address,
    answer,
    conditions_of,
)

__all__ = ["FRONT_DOOR_ROUTE", "FastLane", "FrontDoor", "current_answer", "send_current"]

FAST_METHODS = frozenset(FEED_METHODS)
FEEDS_PREFIX = "/feeds/"
MAX_ANSWERS_PER_ENTRY = 32
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
    conditions = conditions_of(scope)
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
