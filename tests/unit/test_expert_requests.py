"""The rules of a request for an expert, without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from events_app.domain.errors import DomainError, Forbidden, Refusals
from events_app.domain.expert_requests import (
    RequestForm,
    Who,
    answered_in_time,
    check_move,
    check_request,
    is_open,
)

TODAY = date(2027, 1, 10)


def _form(**changes: object) -> RequestForm:
    given: dict[str, object] = {
        "kind": "guest_lesson",
        "topic": "Herstel na een psychose",
        "contact_name": "Bo de Vries",
        "contact_email": "bo@example.org",
        "preferred_days": ("2027-02-01", "2027-02-08"),
        "format": "in_person",
        "address": "Schoolstraat 1, Utrecht",
        "people": 30,
    }
    given.update(changes)
    return RequestForm(**given)  # type: ignore[arg-type]


def test_a_complete_request_is_kept_with_its_days_in_order() -> None:
    checked = check_request(_form(preferred_days=("2027-02-08", "2027-02-01", "2027-02-01")), TODAY)
    assert checked.preferred_days == (date(2027, 2, 1), date(2027, 2, 8))
    assert checked.topic == "Herstel na een psychose"


def test_every_problem_is_named_at_its_field() -> None:
    with pytest.raises(Refusals) as refused:
        check_request(
            _form(
                kind="party", topic=" ", contact_name="", people=0, address="", format="in_person"
            ),
            TODAY,
        )
    fields = {r.field for r in refused.value.refusals}
    assert fields == {"kind", "topic", "contact_name", "people", "address"}


def test_a_request_needs_a_day_or_a_period() -> None:
    with pytest.raises(DomainError) as refused:
        check_request(_form(preferred_days=()), TODAY)
    assert refused.value.field == "preferred_days"
    assert check_request(_form(preferred_days=(), period="maart"), TODAY).period == "maart"


@pytest.mark.parametrize("day", ["2027-01-09", "2031-01-01", "gisteren", "2027-02-30"])
def test_past_far_and_impossible_days_are_refused(day: str) -> None:
    with pytest.raises(DomainError) as refused:
        check_request(_form(preferred_days=(day,)), TODAY)
    assert refused.value.field == "preferred_days"


def test_at_most_three_days() -> None:
    with pytest.raises(DomainError) as refused:
        check_request(_form(preferred_days=("2027-02-01",) * 4), TODAY)
    assert refused.value.code == "days_too_many"


def test_online_needs_no_address() -> None:
    assert check_request(_form(format="online", address=""), TODAY).address == ""


def test_who_may_move_a_request_where() -> None:
    assert check_move("new", "in_discussion", Who.organiser) == "in_discussion"
    assert check_move("proposed", "accepted", Who.requester) == "accepted"
    assert check_move("proposed", "withdrawn", Who.requester) == "withdrawn"
    with pytest.raises(Forbidden):
        check_move("new", "declined", Who.requester)
    with pytest.raises(Forbidden):
        check_move("proposed", "accepted", Who.organiser)
    for closed in ("withdrawn", "done"):
        for target in ("new", "in_discussion", "proposed", "accepted", "declined", "done"):
            with pytest.raises(DomainError):
                check_move(closed, target, Who.organiser)
        assert not is_open(closed)
    with pytest.raises(DomainError):
        check_move("accepted", "withdrawn", Who.requester)  # it is an event by now
    with pytest.raises(DomainError):
        check_move("new", "bogus", Who.organiser)


def test_answered_within_a_week() -> None:
    created = datetime(2027, 1, 1, 9, tzinfo=UTC)
    week = timedelta(days=7)
    assert answered_in_time(created, created + week, created + week) is True
    assert answered_in_time(created, created + week + timedelta(seconds=1), created) is False
    assert answered_in_time(created, None, created + timedelta(days=3)) is None
    assert answered_in_time(created, None, created + week + timedelta(seconds=1)) is False
