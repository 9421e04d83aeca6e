"""One enumeration per concept: every list of kinds, roles, formats and languages is read
from it, so a new value cannot be forgotten in one place (pure, no database)."""

from __future__ import annotations

from events_app import i18n
from events_app.agenda.public import FORMATS
from events_app.calendar.words import KINDS
from events_app.domain.person import ROLE_CHOICES, ROLE_LABELS, PersonRole
from events_app.tables import Registration, Series


def test_every_kind_has_words_in_both_languages() -> None:
    assert set(KINDS) == set(Series.Kind)
    assert all(nl.strip() and en.strip() for nl, en in KINDS.values())


def test_format_filters_name_stored_formats() -> None:
    assert set(FORMATS) <= set(Series.Format)
    for key, shown in FORMATS.items():
        assert key in shown and Series.Format.hybrid in shown


def test_every_person_role_has_its_words_and_is_what_the_table_stores() -> None:
    assert set(ROLE_LABELS) == set(ROLE_CHOICES) == set(PersonRole)
    assert {role.value for role in PersonRole} == {role.value for role in Registration.Role}


def test_every_language_has_a_locale_and_a_site_name() -> None:
    assert i18n.LANGUAGES == ("nl", "en")
    assert set(i18n.LOCALES) == set(i18n.SITE_NAME) == set(i18n.LANGUAGES)
    assert i18n.DEFAULT_LANGUAGE in i18n.LANGUAGES
