"""Rendering without a database: facts in, subject/text/HTML/calendar/MIME out, both languages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import icalendar
import pytest

from events_app.mail.content import check, render_content
from events_app.mail.facts import Digest, Facts, Job, Unsendable
from events_app.mail.kinds import KINDS
from events_app.mail.render import build, build_safely
from events_app.settings import ROOT
from tests.helpers.parsing import parse_mail

NOW = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
BASE = "http://events.test/"


def event_date(**changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": 7,
        "series": 3,
        "uid": "occ-7@events-app",
        "rule_start": None,
        "local_start": datetime(2026, 12, 17, 15, 0),  # noqa: DTZ001 - wall clock
        "local_end": datetime(2026, 12, 17, 16, 0),  # noqa: DTZ001
        "timezone": "Europe/Amsterdam",
        "starts_at": datetime(2026, 12, 17, 14, 0, tzinfo=UTC),
        "ends_at": datetime(2026, 12, 17, 15, 0, tzinfo=UTC),
        "status": "scheduled",
        "status_reason": "",
        "topic": "Herstel en werk",
        "note": "",
        "capacity": None,
        "location": None,
        "meeting_url": None,
        "meeting_details": None,
        "confirmed_count": 3,
        "waiting_count": 0,
        "sequence": 2,
        "created_at": NOW,
        "updated_at": NOW,
        "series_title": "Online ontmoeting",
        "series_slug": "online-ontmoeting",
        "series_summary": "Elke twee weken",
        "series_format": "online",
        "series_location": "",
        "series_meeting_url": "https://meet.example.org/j/123",
        "series_meeting_details": "Code: 4321",
        "series_contact_email": "",
        "series_organisation": 1,
        "series_status": "active",
        "series_capacity": 30,
        "series_kind": "meetup",
        "series_link_visibility": "registered",
        "series_registration_mode": "required",
        "series_waitlist": True,
        "series_tags": [],
        "series_updated_at": NOW,
        "series_aftercare_text": "Bel Iris als je wilt praten: 06-00000000.",
    }
    row.update(changes)
    return row


def registration(**changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": 11,
        "event_date": 7,
        "attendee": 5,
        "name": "Anna de Vries",
        "email": "anna@example.org",
        "language": "nl",
        "status": "confirmed",
        "anonymised_at": None,
        "attended": None,
        "created_at": NOW,
        "updated_at": NOW,
        "manage_token": "M" * 43,
        "feed_token": "F" * 43,
    }
    row.update(changes)
    return row


ORGANISATION = {
    "id": 1,
    "name": "Stadsnetwerk",
    "slug": "stadsnetwerk",
    "contact_email": "info@stadsnetwerk.example.org",
    "language": "nl",
    "timezone": "Europe/Amsterdam",
}


def job(kind: str, **changes: Any) -> Job:
    values: dict[str, Any] = {
        "id": 1,
        "message_id": "<abc123@example.org>",
        "kind": kind,
        "organisation_id": 1,
        "date_id": 7,
        "registration_id": 11,
        "to_email": "anna@example.org",
        "to_name": "Anna de Vries",
        "language": "nl",
        "context": {},
        "attempts": 0,
    }
    values.update(changes)
    return Job(**values)


def facts_for(kind: str, language: str) -> tuple[Job, Facts]:
    reg = registration(language=language)
    context: dict[str, Any] = {}
    facts = Facts(
        organisation=ORGANISATION,
        event_date=event_date(),
        registration=reg,
        speakers=[{"name": "Sam Spreker", "role": "speaker"}],
    )
    if kind == "registration_waiting":
        reg["status"] = "waiting"
        context = {"position": 3}
    elif kind == "registration_cancelled":
        reg["status"] = "cancelled"
        context = {"by": "self"}
    elif kind == "date_changed":
        context = {"old_start": "2026-12-17T14:00:00", "sequence": 2}
    elif kind == "date_cancelled":
        facts.event_date = event_date(status="cancelled")
        context = {"reason": "De spreker is ziek."}
    elif kind == "series_ended":
        facts.event_date = event_date(status="cancelled", series_status="ended")
    elif kind == "materials_available":
        facts.materials = [
            {"title": "Dia's", "url": "/files/dias.pdf"},
            {"title": "Script", "url": "javascript:alert(1)"},
        ]
    elif kind == "organiser_message":
        context = {"subject": "Nieuwe link", "body": "Hallo!\n<script>x</script>"}
    elif kind == "host_digest":
        facts.registration = None
        facts.digest = Digest(
            confirmed=[
                {"id": 1, "name": "Anna", "role": "expert", "needs": "Rolstoel", "answers": {}}
            ],
            waiting=[],
            capacity=10,
            show_needs=False,
            questions={},
        )
        context = {"account_id": 4}
    elif kind.startswith("application_"):
        facts.registration = None
        facts.application = {
            "id": 5,
            "name": "Anna",
            "email": "anna@example.org",
            "status": "declined" if kind == "application_declined" else "pending",
            "message": "",
            "anonymised_at": None,
            "attendee": 9,
            "manage_token": "tok",
        }
        context = {"application": 5, "attendee": 9}
    return job(kind, context=context, language=language), facts


def test_an_application_mail_is_skipped_when_it_no_longer_applies() -> None:
    the_job, facts = facts_for("application_declined", "nl")
    assert facts.application is not None
    text = render_content(the_job, facts, NOW).text
    assert "er waren meer aanvragen dan plekken" in text  # the default kind words
    facts.application["message"] = "Tot een volgende keer!"
    assert "Tot een volgende keer!" in render_content(the_job, facts, NOW).text
    facts.application["status"] = "accepted"
    with pytest.raises(Unsendable):
        render_content(the_job, facts, NOW)
    received, facts = facts_for("application_received", "en")
    assert facts.application is not None
    facts.application["status"] = "withdrawn"
    with pytest.raises(Unsendable):
        render_content(received, facts, NOW)


def test_every_kind_has_both_templates() -> None:
    for kind in KINDS:
        for ext in ("txt", "html"):
            assert (ROOT / "templates" / "mail" / f"{kind}.{ext}").is_file(), (kind, ext)


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_renders_in_both_languages(kind: str, language: str) -> None:
    the_job, facts = facts_for(kind, language)
    if kind == "host_digest":
        the_job = job(kind, registration_id=None, context=the_job.context, language=language)
    content = render_content(the_job, facts, NOW)
    assert content.language == language
    assert content.subject and "\n" not in content.subject
    assert content.text.endswith("\n") and "\n\n\n" not in content.text
    assert content.html.startswith("<!DOCTYPE html>")
    assert f'<html lang="{language}">' in content.html
    assert "<img" not in content.html and "<style" not in content.html  # no tracking, inline
    hello = {"nl": "Hallo", "en": "Hello"}[language]
    assert content.text.startswith(hello)
    for url in ("http://127.0.0.1", 'href="/'):
        assert url not in content.text + content.html
    message = parse_mail(build(the_job, facts, mail_from="events@example.org", now=NOW).data)
    assert message["Message-ID"] == "<abc123@example.org>"
    assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None


def test_calendar_part_follows_the_kind_and_the_persons_status() -> None:
    expected = {
        "registration_confirmed": "REQUEST",
        "registration_details": "REQUEST",
        "registration_promoted": "REQUEST",
        "date_changed": "REQUEST",
        "registration_cancelled": "CANCEL",
        "date_cancelled": "CANCEL",
        "series_ended": "CANCEL",
        "registration_waiting": None,
        "reminder": None,
        "materials_available": None,
        "organiser_message": None,
    }
    for kind, method in expected.items():
        the_job, facts = facts_for(kind, "nl")
        assert render_content(the_job, facts, NOW).method == method, kind
    waiting_job, waiting = facts_for("date_changed", "nl")
    assert waiting.registration is not None
    waiting.registration["status"] = "waiting"  # no calendar entry to update
    assert render_content(waiting_job, waiting, NOW).method is None


def test_invitation_has_uid_sequence_organizer_and_attendee() -> None:
    the_job, facts = facts_for("registration_confirmed", "nl")
    message = parse_mail(build(the_job, facts, mail_from="events@example.org", now=NOW).data)
    parts = {p.get_content_type(): p for p in message.walk()}
    assert parts["text/calendar"].get_param("method") == "REQUEST"
    assert parts["application/ics"].get_filename() == "invite.ics"
    cal = icalendar.Calendar.from_ical(parts["text/calendar"].get_content())
    [event] = cal.walk("VEVENT")
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == "occ-7@events-app"
    assert int(event["SEQUENCE"]) >= 2  # at least the date's own
    assert str(event["ORGANIZER"]) == "mailto:info@stadsnetwerk.example.org"
    assert str(event["ATTENDEE"]) == "mailto:anna@example.org"
    assert "https://meet.example.org/j/123" in str(event["LOCATION"])
    cancel_job, cancelled = facts_for("date_cancelled", "nl")
    cancel = parse_mail(build(cancel_job, cancelled, mail_from="events@example.org", now=NOW).data)
    [cancel_event] = icalendar.Calendar.from_ical(
        next(p for p in cancel.walk() if p.get_content_type() == "text/calendar").get_content()
    ).walk("VEVENT")
    assert str(cancel_event["STATUS"]) == "CANCELLED"
    assert int(cancel_event["SEQUENCE"]) >= int(event["SEQUENCE"])


def test_user_text_is_escaped_and_unsafe_links_dropped() -> None:
    the_job, facts = facts_for("organiser_message", "nl")
    content = render_content(the_job, facts, NOW)
    assert "&lt;script&gt;x&lt;/script&gt;" in content.html and "<script>" not in content.html
    assert "Hallo!<br>" in content.html
    assert content.subject == "Nieuwe link"
    materials_job, materials = facts_for("materials_available", "en")
    html = render_content(materials_job, materials, NOW).html
    assert 'href="http://events.test/files/dias.pdf"' in html
    assert "javascript:" not in html and "Script" in html


def test_plain_hosts_get_no_needs_by_mail() -> None:
    the_job, facts = facts_for("host_digest", "nl")
    content = render_content(job("host_digest", registration_id=None, context={}), facts, NOW)
    assert "Rolstoel" not in content.text and "Rolstoel" not in content.html
    assert "1 persoon heeft opgeschreven wat nodig is." in content.text
    assert facts.digest is not None
    facts.digest = Digest(
        confirmed=facts.digest.confirmed,
        waiting=[],
        capacity=10,
        show_needs=True,
        questions={},
    )
    assert "Rolstoel" in render_content(the_job, facts, NOW).text


@pytest.mark.parametrize(
    ("kind", "change", "reason"),
    [
        ("reminder", {"status": "cancelled"}, "Not sent: the registration was cancelled"),
        ("reminder", {"status": "waiting"}, "Not sent: the person has no seat."),
        ("registration_confirmed", {"anonymised_at": NOW}, "The person's data was removed."),
        ("registration_confirmed", {"attendee": None}, "The person's data was removed."),
        ("registration_cancelled", {"status": "confirmed"}, "Not sent: the person registered"),
    ],
)
def test_rows_that_no_longer_make_sense_are_unsendable(
    kind: str, change: dict[str, Any], reason: str
) -> None:
    the_job, facts = facts_for(kind, "nl")
    assert facts.registration is not None
    facts.registration.update(change)
    with pytest.raises(Unsendable, match=reason.replace("'", ".")):
        check(the_job, facts, NOW)


def test_stale_dates_and_unknown_kinds_are_unsendable() -> None:
    the_job, facts = facts_for("reminder", "nl")
    facts.event_date = event_date(status="cancelled")
    assert "the date was cancelled" in str(
        build_safely(the_job, facts, mail_from="e@x.org", now=NOW)
    )
    facts.event_date = event_date(starts_at=NOW)
    assert "already started" in str(build_safely(the_job, facts, mail_from="e@x.org", now=NOW))
    late_job, late = facts_for("registration_confirmed", "nl")
    late.event_date = event_date(ends_at=NOW)
    assert "already over" in str(build_safely(late_job, late, mail_from="e@x.org", now=NOW))
    unknown = build_safely(job("nope"), facts, mail_from="e@x.org", now=NOW)
    assert isinstance(unknown, Unsendable) and "Unknown kind" in str(unknown)
    broken = build_safely(job("reminder", message_id="no-brackets"), facts, mail_from="e", now=NOW)
    assert isinstance(broken, Unsendable)
    bad_address = job("registration_details", to_email="not an address")
    _, details = facts_for("registration_details", "nl")
    result = build_safely(bad_address, details, mail_from="events@example.org", now=NOW)
    assert isinstance(result, Unsendable) and "not a usable e-mail address" in str(result)


def test_cancelled_by_the_organisation_reads_differently() -> None:
    the_job, facts = facts_for("registration_cancelled", "en")
    by_organiser = job("registration_cancelled", context={"by": "organiser"}, language="en")
    content = render_content(by_organiser, facts, NOW)
    assert content.subject == "Your registration is cancelled: Online ontmoeting"
    assert "The organisation has cancelled your registration" in content.text
    assert "You have cancelled" in render_content(the_job, facts, NOW).text
