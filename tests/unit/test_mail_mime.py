"""Headers that cannot be injected, the MIME writer, SMTP failure classes, the mail catcher."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosmtplib
import pytest

from events_app.mail.catcher import MailCatcher
from events_app.mail.headers import BadAddress, check_address, clean_text, mailbox
from events_app.mail.mime import build_mime
from events_app.mail.smtp import classify
from tests.helpers.parsing import parse_mail

NOW = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)


def message(**changes: Any) -> tuple[Any, bytes]:
    values: dict[str, Any] = {
        "message_id": "<abc@example.org>",
        "from_name": "Stadsnetwerk",
        "from_address": "events@example.org",
        "reply_to_name": "Stadsnetwerk",
        "reply_to": "info@example.org",
        "to_name": "Anna",
        "to_address": "anna@example.org",
        "subject": "Je bent aangemeld",
        "language": "nl",
        "text": "Hallo Anna,\n\nTot dan!\n.\n",
        "html": "<p>Hallo Anna</p>",
        "calendar": None,
        "method": None,
        "date": NOW,
    }
    values.update(changes)
    return build_mime(**values)


def test_clean_text_removes_every_line_break_and_control() -> None:
    assert clean_text("Evil\r\nBcc: x@example.org") == "Evil Bcc: x@example.org"
    assert clean_text("a\u2028b\u0085c\x00d\te") == "a b c d e"
    assert clean_text("x" * 300).endswith("…") and len(clean_text("x" * 300)) == 200


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "anna",
        "anna@example",
        "a b@example.org",
        "a@example.org\r\nBcc: x@y.org",
        "<a@example.org>",
        "a@b@example.org",
        "Anna <a@example.org>",
        "ännä@example.org",
    ],
)
def test_only_bare_addresses_are_accepted(bad: str) -> None:
    with pytest.raises(BadAddress):
        check_address(bad)


def test_addresses_and_names() -> None:
    assert check_address(" anna@example.org ") == "anna@example.org"
    assert check_address("anna@bücher.example") == "anna@xn--bcher-kva.example"
    assert mailbox("Anna", "anna@example.org") == "Anna <anna@example.org>"
    assert mailbox("de Vries, Anna", "a@example.org") == '"de Vries, Anna" <a@example.org>'
    assert mailbox("", "a@example.org") == "a@example.org"


def test_message_structure_without_invitation() -> None:
    envelope, data = message()
    assert (envelope.sender, envelope.recipient) == ("events@example.org", "anna@example.org")
    assert data.isascii() and b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    parsed = parse_mail(data)
    assert parsed.get_content_type() == "multipart/alternative"
    assert parsed["MIME-Version"] == "1.0"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["Reply-To"].addresses[0].addr_spec == "info@example.org"
    assert parsed.get_body(("plain",)).get_content() == "Hallo Anna,\n\nTot dan!\n.\n"  # type: ignore[union-attr]
    assert parsed.get_body(("html",)).get_content() == "<p>Hallo Anna</p>"  # type: ignore[union-attr]
    assert parsed.defects == [] and all(not p.defects for p in parsed.walk())


def test_message_structure_with_invitation() -> None:
    calendar = b"BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\nEND:VCALENDAR\r\n"
    _, data = message(calendar=calendar, method="CANCEL")
    parsed = parse_mail(data)
    assert parsed.get_content_type() == "multipart/mixed"
    [alternative, attachment] = parsed.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    kinds = [p.get_content_type() for p in alternative.iter_parts()]
    assert kinds == ["text/plain", "text/html", "text/calendar"]
    inline = list(alternative.iter_parts())[2]
    assert inline.get_param("method") == "CANCEL"
    assert inline.get_content().encode() == calendar
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_content() == calendar


def test_non_ascii_headers_are_encoded_and_read_back_exactly() -> None:
    name = "Zoë van ’t Hoff-Ørsted, de tweede van haar naam en nog veel langer dan dat"
    subject = "Morgen: Inleefsessie – één dag ‘zorg ontvangen’ en nog wat woorden erachter aan"
    _, data = message(to_name=name, subject=subject, from_name="Netwerk Ervaringskennis ✓")
    assert data.isascii()
    assert all(len(line) <= 78 for line in data.split(b"\r\n\r\n")[0].split(b"\r\n"))
    parsed = parse_mail(data)
    assert parsed["To"].addresses[0].display_name == name
    assert parsed["Subject"] == subject
    assert parsed["From"].addresses[0].display_name == "Netwerk Ervaringskennis ✓"


def test_injection_attempts_never_reach_the_headers() -> None:
    _, data = message(to_name="Evil\r\nBcc: x@example.org", subject="Hoi\nX-Evil: 1")
    head = data.split(b"\r\n\r\n")[0]
    assert b"\r\nBcc:" not in head and b"\r\nX-Evil:" not in head
    with pytest.raises(BadAddress):
        message(to_address="anna@example.org\r\nBcc: x@example.org")
    with pytest.raises(ValueError, match="method"):
        message(calendar=b"x", method="PUBLISH\r\nX: y")


@pytest.mark.parametrize(
    ("exc", "permanent", "connection"),
    [
        (
            aiosmtplib.SMTPRecipientsRefused([aiosmtplib.SMTPRecipientRefused(550, "no", "a@b")]),
            True,
            False,
        ),
        (
            aiosmtplib.SMTPRecipientsRefused(
                [aiosmtplib.SMTPRecipientRefused(450, "later", "a@b")]
            ),
            False,
            False,
        ),
        (aiosmtplib.SMTPDataError(554, "spam"), True, False),
        (aiosmtplib.SMTPDataError(451, "busy"), False, False),
        (aiosmtplib.SMTPSenderRefused(553, "no", "events@example.org"), False, False),
        (aiosmtplib.SMTPResponseException(421, "closing"), False, True),
        (aiosmtplib.SMTPAuthenticationError(535, "bad login"), False, True),
        (aiosmtplib.SMTPConnectError("refused"), False, True),
        (aiosmtplib.SMTPServerDisconnected("gone"), False, True),
        (aiosmtplib.SMTPReadTimeoutError("slow"), False, True),
        (TimeoutError(), False, True),
        (ConnectionRefusedError(111, "refused"), False, True),
    ],
)
def test_failures_are_classified(exc: BaseException, permanent: bool, connection: bool) -> None:
    failure = classify(exc)
    assert (failure.permanent, failure.connection) == (permanent, connection)
    assert failure.reason


async def test_catcher_stores_each_message_and_prints_one_line(tmp_path: Path) -> None:
    lines: list[str] = []
    catcher = MailCatcher(tmp_path / "mail", out=lines.append)
    _, data = message(subject="Je bent aangemeld: Ontmoeting")

    class Envelope:
        original_content = data
        content = data
        rcpt_tos = ["anna@example.org"]

    assert await catcher.handle_DATA(None, None, Envelope()) == "250 Message accepted for delivery"
    assert await catcher.handle_DATA(None, None, Envelope())
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 2 and files[0].read_bytes() == data
    assert files[0].name.endswith("-1.eml") and files[1].name.endswith("-2.eml")
    assert lines[0].startswith("mail to anna@example.org: Je bent aangemeld: Ontmoeting")
