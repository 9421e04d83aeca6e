"""Public holidays that fall on a series' dates, offered to the organiser for skipping.

The dates come from the maintained ``holidays`` library (its Dutch calendar, with names in
Dutch and English), never from a list of our own: Easter, Ascension and Whitsun move every
year, and King's Day moves when 27 April is a Sunday.  Pure: no database, no "now".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import holidays as holiday_calendars

__all__ = ["COUNTRY", "Holiday", "HolidayChoice", "choose", "holidays_among"]

COUNTRY = "NL"
_LANGUAGES = {"nl": "nl", "en": "en_US"}


@dataclass(frozen=True, slots=True)
class Holiday:
    day: date
    name_nl: str
    name_en: str

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_nl


def holidays_among(days: Iterable[date], country: str = COUNTRY) -> list[Holiday]:
    """The public holidays among ``days``, in date order (each day once)."""
    wanted = sorted(set(days))
    if not wanted:
        return []
    years = range(wanted[0].year, wanted[-1].year + 1)
    names = {
        lang: holiday_calendars.country_holidays(country, years=years, language=code)
        for lang, code in _LANGUAGES.items()
    }
    return [
        Holiday(day, names["nl"][day], names["en"][day]) for day in wanted if day in names["nl"]
    ]


@dataclass(frozen=True, slots=True)
class HolidayChoice:
    holiday: Holiday
    skip: bool


def choose(holidays: list[Holiday], offered: set[date], ticked: set[date]) -> list[HolidayChoice]:
    """What the builder does with each holiday: one the organiser has not been shown yet is
    skipped (its box comes ticked); one they were shown is skipped only while it stays ticked."""
    return [HolidayChoice(h, h.day not in offered or h.day in ticked) for h in holidays]
