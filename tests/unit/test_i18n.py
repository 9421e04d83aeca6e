"""The catalogues and the date words: complete in Dutch, consistent, and the same as the code."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from babel.messages.pofile import read_po

from events_app import i18n
from events_app.i18n import (
    LOCALE_DIR,
    LOCALES,
    extract_messages,
    format_datetime,
    format_span,
    mail_environment,
    translate,
    translations,
)

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def wall(*args: int) -> datetime:
    return datetime(*args)  # noqa: DTZ001 - wall-clock time, the zone travels separately


def catalog(language: str):  # type: ignore[no-untyped-def]
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=LOCALES[language])


def messages(language: str) -> list:  # type: ignore[type-arg]
    return [m for m in catalog(language) if m.id]


def test_every_dutch_message_is_translated() -> None:
    missing = []
    for message in messages("nl"):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(s.strip() for s in strings) or message.fuzzy:
            missing.append(message.id)
    assert missing == []


@pytest.mark.parametrize("language", ["nl", "en"])
def test_placeholders_match_the_source(language: str) -> None:
    for message in messages(language):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            if string:
                assert set(PLACEHOLDER.findall(string)) == expected, message.id


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_catalogue_has_every_string_in_the_code_and_nothing_stale(language: str) -> None:
    in_code = {m.id for m in extract_messages() if m.id}
    in_catalogue = {m.id for m in messages(language)}
    assert in_code - in_catalogue == set(), "run: python -m events_app.i18n"
    assert in_catalogue - in_code == set()


def test_translations_are_compiled_in_memory() -> None:
    assert translations("nl").gettext("Hello,") == "Hallo,"
    assert translations("en").gettext("Hello,") == "Hello,"
    assert translations("xx").gettext("Hello,") == "Hallo,"  # unknown: Dutch first
    nl = translations("nl")
    assert nl.ngettext("%(num)s person is registered.", "%(num)s people are registered.", 1) == (
        "Er is %(num)s persoon aangemeld."
    )
    assert nl.ngettext("%(num)s person is registered.", "%(num)s people are registered.", 3) == (
        "Er zijn %(num)s mensen aangemeld."
    )


def test_dates_in_words_in_the_dates_own_zone() -> None:
    winter = format_span(wall(2026, 12, 17, 15), wall(2026, 12, 17, 16), "Europe/Amsterdam", "nl")
    assert winter == "donderdag 17 december 2026, van 15:00 tot 16:00 uur (tijd in Nederland)"
    summer = format_span(wall(2026, 7, 2, 9, 30), wall(2026, 7, 2, 12), "Europe/Amsterdam", "en")
    assert summer == "Thursday 2 July 2026, 09:30 to 12:00 (Netherlands Time)"
    days = format_span(wall(2026, 3, 2, 9), wall(2026, 3, 4, 17), "Europe/Amsterdam", "nl")
    assert days == (
        "van maandag 2 maart 2026, 09:00 uur tot woensdag 4 maart 2026, 17:00 uur"
        " (tijd in Nederland)"
    )
    assert "United Kingdom Time" in format_span(
        wall(2026, 3, 2, 9), wall(2026, 3, 2, 10), "Europe/London", "en"
    )
    assert format_datetime(wall(2026, 1, 5, 8), "en") == "Monday 5 January 2026, 08:00"
    assert translate("nl", "yes") == "ja"


def test_mail_environment_escapes_html_and_not_text() -> None:
    env = mail_environment("nl")
    values = {"name": "", "org_name": "<b>Vet</b>", "contact_email": "o@x.org"}
    assert "&lt;b&gt;Vet&lt;/b&gt;" in env.get_template("mail/base.html").render(
        **values, subject="<b>", language="nl", kind=""
    )
    text = env.get_template("mail/base.txt").render(**{**values, "name": "<b>"}, kind="")
    assert "Hallo <b>," in text and "<b>Vet</b>" in text
    assert str(i18n.keep_lines("<a>\nb")) == "&lt;a&gt;<br>\nb"
    assert i18n.one_line("Zaal 2\r\n  Plein 1 \n\nUtrecht") == "Zaal 2, Plein 1, Utrecht"
