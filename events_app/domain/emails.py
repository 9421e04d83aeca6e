"""E-mail addresses: validated by syntax (no DNS look-ups), normalised for comparison.

Normalising lower-cases the whole address: the RFC lets the part before the @ be
case-sensitive, but no mail provider our users meet treats it so, and "Jan@…" and "jan@…"
registering for the same date must be one person.  Disposable-but-valid addresses are accepted.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from events_app.domain.errors import DomainError

__all__ = ["normalise_email"]

MAX_LENGTH = 254


def normalise_email(raw: str, *, field: str = "email") -> str:
    address = raw.strip()
    if not address:
        raise DomainError("email_missing", "Fill in an e-mail address.", field=field)
    if len(address) > MAX_LENGTH:
        raise DomainError("email_invalid", "This e-mail address is too long.", field=field)
    try:
        # No SMTPUTF8: a non-ASCII part before the @ could not be delivered by our mail server.
        result = validate_email(address, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        raise DomainError(
            "email_invalid",
            "This is not a valid e-mail address. Check it for typing errors.",
            field=field,
        ) from None
    return result.normalized.lower()
