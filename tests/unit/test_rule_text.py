"""The rule in words: every documented example in Dutch and English, plus the true fallback."""

from __future__ import annotations

from datetime import date, time

import pytest

from events_app.domain.errors import DomainError
from events_app.domain.rule_text import describe

START, END = time(15), time(16)


@pytest.mark.parametrize(
    "rule, nl, en",
    [
        (
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
            "elke twee weken op donderdag, 15:00–16:00",
            "every two weeks on Thursday, 15:00–16:00",
        ),
        (
            "FREQ=WEEKLY;BYDAY=MO,WE",
            "elke week op maandag en woensdag, 15:00–16:00",
            "every week on Monday and Wednesday, 15:00–16:00",
        ),
        (
            "FREQ=WEEKLY;BYDAY=MO,WE,FR",
            "elke week op maandag, woensdag en vrijdag, 15:00–16:00",
            "every week on Monday, Wednesday and Friday, 15:00–16:00",
        ),
        (
            "FREQ=WEEKLY;INTERVAL=3;BYDAY=TU",
            "elke drie weken op dinsdag, 15:00–16:00",
            "every three weeks on Tuesday, 15:00–16:00",
        ),
        (
            "FREQ=WEEKLY;INTERVAL=12;BYDAY=SU",
            "elke twaalf weken op zondag, 15:00–16:00",
            "every twelve weeks on Sunday, 15:00–16:00",
        ),
        (
            "FREQ=WEEKLY;INTERVAL=13;BYDAY=SA",
            "elke 13 weken op zaterdag, 15:00–16:00",
            "every 13 weeks on Saturday, 15:00–16:00",
        ),
        (
            "FREQ=MONTHLY;BYDAY=2TU",
            "elke maand op de tweede dinsdag, 15:00–16:00",
            "every month on the second Tuesday, 15:00–16:00",
        ),
        (
            "FREQ=MONTHLY;BYDAY=-1FR",
            "elke maand op de laatste vrijdag, 15:00–16:00",
            "every month on the last Friday, 15:00–16:00",
        ),
        (
            "FREQ=MONTHLY;INTERVAL=2;BYDAY=1MO",
            "elke twee maanden op de eerste maandag, 15:00–16:00",
            "every two months on the first Monday, 15:00–16:00",
        ),
        (
            "FREQ=MONTHLY;BYMONTHDAY=15",
            "elke maand op de 15e, 15:00–16:00",
            "every month on the 15th, 15:00–16:00",
        ),
        (
            "FREQ=MONTHLY;BYMONTHDAY=1,22",
            "elke maand op de 1e en 22e, 15:00–16:00",
            "every month on the 1st and 22nd, 15:00–16:00",
        ),
        (
            "FREQ=MONTHLY;BYMONTHDAY=-1",
            "elke maand op de laatste dag, 15:00–16:00",
            "every month on the last day, 15:00–16:00",
        ),
        ("FREQ=DAILY", "elke dag, 15:00–16:00", "every day, 15:00–16:00"),
        ("FREQ=DAILY;INTERVAL=2", "elke twee dagen, 15:00–16:00", "every two days, 15:00–16:00"),
        ("FREQ=YEARLY", "elk jaar, 15:00–16:00", "every year, 15:00–16:00"),
        ("FREQ=YEARLY;INTERVAL=2", "elke twee jaar, 15:00–16:00", "every two years, 15:00–16:00"),
        (
            "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=15",
            "elk jaar op 15 maart, 15:00–16:00",
            "every year on 15 March, 15:00–16:00",
        ),
        (
            "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
            "elk jaar op de laatste zondag van maart, 15:00–16:00",
            "every year on the last Sunday of March, 15:00–16:00",
        ),
        (
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;COUNT=6",
            "elke twee weken op donderdag, 15:00–16:00, 6 keer",
            "every two weeks on Thursday, 15:00–16:00, 6 times",
        ),
        (
            "FREQ=WEEKLY;BYDAY=TH;COUNT=1",
            "elke week op donderdag, 15:00–16:00, 1 keer",
            "every week on Thursday, 15:00–16:00, once",
        ),
        (
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;UNTIL=20261218",
            "elke twee weken op donderdag, 15:00–16:00, tot en met 18 december 2026",
            "every two weeks on Thursday, 15:00–16:00, until 18 December 2026",
        ),
    ],
)
def test_examples_in_both_languages(rule: str, nl: str, en: str) -> None:
    assert describe(rule, START, END, "nl") == nl
    assert describe(rule, START, END, "en") == en


def test_one_off_names_its_date() -> None:
    first = date(2026, 11, 12)
    assert describe(None, START, END, "nl", first_date=first) == (
        "donderdag 12 november 2026, 15:00–16:00"
    )
    assert describe(None, START, END, "en", first_date=first) == (
        "Thursday 12 November 2026, 15:00–16:00"
    )
    assert describe(None, START, END, "nl") == "eenmalig, 15:00–16:00"
    assert describe(None, START, END, "en") == "once, 15:00–16:00"


def test_day_taken_from_the_first_date_is_named_when_known() -> None:
    first = date(2026, 11, 12)  # a Thursday
    assert describe("FREQ=WEEKLY", START, END, "nl", first_date=first) == (
        "elke week op donderdag, 15:00–16:00"
    )
    assert describe("FREQ=WEEKLY", START, END, "en") == "every week, 15:00–16:00"
    assert describe("FREQ=MONTHLY", START, END, "en", first_date=first) == (
        "every month on the 12th, 15:00–16:00"
    )
    assert describe("FREQ=YEARLY", START, END, "nl", first_date=first) == (
        "elk jaar op 12 november, 15:00–16:00"
    )
    assert describe("FREQ=YEARLY;BYMONTH=3", START, END, "en", first_date=first) == (
        "every year on 12 March, 15:00–16:00"
    )


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",  # the last working day
        "FREQ=MONTHLY;BYDAY=TU",  # every Tuesday, said monthly
        "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13",  # Friday the 13th
        "FREQ=MONTHLY;BYMONTHDAY=-2",
        "FREQ=MONTHLY;BYMONTH=1,7;BYMONTHDAY=5",
        "FREQ=DAILY;BYDAY=MO,TU",
        "FREQ=WEEKLY;BYMONTH=6;BYDAY=MO",
        "FREQ=YEARLY;BYMONTHDAY=15",  # the 15th of every month
        "FREQ=YEARLY;BYDAY=20MO",
        "FREQ=YEARLY;BYMONTH=3,9;BYMONTHDAY=1",
    ],
)
def test_patterns_without_an_exact_phrase_get_a_true_fallback(rule: str) -> None:
    assert describe(rule, START, END, "nl") == "volgens een eigen herhaalpatroon, 15:00–16:00"
    assert describe(rule, START, END, "en") == "on a custom repeating pattern, 15:00–16:00"


def test_fallback_still_tells_how_long() -> None:
    assert describe("FREQ=MONTHLY;BYDAY=TU;COUNT=4", time(9, 30), time(12), "en") == (
        "on a custom repeating pattern, 09:30–12:00, 4 times"
    )


def test_rule_with_prefix_and_lowercase_is_understood() -> None:
    assert describe("RRULE:freq=weekly;byday=th", START, END, "en") == (
        "every week on Thursday, 15:00–16:00"
    )


def test_invalid_rule_is_a_domain_error() -> None:
    with pytest.raises(DomainError) as info:
        describe("FREQ=HOURLY", START, END, "nl")
    assert info.value.code == "invalid_rrule"
