"""The MIME message, written straight to bytes for SMTP.

Structure (what Google, Outlook and Apple send for invitations, and what they accept)::

    multipart/mixed
      multipart/alternative
        text/plain; charset="utf-8"
        text/html; charset="utf-8"
        text/calendar; charset="utf-8"; method=REQUEST|CANCEL        (invitations only)
      application/ics; name="invite.ics"  (attachment, the same calendar; invitations only)

A mail about several dates has no inline calendar part (an iTIP object carries one UID) but one
``application/ics`` attachment per date.  Mails without an invitation are just the
``multipart/alternative``.

Why not ``email.message``: building, not sending, is what limits delivery (measured).
``EmailMessage`` with ``policy.default`` costs ~3 ms a message, the compat32 ``email.mime``
classes still ~2 ms here, most of it folding headers and (for quoted-printable) encoding bodies
in pure Python. The structure above never varies, so it is written directly: bodies in base64 (C
code, 7-bit safe, lines of 76), boundaries that cannot occur in base64 ("=_" never does), and
headers that are plain ASCII or folded by ``policy.SMTP`` (RFC 2047) when they are not. Every
header value has already been cleaned of line breaks (:mod:`events_app.mail.headers`); the
writer refuses a CR or LF anyway. Tests parse the result with ``policy.default``."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.utils import format_datetime

from events_app.mail.headers import check_address, clean_text, mailbox

__all__ = ["Envelope", "build_mime"]

_CRLF = b"\r\n"
_SMTP = policy.SMTP
_MAX_LINE = 78


@dataclass(frozen=True, slots=True)
class Envelope:
    """The addresses of the SMTP transaction (the bounce address, not the From header)."""

    sender: str
    recipient: str


def _fold(name: str, value: str) -> bytes:
    """``Name: value`` folded at spaces to lines of at most 78 characters where possible.

    Non-ASCII values go through ``policy.SMTP`` (RFC 2047 encoded words that mail programs
    and Python's own parser both read back exactly); that is slower, so ASCII is done here.
    """
    if "\r" in value or "\n" in value:
        raise ValueError(f"line break in header {name}")
    if not value.isascii():
        return str(_SMTP.header_factory(name, value).fold(policy=_SMTP)).encode("ascii")
    line = f"{name}: {value}"
    if len(line) <= _MAX_LINE:
        return line.encode("ascii") + _CRLF
    out: list[str] = []
    current = f"{name}:"
    for word in value.split(" "):
        if len(current) + 1 + len(word) > _MAX_LINE and current.strip() not in ("", f"{name}:"):
            out.append(current)
            current = ""
        current = f"{current} {word}"
    out.append(current)
    return "\r\n".join(out).encode("ascii") + _CRLF


def _base64(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", _CRLF)


def _part(content_type: str, body: bytes, *extra: tuple[str, str]) -> bytes:
    headers = _fold("Content-Type", content_type)
    for name, value in extra:
        headers += _fold(name, value)
    headers += b"Content-Transfer-Encoding: base64\r\n"
    return headers + _CRLF + _base64(body)


def _ics_attachment(name: str, calendar: bytes) -> bytes:
    return _part(
        f'application/ics; name="{name}"',
        calendar,
        ("Content-Disposition", f'attachment; filename="{name}"'),
    )


def _document(name: str, content_type: str, data: bytes) -> bytes:
    if not all(c.isalnum() or c in "-_." for c in name) or "/" not in content_type:
        raise ValueError(f"unusable attachment {name!r} ({content_type!r})")
    return _part(
        f'{content_type}; name="{name}"',
        data,
        ("Content-Disposition", f'attachment; filename="{name}"'),
    )


def _multipart(boundary: str, parts: list[bytes]) -> bytes:
    mark = b"--" + boundary.encode("ascii")
    out = b"".join(mark + _CRLF + part for part in parts)
    return out + mark + b"--" + _CRLF


def _boundary(level: str) -> str:
    return f"=_{level}_{secrets.token_hex(12)}"


def build_mime(
    *,
    message_id: str,
    from_name: str,
    from_address: str,
    reply_to_name: str,
    reply_to: str,
    to_name: str,
    to_address: str,
    subject: str,
    language: str,
    text: str,
    html: str,
    calendar: bytes | None,
    method: str | None,
    date: datetime,
    auto_submitted: bool = True,
    attachments: Sequence[tuple[str, bytes]] = (),
    documents: Sequence[tuple[str, str, bytes]] = (),
    unsubscribe: str | None = None,
) -> tuple[Envelope, bytes]:
    """The message bytes (CRLF line ends, 7-bit) and the envelope to send them with.

    ``attachments``: calendar files (name, bytes); ``documents``: other files (name, content
    type, bytes), such as a certificate's PDF."""
    sender = check_address(from_address)
    recipient = check_address(to_address)
    alternative_boundary = _boundary("alt")
    parts = [
        _part('text/plain; charset="utf-8"', text.encode("utf-8")),
        _part('text/html; charset="utf-8"', html.encode("utf-8")),
    ]
    files = [_ics_attachment(name, data) for name, data in attachments]
    files += [_document(name, kind, data) for name, kind, data in documents]
    if calendar is not None and method is not None:
        if method not in ("REQUEST", "CANCEL"):
            raise ValueError(f"unknown calendar method {method!r}")
        parts.append(_part(f'text/calendar; charset="utf-8"; method={method}', calendar))
        files = [_ics_attachment("invite.ics", calendar), *files]
    alternative = _multipart(alternative_boundary, parts)
    if files:
        mixed_boundary = _boundary("mix")
        inner = _fold("Content-Type", f'multipart/alternative; boundary="{alternative_boundary}"')
        body = _multipart(mixed_boundary, [inner + _CRLF + alternative, *files])
        content_type = f'multipart/mixed; boundary="{mixed_boundary}"'
    else:
        body = alternative
        content_type = f'multipart/alternative; boundary="{alternative_boundary}"'
    headers = [
        _fold("From", mailbox(from_name, sender)),
        _fold("To", mailbox(to_name, recipient)),
    ]
    if reply_to and check_address(reply_to) != sender:
        headers.append(_fold("Reply-To", mailbox(reply_to_name, reply_to)))
    headers += [
        _fold("Subject", clean_text(subject, limit=250)),
        _fold("Date", format_datetime(date)),
        _fold("Message-ID", message_id),
        _fold("Content-Language", language),
    ]
    if auto_submitted:
        # RFC 3834: out-of-office replies and other auto-responders stay quiet.
        headers.append(b"Auto-Submitted: auto-generated\r\n")
    if unsubscribe is not None:
        # RFC 8058 one-click unsubscribe: mail programs POST to the address themselves.
        if not unsubscribe.isascii() or any(c in unsubscribe for c in "<> \r\n"):
            raise ValueError("an unsubscribe address must be a plain URL")
        headers.append(_fold("List-Unsubscribe", f"<{unsubscribe}>"))
        headers.append(b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n")
    headers += [b"MIME-Version: 1.0\r\n", _fold("Content-Type", content_type)]
    return Envelope(sender, recipient), b"".join(headers) + _CRLF + body
