"""What a date's materials may be: links, a written text, or an uploaded file.

Files are kept in the database and served to anyone who may see the date's materials, so the
rules here decide what a file *is* from its name and its first bytes, never from the type the
browser claims: a file whose bytes do not match its extension is refused.  Only PDFs and
ordinary images (not SVG, which can carry scripts) are shown in the browser; everything else is
downloaded.  File names are cleaned to letters, digits and a few harmless signs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from events_app.domain.errors import Conflict, DomainError

__all__ = [
    "KINDS",
    "RESEND_WINDOW",
    "AUDIENCES",
    "FileType",
    "check_file",
    "check_text",
    "content_disposition",
    "file_type_for",
    "may_send",
    "safe_file_name",
]

KINDS = ("link", "text", "file")
AUDIENCES = ("attended", "registered")  # who gets the materials mail
TEXT_LIMIT = 20_000  # characters of a written material (a report, the chat's questions)
NAME_LIMIT = 120  # characters of a cleaned file name
# A second "send the materials" within this time is refused, even when confirmed: a double
# click or a reload must never mail everyone twice.
RESEND_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class FileType:
    content_type: str
    inline: bool  # shown in the browser (PDF, images); otherwise downloaded
    magic: tuple[bytes, ...]  # the file starts with one of these (empty: text, checked apart)


_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # the older Office formats
FILE_TYPES: dict[str, FileType] = {
    "pdf": FileType("application/pdf", True, (b"%PDF-",)),
    "png": FileType("image/png", True, (b"\x89PNG\r\n\x1a\n",)),
    "jpg": FileType("image/jpeg", True, (b"\xff\xd8\xff",)),
    "jpeg": FileType("image/jpeg", True, (b"\xff\xd8\xff",)),
    "gif": FileType("image/gif", True, (b"GIF87a", b"GIF89a")),
    "webp": FileType("image/webp", True, (b"RIFF",)),
    "pptx": FileType(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", False, _ZIP
    ),
    "docx": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", False, _ZIP
    ),
    "xlsx": FileType(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False, _ZIP
    ),
    "odp": FileType("application/vnd.oasis.opendocument.presentation", False, _ZIP),
    "odt": FileType("application/vnd.oasis.opendocument.text", False, _ZIP),
    "ods": FileType("application/vnd.oasis.opendocument.spreadsheet", False, _ZIP),
    "ppt": FileType("application/vnd.ms-powerpoint", False, _OLE),
    "doc": FileType("application/msword", False, _OLE),
    "xls": FileType("application/vnd.ms-excel", False, _OLE),
    "txt": FileType("text/plain; charset=utf-8", False, ()),
}
ALLOWED = ", ".join(sorted({ext for ext in FILE_TYPES if ext != "jpeg"}))
_UNSAFE = re.compile(r"[^\w .()+-]", re.UNICODE)
_SPACES = re.compile(r"\s+")


def _extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def file_type_for(name: str) -> FileType | None:
    """The type a file name promises, or None when such files are not taken."""
    return FILE_TYPES.get(_extension(name))


def safe_file_name(name: str) -> str:
    """The name to keep and to offer when downloading: no folders, no control characters, no
    quotes or slashes, no leading dots; at most :data:`NAME_LIMIT` characters with the
    extension kept."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(c for c in _SPACES.sub(" ", name) if unicodedata.category(c)[0] != "C")
    name = _SPACES.sub(" ", _UNSAFE.sub("_", name)).strip(" .")
    ext = _extension(name)
    if len(name) > NAME_LIMIT:
        keep = NAME_LIMIT - len(ext) - 1 if ext else NAME_LIMIT
        name = name[:keep].rstrip(" .") + (f".{ext}" if ext else "")
    return name or "file"


def check_file(name: str, data: bytes, max_bytes: int) -> tuple[str, FileType]:
    """The cleaned name and the type of an uploaded file, or the reason it is refused (at the
    field ``file``): empty, larger than ``max_bytes``, a type not taken, or bytes that are not
    what the name says."""
    if not data:
        raise DomainError("file_missing", "Choose a file (it was empty or missing).", field="file")
    if len(data) > max_bytes:
        raise DomainError(
            "file_too_large",
            f"The file is too large: at most {max_bytes // (1024 * 1024)} MB.",
            field="file",
        )
    clean = safe_file_name(name)
    kind = file_type_for(clean)
    if kind is None:
        raise DomainError(
            "file_type", f"This type of file is not taken. Allowed: {ALLOWED}.", field="file"
        )
    if kind.magic:
        if not data.startswith(kind.magic) or (
            kind.content_type == "image/webp" and data[8:12] != b"WEBP"
        ):
            raise DomainError(
                "file_type", "The file's contents do not match its name.", field="file"
            )
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = "\x00"
        if "\x00" in text:
            raise DomainError(
                "file_type", "The file's contents do not match its name.", field="file"
            )
    return clean, kind


def check_text(body: str) -> str:
    """A written material: line breaks kept (as ``\\n``), trailing spaces gone; never empty."""
    lines = [line.rstrip() for line in body.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    text = "\n".join(lines).strip("\n")
    if not text.strip():
        raise DomainError("text_missing", "Write the text.", field="body")
    if len(text) > TEXT_LIMIT:
        raise DomainError("text_too_long", f"Use at most {TEXT_LIMIT} characters.", field="body")
    return text


def content_disposition(name: str, inline: bool) -> str:
    """The ``Content-Disposition`` header: an ASCII name for old clients beside the UTF-8 one."""
    clean = safe_file_name(name)
    ascii_name = (
        unicodedata.normalize("NFKD", clean).encode("ascii", "ignore").decode("ascii") or "file"
    )
    ascii_name = ascii_name.replace('"', "_")
    mode = "inline" if inline else "attachment"
    return f"{mode}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(clean, safe='')}"


def may_send(ends_at: datetime, now: datetime, last_sent: datetime | None, again: bool) -> None:
    """Whether the materials mail may go now: only after the date ended; a second time only
    when the organiser confirmed it, and never within :data:`RESEND_WINDOW` of the last."""
    if now < ends_at:
        raise Conflict("materials_too_early", "The materials can be sent once the date has ended.")
    if last_sent is not None:
        if now - last_sent < RESEND_WINDOW:
            raise Conflict(
                "materials_just_sent",
                "The materials were sent a few minutes ago. Wait a while before sending again.",
            )
        if not again:
            raise Conflict(
                "materials_sent_before",
                "The materials were sent before. Confirm to send them again.",
            )
