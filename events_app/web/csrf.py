"""CSRF protection for the page forms: Litestar's own (:class:`CSRFConfig`), set up here once.

Litestar gives each visitor a random token in a cookie (HMAC-signed with the app's secret key)
and accepts a POST only when the form's hidden ``_csrf_token`` (or the ``X-CSRFToken`` header)
carries the same token; otherwise it answers 403, shown as an error page.  A forged cross-site
form cannot read the cookie, so it cannot send the token, and SameSite=Lax keeps the cookie off
cross-site POSTs anyway.  The pages render the token through :func:`form_token`.

Excluded: the JSON API (bearer tokens, or the session cookie with a JSON body, which a
cross-site form cannot send: see :mod:`events_app.web.input_guard`), the calendar feeds, the
API schema, health, readiness, metrics and static files: nothing there is a page form, and none
of them should set a cookie; and exactly ``/unfollow/{token}``, the one-click unsubscribe.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.config.csrf import CSRFConfig
from litestar.utils.empty import value_or_default
from litestar.utils.scope.state import ScopeState

from events_app.settings import Settings

__all__ = ["COOKIE", "FIELD", "EXCLUDED", "csrf_config", "form_token"]

COOKIE = "csrftoken"
FIELD = "_csrf_token"  # the form field Litestar's middleware reads
EXCLUDED = [
    "^/api/",
    "^/feeds/",
    "^/schema",
    "^/health$",
    "^/ready$",
    "^/metrics$",
    "^/static/",
    # One-click unsubscribe (RFC 8058): the mail program POSTs without a cookie; the private
    # token in the address is the key, and the GET of the same address changes nothing.
    "^/unfollow/[^/]+$",
]


def csrf_config(settings: Settings) -> CSRFConfig:
    return CSRFConfig(
        secret=settings.secret_key,
        cookie_name=COOKIE,
        cookie_httponly=True,  # only the server reads it: the pages carry the token themselves
        cookie_secure=settings.production,
        cookie_samesite="lax",
        exclude=EXCLUDED,
    )


def form_token(request: Request[Any, Any, Any]) -> str:
    """The token for this visitor's forms (set by the middleware; empty where it does not run,
    such as an error page for an address no route has)."""
    return str(value_or_default(ScopeState.from_scope(request.scope).csrf_token, ""))
