"""The certificate rules without a database: the threshold (percentage of the held dates or
hours), the input that sets it, the codes (100 random bits, read back forgivingly), and the
PDF: every name renders with the bundled font, a page per certificate, in its language."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from events_app.documents.certificate_pdf import CertificateText, hours_text, render_pdf
from events_app.domain.certificates import (
    Measure,
    Threshold,
    check_threshold,
    new_code,
    normalise_code,
    standing,
)
from events_app.domain.errors import DomainError
from events_app.domain.participation import Held

START = datetime(2026, 11, 5, 14, 0, tzinfo=UTC)


def _held(n: int, minutes: int = 90) -> list[Held]:
    return [
        Held(i, START + timedelta(weeks=i), START + timedelta(weeks=i, minutes=minutes))
        for i in range(n)
    ]


def test_a_percentage_counts_the_held_dates() -> None:
    held = _held(5)
    eighty = Threshold(Measure.percent, 80)
    assert standing(eighty, 5, held[:4]).meets
    assert not standing(eighty, 5, held[:3]).meets
    assert standing(eighty, 5, held[:4]).minutes == 360
    assert not standing(eighty, 0, []).meets  # nothing held: nobody meets a percentage
    # 2 of 3 is 66.7 %: it meets 66 and not 67 (no rounding up)
    assert standing(Threshold(Measure.percent, 66), 3, held[:2]).meets
    assert not standing(Threshold(Measure.percent, 67), 3, held[:2]).meets


def test_hours_count_the_attended_dates_lengths() -> None:
    held = _held(4, minutes=90)
    assert standing(Threshold(Measure.hours, 6), 4, held).meets
    assert not standing(Threshold(Measure.hours, 6), 4, held[:3]).meets  # 4.5 hours


@pytest.mark.parametrize(
    ("measure", "value"),
    [("percent", "0"), ("percent", "101"), ("hours", "10001"), ("hours", "1.5"),
     ("percent", "-3"), ("percent", "٨٠"), ("percent", ""), ("percent", "1" * 50),
     ("percent", True), ("days", "5"), ("", "5"), ("percent", None)],
)  # fmt: skip
def test_odd_thresholds_are_refused_at_their_field(measure: str, value: object) -> None:
    with pytest.raises(DomainError) as refused:
        check_threshold(measure, value)
    assert refused.value.field == ("measure" if measure not in ("percent", "hours") else "value")


def test_a_threshold_is_read_from_a_form_or_json() -> None:
    assert check_threshold("percent", " 80 ") == Threshold(Measure.percent, 80)
    assert check_threshold("hours", 120) == Threshold(Measure.hours, 120)


def test_codes_are_random_grouped_and_read_back_forgivingly() -> None:
    codes = {new_code() for _ in range(1000)}
    assert len(codes) == 1000
    code = codes.pop()
    assert len(code) == 24 and code.count("-") == 4
    assert normalise_code(code.lower().replace("-", " ")) == code
    assert normalise_code(f"  {code}\n") == code
    for bad in ("", "ABCD", "0000-0000-0000-0000-0000", code + "A", "é" * 20, "x" * 1000):
        assert normalise_code(bad) is None


@given(st.text(max_size=80))
def test_any_typed_text_is_a_code_or_nothing(typed: str) -> None:
    found = normalise_code(typed)
    assert found is None or normalise_code(found) == found


def test_hours_are_written_as_readers_write_them() -> None:
    assert hours_text(450, "nl") == "7,5" and hours_text(450, "en") == "7.5"
    assert hours_text(600, "nl") == "10"


def test_the_pdf_renders_every_name_with_its_own_font() -> None:
    names = ["Zoë van Dijk", "Łukasz Wiśniewski", "Çelik Öztürk", "Ђорђе Јовановић", "Ελένη"]
    certificates = [
        CertificateText(name, "Cursus ervaringskennis", "Netwerk Zuid",
                        (date(2026, 11, 5), date(2026, 11, 12)), 180, date(2026, 12, 4),
                        "ABCD-EFGH-JKLM-NPQR-STUV", "nl" if n % 2 else "en")
        for n, name in enumerate(names)
    ]  # fmt: skip
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(certificates))).pages]
    assert len(pages) == len(names)
    for page, cert in zip(pages, certificates, strict=True):
        assert cert.name in page and cert.code in page and "Netwerk Zuid" in page
    assert "Certificate of participation" in pages[0] and "3 hours" in pages[0]
    assert "/certificates/ABCD-EFGH-JKLM-NPQR-STUV" in pages[0]
    with pytest.raises(ValueError):
        render_pdf([])
