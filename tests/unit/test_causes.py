"""Reasons the app gives are codes, said in the reader's language; the organiser's own words
are shown as typed."""

from __future__ import annotations

import pytest

from events_app.domain.causes import CAUSES, PAUSED, SCHEDULE_CHANGED, SERIES_ENDED, reason_text


def test_a_cause_is_said_in_each_language() -> None:
    assert reason_text(SCHEDULE_CHANGED, "", "en") == (
        "The series has a new schedule and no longer meets on this date."
    )
    assert reason_text(SCHEDULE_CHANGED, "", "nl") == (
        "De reeks heeft een nieuw schema. Op deze datum is er geen bijeenkomst meer."
    )
    assert reason_text(SERIES_ENDED, None, "nl") == "De reeks stopt."


@pytest.mark.parametrize("cause", sorted(CAUSES))
def test_every_cause_has_its_own_dutch_words(cause: str) -> None:
    dutch, english = reason_text(cause, "", "nl"), reason_text(cause, "", "en")
    assert dutch and english and dutch != english


def test_own_words_win_and_unknown_codes_say_nothing() -> None:
    assert reason_text(PAUSED, "  De zaal is dicht. ", "en") == "De zaal is dicht."
    assert reason_text("no_such_cause", "", "nl") == ""
    assert reason_text("", "   ", "en") == ""
    assert reason_text(None, None, "en") == ""
