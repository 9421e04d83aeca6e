"""Error pages (403, 404, 410, 429, 500, 503) in the site's style, with no internals.

Two uses:

* :data:`PAGE_EXCEPTION_HANDLERS` sit on the pages' router, so an error inside a page always
  gives a page;
* :func:`html_aware` wraps the app's JSON handlers, so that a browser asking for an unknown
  address (or meeting a crash) gets a page too, while ``/api/``, ``/feeds/``, ``/schema`` and
  ``/health`` keep their JSON and plain answers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException

from events_app import db
from events_app.domain.errors import Busy, DomainError
from events_app.i18n import N_
from events_app.observability.logs import redact
from events_app.web.errors import busy_error_handler
from events_app.web.pages.context import page
from events_app.web.pages.staff import LoginRequired, login_redirect
from events_app.web.rate_limit import retry_after_of

__all__ = ["PAGE_EXCEPTION_HANDLERS", "error_page", "html_aware", "wants_html"]

log = logging.getLogger(__name__)
MACHINE_PATHS = ("/api/", "/feeds/", "/schema", "/health", "/ready", "/metrics", "/static/")
TEXTS: dict[int, tuple[str, str]] = {
    400: (N_("Something is not right"), N_("We could not read what was sent. Please try again.")),
    403: (
        N_("This did not work"),
        N_("This form could not be sent. Go back, reload the page and try again."),
    ),
    404: (
        N_("This page does not exist (any more)"),
        N_(
            "The link may be old or incomplete. Check the address, or find the event in the agenda."
        ),
    ),
    405: (N_("Something is not right"), N_("We could not read what was sent. Please try again.")),
    410: (
        N_("This link does not work any more"),
        N_("The data behind this link has been deleted. You can register again at any time."),
    ),
    429: (
        N_("Please wait a moment"),
        N_("You tried many times in a short time. Wait a minute and try again."),
    ),
    500: (
        N_("Something went wrong on our side"),
        N_("Please try again in a few minutes. Your data is safe."),
    ),
    503: (
        N_("It is very busy right now"),
        N_("Many people are doing this at the same moment. Try again in a few seconds."),
    ),
}
# The manage link of someone who has no data with us: one plain message for unknown tokens.
LINK_TEXT = (
    N_("This link does not work (any more)"),
    N_(
        "Perhaps your data has been deleted, or the link is not complete. Look for the most "
        "recent e-mail from us, or register again."
    ),
)


def wants_html(request: Request[Any, Any, Any]) -> bool:
    if request.url.path.startswith(MACHINE_PATHS):
        return False
    return "text/html" in request.headers.get("accept", "")


def error_page(
    request: Request[Any, Any, Any],
    status: int,
    *,
    texts: tuple[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response[str]:
    shown = status if status in TEXTS else (500 if status >= 500 else 400)
    title, message = texts or TEXTS[shown]
    # A limit says how long to wait ("Wacht 37 seconden"); the page says it in words.
    wait = retry_after_of(headers) if status == 429 else None
    response = page(
        request,
        "error.html",
        status=status,
        title=title,
        message=message,
        wait_seconds=wait if wait is not None and wait < 60 else None,
        wait_minutes=-(-wait // 60) if wait is not None and wait >= 60 else None,
    )
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _domain(request: Request[Any, Any, Any], exc: DomainError) -> Response[str]:
    texts = LINK_TEXT if exc.code == "link_unknown" else None
    return error_page(request, exc.status_code, texts=texts)


def _http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[str]:
    return error_page(request, exc.status_code, headers=exc.headers)


def _busy(request: Request[Any, Any, Any], exc: Busy) -> Response[str]:
    return error_page(request, exc.status_code, headers={"Retry-After": str(exc.retry_after)})


def _crash(request: Request[Any, Any, Any], exc: Exception) -> Response[str]:
    if db.is_busy(exc):  # other writers in the way outside a transaction: busy, not broken
        return _busy(request, Busy())
    log.exception("page %s failed", redact(request.url.path), exc_info=exc)
    return error_page(request, 500)


PAGE_EXCEPTION_HANDLERS: dict[int | type[Exception], Callable[[Any, Any], Response[Any]]] = {
    LoginRequired: login_redirect,
    DomainError: _domain,
    Busy: _busy,
    HTTPException: _http,
    Exception: _crash,
}


def html_aware(
    handlers: Mapping[Any, Callable[..., Response[Any]]],
) -> dict[Any, Callable[..., Response[Any]]]:
    """The app's handlers, answering browsers with a page and machines as before.

    Adds a handler for unexpected exceptions (500) that keeps JSON for machines.
    """

    def wrap(json_handler: Callable[..., Response[Any]] | None) -> Callable[..., Response[Any]]:
        def handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
            if wants_html(request):
                if isinstance(exc, DomainError):
                    return _domain(request, exc)
                if isinstance(exc, Busy):
                    return _busy(request, exc)
                if isinstance(exc, HTTPException):
                    return _http(request, exc)
                return _crash(request, exc)
            if json_handler is not None:
                return json_handler(request, exc)
            if db.is_busy(exc):
                return busy_error_handler(request, Busy())
            log.exception("request %s failed", redact(request.url.path), exc_info=exc)
            return Response(
                {"code": "server_error", "detail": "Something went wrong on our side."},
                status_code=500,
            )

        return handler

    wrapped: dict[Any, Callable[..., Response[Any]]] = {
        key: wrap(value) for key, value in handlers.items()
    }
    wrapped.setdefault(Exception, wrap(None))
    return wrapped
