"""The words of the pages of the pool, of asking experts and of the expert's own page: what
their forms say when a service refuses (each at its input), the names of languages and of the
states of an ask, and fees as money."""

from __future__ import annotations

from typing import Any

from litestar import Request

from events_app.domain.errors import DomainError, Refusals
from events_app.domain.experts import FORMAT_LABELS, KIND_LABELS, euros
from events_app.i18n import N_, translate
from events_app.web.pages.context import language_of
from events_app.web.pages.forms import field_messages
from events_app.web.pages.messages import message_for

__all__ = ["ASK_LABELS", "LANGUAGE_LABELS", "form_errors", "labels", "money"]

# What these forms say when a service refuses (error code → words); the rest as elsewhere.
MESSAGES = {
    "expert_name_missing": N_("Fill in the name."),
    "consent_needed": N_("Only add someone who agreed to be in the pool: tick the box."),
    "consent_in_future": N_("Consent cannot be given in the future."),
    "fee_invalid": N_("Write the fee in euros, such as 85 or 85,50."),
    "topics_invalid": N_("Give at most 20 topics of at most 100 characters."),
    "languages_invalid": N_("Choose the languages they speak."),
    "account_unknown": N_("Choose a member of your organisation."),
    "expert_exists": N_("Someone with this address is in the pool already."),
    "too_long": N_("This is too long."),
    "experts_missing": N_("Choose one or two experts."),
    "experts_too_many": N_("Choose one or two experts."),
    "expert_unknown": N_("Choose active experts of your pool."),
    "expert_asked_already": N_("This expert has been asked already."),
    "too_many_asks": N_("At most three experts can be asked at once: withdraw an ask first."),
    "request_closed": N_("This request is closed: nobody can be asked for it any more."),
    "message_too_long": N_("This message is too long."),
    "ask_not_open": N_("This ask is no longer open."),
    "answer_unknown": N_("Choose yes or no."),
    "note_too_long": N_("This note is too long."),
    "ask_closed": N_("This question is no longer open: nothing can be answered."),
    "day_invalid": N_("Write the date as 2026-12-03."),
}
LANGUAGE_LABELS = {
    "nl": N_("Dutch"),
    "en": N_("English"),
    "de": N_("German"),
    "fr": N_("French"),
    "ar": N_("Arabic"),
    "tr": N_("Turkish"),
    "pap": N_("Papiamento"),
    "ber": N_("Tamazight"),
    "pl": N_("Polish"),
    "es": N_("Spanish"),
    "ngt": N_("Dutch Sign Language"),
}
ASK_LABELS = {
    "asked": N_("Waiting for an answer"),
    "accepted": N_("Said yes"),
    "declined": N_("Said no"),
    "withdrawn": N_("Withdrawn"),
}
FIELDS = {"expert_ids": "experts", "consent_at": "consent_day", "account_id": "account"}


def money(cents: int, language: str) -> str:
    """A fee as the page shows it: "€ 85,50" in Dutch, "€85.50" in English."""
    shown = euros(cents)
    return f"€ {shown.replace('.', ',')}" if language == "nl" else f"€{shown}"


def labels(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The words of what is asked, of languages and of asks, for these pages' templates."""
    language = language_of(request)
    return {
        "kind_labels": KIND_LABELS,
        "format_labels": FORMAT_LABELS,
        "ask_labels": ASK_LABELS,
        "expert_languages": {
            code: translate(language, label) for code, label in LANGUAGE_LABELS.items()
        },
        "money": lambda cents: money(cents, language),
    }


def form_errors(exc: DomainError, language: str) -> dict[str, str]:
    """Every refusal at its input, in the page's language."""
    if isinstance(exc, Refusals):
        found: dict[str, str] = {}
        for refusal in exc.refusals:
            found.update(form_errors(refusal, language))
        return found
    if exc.code in MESSAGES:
        field = exc.field or "form"
        return {FIELDS.get(field, field): translate(language, MESSAGES[exc.code])}
    found = field_messages(exc, language)
    return {FIELDS.get(k, k): v for k, v in found.items()} or {"form": message_for(exc, language)}
