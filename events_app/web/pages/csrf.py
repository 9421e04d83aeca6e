"""CSRF protection for the page forms, without server-side state.

Each visitor gets a random ``csrf`` cookie (HttpOnly, SameSite=Lax).  Every form carries a
token that is an HMAC of that cookie under the app's secret key; a POST is accepted only when
the token matches the cookie it came with.  A forged cross-site form cannot read the cookie,
so it cannot compute the token, and SameSite=Lax keeps the cookie off cross-site POSTs anyway.
The JSON API keeps its own rules (tokens or none), so this lives here rather than app-wide.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from litestar import Request

from events_app.domain.errors import Forbidden
from events_app.settings import get_settings

__all__ = ["COOKIE", "FIELD", "check_csrf", "visitor_secret", "form_token"]

COOKIE = "csrf"
FIELD = "csrf_token"


def visitor_secret(request: Request[Any, Any, Any]) -> tuple[str, bool]:
    """The visitor's cookie value, and whether it is new (and must be set on the answer)."""
    value = request.cookies.get(COOKIE, "")
    if 20 <= len(value) <= 100:
        return value, False
    return secrets.token_urlsafe(32), True


def form_token(secret: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, b"csrf:" + secret.encode(), hashlib.sha256).hexdigest()


def check_csrf(request: Request[Any, Any, Any], sent: str | None) -> None:
    """Refuse (403) a form whose token does not belong to this visitor's cookie."""
    secret = request.cookies.get(COOKIE, "")
    if not secret or not sent or not hmac.compare_digest(form_token(secret), sent):
        raise Forbidden(
            "csrf_failed",
            "This form could not be sent. Go back, reload the page and try again.",
        )
