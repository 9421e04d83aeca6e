"""The registration rate limit, counted in the database so every app process shares it.

A limit per client address and minute (``EVENTS_REGISTRATION_RATE_LIMIT``) on the requests a
router says it applies to (registration POSTs).  Behind a reverse proxy the address is the one
uvicorn takes from the forwarded headers of trusted proxies (``--forwarded-allow-ips``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from litestar import Request
from litestar.enums import ScopeType
from litestar.exceptions import TooManyRequestsException
from litestar.middleware import DefineMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from events_app.services import throttle

__all__ = ["WINDOW", "shared_rate_limit"]

WINDOW = timedelta(minutes=1)


def _always(_: Request[Any, Any, Any]) -> bool:
    return True


class _SharedRateLimit:
    def __init__(
        self,
        app: ASGIApp,
        *,
        limit: int,
        prefix: str,
        applies: Callable[[Request[Any, Any, Any]], bool],
    ) -> None:
        self.app, self.limit, self.prefix, self.applies = app, limit, prefix, applies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            request: Request[Any, Any, Any] = Request(scope, receive)
            if self.applies(request):
                client = request.client.host if request.client else "unknown"
                verdict = await throttle.hit(
                    f"{self.prefix}:{client}", limit=self.limit, window=WINDOW
                )
                if not verdict.allowed:
                    raise TooManyRequestsException(
                        "Too many attempts. Wait a minute and try again.",
                        headers={"Retry-After": str(verdict.retry_after)},
                    )
        await self.app(scope, receive, send)


def shared_rate_limit(
    limit: int,
    *,
    prefix: str = "register",
    applies: Callable[[Request[Any, Any, Any]], bool] = _always,
) -> DefineMiddleware:
    """Middleware for a router: at most ``limit`` requests a minute per client address."""
    return DefineMiddleware(_SharedRateLimit, limit=limit, prefix=prefix, applies=applies)
