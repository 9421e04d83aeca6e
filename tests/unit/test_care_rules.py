"""Care rules without a database: when needs go, when aftercare goes and to whom."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from events_app.domain.errors import DomainError
from events_app.domain.needs import (
    AFTERCARE_WINDOW,
    aftercare_due,
    check_aftercare_hours,
    check_needs_days,
    needs_deleted_at,
    recipients_came,
)

END = datetime(2026, 12, 10, 21, 0, tzinfo=UTC)


def test_needs_go_the_given_number_of_days_after_the_date() -> None:
    assert needs_deleted_at(END, 7) == END + timedelta(days=7)
    assert needs_deleted_at(END, 0) == END


@pytest.mark.parametrize(("days", "retention", "ok"), [
    (0, 90, True), (7, 90, True), (90, 90, True), (91, 90, False), (-1, 90, False),
])  # fmt: skip
def test_needs_never_outlive_the_rest_of_the_data(days: int, retention: int, ok: bool) -> None:
    if ok:
        check_needs_days(days, retention)
    else:
        with pytest.raises(DomainError) as refused:
            check_needs_days(days, retention)
        assert refused.value.field == "needs_days"


@pytest.mark.parametrize(("hours", "ok"), [(1, True), (24, True), (336, True), (0, False),
                                           (337, False)])  # fmt: skip
def test_aftercare_hours_are_bounded(hours: int, ok: bool) -> None:
    if ok:
        check_aftercare_hours(hours)
    else:
        with pytest.raises(DomainError):
            check_aftercare_hours(hours)


def test_aftercare_is_due_from_its_moment_for_a_few_days() -> None:
    moment = END + timedelta(hours=24)
    assert not aftercare_due(END, 24, moment - timedelta(seconds=1))
    assert aftercare_due(END, 24, moment)
    assert aftercare_due(END, 24, moment + AFTERCARE_WINDOW - timedelta(seconds=1))
    assert not aftercare_due(END, 24, moment + AFTERCARE_WINDOW)


def test_aftercare_goes_to_those_who_came_once_anyone_was_marked() -> None:
    assert not recipients_came([None, None])
    assert not recipients_came([])
    assert recipients_came([None, True])
    assert recipients_came([False])


def test_needs_days_follow_a_shortened_retention() -> None:
    from events_app.domain.needs import default_needs_days, needs_days_after

    assert default_needs_days(90) == 7 and default_needs_days(3) == 3
    assert needs_days_after({"retention_days": 5}, 7, 90) == 5  # brought down with it
    assert needs_days_after({"retention_days": 60}, 7, 90) == 7  # left alone
    assert needs_days_after({"needs_days": 2}, 7, 90) == 2
    assert needs_days_after({"needs_days": 9, "retention_days": 5}, 7, 90) == 9  # then refused
