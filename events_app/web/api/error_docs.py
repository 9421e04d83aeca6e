"""The error answers of the API and the feeds, documented in the OpenAPI schema in one place.

Every error the app sends is ``{code, detail}`` (:mod:`events_app.web.errors`), with ``field``
when one input caused it and ``errors`` for malformed bodies.  :class:`ErrorResponses` adds
these answers to every operation as its route is registered, by what the operation can meet:

* every operation: 400 (invalid input, a NUL character) and 404 (unknown, not yours, or an
  id no row can have);
* with a body (POST, PUT, PATCH, DELETE): 409 (clashes with the current state), 413 (body too
  large), 415 (not JSON) and 503 (busy: others changed the same thing at that moment;
  ``Retry-After``);
* behind a login (the ``actor`` dependency): 401 (no or unknown credentials) and 403
  (a session cookie without ``X-Requested-With`` on a write, or not allowed);
* public writes (no login): 401 (a failed login) and 429 (rate limit, login throttle);
* feeds: 304 (unchanged since the ETag or date sent).

An operation's own ``responses=`` take precedence.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.openapi.datastructures import ResponseSpec
from litestar.plugins import ReceiveRoutePlugin
from litestar.routes import BaseRoute, HTTPRoute
from msgspec import UNSET, UnsetType

__all__ = ["ApiError", "ErrorResponses"]

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ApiError(msgspec.Struct):
    """An error answer: a stable ``code`` and a plain-language ``detail``."""

    code: str
    detail: str
    field: str | UnsetType = UNSET
    errors: list[dict[str, Any]] | UnsetType = UNSET


def _error(description: str) -> ResponseSpec:
    return ResponseSpec(data_container=ApiError, description=description, generate_examples=False)


ERRORS: dict[int, ResponseSpec] = {
    400: _error("Invalid input (the detail says what; `field` or `errors` say where)"),
    401: _error("Not logged in, or an unknown or revoked API token"),
    403: _error("Not allowed (or a cookie-authenticated write without X-Requested-With)"),
    404: _error("Does not exist, or is not yours to see"),
    409: _error("Clashes with the current state"),
    413: _error("The body is too large"),
    415: _error("The body is not JSON (send Content-Type: application/json)"),
    429: _error("Too many attempts; Retry-After says when to try again"),
    503: _error("Busy: many people changed the same thing at once; try again after Retry-After"),
}
NOT_MODIFIED = ResponseSpec(data_container=None, description="Unchanged since the ETag sent")


def _statuses(methods: set[str], logged_in: bool) -> list[int]:
    statuses = [400, 404]
    if methods & WRITES:
        statuses += [409, 413, 415, 503]
        if not logged_in:  # public writes: a login can fail, attempts are limited
            statuses += [401, 429]
    if logged_in:
        statuses += [401, 403]
    return statuses


class ErrorResponses(ReceiveRoutePlugin):
    """Documents the error answers of ``/api/`` and ``/feeds/`` operations."""

    def receive_route(self, route: BaseRoute) -> None:
        if not isinstance(route, HTTPRoute) or not route.path.startswith(("/api/", "/feeds/")):
            return
        for handler in route.route_handlers:
            methods = {str(method) for method in handler.http_methods}
            logged_in = "actor" in handler.resolve_dependencies()
            added: dict[int, ResponseSpec] = {
                status: ERRORS[status] for status in _statuses(methods, logged_in)
            }
            if route.path.startswith("/feeds/"):
                added[304] = NOT_MODIFIED
            handler.responses = {**added, **(handler.responses or {})}
