"""The rules a date's view carries: place, link, seats, moves, and whether it takes
registrations now (pure, no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from events_app.agenda.dates import DateView, HostView, PersonView, SeriesView
from events_app.domain.errors import DomainError
from events_app.domain.seats import DateFacts, check_open
from events_app.tables import EventDate, Series, Speaker
from events_app.web.api.schemas import series_out
from events_app.web.api.schemas_dates import date_out

NOW = datetime(2026, 10, 1, 12, tzinfo=UTC)
STARTS = NOW + timedelta(days=7)
WALL = datetime(2026, 10, 8, 14)  # noqa: DTZ001 - wall clock


def a_date(**changes: object) -> DateView:
    date = DateView(
        id=7,
        series_id=3,
        series_slug="ontmoeting",
        series_title="Ontmoeting",
        series_summary="",
        organisation_name="Netwerk",
        organisation_slug="netwerk",
        kind=Series.Kind.meetup,
        format=Series.Format.hybrid,
        status=EventDate.Status.scheduled,
        status_reason="",
        topic="",
        note="",
        local_start=WALL,
        local_end=WALL + timedelta(hours=2),
        timezone="Europe/Amsterdam",
        starts_at=STARTS,
        ends_at=STARTS + timedelta(hours=2),
        rule_start=WALL,
        own_capacity=None,
        own_location=None,
        own_meeting_url=None,
        own_meeting_details=None,
        series_capacity=10,
        series_location="Buurthuis",
        series_meeting_url="https://meet.example.org/serie",
        series_meeting_details="Code 1234",
        confirmed_count=4,
        waitlist=True,
        link_visibility=Series.LinkVisibility.registered,
        registration_mode=Series.RegistrationMode.required,
        opens_at=None,
        closes_at=None,
        series_status=Series.Status.active,
        series_published=True,
        read_at=NOW,
    )
    return replace(date, **changes)  # type: ignore[arg-type]


def facts_of(date: DateView) -> DateFacts:
    return DateFacts(
        status=date.status,
        starts_at=date.starts_at,
        series_status=date.series_status,
        published=date.series_published,
        registration_mode=date.registration_mode,
        opens_at=date.opens_at,
        closes_at=date.closes_at,
    )


def test_without_own_values_the_series_values_show() -> None:
    date = a_date()
    assert date.location == "Buurthuis"
    assert date.meeting_url == "https://meet.example.org/serie"
    assert date.meeting_details == "Code 1234"
    assert date.capacity == 10


def test_own_values_win_also_when_set_to_nothing() -> None:
    date = a_date(own_location="Bibliotheek", own_meeting_url="", own_meeting_details="")
    assert date.location == "Bibliotheek"
    assert date.meeting_url == ""  # an in-person edition of a series with a link
    assert date.meeting_details == ""


def test_the_link_is_public_only_when_the_organiser_said_so() -> None:
    assert a_date().public_meeting_url == ""
    everyone = a_date(link_visibility=Series.LinkVisibility.everyone, own_meeting_url=" x ")
    assert everyone.public_meeting_url == "x"


@pytest.mark.parametrize(
    ("own", "series", "confirmed", "left", "full"),
    [
        (None, 10, 4, 6, False),
        (5, 10, 5, 0, True),
        (3, 10, 5, 0, True),  # lowered below the registrations: never negative
        (None, None, 40, None, False),  # no limit
        (12, None, 4, 8, False),
    ],
)
def test_places_left_from_the_effective_capacity(
    own: int | None, series: int | None, confirmed: int, left: int | None, full: bool
) -> None:
    date = a_date(own_capacity=own, series_capacity=series, confirmed_count=confirmed)
    assert date.seats_left == left
    assert date.full is full


def test_moved_extra_and_where_it_was_planned() -> None:
    assert not a_date().moved and a_date().moved_from is None and not a_date().extra
    moved = a_date(local_start=WALL + timedelta(days=1))
    assert moved.moved and moved.moved_from == WALL
    extra = a_date(rule_start=None)
    assert extra.extra and not extra.moved and extra.moved_from is None


def test_off_and_past() -> None:
    assert not a_date().off
    assert a_date(status=EventDate.Status.skipped).off
    assert a_date(series_status=Series.Status.cancelled).off
    assert not a_date().past
    assert a_date(read_at=STARTS + timedelta(hours=2)).past


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"status": EventDate.Status.cancelled},
        {"status": EventDate.Status.skipped},
        {"series_status": Series.Status.cancelled},
        {"series_published": False},
        {"registration_mode": Series.RegistrationMode.none},
        {"registration_mode": Series.RegistrationMode.optional},
        {"read_at": STARTS},
        {"opens_at": NOW + timedelta(seconds=1)},
        {"opens_at": NOW},
        {"closes_at": NOW},
        {"closes_at": NOW + timedelta(seconds=1)},
    ],
)
def test_registration_open_is_the_registration_rule(changes: dict[str, object]) -> None:
    """The pages' button and the registration service answer from the same rule."""
    date = a_date(**changes)
    try:
        check_open(facts_of(date), date.read_at)
    except DomainError:
        accepted = False
    else:
        accepted = True
    assert date.registration_open is accepted


def test_a_register_button_needs_a_place_or_a_waiting_list() -> None:
    assert a_date().can_register
    full = {"own_capacity": 4, "confirmed_count": 4}
    assert a_date(**full).can_register  # the waiting list
    assert not a_date(**full, waitlist=False).can_register
    assert not a_date(closes_at=NOW).can_register


def test_the_series_rule_in_words() -> None:
    series = SeriesView(
        id=3,
        slug="ontmoeting",
        title="Ontmoeting",
        kind=Series.Kind.meetup,
        summary="",
        description="",
        format=Series.Format.online,
        location="",
        registration_mode=Series.RegistrationMode.required,
        capacity=None,
        waitlist=True,
        rrule="FREQ=WEEKLY;BYDAY=TH",
        first_start=datetime(2026, 10, 1, 15),  # noqa: DTZ001 - wall clock
        duration_minutes=90,
        timezone="Europe/Amsterdam",
        tags=(),
        status=Series.Status.active,
        contact_email="",
        organisation_id=1,
        organisation_name="Netwerk",
        organisation_slug="netwerk",
        consent_text="",
        programme_slug=None,
        programme_title=None,
    )
    words = series.rule_text
    assert set(words) == {"nl", "en"}
    assert "15:00" in words["nl"] and "16:30" in words["en"]
    assert not series.cancelled
    assert replace(series, status=Series.Status.cancelled).cancelled


def test_the_api_sends_own_overrides_and_effective_values_apart() -> None:
    series_speaker = PersonView("Sam", Speaker.Role.moderator, id=1)
    own_speaker = PersonView("Tom", id=2)
    inherited = a_date(
        speakers=(series_speaker,), uid="u7", created_at=NOW, updated_at=NOW, warnings=("w",)
    )
    sent = date_out(inherited)
    assert (sent.capacity, sent.location, sent.meeting_url, sent.meeting_details) == (
        None,
        None,
        None,
        None,
    )
    assert sent.effective.capacity == 10 and sent.effective.location == "Buurthuis"
    assert sent.effective.meeting_url == "https://meet.example.org/serie"
    assert sent.speakers == []  # the series' speakers are not the date's own
    assert sent.warnings == ["w"] and sent.uid == "u7"
    own = date_out(
        replace(
            inherited,
            own_meeting_url="",
            own_capacity=3,
            speakers=(own_speaker,),
            own_speakers=(own_speaker,),
        )
    )
    assert own.meeting_url == "" and own.effective.meeting_url == ""
    assert own.capacity == 3 == own.effective.capacity
    assert [(s.name, s.id, s.role) for s in own.speakers] == [("Tom", 2, Speaker.Role.speaker)]


def test_the_api_sends_a_series_view_with_its_rule_and_hosts() -> None:
    series = SeriesView(
        id=3,
        slug="ontmoeting",
        title="Ontmoeting",
        kind=Series.Kind.meetup,
        summary="",
        description="",
        format=Series.Format.online,
        location="",
        registration_mode=Series.RegistrationMode.required,
        capacity=None,
        waitlist=True,
        rrule="FREQ=WEEKLY;BYDAY=TH",
        first_start=WALL,
        duration_minutes=90,
        timezone="Europe/Amsterdam",
        tags=("herstel",),
        status=Series.Status.active,
        contact_email="",
        organisation_id=1,
        organisation_name="Netwerk",
        organisation_slug="netwerk",
        consent_text="",
        programme_slug=None,
        programme_title=None,
        hosts=(HostView(5, "Ans", "ans@example.org"),),
        created_at=NOW,
        updated_at=NOW,
    )
    sent = series_out(series)
    assert sent.rule == "FREQ=WEEKLY;BYDAY=TH" and sent.rule_text.nl == series.rule_text["nl"]
    assert [(h.account_id, h.email) for h in sent.hosts] == [(5, "ans@example.org")]
    assert series.host_names == ("Ans",) and sent.tags == ["herstel"]
