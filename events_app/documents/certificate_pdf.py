"""A certificate of participation as PDF bytes (fpdf2), one page per certificate.

The text is what the stored certificate says, in its own language: the person's name, what
they took part in, the dates they attended, the hours, the organisation, a line to sign, and
the code with the address where anyone can check it.  The font (DejaVu Sans, free licence,
``fonts/LICENSE``) ships in the package, so every name (Zoë, Łukasz, Çelik) renders on any
machine, with or without system fonts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from babel.numbers import format_decimal
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from events_app import urls
from events_app.i18n import N_, choose_language, format_date, locale_for, translate

__all__ = ["CertificateText", "hours_text", "render_pdf", "text_from_row"]

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVu"
HEADING = N_("Certificate of participation")


@dataclass(frozen=True, slots=True)
class CertificateText:
    """Everything one certificate page says."""

    name: str
    title: str
    organisation_name: str
    dates: tuple[date, ...]
    minutes: int
    issued_on: date
    code: str
    language: str
    revoked: bool = False


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def text_from_row(row: dict[str, Any]) -> CertificateText:
    """A stored certificate row (its snapshot columns) as the text of its page."""
    days = row["dates"] if isinstance(row["dates"], list) else []
    issued: datetime = row["issued_at"]
    return CertificateText(
        name=row["name"],
        title=row["title"],
        organisation_name=row["organisation_name"],
        dates=tuple(d for d in (_day(v) for v in days) if d is not None),
        minutes=int(row["minutes"]),
        issued_on=issued.date(),
        code=row["code"],
        language=choose_language(row["language"]),
        revoked=row.get("revoked_at") is not None,
    )


def hours_text(minutes: int, language: str) -> str:
    """Hours as a reader writes them: "12", "7,5" (nl) or "7.5" (en)."""
    return str(format_decimal(round(minutes / 60, 2), locale=locale_for(language)))


def _page(pdf: FPDF, cert: CertificateText) -> None:
    language = cert.language
    pdf.add_page()
    width = pdf.epw
    pdf.set_font(FAMILY, "B", 26)
    pdf.ln(18)
    pdf.multi_cell(width, 12, translate(language, HEADING), align="C")
    pdf.ln(10)
    pdf.set_font(FAMILY, "", 13)
    pdf.multi_cell(
        width,
        7,
        translate(language, "%(organisation)s declares that", organisation=cert.organisation_name),
        align="C",
    )
    pdf.ln(4)
    pdf.set_font(FAMILY, "B", 22)
    pdf.multi_cell(width, 11, cert.name, align="C")
    pdf.ln(4)
    pdf.set_font(FAMILY, "", 13)
    pdf.multi_cell(width, 7, translate(language, "took part in"), align="C")
    pdf.ln(2)
    pdf.set_font(FAMILY, "B", 16)
    pdf.multi_cell(width, 9, cert.title, align="C")
    pdf.ln(8)
    pdf.set_font(FAMILY, "B", 11)
    pdf.multi_cell(width, 6, translate(language, "Dates attended"), align="L")
    pdf.set_font(FAMILY, "", 11)
    days = "; ".join(format_date(day, language) for day in cert.dates) or "—"
    pdf.multi_cell(width, 6, days, align="L")
    pdf.ln(3)
    hours = hours_text(cert.minutes, language)
    pdf.multi_cell(width, 6, translate(language, "Total: %(hours)s hours", hours=hours), align="L")
    pdf.multi_cell(
        width,
        6,
        translate(language, "Issued on %(date)s", date=format_date(cert.issued_on, language)),
        align="L",
    )
    pdf.ln(18)
    pdf.cell(90, 6, "_" * 40, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.multi_cell(
        width,
        6,
        translate(language, "Signed on behalf of %(organisation)s",
                  organisation=cert.organisation_name),
        align="L",
    )  # fmt: skip
    pdf.ln(14)
    pdf.set_font(FAMILY, "", 10)
    pdf.multi_cell(
        width, 5, translate(language, "Verification code: %(code)s", code=cert.code), align="L"
    )
    pdf.multi_cell(
        width,
        5,
        translate(language, "Check this certificate at %(url)s", url=urls.certificate_verify()),
        align="L",
    )
    pdf.multi_cell(width, 5, urls.certificate_page(cert.code), align="L")
    if cert.revoked:
        pdf.ln(6)
        pdf.set_font(FAMILY, "B", 14)
        pdf.multi_cell(
            width, 8, translate(language, "This certificate has been withdrawn."), align="C"
        )


def render_pdf(certificates: Sequence[CertificateText]) -> bytes:
    """One PDF with a page per certificate (at least one)."""
    if not certificates:
        raise ValueError("a PDF needs at least one certificate")
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(22, 18, 22)
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    first = certificates[0]
    pdf.set_title(f"{translate(first.language, HEADING)}: {first.title}")
    pdf.set_author(first.organisation_name)
    pdf.set_lang(first.language)
    pdf.set_creation_date(datetime.combine(first.issued_on, time(), tzinfo=UTC))
    for cert in certificates:
        _page(pdf, cert)
    return bytes(pdf.output())
