"""What the organiser pages say: the messages for the services' errors (by code, at the
form's field), the kinds of event by name, and the "done" notes a redirect may show."""

from __future__ import annotations

from events_app.calendar.describe import kind_label
from events_app.domain.errors import DomainError, Refusals
from events_app.web.pages.form_input import FormRejected
from events_app.web.pages.messages import message_for
from events_app.web.pages.organise_form import FIELD_FOR, KINDS

__all__ = ["DONE", "errors_of", "kinds"]

DONE = ("created", "created_draft", "details_draft", "skipped",
        "cancelled", "restored", "changed", "hosts", "published",
        "unpublished", "ended", "details", "speakers", "schedule", "added",
        "paused")  # fmt: skip


def errors_of(exc: DomainError, language: str) -> dict[str, str]:
    """Each refused field with its message (every one of several refusals)."""
    if isinstance(exc, Refusals):
        found: dict[str, str] = {}
        for refusal in exc.refusals:
            for field, message in errors_of(refusal, language).items():
                found.setdefault(field, message)
        return found
    if isinstance(exc, FormRejected):
        return {FIELD_FOR.get(k, k): v for k, v in exc.messages(language).items()}
    field = FIELD_FOR.get(exc.field or "", exc.field or "form")
    return {field: message_for(exc, language, "organise")}


def kinds(language: str) -> list[tuple[str, str]]:
    return [(k, kind_label(k, language)) for k in KINDS]
