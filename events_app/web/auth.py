"""Who is calling: an API token (``Authorization: Bearer …``) or a session cookie.

The (encrypted) session cookie holds only a session id; the session itself is a row on the
server (:mod:`events_app.accounts.sessions`), looked up on every request, so logging out ends
it for every copy of the cookie.

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

from events_app.accounts import sessions
from events_app.accounts.credentials import Actor, actor_for_account, actor_for_token
from events_app.settings import Settings

__all__ = [
    "SESSION_KEY",
    "client_address",
    "current_actor",
    "end_session",
    "provide_actor",
    "session_actor",
    "session_config",
    "start_session",
]

SESSION_KEY = "sid"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def session_config(settings: Settings) -> CookieBackendConfig:
    secret = hashlib.sha256(("session:" + settings.secret_key).encode()).digest()
    return CookieBackendConfig(
        secret=secret,
        key="events_session",
        max_age=int(sessions.LIFETIME.total_seconds()),
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


def _session_id(request: Request[Any, Any, Any]) -> str | None:
    session = request.scope.get("session") or {}
    if not isinstance(session, dict):
        return None
    session_id = session.get(SESSION_KEY)
    return session_id if isinstance(session_id, str) and session_id else None


async def session_actor(request: Request[Any, Any, Any]) -> Actor | None:
    """The account of the session cookie, if its session still exists on the server."""
    session_id = _session_id(request)
    if session_id is None:
        return None
    account_id = await sessions.account_for_session(session_id)
    return None if account_id is None else await actor_for_account(account_id)


def client_address(request: Request[Any, Any, Any]) -> str:
    """The client's address (uvicorn puts the proxy's forwarded address here when trusted)."""
    return request.client.host if request.client else "unknown"


async def start_session(request: Request[Any, Any, Any], actor: Actor) -> None:
    """A new session (and id) for this client; an older session of this cookie ends."""
    await end_session(request)
    request.set_session({SESSION_KEY: await sessions.start_session(actor.account_id)})


async def end_session(request: Request[Any, Any, Any]) -> None:
    """Log out: the server forgets the session, and the cookie is cleared."""
    session_id = _session_id(request)
    if session_id is not None:
        await sessions.end_session(session_id)
    request.clear_session()
