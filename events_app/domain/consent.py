"""What a person agrees to when they register: the organisation's consent text, in their language.

An organisation writes its consent text in its own language and may add the same in English.
English pages show the English wording when there is one; otherwise every page shows the
organisation's own text, marked with its language (so a screen reader reads it right).  The
tick box is asked for exactly when the organisation's own text is set: that is the rule the
registration checks, whatever language the form was in.  Pure: no database.
"""

from __future__ import annotations

from dataclasses import dataclass

from events_app.domain.errors import DomainError

__all__ = ["Consent", "check_consent", "consent_for"]


@dataclass(frozen=True, slots=True)
class Consent:
    text: str
    language: str  # the language the text is written in


def consent_for(own: str, english: str, own_language: str, reader: str) -> Consent | None:
    """The consent text a reader of ``reader``'s language sees, or None: no tick box."""
    if not own.strip():
        return None
    if reader == "en" and english.strip():
        return Consent(english.strip(), "en")
    return Consent(own.strip(), own_language)


def check_consent(own: str, english: str) -> None:
    """The English text is a wording of the organisation's own: never one without the other."""
    if english.strip() and not own.strip():
        raise DomainError(
            "consent_en_alone",
            "Write the consent text in the organisation's language first: the English one "
            "is its wording for English forms.",
            field="consent_text_en",
        )
