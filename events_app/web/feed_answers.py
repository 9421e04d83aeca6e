"""The HTTP answer for a rendered feed: conditional GET, gzip, HEAD, the cache headers.

Thousands of calendars poll the feeds every hour, so an answer costs as little as it can: a
strong ETag (hash of the body, computed once per render) and Last-Modified; a matching
``If-None-Match`` (or, without it, ``If-Modified-Since``) gets an empty 304; gzip is done once
per render and kept (the app's compression middleware would otherwise compress megabytes on
every poll, and would send one strong ETag for two encodings), so the gzip variant has its own
ETag (``"…-gz"``).  The handlers (:mod:`events_app.web.feeds`) and the fast lane
(:mod:`events_app.web.fast_lane`) answer with the same :func:`answer`.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

from litestar import HttpMethod, Request, Response
from litestar.status_codes import HTTP_200_OK, HTTP_304_NOT_MODIFIED
from litestar.types import Scope
from litestar.utils.scope.state import ScopeState

from events_app.feeds.cache import FeedEntry
from events_app.feeds.service import Address

__all__ = [
    "FEED_METHODS",
    "MEDIA_TYPE",
    "Conditions",
    "address",
    "answer",
    "conditions_of",
    "respond",
]

MEDIA_TYPE = "text/calendar"  # Litestar adds "; charset=utf-8" to text/* types
PUBLIC_CACHE = "public, max-age=300"
PRIVATE_CACHE = "private, max-age=300"
# HEAD answers like GET without the body (calendar apps and link checkers ask with it).
FEED_METHODS = [HttpMethod.GET, HttpMethod.HEAD]
# The request headers an answer depends on (with the address and the database).
_CONDITION_HEADERS = frozenset({b"accept-encoding", b"if-none-match", b"if-modified-since"})
Conditions = dict[str, str]


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
        request.method, conditions_of(request.scope), entry, private=private
    )
    if status == HTTP_304_NOT_MODIFIED:
        return Response(b"", status_code=status, headers=headers)
    # The bytes are final: tell the compression middleware not to compress them again.
    ScopeState.from_scope(request.scope).is_cached = True
    return Response(body, media_type=MEDIA_TYPE, headers=headers)


def conditions_of(scope: Scope) -> Conditions:
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
