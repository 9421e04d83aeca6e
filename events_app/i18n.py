"""Dutch and English: gettext catalogues, dates in words, and the Jinja environment for mail.

The catalogues (``events_app/locale/{nl,en}/LC_MESSAGES/messages.po``) are shared with the web
pages.  Source strings are English; Dutch is written in plain language (B1).  The ``.po`` files
are compiled in memory the first time a language is used, so there is no build step and no
``.mo`` file to forget.  ``python -m events_app.i18n`` re-extracts the strings from the code and
templates and merges them into both catalogues (new Dutch entries then need a translation: a
unit test fails until they have one).
"""

from __future__ import annotations

import functools
import io
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date
from babel.dates import format_time as _babel_time
from babel.dates import get_timezone_location
from babel.messages.catalog import Catalog
from babel.messages.extract import extract, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from events_app.settings import ROOT

__all__ = [
    "N_",
    "SITE_NAME",
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "Language",
    "LOCALE_DIR",
    "choose_language",
    "extract_messages",
    "format_date",
    "format_datetime",
    "format_span",
    "format_time",
    "keep_lines",
    "locale_for",
    "mail_environment",
    "one_line",
    "translate",
    "translations",
    "update_catalogues",
    "zone_label",
]

# The languages of pages, mails and feeds, stored and sent as these codes.  A Literal rather
# than a StrEnum: every function that takes a language is typed with it, and the API's schema
# lists the codes; LANGUAGES is the same list for code that checks a value at run time.
Language = Literal["nl", "en"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
# Each language by its own name (a language switch is read by who speaks it: never translated).
LANGUAGE_NAMES: dict[Language, str] = {"nl": "Nederlands", "en": "English"}
SITE_NAME = {"nl": "Agenda ervaringskennis", "en": "Experiential knowledge events"}
DEFAULT_LANGUAGE = "nl"
LOCALES = {"nl": "nl_NL", "en": "en_GB"}
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
TEMPLATES = ROOT / "templates"
# Python code marks strings with translate(language, "…") or N_("…").
PYTHON_KEYWORDS: dict[str, Any] = {"translate": (2,), "N_": None}
DATE_FORMAT = "EEEE d MMMM y"  # "donderdag 17 december 2026", "Thursday 17 December 2026"
SHORT_DATE_FORMAT = "EEEE d MMMM"  # subject lines: "donderdag 17 december"
TIME_FORMAT = "HH:mm"


def _python_sources() -> list[Path]:
    """The Python files whose strings are extracted: the whole package."""
    return sorted(Path(__file__).resolve().parent.rglob("*.py"))


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet (translated where it is used)."""
    return message


def choose_language(*candidates: str | None) -> str:
    """The first supported language among the candidates, else Dutch."""
    for candidate in candidates:
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE


def locale_for(language: str) -> str:
    return LOCALES[choose_language(language)]


@functools.cache
def translations(language: str) -> Translations:
    """The compiled catalogue of ``language`` (nl or en), read once per process."""
    language = choose_language(language)
    path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as source:
        catalog = read_po(source, locale=LOCALES[language])
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled)


def translate(language: str, message: str, **values: Any) -> str:
    """Translate ``message`` and fill in ``%(name)s`` placeholders."""
    text: str = translations(language).gettext(message)
    return text % values if values else text


def format_date(value: date | datetime, language: str, format: str = DATE_FORMAT) -> str:
    return str(_babel_date(value, format, locale=locale_for(language)))


def format_time(value: datetime, language: str, format: str = TIME_FORMAT) -> str:
    return str(_babel_time(value, format, locale=locale_for(language)))


def format_datetime(value: datetime, language: str) -> str:
    """A date and time in words, e.g. "donderdag 17 december 2026, 15:00"."""
    return translate(
        language,
        "%(date)s, %(time)s",
        date=format_date(value, language),
        time=format_time(value, language),
    )


def zone_label(tz: str, language: str) -> str:
    """The zone in plain words: "tijd in Nederland", "Netherlands Time"."""
    return str(get_timezone_location(ZoneInfo(tz), locale=locale_for(language)))


def format_span(local_start: datetime, local_end: datetime, tz: str, language: str) -> str:
    """When a date happens, in its own wall-clock time and zone:
    "donderdag 17 december 2026, 15:00 tot 16:00 (tijd in Nederland)"."""
    zone = zone_label(tz, language)
    if local_start.date() == local_end.date():
        return translate(
            language,
            "%(date)s, %(start)s to %(end)s (%(zone)s)",
            date=format_date(local_start, language),
            start=format_time(local_start, language),
            end=format_time(local_end, language),
            zone=zone,
        )
    return translate(
        language,
        "%(start)s to %(end)s (%(zone)s)",
        start=format_datetime(local_start, language),
        end=format_datetime(local_end, language),
        zone=zone,
    )


def _split_lines(value: str) -> list[str]:
    return str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n")


def keep_lines(value: str) -> Markup:
    """Plain text written by a person (an address), safe in HTML: escaped, line breaks kept."""
    return Markup("<br>\n").join(escape(line) for line in _split_lines(value))


def one_line(value: str) -> str:
    """An address of several lines on one line ("Zaal 2, Stationsplein 1, Utrecht")."""
    return ", ".join(line.strip() for line in _split_lines(value) if line.strip())


@functools.cache
def mail_environment(language: str) -> Environment:
    """The Jinja environment for mail templates in ``language`` (cached per language).

    Autoescape is on for ``.html`` and off for ``.txt``; ``{% trans %}`` blocks are trimmed
    so that their line breaks do not end up in the catalogue.  Undefined names raise.
    """
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(  # type: ignore[attr-defined]
        translations(language), newstyle=True
    )
    env.filters["lines"] = keep_lines  # line breaks kept ("paragraphs" in pages makes <p>s)
    env.globals["language"] = choose_language(language)
    return env


def extract_messages() -> Catalog:
    """Every translatable string in the templates (mail and pages) and the package's code."""
    catalog = Catalog(project="events_app", charset="utf-8")
    options = {"trimmed": "true", "silent": "false"}
    found = extract_from_dir(
        str(TEMPLATES),
        method_map=[("**.html", "jinja2"), ("**.txt", "jinja2")],
        options_map={"**.html": options, "**.txt": options},
    )
    for filename, lineno, message, comments, context in found:
        where = f"templates/{filename}"
        catalog.add(message, None, [(where, lineno)], auto_comments=comments, context=context)
    for path in _python_sources():
        with path.open("rb") as source:
            for lineno, message, comments, context in extract(
                "python", source, keywords=PYTHON_KEYWORDS
            ):
                where = str(path.relative_to(ROOT))
                catalog.add(
                    message, None, [(where, lineno)], auto_comments=comments, context=context
                )
    return catalog


def update_catalogues() -> None:
    """Merge newly extracted strings into both ``.po`` files (keeps existing translations)."""
    template = extract_messages()
    for language in LANGUAGES:
        path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as source:
            catalog = read_po(source, locale=LOCALES[language])
        catalog.update(template, no_fuzzy_matching=True)
        with path.open("wb") as target:
            write_po(target, catalog, width=100, omit_header=False, ignore_obsolete=True)


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    update_catalogues()
    print(f"events_app: updated the catalogues in {LOCALE_DIR}")
