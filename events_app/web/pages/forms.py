"""The registration form: reading it, and turning domain errors into messages next to fields.

Service errors name their field as the API knows it (``date_ids``, ``answers.7``); the
form's inputs are named ``dates`` and ``answer_7``.  Messages are looked up by error code in
the catalogues, so they appear in the page's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import msgspec

from events_app.domain.errors import DomainError, Refusals
from events_app.domain.person import QuestionSpec
from events_app.web.api.types import id_from_text
from events_app.web.pages.form_input import Email, FormRejected, Line, Name, Text
from events_app.web.pages.messages import message_for

__all__ = [
    "FormInput",
    "RegistrationFields",
    "field_for",
    "field_messages",
    "read_registration",
]

FIELDS = {"date_ids": "dates"}


@dataclass
class FormInput:
    """What the person filled in, kept to show the form again after an error."""

    name: str = ""
    email: str = ""
    role: str = ""
    needs: str = ""
    consent: bool = False
    whole: bool = False
    attendance: str = ""  # on site or online (asked for hybrid dates only)
    dates: list[int] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)

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
            "attendance": self.attendance or None,
        }


class RegistrationFields(msgspec.Struct):
    """The registration form (series or programme) as submitted."""

    name: Name = ""
    email: Email = ""
    role: Line = ""
    needs: Text = ""
    consent: Line = ""
    whole: Line = ""
    attendance: Line = ""
    dates: list[Line] = []
    answer: dict[str, Text] = {}  # the inputs answer_<question id>


def read_registration(sent: RegistrationFields) -> FormInput:
    return FormInput(
        name=sent.name,
        email=sent.email,
        role=sent.role,
        needs=sent.needs,
        consent=sent.consent == "yes",
        whole=sent.whole == "yes",
        attendance=sent.attendance.strip(),
        dates=[found for d in sent.dates if (found := id_from_text(d)) is not None],
        answers={key: value for key, value in sent.answer.items() if id_from_text(key)},
    )


def field_for(exc: DomainError) -> str:
    """The form input an error belongs to ("form" when it is about the whole form)."""
    name = exc.field or "form"
    if name.startswith("answers."):
        return "answer_" + name.split(".", 1)[1]
    return FIELDS.get(name, name)


def field_messages(
    exc: DomainError, language: str, message: str | None = None, *, field: str | None = None
) -> dict[str, str]:
    """Errors at their inputs: every refused field of a form, else the one the error names
    (``field`` when the page knows better), with ``message`` or the registration form's."""
    if isinstance(exc, FormRejected):
        return exc.messages(language)
    if isinstance(exc, Refusals) and field is None and message is None:
        found: dict[str, str] = {}
        for refusal in exc.refusals:
            found.setdefault(field_for(refusal), message_for(refusal, language))
        return found
    return {field or field_for(exc): message or message_for(exc, language)}
