"""Map domain errors to HTTP answers with plain messages and no internals."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from events_app.domain.errors import Busy, DomainError
from events_app.web.rate_limit import retry_after_of, wait_in_words

__all__ = ["EXCEPTION_HANDLERS", "busy_error_handler"]


def domain_error_handler(_: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    retry_after = getattr(exc, "retry_after", None)  # a limit says how long to wait
    headers = {"Retry-After": str(retry_after)} if isinstance(retry_after, int) else None
    return Response(exc.as_dict(), status_code=exc.status_code, headers=headers)


def busy_error_handler(_: Request[Any, Any, Any], exc: Busy) -> Response[Any]:
    """Other writers held what this request needed for too long: 503, try again shortly."""
    return Response(
        exc.as_dict(), status_code=exc.status_code, headers={"Retry-After": str(exc.retry_after)}
    )


def validation_error_handler(_: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    """Litestar's 400 for malformed bodies, reshaped to our ``{code, detail, errors}`` form."""
    return Response(
        {"code": "invalid_input", "detail": exc.detail, "errors": exc.extra or []},
        status_code=400,
    )


def http_error_handler(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if exc.status_code == 429:
        seconds = retry_after_of(exc.headers)
        wait = wait_in_words(seconds) if seconds else "a minute"
        return Response(
            {
                "code": "rate_limited",
                "detail": f"Too many attempts. Wait {wait} and try again.",
                "retry_after": seconds,
            },
            status_code=429,
            headers=exc.headers,
        )
    code = "not_found" if exc.status_code == 404 else "http_error"
    return Response(
        {"code": code, "detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
    )


EXCEPTION_HANDLERS = {
    DomainError: domain_error_handler,
    Busy: busy_error_handler,
    ValidationException: validation_error_handler,
    HTTPException: http_error_handler,
}
