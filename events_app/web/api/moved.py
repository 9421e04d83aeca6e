"""API addresses that were renamed: a permanent redirect to the new one, until the sunset.

A concrete date of a series was called an "occurrence" in the first API version; it is a
"date" everywhere now (``/api/v1/dates/…``, ``/api/v1/series/{id}/dates``, ``date_id``).  The
old addresses answer ``308 Permanent Redirect`` (the method and body are kept) with the
``Deprecation`` and ``Sunset`` headers (RFC 9745, RFC 8594) and a ``Link`` to the successor.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, route
from litestar.params import FromPath
from litestar.response import Redirect
from litestar.status_codes import HTTP_308_PERMANENT_REDIRECT

__all__ = ["SUNSET", "moved_routes"]

# The day the old addresses and the field ``occurrence_ids`` stop being answered.
SUNSET = "Tue, 01 Jun 2027 00:00:00 GMT"
DEPRECATED_SINCE = "@1796428800"  # 2026-12-05T00:00:00Z, as RFC 9745 writes a date

_METHODS: Any = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]


def _redirect(request: Request[Any, Any, Any], new_path: str) -> Redirect:
    query = request.scope.get("query_string", b"").decode("latin-1")
    target = f"{new_path}?{query}" if query else new_path
    return Redirect(
        target,
        status_code=HTTP_308_PERMANENT_REDIRECT,
        headers={
            "Deprecation": DEPRECATED_SINCE,
            "Sunset": SUNSET,
            "Link": f'<{new_path}>; rel="successor-version"',
        },
    )


@route("/api/v1/occurrences/{rest:path}", http_method=_METHODS, include_in_schema=False)
async def old_date_paths(request: Request[Any, Any, Any], rest: FromPath[str]) -> Redirect:
    return _redirect(request, f"/api/v1/dates{rest}")


@route(
    "/api/v1/series/{series_id:int}/occurrences",
    http_method=_METHODS,
    include_in_schema=False,
)
async def old_series_dates(request: Request[Any, Any, Any], series_id: FromPath[int]) -> Redirect:
    return _redirect(request, f"/api/v1/series/{series_id}/dates")


moved_routes = [old_date_paths, old_series_dates]
