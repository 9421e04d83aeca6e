"""The words of an event for each reader, in Dutch and English (pure, no database)."""

from __future__ import annotations

import re
import string
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from events_app.calendar.describe import (
    DateInfo,
    SpeakerInfo,
    Viewer,
    describe,
    event_status,
    kind_label,
    personal_sequence,
    shows_meeting_link,
)
from events_app.calendar.words import KINDS, TEXT

LINK = "https://meet.example.org/abc"
PAGE = "https://events.example.org/events/ontmoeting/7"
MANAGE = "https://events.example.org/manage/tok"
STAMP = datetime(2026, 9, 1, 10, tzinfo=UTC)

PUBLIC_NL = Viewer()
PUBLIC_EN = Viewer(language="en")


def wall(day: int, hour: int) -> datetime:
    return datetime(2026, 10, day, hour)  # noqa: DTZ001


def a_date(**changes: object) -> DateInfo:
    date = DateInfo(
        date_id=7,
        uid="abc@events-app",
        sequence=2,
        status="scheduled",
        status_reason="",
        topic="",
        note="",
        local_start=wall(1, 15),
        local_end=wall(1, 16),
        timezone="Europe/Amsterdam",
        starts_at=datetime(2026, 10, 1, 13, tzinfo=UTC),
        ends_at=datetime(2026, 10, 1, 14, tzinfo=UTC),
        changed_at=STAMP,
        series_title="Online ontmoeting",
        series_summary="We delen ervaringskennis.",
        series_kind="meetup",
        series_format="online",
        series_status="active",
        link_visibility="registered",
        registration_mode="required",
        waitlist=True,
        location="",
        meeting_url=LINK,
        meeting_details="Meeting-ID 123",
        tags=("herstel",),
        organisation_name="Stadsnetwerk",
        organizer_email="info@example.org",
        page_url=PAGE,
        capacity=30,
        confirmed_count=12,
        waiting_count=3,
    )
    return replace(date, **changes)  # type: ignore[arg-type]


def attendee(status: str, language: str = "nl", position: int | None = None) -> Viewer:
    return Viewer(
        audience="attendee",
        language=language,  # type: ignore[arg-type]
        registration_status=status,
        waiting_position=position,
        manage_url=MANAGE,
    )


def test_every_text_exists_in_both_languages_with_the_same_placeholders() -> None:
    for key, (nl, en) in TEXT.items():
        assert nl.strip() and en.strip(), key
        fields = [f for _, f, _, _ in string.Formatter().parse(nl) if f is not None]
        assert fields == [f for _, f, _, _ in string.Formatter().parse(en) if f is not None], key
    for kind, (nl, en) in KINDS.items():
        assert nl and en and kind_label(kind, "nl") == nl and kind_label(kind, "en") == en
    assert kind_label("something-new", "nl") == "something-new"


def test_public_online_date_hides_a_registered_only_link() -> None:
    text = describe(a_date(topic="Herstel en werk"), PUBLIC_NL)
    assert text.summary == "Online ontmoeting — Herstel en werk"
    assert text.description == (
        "We delen ervaringskennis.\n"
        "Onderwerp: Herstel en werk\n"
        "\n"
        "Online. De link krijg je na aanmelding.\n"
        "\n"
        f"Aanmelden is nodig: {PAGE}"
    )
    assert text.location == "Online"
    assert text.status == "CONFIRMED"
    assert not text.transparent
    assert text.categories == ("Ontmoeting", "herstel")
    english = describe(a_date(), PUBLIC_EN)
    assert "Online. You get the link after registering." in english.description
    assert english.description.endswith(f"Registration is required: {PAGE}")
    assert english.categories == ("Meet-up", "herstel")
    for text in (describe(a_date(), PUBLIC_NL), english):
        assert LINK not in text.description + (text.location or "")
        assert "123" not in text.description


def test_public_link_is_shown_when_the_organiser_made_it_public() -> None:
    text = describe(a_date(link_visibility="everyone", registration_mode="optional"), PUBLIC_NL)
    assert f"Online meedoen: {LINK}\nMeeting-ID 123" in text.description
    assert text.location == LINK
    assert text.description.endswith(f"Aanmelden is niet verplicht, maar wel fijn: {PAGE}")
    no_url = describe(a_date(link_visibility="everyone", meeting_url=""), PUBLIC_NL)
    assert "Meeting-ID 123" in no_url.description
    assert no_url.location == "Online"


def test_speakers_and_moderators_in_both_languages() -> None:
    one = a_date(speakers=(SpeakerInfo("Sanne"),))
    assert "Spreker: Sanne" in describe(one, PUBLIC_NL).description
    assert "Speaker: Sanne" in describe(one, PUBLIC_EN).description
    many = a_date(
        speakers=(
            SpeakerInfo("Sanne"),
            SpeakerInfo("Pieter"),
            SpeakerInfo("Mo", "moderator"),
            SpeakerInfo("Ali", "moderator"),
        )
    )
    nl = describe(many, PUBLIC_NL).description
    assert "Sprekers: Sanne, Pieter\nGespreksleiders: Mo, Ali" in nl
    en = describe(many, PUBLIC_EN).description
    assert "Speakers: Sanne, Pieter\nModerators: Mo, Ali" in en


def test_in_person_and_hybrid() -> None:
    place = "Buurthuis, Lindengracht 1"
    in_person = a_date(series_format="in_person", location=place, meeting_url="")
    text = describe(in_person, PUBLIC_NL)
    assert text.location == place
    assert f"Locatie: {place}" in text.description
    assert "Online" not in text.description
    hybrid = a_date(series_format="hybrid", location=place)
    public = describe(hybrid, PUBLIC_EN)
    assert public.location == place
    assert f"Location: {place}\nOnline. You get the link after registering." in public.description
    confirmed = describe(hybrid, attendee("confirmed", "en"))
    assert f"Location: {place}\nJoin online: {LINK}" in confirmed.description


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"status": "cancelled", "status_reason": "Spreker ziek"}, "Spreker ziek"),
        ({"status": "skipped", "status_reason": "Kerstvakantie"}, "Kerstvakantie"),
        ({"series_status": "cancelled"}, None),
    ],
)
def test_dates_that_do_not_take_place(changes: dict[str, str], reason: str | None) -> None:
    date = a_date(link_visibility="everyone", **changes)
    nl, en = describe(date, PUBLIC_NL), describe(date, PUBLIC_EN)
    assert nl.status == en.status == "CANCELLED"
    assert nl.summary == "Geannuleerd: Online ontmoeting"
    assert en.summary == "Cancelled: Online ontmoeting"
    assert nl.description.startswith("Deze bijeenkomst gaat niet door.")
    assert en.description.startswith("This session will not take place.")
    if reason:
        assert f"Reden: {reason}" in nl.description and f"Reason: {reason}" in en.description
    for text in (nl, en, describe(date, attendee("confirmed"))):
        assert LINK not in text.description  # nobody is sent to a cancelled meeting
        assert "Aanmelden is nodig" not in text.description
    assert nl.description.endswith(f"Meer informatie: {PAGE}")


def test_attendee_views() -> None:
    date = a_date()
    yes = describe(date, attendee("confirmed"))
    assert (yes.status, yes.transparent, yes.summary) == ("CONFIRMED", False, "Online ontmoeting")
    assert f"Online meedoen: {LINK}\nMeeting-ID 123" in yes.description
    assert f"Je bent aangemeld.\nJe aanmelding wijzigen of afmelden: {MANAGE}" in yes.description
    assert yes.location == LINK
    waiting = describe(date, attendee("waiting", position=4))
    assert (waiting.status, waiting.transparent) == ("TENTATIVE", True)
    assert waiting.summary == "Wachtlijst: Online ontmoeting"
    assert "Je staat op de wachtlijst (plek 4)." in waiting.description
    assert "De link krijg je als er een plek voor je vrijkomt." in waiting.description
    assert LINK not in waiting.description and waiting.location == "Online"
    english = describe(date, attendee("waiting", "en", position=1))
    assert english.summary == "Waiting list: Online ontmoeting"
    assert "You are on the waiting list (place 1)." in english.description
    gone = describe(date, attendee("cancelled"))
    assert (gone.status, gone.summary) == ("CANCELLED", "Afgemeld: Online ontmoeting")
    assert "Je aanmelding is geannuleerd." in gone.description
    assert LINK not in gone.description
    no_link_yet = describe(a_date(meeting_url="", meeting_details=""), attendee("confirmed"))
    assert "Online. De link volgt." in no_link_yet.description


def test_host_view_has_numbers_and_the_link() -> None:
    host = Viewer(audience="host")
    text = describe(a_date(), host)
    assert "Jij bent gastheer/gastvrouw.\nAangemeld: 12 van 30, wachtlijst: 3" in text.description
    assert f"Online meedoen: {LINK}" in text.description
    open_ended = describe(a_date(capacity=None, waitlist=False, waiting_count=0), host)
    assert "Aangemeld: 12\n" in open_ended.description + "\n"
    assert "wachtlijst" not in open_ended.description
    english = describe(a_date(), Viewer(audience="host", language="en"))
    assert "Registered: 12 of 30, waiting list: 3" in english.description


def test_the_description_never_names_registrants_or_counts_in_public() -> None:
    text = describe(a_date(confirmed_count=12, waiting_count=3), PUBLIC_NL).description
    assert not re.search(r"\b(12|3)\b", text)


def test_link_rules() -> None:
    assert not shows_meeting_link(a_date(), PUBLIC_NL)
    assert shows_meeting_link(a_date(), attendee("confirmed"))
    assert not shows_meeting_link(a_date(), attendee("waiting"))
    assert shows_meeting_link(a_date(), Viewer(audience="host"))
    assert not shows_meeting_link(a_date(series_format="in_person"), Viewer(audience="host"))
    assert event_status(a_date(), attendee("waiting")) == "TENTATIVE"


T0 = datetime(2026, 9, 1, 12, tzinfo=UTC)


def test_personal_sequence_examples() -> None:
    assert personal_sequence(0, "confirmed", T0, T0) == 1
    assert personal_sequence(0, "waiting", T0, T0) == 0
    assert personal_sequence(0, "cancelled", T0, T0) == 2
    # Within one second the status order still tells newer from older.
    assert personal_sequence(3, "waiting", T0, T0) < personal_sequence(3, "confirmed", T0, T0)
    # Re-registering after cancelling goes up, not down.
    cancelled = personal_sequence(3, "cancelled", T0, T0 + timedelta(minutes=1))
    again = personal_sequence(3, "confirmed", T0, T0 + timedelta(minutes=2))
    assert again > cancelled
    # Ten years of changes stay within what clients store (32 bits).
    assert personal_sequence(1000, "cancelled", T0, T0 + timedelta(days=3650)) < 2**31


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["date", "waiting", "confirmed", "cancelled"]),
            st.integers(min_value=1, max_value=10**6),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_personal_sequence_only_grows(changes: list[tuple[str, int]]) -> None:
    """Any history of date changes and status changes (at later seconds) gives a strictly
    growing SEQUENCE, so a later mail or poll is always the newer version."""
    date_sequence, status, at = 0, "confirmed", T0
    last = personal_sequence(date_sequence, status, T0, at)
    for change, seconds in changes:
        if change == "date":
            date_sequence += 1
        else:
            status, at = change, at + timedelta(seconds=seconds)
        current = personal_sequence(date_sequence, status, T0, at)
        assert current > last
        last = current
