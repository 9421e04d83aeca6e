"""The pure rules of the pool (fees in euros, consent, matching, the town of an address) and the
counting of the overview (months, topics, answered within a week, bars)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from events_app.domain.errors import DomainError, Refusals
from events_app.domain.experts import (
    ExpertForm,
    check_expert,
    euros,
    match_score,
    parse_fee,
    split_topics,
    town_of,
)
from events_app.domain.request_figures import (
    Count,
    bars,
    in_time,
    last_months,
    parse_month,
    per_month,
    per_topic,
)

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "cents"),
    [("85", 8500), ("85,50", 8550), ("85.5", 8550), ("€ 85,05", 8505), ("0", 0), ("", 0)],
)
def test_a_fee_is_typed_in_euros_and_kept_in_cents(typed: str, cents: int) -> None:
    assert parse_fee(typed) == cents


@pytest.mark.parametrize("typed", ["-5", "85,505", "tachtig", "1e3", "85,-", "99999999"])
def test_a_fee_that_is_not_an_amount_is_refused_at_its_field(typed: str) -> None:
    with pytest.raises(DomainError) as refused:
        parse_fee(typed)
    assert refused.value.field == "fee"


def test_euros_have_a_dot_and_two_decimals() -> None:
    assert [euros(c) for c in (0, 5, 8550, 12000)] == ["0.00", "0.05", "85.50", "120.00"]


def test_topics_are_split_and_each_kept_once() -> None:
    assert split_topics("psychose, Herstel;herstel\n  naasten  ,") == (
        "psychose",
        "Herstel",
        "naasten",
    )


def _form(**changes: object) -> ExpertForm:
    values: dict[str, object] = {"name": "Esra", "email": "esra@example.org", "consent": True}
    values.update(changes)
    return ExpertForm(**values)  # type: ignore[arg-type]


def test_a_new_expert_needs_consent_and_every_problem_is_named() -> None:
    with pytest.raises(Refusals) as refused:
        check_expert(
            _form(consent=False, name=" ", email="nope", languages=("xx",), fee_cents=-1),
            new=True,
            now=NOW,
        )
    fields = {r.field for r in refused.value.refusals}
    assert fields == {"consent", "name", "email", "languages", "fee"}
    assert check_expert(_form(consent=False), new=False, now=NOW).name == "Esra"
    with pytest.raises(DomainError) as future:
        check_expert(_form(consent_at=NOW + timedelta(days=1)), new=True, now=NOW)
    assert future.value.field == "consent_at"


def test_experts_whose_topic_and_language_fit_score_highest() -> None:
    assert match_score(["Psychose", "werk"], ["nl"], "Herstel na een psychose", "nl") == 3
    assert match_score(["werk"], ["nl"], "Herstel na een psychose", "nl") == 1
    assert match_score(["psychose"], ["en"], "psychose", "nl") == 2
    assert match_score([], [], "psychose", "nl") == 0


@pytest.mark.parametrize(
    ("address", "town"),
    [
        ("Hogeschool Zuid, Schoolstraat 12, 3511 AB Utrecht", "Utrecht"),
        ("Schoolstraat 12 3511AB Utrecht", "Utrecht"),
        ("Utrecht", "Utrecht"),
        ("Schoolstraat 12", ""),
        ("Hogeschool Zuid, Schoolstraat 12", ""),
        ("", ""),
    ],
)
def test_an_expert_learns_the_town_never_the_street(address: str, town: str) -> None:
    assert town_of(address) == town


def test_the_last_twelve_months_with_every_month_counted() -> None:
    months = last_months(date(2026, 2, 10))
    assert months[0] == "2025-03" and months[-1] == "2026-02" and len(months) == 12
    counted = per_month(
        [datetime(2026, 2, 1, 9, tzinfo=UTC), datetime(2026, 2, 28, 9, tzinfo=UTC)], months
    )
    assert counted[-1].count == 2 and sum(c.count for c in counted) == 2


@pytest.mark.parametrize("typed", ["2026-13", "2026-1", "26-01", "1999-12", "december"])
def test_a_month_is_typed_as_year_and_month(typed: str) -> None:
    with pytest.raises(DomainError):
        parse_month(typed)
    assert parse_month("2026-12") == "2026-12"


def test_topics_are_grouped_without_case_and_spacing() -> None:
    found = per_topic(["Herstel", " herstel ", "HERSTEL!", "Naasten", "", "  "])
    assert [(c.key, c.label, c.count) for c in found] == [
        ("herstel", "Herstel", 3),
        ("naasten", "Naasten", 1),
    ]


def test_unanswered_requests_younger_than_a_week_are_not_counted() -> None:
    week = timedelta(days=7)
    found = in_time(
        [
            (NOW - 2 * week, NOW - 2 * week + timedelta(days=1)),  # in time
            (NOW - 3 * week, NOW - week),  # late
            (NOW - 2 * week, None),  # the week is over without an answer: late
            (NOW - timedelta(days=3), None),  # still within its week: not counted
        ],
        NOW,
    )
    assert (found.answered_in_time, found.late, found.waiting) == (1, 2, 1)
    assert found.percent == 33
    assert in_time([(NOW, None)], NOW).percent is None


def test_bars_fill_the_chart_and_zero_has_no_bar() -> None:
    drawn = bars(
        [Count("a", "a", 4), Count("b", "b", 0), Count("c", "c", 2)], width=300, height=100
    )
    assert [b.height for b in drawn] == [100, 0, 50]
    assert [b.y for b in drawn] == [0, 100, 50]
    assert all(b.x + b.width <= 300 for b in drawn)
    assert bars([]) == []
