"""Dutch public holidays among a series' dates: moving feasts, King's Day, names in nl and en."""

from __future__ import annotations

from datetime import date, timedelta

from events_app.domain.holidays import Holiday, choose, holidays_among


def _weekly(start: date, weeks: int) -> list[date]:
    return [start + timedelta(weeks=n) for n in range(weeks)]


def test_a_weekly_friday_series_meets_good_friday_and_the_christmas_days() -> None:
    fridays = _weekly(date(2026, 12, 25), 20)  # 25 Dec 2026 is a Friday
    found = holidays_among(fridays)
    assert [h.day for h in found] == [date(2026, 12, 25), date(2027, 1, 1), date(2027, 3, 26)]
    assert found[0].name("nl") == "Eerste kerstdag" and found[0].name("en") == "Christmas Day"
    assert found[2].name("nl") == "Goede vrijdag"


def test_moving_feasts_follow_the_year() -> None:
    mondays_2027 = _weekly(date(2027, 3, 1), 14)
    names = {h.day: h.name_nl for h in holidays_among(mondays_2027)}
    assert names == {date(2027, 3, 29): "Tweede paasdag", date(2027, 5, 17): "Tweede pinksterdag"}


def test_kings_day_moves_to_saturday_when_27_april_is_a_sunday() -> None:
    days = [date(2025, 4, 26), date(2025, 4, 27)]  # 27 April 2025 was a Sunday
    assert holidays_among(days) == [Holiday(date(2025, 4, 26), "Koningsdag", "King's Day")]


def test_ordinary_days_and_no_days_give_nothing() -> None:
    assert holidays_among([]) == []
    assert holidays_among([date(2026, 12, 17), date(2027, 1, 7)]) == []
    assert len(holidays_among([date(2026, 12, 25)] * 3)) == 1


def test_an_unseen_holiday_is_skipped_and_a_seen_one_only_while_ticked() -> None:
    christmas, new_year = holidays_among([date(2026, 12, 25), date(2027, 1, 1)])
    first_look = choose([christmas, new_year], offered=set(), ticked=set())
    assert [c.skip for c in first_look] == [True, True]
    seen = {christmas.day, new_year.day}
    kept_new_year = choose([christmas, new_year], offered=seen, ticked={christmas.day})
    assert [c.skip for c in kept_new_year] == [True, False]
