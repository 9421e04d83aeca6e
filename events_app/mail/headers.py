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

from events_app.domain.emails import UnsendableAddress, envelope_address

__all__ = ["BadAddress", "MAX_HEADER_TEXT", "check_address", "clean_text", "mailbox"]

MAX_HEADER_TEXT = 200
# C0 and C1 control characters (CR, LF, TAB, NUL …) and Unicode line/paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SPACES = re.compile(r"\s+")


class BadAddress(ValueError):
    """An address that cannot be put in a header or an SMTP envelope as it is."""


def clean_text(value: str, *, limit: int = MAX_HEADER_TEXT) -> str:
    """One line of text: control characters become spaces, runs of spaces one space."""
    text = _SPACES.sub(" ", _CONTROL.sub(" ", value)).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def check_address(value: str) -> str:
    """The address as the SMTP envelope and the headers carry it, or :class:`BadAddress`.

    The form (ASCII; a non-ASCII domain in IDNA 2008) and the rules are those of
    :func:`events_app.domain.emails.envelope_address`, which also decides what the forms
    accept: an address that was stored can be sent.
    """
    try:
        return envelope_address(value)
    except UnsendableAddress as exc:
        raise BadAddress(str(exc)) from None


def mailbox(name: str, address: str) -> str:
    """``"Display Name" <local@domain>`` with the name cleaned (and quoted where needed).

    Non-ASCII names stay Unicode here; the message writer encodes them (RFC 2047).
    """
    text = clean_text(name)
    address = check_address(address)
    if text.isascii():
        return formataddr((text, address))
    return str(Address(display_name=text, addr_spec=address))
