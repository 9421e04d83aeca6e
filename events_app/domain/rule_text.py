"""A series' repeat rule in plain words, in Dutch and English, for pages, mails and previews.

Only patterns that can be said exactly get their own sentence ("elke twee weken op donderdag").
Anything else gets a generic phrase that is still true ("volgens een eigen herhaalpatroon"):
a visitor who reads a wrong day plans around it, a vague phrase only sends them to the date list.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time

from babel.dates import format_date, get_month_names

from events_app.domain.rrules import RuleParts, rule_parts
from events_app.i18n import Language as Lang

__all__ = ["Lang", "describe"]


_NUMBERS = {
    "nl": (
        "",
        "een",
        "twee",
        "drie",
        "vier",
        "vijf",
        "zes",
        "zeven",
        "acht",
        "negen",
        "tien",
        "elf",
        "twaalf",
    ),
    "en": (
        "",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
    ),
}
_WEEKDAYS = {
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_NTH = {
    "nl": {
        1: "eerste",
        2: "tweede",
        3: "derde",
        4: "vierde",
        5: "vijfde",
        -1: "laatste",
        -2: "voorlaatste",
    },
    "en": {
        1: "first",
        2: "second",
        3: "third",
        4: "fourth",
        5: "fifth",
        -1: "last",
        -2: "second to last",
    },
}
# (every + singular, plural unit) per frequency: "elk jaar" but "elke twee jaar"
_EVERY = {
    "nl": {
        "DAILY": ("elke dag", "dagen"),
        "WEEKLY": ("elke week", "weken"),
        "MONTHLY": ("elke maand", "maanden"),
        "YEARLY": ("elk jaar", "jaar"),
    },
    "en": {
        "DAILY": ("every day", "days"),
        "WEEKLY": ("every week", "weeks"),
        "MONTHLY": ("every month", "months"),
        "YEARLY": ("every year", "years"),
    },
}
_WORDS = {
    "nl": {
        "every": "elke",
        "on": "op",
        "the": "de",
        "and": "en",
        "of": "van",
        "once": "eenmalig",
        "custom": "volgens een eigen herhaalpatroon",
        "last_day": "de laatste dag",
        "until": "tot en met",
    },
    "en": {
        "every": "every",
        "on": "on",
        "the": "the",
        "and": "and",
        "of": "of",
        "once": "once",
        "custom": "on a custom repeating pattern",
        "last_day": "the last day",
        "until": "until",
    },
}


def describe(
    rule: str | None,
    local_start: time,
    local_end: time,
    lang: Lang,
    *,
    first_date: date | None = None,
) -> str:
    """The rule and times in words, e.g. "elke twee weken op donderdag, 15:00–16:00".

    ``first_date`` lets a one-off name its date, and lets rules that take their weekday or day
    of the month from the first date (a bare FREQ=WEEKLY) name it too.
    """
    times = f"{local_start:%H:%M}–{local_end:%H:%M}"
    words = _WORDS[lang]
    if rule is None:
        if first_date is None:
            return f"{words['once']}, {times}"
        return f"{_date(first_date, 'EEEE d MMMM y', lang)}, {times}"
    parts = rule_parts(rule)
    text = f"{_pattern(parts, lang, first_date) or words['custom']}, {times}"
    if parts.count is not None:
        if lang == "nl":
            text += f", {parts.count} keer"
        else:
            text += ", once" if parts.count == 1 else f", {parts.count} times"
    if parts.until is not None:
        text += f", {words['until']} {_date(parts.until, 'd MMMM y', lang)}"
    return text


def _pattern(p: RuleParts, lang: Lang, first: date | None) -> str | None:
    """The exact phrase for the common patterns, or None when only the fallback is true."""
    words = _WORDS[lang]
    singular, plural = _EVERY[lang][p.freq]
    every = singular
    if p.interval > 1:
        every = f"{words['every']} {_number(p.interval, lang)} {plural}"
    if p.bysetpos or (p.freq in ("DAILY", "WEEKLY", "MONTHLY") and p.bymonth):
        return None
    if p.freq == "DAILY":
        return None if p.byday or p.bymonthday else every
    if p.freq == "WEEKLY":
        weekdays = [d for d, _ in p.byday] or ([first.weekday()] if first else [])
        names = [_WEEKDAYS[lang][d] for d in weekdays]
        return f"{every} {words['on']} {_join(names, lang)}" if names else every
    if p.byday and p.bymonthday:
        return None
    if p.freq == "MONTHLY":
        if p.byday:
            nth = _nth_weekdays(p.byday, lang)
            return None if nth is None else f"{every} {words['on']} {nth}"
        days = p.bymonthday or ((first.day,) if first else ())
        if days == (-1,):
            return f"{every} {words['on']} {words['last_day']}"
        if any(d < 0 for d in days):
            return None
        named = _join([_ordinal(d, lang) for d in days], lang)
        return f"{every} {words['on']} {words['the']} {named}" if days else every
    # YEARLY: one month with one day, or one month with one numbered weekday
    if len(p.bymonth) > 1 or len(p.bymonthday) > 1 or len(p.byday) > 1:
        return None
    if p.byday:
        nth = _nth_weekdays(p.byday, lang)
        if nth is None or len(p.bymonth) != 1:
            return None
        return f"{every} {words['on']} {nth} {words['of']} {_month(p.bymonth[0], lang)}"
    if p.bymonthday and not p.bymonth:  # BYMONTHDAY=15 alone: the 15th of every month
        return None
    if not p.bymonth and not p.bymonthday and first is None:
        return every
    month = p.bymonth[0] if p.bymonth else first.month if first else None
    day = p.bymonthday[0] if p.bymonthday else first.day if first else None
    if month is None or day is None or day < 0:
        return None
    return f"{every} {words['on']} {day} {_month(month, lang)}"


def _nth_weekdays(byday: Sequence[tuple[int, int]], lang: Lang) -> str | None:
    """ "de tweede dinsdag" / "the last Friday"; None for "every Tuesday of the month" and
    numbers we have no word for, which the fallback covers."""
    if any(n not in _NTH[lang] for _, n in byday):
        return None
    the = _WORDS[lang]["the"]
    return _join([f"{the} {_NTH[lang][n]} {_WEEKDAYS[lang][d]}" for d, n in byday], lang)


def _number(n: int, lang: Lang) -> str:
    return _NUMBERS[lang][n] if n < len(_NUMBERS[lang]) else str(n)


def _ordinal(day: int, lang: Lang) -> str:
    if lang == "nl":
        return f"{day}e"
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _join(items: Sequence[str], lang: Lang) -> str:
    """ "maandag, woensdag en vrijdag" / "Monday, Wednesday and Friday"."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {_WORDS[lang]['and']} {items[-1]}"


def _date(value: date, pattern: str, lang: Lang) -> str:
    return str(format_date(value, pattern, locale=lang))


def _month(month: int, lang: Lang) -> str:
    return str(get_month_names("wide", locale=lang)[month])
