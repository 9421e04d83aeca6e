"""The pure rules of a date's materials: which files are taken (by name and by their first
bytes), the largest size, cleaned file names, the download header, a written text, and when the
materials mail may go."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from events_app.domain.errors import DomainError
from events_app.domain.materials import (
    RESEND_WINDOW,
    check_file,
    check_text,
    content_disposition,
    may_send,
    safe_file_name,
)

PDF = b"%PDF-1.7\n..."
MB = 1024 * 1024


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("dias.pdf", PDF, "application/pdf"),
        ("Foto.JPG", b"\xff\xd8\xff\xe0rest", "image/jpeg"),
        ("plaatje.png", b"\x89PNG\r\n\x1a\nrest", "image/png"),
        ("beeld.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        ("presentatie.pptx", b"PK\x03\x04rest", (
            "application/vnd.openxmlformats-officedocument.presentationml.presentation")),
        ("oud.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "application/msword"),
        ("notities.txt", "Vragen én antwoorden\n".encode(), "text/plain; charset=utf-8"),
    ],
)  # fmt: skip
def test_files_that_are_what_their_name_says_are_taken(
    name: str, data: bytes, content_type: str
) -> None:
    _, kind = check_file(name, data, 10 * MB)
    assert kind.content_type == content_type


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("script.html", b"<script>", "file_type"),
        ("tekening.svg", b"<svg onload=alert(1)>", "file_type"),
        ("programma.exe", b"MZ", "file_type"),
        ("geen-extensie", PDF, "file_type"),
        (".pdf", PDF, "file_type"),
        ("nep.pdf", b"<html><script>", "file_type"),  # bytes that are not a PDF
        ("nep.png", PDF, "file_type"),
        ("nep.webp", b"RIFF\x00\x00\x00\x00AVI ", "file_type"),
        ("binair.txt", b"abc\x00def", "file_type"),
        ("latin1.txt", "café".encode("latin-1"), "file_type"),
        ("leeg.pdf", b"", "file_missing"),
    ],
)
def test_other_files_are_refused_at_the_file_field(name: str, data: bytes, code: str) -> None:
    with pytest.raises(DomainError) as refused:
        check_file(name, data, 10 * MB)
    assert refused.value.code == code and refused.value.field == "file"


def test_the_size_limit_counts_bytes_and_says_the_limit() -> None:
    check_file("precies.pdf", PDF + b"0" * (MB - len(PDF)), MB)
    with pytest.raises(DomainError) as refused:
        check_file("groot.pdf", PDF + b"0" * (MB - len(PDF) + 1), MB)
    assert refused.value.code == "file_too_large" and "1 MB" in refused.value.message


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("dias.pdf", "dias.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\anna\\Verslag mei.docx", "Verslag mei.docx"),
        ('"quoted";\r\nX-Header: 1.pdf', "_quoted__ X-Header_ 1.pdf"),
        ("...hidden.pdf", "hidden.pdf"),
        ("Café  déjà\tvu.pdf", "Café déjà vu.pdf"),
        ("a\u202egnp.pdf", "agnp.pdf"),  # a right-to-left override is a control character
        ("", "file"),
    ],
)
def test_file_names_are_cleaned(given: str, kept: str) -> None:
    assert safe_file_name(given) == kept


def test_long_names_keep_their_extension() -> None:
    name = safe_file_name("x" * 500 + ".pptx")
    assert len(name) == 120 and name.endswith("xxx.pptx")


def test_the_download_header_has_a_plain_name_and_the_real_one() -> None:
    assert content_disposition("Café verslag.pdf", True) == (
        "inline; filename=\"Cafe verslag.pdf\"; filename*=UTF-8''Caf%C3%A9%20verslag.pdf"
    )
    header = content_disposition('a"b;c.docx', False)
    assert header.startswith('attachment; filename="a_b_c.docx"')
    assert "\r" not in content_disposition("x\r\nSet-Cookie: a.pdf", False)


def test_a_text_keeps_its_lines_and_is_never_empty() -> None:
    assert check_text("  Vraag  \r\nAntwoord\r\n\r\nNog een\n\n") == "  Vraag\nAntwoord\n\nNog een"
    for empty in ("", " \n\t\r\n"):
        with pytest.raises(DomainError) as refused:
            check_text(empty)
        assert refused.value.field == "body"
    with pytest.raises(DomainError):
        check_text("x" * 20_001)


END = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)


def test_the_mail_waits_for_the_end_and_asks_before_a_second_time() -> None:
    with pytest.raises(DomainError) as early:
        may_send(END, END - timedelta(seconds=1), None, again=True)
    assert early.value.code == "materials_too_early" and early.value.status_code == 409
    may_send(END, END, None, again=False)
    sent = END + timedelta(hours=1)
    with pytest.raises(DomainError) as soon:
        may_send(END, sent + RESEND_WINDOW - timedelta(seconds=1), sent, again=True)
    assert soon.value.code == "materials_just_sent"
    with pytest.raises(DomainError) as unasked:
        may_send(END, sent + RESEND_WINDOW, sent, again=False)
    assert unasked.value.code == "materials_sent_before"
    may_send(END, sent + RESEND_WINDOW, sent, again=True)


def test_the_upload_limit_is_a_setting_in_whole_megabytes() -> None:
    from events_app.settings import load_settings

    key = {"EVENTS_SECRET_KEY": "k" * 40}
    assert load_settings(key).max_upload_bytes == 10 * MB
    assert load_settings({**key, "EVENTS_MAX_UPLOAD_MB": "3"}).max_upload_bytes == 3 * MB
    with pytest.raises(RuntimeError):
        load_settings({**key, "EVENTS_MAX_UPLOAD_MB": "veel"})
