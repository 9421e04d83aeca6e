"""Every kind of mail, rendered, delivered to a real SMTP server and parsed back.

One person goes through a date's whole life in Dutch, and again in English: registered (one
receipt per request: a place, the waiting list, "already registered"), cancelled, promoted, date
moved, reminder, materials, a message from the organiser, the host's digest, the date cancelled
and the series ended.  Each mail is checked for its structure (text + HTML, the calendar part
with the right METHOD, UID and SEQUENCE, the .ics attachments), its words in the right
language, and its links.
"""

from __future__ import annotations

import re
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import icalendar
import pytest

from events_app import clock, db, urls
from events_app.mail import outbox
from events_app.registration import cancelling, registrations
from events_app.settings import Settings, get_settings
from events_app.tables import (
    Account,
    Attendee,
    EventDate,
    Material,
    OutboxMail,
    Registration,
    Series,
    SeriesHost,
)
from tests.factories import make_date, make_organisation
from tests.smtp import SmtpServer, drain

pytest_plugins = ["tests.integration.conftest_mail"]  # the smtp_server and mail_settings fixtures

MEETING = "https://meet.example.org/j/4242"
BASE = "http://events.test/"
HREF = re.compile(r'href="([^"]*)"')
TEXT_URL = re.compile(r"https?://\S+")

WORDS = {
    "nl": {
        "registration_receipt": "Dank je wel voor je aanmelding.",
        "registration_cancelled": "Je hebt je afgemeld voor",
        "registration_promoted": "Er is een plek vrijgekomen.",
        "date_changed": "Dit was de oude tijd:",
        "reminder": "Even een herinnering",
        "materials_available": "Het materiaal staat klaar",
        "organiser_message": "De link is veranderd. Kijk goed <hier>!",
        "host_digest": "Er is 1 persoon aangemeld.",
        "date_cancelled": "gaat niet door",
        "series_ended": "stopt. Daarom gaat de bijeenkomst",
        "zone": "tijd in Nederland",
        "greeting": "Hallo",
    },
    "en": {
        "registration_receipt": "Thank you for registering.",
        "registration_cancelled": "You have cancelled your registration for",
        "registration_promoted": "A place has become free.",
        "date_changed": "This was the old time:",
        "reminder": "This is a reminder",
        "materials_available": "The materials are ready",
        "organiser_message": "De link is veranderd. Kijk goed <hier>!",
        "host_digest": "1 person is registered.",
        "date_cancelled": "does not take place",
        "series_ended": "has stopped. That is why the date of",
        "zone": "Netherlands Time",
        "greeting": "Hello",
    },
}
# What a receipt says about each of its dates.
RECEIPT = {
    "nl": {
        "place": "Je hebt een plek.",
        "waiting": "Je bent nummer 1.",
        "already": "Je was al aangemeld voor deze datum: er is niets veranderd.",
        "two_dates": "Hier zijn je 2 datums.",
        "join_later": "Je krijgt de link om mee te doen als er een plek voor je is.",
        "more": "Meer informatie",
    },
    "en": {
        "place": "You have a place.",
        "waiting": "You are number 1.",
        "already": "You were already registered for this date: nothing has changed.",
        "two_dates": "Here are your 2 dates.",
        "join_later": "You get the link to join when there is a place for you.",
        "more": "More information",
    },
}
REQUEST = {
    "registration_promoted",
    "date_changed",
}
CANCEL = {"registration_cancelled", "date_cancelled", "series_ended"}
# Mails about something that is over, and the host's digest, need no manage link.
NO_MANAGE_LINK = CANCEL | {"host_digest", "materials_available"}


def parts(message: EmailMessage) -> dict[str, Any]:
    found: dict[str, Any] = {"attachments": []}
    for part in message.walk():
        kind = part.get_content_type()
        if part.get_content_disposition() == "attachment":
            found["attachments"].append(part)
        elif kind in ("text/plain", "text/html", "text/calendar"):
            found[kind] = part
    return found


def calendar_of(part: Any) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(part.get_content())


def event_of(cal: icalendar.Calendar) -> Any:
    [event] = cal.walk("VEVENT")
    return event


async def _queue(kind: str, registration_id: int, date_id: int, **context: Any) -> None:
    row = await Registration.select().where(Registration.id == registration_id).first()
    assert row is not None
    async with db.transaction():
        await outbox.enqueue(
            kind,
            to_email=row["email"],
            to_name=row["name"],
            language=row["language"],
            context=context,
            organisation_id=await _organisation_of(date_id),
            date_id=date_id,
            registration_id=registration_id,
        )


async def _organisation_of(date_id: int) -> int:
    row = (
        await EventDate.select(EventDate.series.organisation.as_alias("org"))
        .where(EventDate.id == date_id)
        .first()
    )
    assert row is not None
    return int(row["org"])


async def _bump(date_id: int, **values: Any) -> None:
    await EventDate.update(
        {
            **{getattr(EventDate, k): v for k, v in values.items()},
            EventDate.sequence: EventDate.sequence + 1,
            EventDate.updated_at: clock.now(),
        }
    ).where(EventDate.id == date_id)


class Life:
    """Runs the story and collects (kind, recipient, message) per delivered mail."""

    def __init__(self, server: SmtpServer, settings: Settings) -> None:
        self.server = server
        self.settings = settings
        self.mails: list[tuple[str, str, EmailMessage, dict[str, Any]]] = []
        self.first = 0

    async def deliver(self) -> None:
        await drain(self.settings)
        rows = {r["message_id"]: r for r in await OutboxMail.select().output(load_json=True)}
        for item in self.server.received:
            message = item.message
            row = rows[str(message["Message-ID"])]
            self.mails.append((row["kind"], row["to_email"], message, row))
        self.server.clear()
        failed = await OutboxMail.select().where(OutboxMail.status != "sent")
        assert failed == [], failed

    def one(self, kind: str, to: str) -> tuple[EmailMessage, dict[str, Any]]:
        [found] = self.all(kind, to)
        return found

    def all(self, kind: str, to: str) -> list[tuple[EmailMessage, dict[str, Any]]]:
        found = [(m, row) for k, t, m, row in self.mails if k == kind and t == to]
        assert found, (kind, to, [(k, t) for k, t, _, _ in self.mails])
        return found


async def _date_of_registration(registration_id: int) -> int:
    row = (
        await Registration.select(Registration.event_date)
        .where(Registration.id == registration_id)
        .first()
    )
    assert row is not None
    return int(row["event_date"])


async def live_through_a_date(language: str, server: SmtpServer, settings: Settings) -> Life:
    life = Life(server, settings)
    org = await make_organisation()
    first, second = await make_date(org, capacity=1, dates=2)
    life.first = first
    series_id = (await EventDate.select(EventDate.series).where(EventDate.id == first))[0]["series"]
    await Series.update(
        {
            Series.format: "online",
            Series.meeting_url: MEETING,
            Series.meeting_details: "Code: 1234",
        }
    ).where(Series.id == series_id)
    anna = await registrations.register(
        [first], name="Anna", email="a@example.org", language=language
    )
    await life.deliver()
    bob = await registrations.register(
        [first, second], name="Bob Jansen", email="b@example.org", language=language
    )
    await life.deliver()
    await registrations.register([first], name="Anna", email="a@example.org", language=language)
    await life.deliver()
    async with db.transaction():  # Anna cancels: Bob moves up from the waiting list
        await cancelling.cancel(anna.outcomes[0].registration_id)
    await life.deliver()
    bob_first = bob.outcomes[0].registration_id
    date = await EventDate.select().where(EventDate.id == first).first()
    assert date is not None
    old_local = date["local_start"]
    await _bump(
        first,
        local_start=old_local + timedelta(hours=1),
        local_end=date["local_end"] + timedelta(hours=1),
        starts_at=date["starts_at"] + timedelta(hours=1),
        ends_at=date["ends_at"] + timedelta(hours=1),
    )
    sequence = (await EventDate.select().where(EventDate.id == first))[0]["sequence"]
    await _queue(
        "date_changed", bob_first, first, old_start=old_local.isoformat(), sequence=sequence
    )
    await life.deliver()
    await _queue("reminder", bob_first, first)
    await life.deliver()
    await Material.insert(
        Material(event_date=first, title="Dia's", url="/files/dias.pdf", created_at=clock.now()),
        Material(
            event_date=first,
            title="Verslag",
            url="https://docs.example.org/v",
            created_at=clock.now(),
        ),
    )
    await _queue("materials_available", bob_first, first)
    await life.deliver()
    await _queue(
        "organiser_message",
        bob_first,
        first,
        subject="Nieuwe link\r\nBcc: evil@example.org",
        body="De link is veranderd. Kijk goed <hier>!",
    )
    await life.deliver()
    host = await Account.insert(
        Account(
            email="host@example.org",
            name="Henk Host",
            password_hash="x",
            language=language,
            created_at=clock.now(),
        )
    ).returning(Account.id)
    await SeriesHost.insert(SeriesHost(account=host[0]["id"], series=series_id))
    async with db.transaction():
        await outbox.enqueue(
            "host_digest",
            to_email="host@example.org",
            to_name="Henk Host",
            language=language,
            context={"account_id": host[0]["id"]},
            organisation_id=org,
            date_id=first,
        )
    await life.deliver()
    await _bump(first, status="cancelled", status_reason="De spreker is ziek.")
    await _queue("date_cancelled", bob_first, first, reason="De spreker is ziek.")
    await life.deliver()
    await Series.update({Series.status: "ended"}).where(Series.id == series_id)
    await _bump(second, status="cancelled")
    await _queue("series_ended", bob.outcomes[1].registration_id, second)
    await life.deliver()
    return life


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_every_kind_of_mail_arrives_whole(
    language: str, smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    life = await live_through_a_date(language, smtp_server, mail_settings)
    words = WORDS[language]
    bob = await Attendee.select().where(Attendee.email == "b@example.org").first()
    assert bob is not None
    uids = {r["id"]: r["uid"] for r in await EventDate.select(EventDate.id, EventDate.uid)}
    kinds = {kind for kind, _, _, _ in life.mails}
    assert kinds == set(words) - {"zone", "greeting"}
    # one receipt per request: Anna's, Bob's (two dates), Anna's again
    receipts = [(to, row) for kind, to, _, row in life.mails if kind == "registration_receipt"]
    assert [to for to, _ in receipts] == ["a@example.org", "b@example.org", "a@example.org"]
    assert all(row["event_date"] is None and row["registration"] is None for _, row in receipts)
    for kind, to, message, row in life.mails:
        found = parts(message)
        text = found["text/plain"].get_content()
        html = found["text/html"].get_content()
        assert words[kind] in text, (kind, text)
        assert words["greeting"] in text
        assert message["Content-Language"] == language
        assert message["From"].addresses[0].addr_spec == get_settings().mail_from
        assert message["From"].addresses[0].display_name == "Stadsnetwerk"
        assert message["Reply-To"].addresses[0].addr_spec == "info@stadsnetwerk.example.org"
        assert message["To"].addresses[0].addr_spec == to
        assert message["Message-ID"] == row["message_id"]
        assert message["Date"] is not None
        assert message["Bcc"] is None
        assert "\n" not in str(message["Subject"])
        if kind != "host_digest" and kind not in ("materials_available", "organiser_message"):
            assert words["zone"] in text
        # Links: absolute, and ours point at the configured base URL.
        for href in HREF.findall(html):
            assert href.startswith((BASE, MEETING, "https://docs.example.org/")), (kind, href)
        for url in TEXT_URL.findall(text):
            assert url.startswith((BASE, MEETING, "https://docs.example.org/")), (kind, url)
        if kind not in NO_MANAGE_LINK:
            attendee = await Attendee.select().where(Attendee.email == to).first()
            assert attendee is not None
            assert urls.manage_page(attendee["manage_token"]) in text
            assert urls.manage_page(attendee["manage_token"]) in html
            assert urls.personal_feed(attendee["feed_token"]) in text
        single_receipt = (
            kind == "registration_receipt" and len(row["context"]["registrations"]) == 1
        )
        if kind in REQUEST | CANCEL or single_receipt:
            # one date: the calendar travels inline and as invite.ics
            method = "REQUEST" if kind in REQUEST or single_receipt else "CANCEL"
            event_date = (
                await _date_of_registration(row["context"]["registrations"][0])
                if single_receipt
                else row["event_date"]
            )
            calendar_part = found["text/calendar"]
            assert calendar_part.get_param("method") == method
            [attachment] = found["attachments"]
            assert attachment.get_filename() == "invite.ics"
            assert attachment.get_content() == calendar_part.get_content().encode()
            cal = calendar_of(calendar_part)
            assert str(cal["METHOD"]) == method
            event = event_of(cal)
            assert str(event["UID"]) == uids[event_date]
            assert str(event["ORGANIZER"]) == "mailto:info@stadsnetwerk.example.org"
            assert str(event["ATTENDEE"]) == f"mailto:{to}"
            if method == "CANCEL":
                assert str(event["STATUS"]) == "CANCELLED"
            assert message.get_content_type() == "multipart/mixed"
        elif kind == "registration_receipt":
            # Bob's two dates: one .ics per date with a place (the second), none inline
            assert "text/calendar" not in found
            [attachment] = found["attachments"]
            assert attachment.get_filename() == "date-1.ics"
            cal = icalendar.Calendar.from_ical(attachment.get_content())
            assert str(cal["METHOD"]) == "REQUEST"
            event = event_of(cal)
            second = await _date_of_registration(row["context"]["registrations"][1])
            assert second != life.first
            assert str(event["UID"]) == uids[second]
            assert str(event["ATTENDEE"]) == f"mailto:{to}"
            assert message.get_content_type() == "multipart/mixed"
        else:
            assert "text/calendar" not in found
            assert found["attachments"] == []
            assert message.get_content_type() == "multipart/alternative"
    # Meeting link only for someone with a seat; in the reminder too.
    reminder, _ = life.one("reminder", "b@example.org")
    assert MEETING in parts(reminder)["text/plain"].get_content()
    said = RECEIPT[language]
    bobs, bobs_row = life.one("registration_receipt", "b@example.org")
    bobs_text = parts(bobs)["text/plain"].get_content()
    assert said["two_dates"] in bobs_text
    waiting_item, place_item = bobs_text.split(said["more"])[:2]  # dates in order of time
    assert said["waiting"] in waiting_item and said["join_later"] in waiting_item
    assert MEETING not in waiting_item
    assert said["place"] in place_item and MEETING in place_item
    assert said["already"] not in bobs_text
    assert bobs_row["context"]["already"] == []
    # Anna's second request changed nothing: only her mailbox hears she was registered already
    (anna_first, first_row), (anna_again, again_row) = life.all(
        "registration_receipt", "a@example.org"
    )
    assert first_row["context"]["already"] == []
    assert again_row["context"]["already"] == again_row["context"]["registrations"]
    assert again_row["context"]["registrations"] == first_row["context"]["registrations"]
    first_text = parts(anna_first)["text/plain"].get_content()
    assert said["place"] in first_text and said["already"] not in first_text
    again_text = parts(anna_again)["text/plain"].get_content()
    assert said["place"] in again_text and said["already"] in again_text
    # The organiser's text is escaped in HTML and its subject has no line break.
    note, _ = life.one("organiser_message", "b@example.org")
    assert "Kijk goed &lt;hier&gt;!" in parts(note)["text/html"].get_content()
    assert note["Subject"] == "Nieuwe link Bcc: evil@example.org"
    # Needs are not in a plain host's digest, names are.
    digest, _ = life.one("host_digest", "host@example.org")
    assert "Bob Jansen" in parts(digest)["text/plain"].get_content()
    # SEQUENCE only goes up for one person's copy of a date, UID stays.
    bob_first = [
        (kind, event_of(calendar_of(parts(m)["text/calendar"])))
        for kind, to, m, row in life.mails
        if to == "b@example.org" and kind in REQUEST | CANCEL and row["event_date"] == life.first
    ]
    assert [k for k, _ in bob_first] == [
        "registration_promoted",
        "date_changed",
        "date_cancelled",
    ]
    sequences = [int(e["SEQUENCE"]) for _, e in bob_first]
    assert sequences == sorted(sequences) and len(set(sequences)) == 3
    assert len({str(e["UID"]) for _, e in bob_first}) == 1
    anna = [
        int(event_of(calendar_of(parts(m)["text/calendar"]))["SEQUENCE"])
        for kind, to, m, _ in life.mails
        if to == "a@example.org" and kind in REQUEST | CANCEL | {"registration_receipt"}
    ]
    assert len(anna) == 3 and anna == sorted(anna) and anna[-1] > anna[0]


async def test_header_injection_is_cleaned(
    smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    org = await make_organisation(name="Netwerk\r\nX-Evil: yes")
    [date] = await make_date(org)
    receipt = await registrations.register([date], name="Eve", email="eve@example.org")
    registration_id = receipt.outcomes[0].registration_id
    evil = "Evil\r\nBcc: x@example.org"
    await Registration.update({Registration.name: evil}).where(Registration.id == registration_id)
    await OutboxMail.update({OutboxMail.to_name: evil}).where(OutboxMail.id > 0)
    await drain(mail_settings)
    [item] = smtp_server.received
    assert item.rcpt_tos == ("eve@example.org",)
    assert b"\r\nBcc:" not in item.data and b"\nBcc:" not in item.data
    assert b"\r\nX-Evil:" not in item.data
    message = item.message
    assert message["Bcc"] is None and message["X-Evil"] is None
    assert message["To"].addresses[0].display_name == "Evil Bcc: x@example.org"
    assert message["To"].addresses[0].addr_spec == "eve@example.org"
    assert message["From"].addresses[0].display_name == "Netwerk X-Evil: yes"
    [row] = await OutboxMail.select(OutboxMail.message_id, OutboxMail.status)
    assert row == {"message_id": message["Message-ID"], "status": "sent"}
