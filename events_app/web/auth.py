"""Who is calling: an API token (``Authorization: Bearer …``) or a session cookie.

Cookie-authenticated writes to the API must carry ``X-Requested-With``: a cross-site form cannot
set that header, so the cookie alone never suffices for a write (CSRF protection for the API).
"""

from __future__ import annotations

import hashlib
from typing import Any

from litestar import Request
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.middleware.session.client_side import CookieBackendConfig

from events_app.services.accounts import Actor, actor_for_account, actor_for_token
from events_app.settings import Settings

__all__ = [
    "SESSION_KEY",
    "client_address",
    "current_actor",
    "provide_actor",
    "session_actor",
    "session_config",
    "start_session",
]

SESSION_KEY = "account_id"
EPOCH_KEY = "epoch"  # the account's session_epoch at login: raising it ends the session
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def session_config(settings: Settings) -> CookieBackendConfig:
    secret = hashlib.sha256(("session:" + settings.secret_key).encode()).digest()
    return CookieBackendConfig(
        secret=secret,
        key="events_session",
        max_age=14 * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.production,
        # Feeds are public or token-keyed and cached: no session, and never a Set-Cookie.
        exclude=["^/feeds/", "^/static/", "^/health", "^/ready", "^/metrics"],
    )


async def current_actor(request: Request[Any, Any, Any]) -> Actor:
    """The caller, or 401 when there is none."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        actor = await actor_for_token(header[7:].strip())
        if actor is None:
            raise NotAuthorizedException("This API token is unknown or revoked.")
        return actor
    actor = await session_actor(request)
    if actor is not None:
        if request.method not in SAFE_METHODS and not request.headers.get("x-requested-with"):
            raise PermissionDeniedException(
                "Send the header X-Requested-With with writes made with a session cookie."
            )
        return actor
    raise NotAuthorizedException("Log in, or send an API token as 'Authorization: Bearer …'.")


provide_actor = Provide(current_actor)


async def session_actor(request: Request[Any, Any, Any]) -> Actor | None:
    """The account of the session cookie, if the session is still valid."""
    session = request.scope.get("session") or {}
    if not isinstance(session, dict):
        return None
    account_id, epoch = session.get(SESSION_KEY), session.get(EPOCH_KEY)
    if not isinstance(account_id, int) or not isinstance(epoch, int):
        return None
    return await actor_for_account(account_id, epoch)


def client_address(request: Request[Any, Any, Any]) -> str:
    """The client's address (uvicorn puts the proxy's forwarded address here when trusted)."""
    return request.client.host if request.client else "unknown"


def start_session(request: Request[Any, Any, Any], actor: Actor) -> None:
    request.set_session({SESSION_KEY: actor.account_id, EPOCH_KEY: actor.session_epoch})
