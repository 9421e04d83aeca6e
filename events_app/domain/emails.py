"""E-mail addresses: validated by syntax (no DNS look-ups), normalised for comparison.

Normalising lower-cases the whole address: the RFC lets the part before the @ be
case-sensitive, but no mail provider our users meet treats it so, and "Jan@…" and "jan@…"
registering for the same date must be one person.  Disposable-but-valid addresses are accepted.

What is accepted is exactly what delivery can send: our SMTP client does not use SMTPUTF8, so
the part before the @ must be ASCII, and a non-ASCII domain is sent in its IDNA 2008 form
(``faß.de`` is ``xn--fa-hia.de``; the older IDNA 2003 of Python's ``idna`` codec would turn
it into ``fass.de``, someone else's domain).  :func:`envelope_address` makes that form, for
the validator here and for the mail writer alike.
"""

from __future__ import annotations

import re

import idna
from email_validator import EmailNotValidError, validate_email

from events_app.domain.errors import DomainError

__all__ = ["NOT_ASCII_MESSAGE", "UnsendableAddress", "envelope_address", "normalise_email"]

MAX_LENGTH = 254
NOT_ASCII_MESSAGE = (
    "Letters with accents (such as é or ö) and other special letters cannot be used before "
    "the @: mail to such an address cannot be delivered."
)
# A deliberately narrow shape: ``local@domain.tld`` with nothing that could end or extend an
# SMTP command or a header around it (no spaces, brackets, quotes, commas, a second @ …).
_ADDRESS = re.compile(r"^[^\s<>()\[\],;:\"\\@]+@[^\s<>()\[\],;:\"\\@]+\.[^\s<>()\[\],;:\"\\@]+$")


class UnsendableAddress(ValueError):
    """An address that cannot be put in an SMTP envelope (without SMTPUTF8) or a header."""


def envelope_address(address: str) -> str:
    """The address as the mail server is given it: ASCII, the domain IDNA-encoded.

    Raises :class:`UnsendableAddress` when there is no such form.
    """
    address = address.strip()
    if not _ADDRESS.match(address):
        raise UnsendableAddress(f"not a usable e-mail address: {address!r}")
    local, _, domain = address.rpartition("@")
    if not local.isascii():
        raise UnsendableAddress(f"the part before the @ is not ASCII: {address!r}")
    if not domain.isascii():
        try:
            domain = idna.encode(domain, uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            raise UnsendableAddress(f"the domain cannot be encoded: {address!r}") from exc
    return f"{local}@{domain}"


def normalise_email(raw: str, *, field: str = "email") -> str:
    """The address as it is stored and compared; :class:`DomainError` when delivery could not
    send to it."""
    address = raw.strip()
    if not address:
        raise DomainError("email_missing", "Fill in an e-mail address.", field=field)
    if len(address) > MAX_LENGTH:
        raise DomainError("email_invalid", "This e-mail address is too long.", field=field)
    try:
        result = validate_email(address, check_deliverability=False, allow_smtputf8=True)
        normalised = result.normalized.lower()
        if not result.smtputf8:
            envelope_address(normalised)
    except (EmailNotValidError, UnsendableAddress):
        raise DomainError(
            "email_invalid",
            "This is not a valid e-mail address. Check it for typing errors.",
            field=field,
        ) from None
    if result.smtputf8:  # a valid address, but with letters outside ASCII before the @
        raise DomainError("email_not_ascii", NOT_ASCII_MESSAGE, field=field)
    return normalised
