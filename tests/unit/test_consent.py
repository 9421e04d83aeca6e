"""The consent text a reader sees: their language's wording when the organisation wrote one."""

from __future__ import annotations

import pytest

from events_app.domain.consent import Consent, check_consent, consent_for
from events_app.domain.errors import DomainError

OWN = "Ik geef toestemming om mijn gegevens te bewaren tot na de bijeenkomst."
ENGLISH = "I agree that my details are kept until after the meeting."


def test_english_readers_get_the_english_wording() -> None:
    assert consent_for(OWN, ENGLISH, "nl", "en") == Consent(ENGLISH, "en")
    assert consent_for(OWN, ENGLISH, "nl", "nl") == Consent(OWN, "nl")


def test_without_an_english_wording_the_own_text_is_shown_marked_with_its_language() -> None:
    assert consent_for(OWN, "  ", "nl", "en") == Consent(OWN, "nl")


def test_no_own_text_means_no_tick_box_whatever_the_english_says() -> None:
    assert consent_for("", ENGLISH, "nl", "en") is None
    assert consent_for(" \n", "", "nl", "nl") is None


def test_an_english_wording_alone_is_refused() -> None:
    with pytest.raises(DomainError) as refused:
        check_consent("", ENGLISH)
    assert refused.value.field == "consent_text_en"
    check_consent(OWN, "")
    check_consent(OWN, ENGLISH)
    check_consent("", "")
