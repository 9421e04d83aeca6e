"""What a person fills in when registering, checked without I/O.

Only name and e-mail are required.  Everything else is optional unless the organiser made a
question required; answers are checked against the questions the organiser configured.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from events_app.domain.emails import normalise_email
from events_app.domain.errors import DomainError
from events_app.i18n import LANGUAGES, N_

__all__ = [
    "ROLES",
    "Contact",
    "PersonDetails",
    "PersonRole",
    "ROLE_CHOICES",
    "ROLE_LABELS",
    "QuestionSpec",
    "clean_contact",
    "complete_person",
]


class PersonRole(StrEnum):
    """How someone who registers describes themselves (optional), stored as these codes."""

    expert = "expert"
    professional = "professional"
    relative = "relative"
    student = "student"
    other = "other"


ROLES: tuple[PersonRole, ...] = tuple(PersonRole)
# A role in words, as hosts' lists and mails show it ...
ROLE_LABELS: dict[str, str] = {
    PersonRole.expert: N_("expert by experience"),
    PersonRole.professional: N_("professional"),
    PersonRole.relative: N_("relative or informal carer"),
    PersonRole.student: N_("student"),
    PersonRole.other: N_("other"),
}
# ... and as the registration form offers it ("something else" reads better as an answer).
ROLE_CHOICES: dict[str, str] = {**ROLE_LABELS, PersonRole.other: N_("something else")}
MAX_NAME = 200
MAX_NEEDS = 2000
MAX_ANSWER = 2000


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    id: int
    label: str
    kind: str  # text | choice | yes_no
    required: bool
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PersonDetails:
    name: str
    email: str
    language: str = "nl"
    role: str | None = None
    needs: str = ""
    answers: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Contact:
    """Who registers, checked: what can be checked before knowing the organisation."""

    name: str
    email: str
    language: str | None  # None: the organisation's language
    role: str | None
    needs: str


def clean_contact(
    *, name: str, email: str, language: str | None, role: str | None, needs: str | None
) -> Contact:
    """Name, address, language, role and needs; raises DomainError naming the first field
    that is wrong."""
    clean_name = " ".join(name.split())
    if not clean_name:
        raise DomainError("name_missing", "Fill in your name.", field="name")
    if len(clean_name) > MAX_NAME:
        raise DomainError("name_too_long", f"Use at most {MAX_NAME} characters.", field="name")
    address = normalise_email(email)
    if language is not None and language not in LANGUAGES:
        raise DomainError(
            "language_unknown", "Choose Dutch (nl) or English (en).", field="language"
        )
    if role is not None and role not in ROLES:
        raise DomainError("role_unknown", f"Choose one of: {', '.join(ROLES)}.", field="role")
    clean_needs = (needs or "").strip()
    if len(clean_needs) > MAX_NEEDS:
        raise DomainError("needs_too_long", f"Use at most {MAX_NEEDS} characters.", field="needs")
    return Contact(clean_name, address, language or None, role, clean_needs)


def complete_person(
    contact: Contact,
    *,
    answers: Mapping[str, Any] | None,
    questions: Sequence[QuestionSpec],
    consent_required: bool,
    consent: bool,
    default_language: str = "nl",
) -> PersonDetails:
    """The contact with what the organisation asks: consent and the answers to its questions."""
    if consent_required and not consent:
        raise DomainError(
            "consent_missing", "Tick the box to agree, or you cannot register.", field="consent"
        )
    language = contact.language or default_language
    if language not in LANGUAGES:
        language = LANGUAGES[0]
    return PersonDetails(
        name=contact.name,
        email=contact.email,
        language=language,
        role=contact.role,
        needs=contact.needs,
        answers=clean_answers(answers or {}, questions),
    )


def clean_answers(answers: Mapping[str, Any], questions: Sequence[QuestionSpec]) -> dict[str, Any]:
    known = {str(q.id): q for q in questions}
    for key in answers:
        if key not in known:
            raise DomainError(
                "question_unknown",
                "An answer was given to a question that is not asked.",
                field=f"answers.{key}",
            )
    cleaned: dict[str, Any] = {}
    for key, question in known.items():
        value = answers.get(key)
        where = f"answers.{key}"
        if value is None or (isinstance(value, str) and not value.strip()):
            if question.required:
                raise DomainError("answer_missing", f"Answer: {question.label}", field=where)
            continue
        if question.kind == "yes_no":
            if not isinstance(value, bool):
                raise DomainError("answer_invalid", "Answer yes or no.", field=where)
            cleaned[key] = value
        elif question.kind == "choice":
            if value not in question.choices:
                raise DomainError("answer_invalid", "Choose one of the options.", field=where)
            cleaned[key] = value
        else:
            text = str(value).strip()
            if len(text) > MAX_ANSWER:
                raise DomainError(
                    "answer_too_long", f"Use at most {MAX_ANSWER} characters.", field=where
                )
            cleaned[key] = text
    return cleaned
