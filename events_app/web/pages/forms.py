"""The registration form: reading it, and turning domain errors into messages next to fields.

Service errors name their field as the API knows it (``occurrence_ids``, ``answers.7``); the
form's inputs are named ``dates`` and ``answer_7``.  Messages are looked up by error code in
the catalogues, so they appear in the page's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar import Request

from events_app.domain.errors import DomainError
from events_app.domain.person import QuestionSpec
from events_app.i18n import N_, translate
from events_app.web.pages import csrf

__all__ = ["FormInput", "error_message", "field_for", "read_form"]

MESSAGES: dict[str, str] = {
    "name_missing": N_("Fill in your name."),
    "name_too_long": N_("Use at most 200 characters."),
    "name_invalid": N_("Fill in a name of at most 200 characters."),
    "email_missing": N_("Fill in an e-mail address."),
    "email_invalid": N_("This is not a valid e-mail address. Check it for typing errors."),
    "email_not_ascii": N_(
        "Letters with accents (such as é or ö) and other special letters cannot be used before "
        "the @: mail to such an address cannot be delivered."
    ),
    "role_unknown": N_("Choose one of the options."),
    "needs_too_long": N_("Use at most 2000 characters."),
    "consent_missing": N_("Tick the box to agree, or you cannot register."),
    "answer_missing": N_("Answer this question."),
    "answer_invalid": N_("Choose one of the options."),
    "answer_too_long": N_("Use at most 2000 characters."),
    "dates_missing": N_("Choose at least one date."),
    "choose_one": N_("Choose at least one date."),
    "date_full": N_("This date is full and has no waiting list."),
    "date_cancelled": N_("This date has been cancelled."),
    "registration_closed": N_("Registration for this date is closed."),
    "registration_not_open_yet": N_("Registration for this date has not opened yet."),
    "registration_not_needed": N_("You do not need to register for this event: just come."),
    "not_open": N_("This event is not open for registration."),
    "no_dates": N_("There are no dates left to register for."),
    "date_unknown": N_("One of the chosen dates does not exist."),
    "mixed_organisations": N_("Register for one organisation's dates at a time."),
    "too_many_dates": N_("You chose too many dates."),
}
FIELDS = {"occurrence_ids": "dates"}
MAX_TEXT = 5000  # longer input is cut before the services see it (they refuse > 2000)


@dataclass
class FormInput:
    """What the person filled in, kept to show the form again after an error."""

    name: str = ""
    email: str = ""
    role: str = ""
    needs: str = ""
    consent: bool = False
    whole: bool = False
    dates: list[int] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)
    token: str = ""

    def person(self, questions: list[QuestionSpec], language: str) -> dict[str, Any]:
        """Keyword arguments for ``registrations.register`` (as the JSON API passes them)."""
        answers: dict[str, Any] = {}
        for q in questions:
            raw = self.answers.get(str(q.id), "")
            if q.kind == "yes_no":
                if raw in ("yes", "no"):
                    answers[str(q.id)] = raw == "yes"
            elif raw.strip():
                answers[str(q.id)] = raw
        return {
            "name": self.name,
            "email": self.email,
            "language": language,
            "role": self.role or None,
            "needs": self.needs,
            "answers": answers,
            "consent": self.consent,
        }


async def read_form(request: Request[Any, Any, Any]) -> FormInput:
    form = await request.form()

    def text(key: str) -> str:
        value = form.get(key)
        return value[:MAX_TEXT] if isinstance(value, str) else ""

    dates = []
    for raw in form.getall("dates", []):
        if isinstance(raw, str) and raw.isdigit() and len(raw) < 12:
            dates.append(int(raw))
    return FormInput(
        name=text("name"),
        email=text("email"),
        role=text("role"),
        needs=text("needs"),
        consent=text("consent") == "yes",
        whole=text("whole") == "yes",
        dates=dates,
        answers={
            key[len("answer_") :]: text(key)
            for key in form
            if isinstance(key, str) and key.startswith("answer_") and key[7:].isdigit()
        },
        token=text(csrf.FIELD),
    )


def field_for(exc: DomainError) -> str:
    """The form input an error belongs to ("form" when it is about the whole form)."""
    name = exc.field or "form"
    if name.startswith("answers."):
        return "answer_" + name.split(".", 1)[1]
    return FIELDS.get(name, name)


def error_message(exc: DomainError, language: str) -> str:
    message = MESSAGES.get(exc.code)
    return translate(language, message) if message else translate(language, exc.message)
