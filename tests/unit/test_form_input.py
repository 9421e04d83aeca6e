"""The one page-form decoder: a Struct per form, lengths from one table, bad fields refused
(never cut) and every one of them named."""

from __future__ import annotations

import msgspec
import pytest
from litestar.datastructures import MultiDict

from events_app.web.pages.form_input import (
    LIMITS,
    FormRejected,
    Line,
    Name,
    Text,
    read_fields,
)


class Sample(msgspec.Struct):
    name: Name = ""
    note: Text = ""
    days: list[Line] = []
    answer: dict[str, Line] = {}
    from_: Line = msgspec.field(default="", name="from")


def test_fields_are_read_by_name_with_lists_maps_and_defaults() -> None:
    form = MultiDict(
        [
            ("name", "Zoë"),
            ("days", "1"),
            ("days", "3"),
            ("answer_7", "ja"),
            ("answer_8", "nee"),
            ("from", "2027-01-05"),
            ("other", "ignored"),
        ]
    )
    sent = read_fields(form, Sample)
    assert sent == Sample(name="Zoë", days=["1", "3"], answer={"7": "ja", "8": "nee"},
                          from_="2027-01-05")  # fmt: skip
    assert read_fields(MultiDict(), Sample) == Sample()


def test_every_bad_field_is_named_and_nothing_is_cut_silently() -> None:
    form = MultiDict(
        [
            ("name", "x" * (LIMITS["name"] + 1)),
            ("note", "a\x00b"),
            ("days", "1"),
            ("days", "y" * (LIMITS["line"] + 1)),
            ("answer_7", "\x00"),
        ]
    )
    with pytest.raises(FormRejected) as caught:
        read_fields(form, Sample)
    rejected = caught.value
    assert rejected.problems == {
        "name": ("too_long", LIMITS["name"]),
        "note": ("nul_character", LIMITS["text"]),
        "days": ("too_long", LIMITS["line"]),
        "answer_7": ("nul_character", LIMITS["line"]),
    }
    assert rejected.status_code == 400 and rejected.field == "name"
    assert rejected.form.name == "x" * LIMITS["name"]  # what is shown again
    assert rejected.form.note == "ab"
    messages = rejected.messages("en")
    assert messages["name"] == "Use at most 200 characters."
    assert rejected.messages("nl")["name"] == "Gebruik niet meer dan 200 tekens."
    assert messages["note"] == "Remove the invisible control character from this field."


def test_a_field_at_its_limit_is_accepted() -> None:
    sent = read_fields(MultiDict([("name", "x" * LIMITS["name"])]), Sample)
    assert len(sent.name) == LIMITS["name"]
