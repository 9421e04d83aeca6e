"""One error type for every rule a user can break.

Services raise :class:`DomainError` with a stable ``code`` (for API clients and tests) and a
plain-language message; the web layer maps it to a 4xx answer (JSON for the API, the form shown
again for pages).  ``field`` names the input that caused it, when there is one.
"""

from __future__ import annotations

__all__ = ["Busy", "Conflict", "DomainError", "Forbidden", "NotFound", "Refusals", "gather"]


class DomainError(Exception):
    """A rule was broken by the caller's input (HTTP 400 unless a subclass says otherwise)."""

    status_code = 400

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def as_dict(self) -> dict[str, str]:
        body = {"code": self.code, "detail": self.message}
        if self.field is not None:
            body["field"] = self.field
        return body


class Refusals(DomainError):
    """Several inputs refused at once, so a form can mark every one of them (not only the first).
    It reads as its first refusal where only one is shown (the API)."""

    def __init__(self, refusals: list[DomainError]) -> None:
        first = refusals[0]
        super().__init__(first.code, first.message, field=first.field)
        self.refusals = refusals


def gather(refusals: list[DomainError]) -> None:
    """Raise what was found: nothing, the one refusal, or all of them together."""
    flat = [
        r
        for found in refusals
        for r in (found.refusals if isinstance(found, Refusals) else [found])
    ]
    if len(flat) == 1:
        raise flat[0]
    if flat:
        raise Refusals(flat)


class NotFound(DomainError):
    """The thing asked for does not exist, or the caller may not know that it does."""

    status_code = 404


class Conflict(DomainError):
    """The request is valid but clashes with the current state (a full date, a duplicate)."""

    status_code = 409


class Forbidden(DomainError):
    """The caller is known but may not do this."""

    status_code = 403


class Busy(Exception):
    """Too many people changed the same thing at the same moment: try again shortly (503).

    Not a :class:`DomainError`: nothing the caller sent was wrong, so forms must not show it as
    an input error and code that skips broken rules must not skip it; it ends the request as a
    "busy" answer (JSON for the API, an error page for pages) with ``Retry-After``.
    """

    status_code = 503
    code = "busy"
    message = "Many people are doing this at the same moment. Try again in a few seconds."
    retry_after = 2

    def __init__(self) -> None:
        super().__init__(self.message)

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "detail": self.message}
