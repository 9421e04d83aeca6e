"""The registration rate limit, counted in the database so every app process shares it.

A limit per client address and minute (``EVENTS_REGISTRATION_RATE_LIMIT``) on the requests a
router says it applies to (registration POSTs).  Behind a reverse proxy the address is the one
uvicorn takes from the forwarded headers of trusted proxies (``--forwarded-allow-ips``).

A refused request is answered here, by the route's own exception handlers (JSON for the API,
an error page for pages), so the answer travels back through the outer middleware like any
other: the request log and the metrics see a 429, and it carries the request id.  (An exception
raised from a middleware would pass the request log as a crash and be answered outside it.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from litestar import Request, Response
from litestar.enums import MediaType, ScopeType
from litestar.exceptions import TooManyRequestsException
from litestar.middleware import DefineMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from events_app import throttle

__all__ = ["WINDOW", "rate_limited", "retry_after_of", "shared_rate_limit", "wait_in_words"]

WINDOW = timedelta(minutes=1)


def _always(_: Request[Any, Any, Any]) -> bool:
    return True


def wait_in_words(seconds: int) -> str:
    """How long to wait, in English: "37 seconds", "1 minute", "15 minutes" (rounded up)."""
    if seconds < 60:
        return f"{seconds} second" if seconds == 1 else f"{seconds} seconds"
    minutes = -(-seconds // 60)
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def retry_after_of(headers: Mapping[str, str] | None) -> int | None:
    """The seconds in a ``Retry-After`` header, when it has a number of them."""
    value = next((v for k, v in (headers or {}).items() if k.lower() == "retry-after"), "")
    return max(1, int(value)) if value.strip().isdigit() else None


def rate_limited(retry_after: int) -> TooManyRequestsException:
    """The 429 of a limit: says how long to wait, and ``Retry-After`` in seconds."""
    retry_after = max(1, retry_after)
    return TooManyRequestsException(
        f"Too many attempts. Wait {wait_in_words(retry_after)} and try again.",
        headers={"Retry-After": str(retry_after)},
    )


def _handler_for(
    handlers: Mapping[Any, Callable[..., Response[Any]]], exc: TooManyRequestsException
) -> Callable[..., Response[Any]] | None:
    if exc.status_code in handlers:
        return handlers[exc.status_code]
    return next((handlers[kind] for kind in type(exc).__mro__ if kind in handlers), None)


async def _refuse(
    scope: Scope, receive: Receive, send: Send, exc: TooManyRequestsException
) -> None:
    request: Request[Any, Any, Any] = Request(scope, receive, send)
    route_handler = scope.get("route_handler")
    handlers = route_handler.resolve_exception_handlers() if route_handler else {}
    handler = _handler_for(handlers, exc)
    response: Response[Any] = (
        handler(request, exc)
        if handler is not None
        else Response(exc.detail, status_code=429, headers=exc.headers, media_type=MediaType.TEXT)
    )
    await response.to_asgi_response(app=None, request=request)(scope, receive, send)


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
                    await _refuse(scope, receive, send, rate_limited(verdict.retry_after))
                    return
        await self.app(scope, receive, send)


def shared_rate_limit(
    limit: int,
    *,
    prefix: str = "register",
    applies: Callable[[Request[Any, Any, Any]], bool] = _always,
) -> DefineMiddleware:
    """Middleware for a router: at most ``limit`` requests a minute per client address."""
    return DefineMiddleware(_SharedRateLimit, limit=limit, prefix=prefix, applies=applies)
