"""Header values that cannot inject headers: names, subjects and addresses made safe.

Everything that ends up in a header passes through here.  A CR or LF in a name ("Evil\\r\\nBcc:
x@example.org") would start a new header line; so would Unicode line breaks after some
clients' decoding.  Names and subjects are cleaned (control characters become spaces), and
addresses are refused unless they are a plain ``local@domain`` with nothing else in them.
"""

from __future__ import annotations

import re
from email.headerregistry import Address
from email.utils import formataddr

__all__ = ["BadAddress", "MAX_HEADER_TEXT", "check_address", "clean_text", "mailbox"]

MAX_HEADER_TEXT = 200
# C0 and C1 control characters (CR, LF, TAB, NUL …) and Unicode line/paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SPACES = re.compile(r"\s+")
# A deliberately narrow address check: the addresses were validated and normalised when they
# were stored (domain/emails.py); here we only make sure nothing else came along.
_ADDRESS = re.compile(r"^[^\s<>()\[\],;:\"\\@]+@[^\s<>()\[\],;:\"\\@]+\.[^\s<>()\[\],;:\"\\@]+$")


class BadAddress(ValueError):
    """An address that cannot be put in a header or an SMTP envelope as it is."""


def clean_text(value: str, *, limit: int = MAX_HEADER_TEXT) -> str:
    """One line of text: control characters become spaces, runs of spaces one space."""
    text = _SPACES.sub(" ", _CONTROL.sub(" ", value)).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def check_address(value: str) -> str:
    """The address itself, or :class:`BadAddress` when it is not a bare ``local@domain``.

    Non-ASCII domains are written in their IDNA form; a non-ASCII local part would need
    SMTPUTF8 and is refused (no address our validator accepts has one in practice).
    """
    address = value.strip()
    if not _ADDRESS.match(address):
        raise BadAddress(f"not a usable e-mail address: {value!r}")
    local, _, domain = address.rpartition("@")
    if not local.isascii():
        raise BadAddress(f"the part before the @ is not ASCII: {value!r}")
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise BadAddress(f"the domain cannot be encoded: {value!r}") from exc
    return f"{local}@{domain}"


def mailbox(name: str, address: str) -> str:
    """``"Display Name" <local@domain>`` with the name cleaned (and quoted where needed).

    Non-ASCII names stay Unicode here; the message writer encodes them (RFC 2047).
    """
    text = clean_text(name)
    address = check_address(address)
    if text.isascii():
        return formataddr((text, address))
    return str(Address(display_name=text, addr_spec=address))
