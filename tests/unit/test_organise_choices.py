"""The series form's choices read without a database: wall-clock moments in the series' zone
(summer and winter time), topics, the reminder, and every refusal at its field at once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from events_app.domain.errors import DomainError
from events_app.web.pages.organise_choices import Choices, choices_from, local_text


def _read(**fields: str) -> tuple[dict[str, object], list[DomainError]]:
    return choices_from(Choices(**fields), "Europe/Amsterdam", online=True, has_link=True)


def test_moments_are_dutch_wall_clock_time_in_summer_and_winter() -> None:
    values, found = _read(
        registration_opens="2027-06-01T10:00", registration_closes="2027-12-01 10:00"
    )
    assert found == []
    assert values["registration_opens_at"] == datetime(2027, 6, 1, 8, 0, tzinfo=UTC)
    assert values["registration_closes_at"] == datetime(2027, 12, 1, 9, 0, tzinfo=UTC)
    opens = values["registration_opens_at"]
    assert isinstance(opens, datetime)
    assert local_text(opens, "Europe/Amsterdam") == "2027-06-01T10:00"
    assert local_text(None, "Europe/Amsterdam") == ""


@pytest.mark.parametrize(
    "text", ["2027-02-30T10:00", "2027-06-01T25:00", "01-06-2027 10:00", "２０２７-06-01T10:00",
             "2027-06-01T10:00:00", "0000-01-01T00:00"]
)  # fmt: skip
def test_a_moment_that_is_not_one_is_refused_at_its_field(text: str) -> None:
    _, found = _read(registration_opens=text)
    assert [(e.code, e.field) for e in found] in (
        [("invalid_moment", "registration_opens")],
        [("day_out_of_range", "registration_opens")],
    )


def test_closing_must_come_after_opening() -> None:
    _, found = _read(registration_opens="2027-06-01T10:00", registration_closes="2027-06-01T10:00")
    assert [(e.code, e.field) for e in found] == [("closes_before_opens", "registration_closes")]


def test_topics_are_trimmed_once_each_and_limited() -> None:
    values, found = _read(tags=" Herstel ,Werk  en inkomen,\nHerstel,, ")
    assert found == [] and values["tags"] == ["Herstel", "Werk en inkomen"]
    assert _read(tags="x" * 40)[1] == []
    assert [e.code for e in _read(tags="x" * 41)[1]] == ["tag_too_long"]
    assert _read(tags=",".join(f"t{n}" for n in range(20)))[1] == []
    assert [e.code for e in _read(tags=",".join(f"t{n}" for n in range(21)))[1]] == [
        "too_many_tags"
    ]


@pytest.mark.parametrize("hours", ["0", "24", "336"])
def test_a_reminder_from_0_to_336_hours(hours: str) -> None:
    values, found = _read(reminder_hours=hours)
    assert found == [] and values["reminder_hours"] == int(hours)


@pytest.mark.parametrize("hours", ["337", "-1", "", "1e2", "٤٨", "0024", "24.5"])
def test_any_other_reminder_is_refused(hours: str) -> None:
    assert [(e.code, e.field) for e in _read(reminder_hours=hours)[1]] == [
        ("reminder_invalid", "reminder_hours")
    ]


def test_without_registering_a_link_for_registered_people_reaches_nobody() -> None:
    _, found = _read(registration_mode="none", link_visibility="registered")
    assert [(e.code, e.field) for e in found] == [("link_unreachable", "link_visibility")]
    assert _read(registration_mode="none", link_visibility="everyone")[1] == []
    offline = choices_from(
        Choices(registration_mode="none"), "Europe/Amsterdam", online=False, has_link=False
    )
    assert offline[1] == []


def test_every_refusal_at_once() -> None:
    _, found = _read(
        registration_mode="maybe",
        link_visibility="friends",
        registration_opens="morgen",
        registration_closes="overmorgen",
        reminder_hours="veel",
        tags="x" * 41,
        language="de",
        contact_email="geen adres",
    )
    assert sorted(e.field or "" for e in found) == sorted(
        ["registration_mode", "link_visibility", "registration_opens", "registration_closes",
         "reminder_hours", "tags", "language", "contact_email"]
    )  # fmt: skip
