"""Mails that time causes: reminders and hosts' digests of tomorrow.  (The materials mail is
the organiser's to send: tests/integration/test_materials.py.)"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from events_app import clock, db
from events_app.mail.scheduled import (
    queue_host_digests,
    queue_reminders,
    reminder_key,
)
from events_app.registration import cancelling, registrations
from events_app.settings import Settings
from events_app.tables import (
    Account,
    EventDate,
    OutboxMail,
    Series,
    SeriesHost,
)
from tests.factories import make_date, make_organisation, make_organiser
from tests.smtp import SmtpServer, drain

pytest_plugins = ["tests.integration.conftest_mail"]  # the smtp_server and mail_settings fixtures

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MEETING = "https://meet.example.org/j/77"


async def _register(date: int, name: str, **extra: object) -> int:
    receipt = await registrations.register(
        [date], name=name, email=f"{name.lower()}@example.org", **extra
    )
    return receipt.outcomes[0].registration_id


async def _date(date_id: int) -> dict:
    row = await EventDate.select().where(EventDate.id == date_id).first()
    assert row is not None
    return row


async def _kinds() -> list[tuple[str, str, str]]:
    rows = await OutboxMail.select(OutboxMail.kind, OutboxMail.to_email, OutboxMail.status)
    return sorted((r["kind"], r["to_email"], r["status"]) for r in rows)


async def test_reminders_are_queued_once_and_never_for_cancelled_ones(
    smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    org = await make_organisation()
    [date] = await make_date(org, capacity=10)
    [other] = await make_date(org, slug="afgelast")
    series = (await _date(date))["series"]
    await Series.update({Series.format: "online", Series.meeting_url: MEETING}).where(
        Series.id == series
    )
    anna = await _register(date, "Anna")
    bob = await _register(date, "Bob")
    carla = await _register(date, "Carla")
    await _register(other, "Dirk")
    async with db.transaction():
        await cancelling.cancel(carla, notify=False)
    await EventDate.update({EventDate.status: "cancelled"}).where(EventDate.id == other)
    await OutboxMail.delete().where(OutboxMail.id > 0)
    starts_at = (await _date(date))["starts_at"]

    with clock.frozen(starts_at - timedelta(hours=25)):
        assert await queue_reminders() == 0  # not yet: the series says 24 hours before
    with clock.frozen(starts_at - timedelta(hours=23)):
        assert await queue_reminders() == 2
        assert await queue_reminders() == 0  # once
        await _register(date, "Eva")  # registered after the reminder moment: no reminder
        assert await queue_reminders() == 0
    keys = {r["dedupe_key"] for r in await OutboxMail.select(OutboxMail.dedupe_key)}
    assert keys == {reminder_key(anna, starts_at), reminder_key(bob, starts_at), None}
    await OutboxMail.delete().where(OutboxMail.kind != "reminder")

    async with db.transaction():  # Bob cancels before the reminder goes out
        await cancelling.cancel(bob, notify=False)
    with clock.frozen(starts_at - timedelta(hours=22)):
        await drain(mail_settings)
    [received] = smtp_server.received
    assert received.rcpt_tos == ("anna@example.org",)
    text = received.message.get_body(("plain",))
    assert text is not None and MEETING in text.get_content()
    assert await _kinds() == [
        ("reminder", "anna@example.org", "sent"),
        ("reminder", "bob@example.org", "skipped"),  # cancelled: not sent, on purpose
    ]

    # The date moves two hours: a new reminder for the new time (Eva registered before the
    # new reminder moment, so she gets one now too).
    moved = starts_at + timedelta(hours=2)
    await EventDate.update({EventDate.starts_at: moved}).where(EventDate.id == date)
    with clock.frozen(starts_at - timedelta(hours=21)):
        assert await queue_reminders() == 2
        assert await queue_reminders() == 0
    assert await OutboxMail.exists().where(OutboxMail.dedupe_key == reminder_key(anna, moved))


async def test_a_series_chooses_its_own_reminder_time_or_none() -> None:
    org = await make_organisation()
    [early] = await make_date(org, slug="vroeg", starts_in=timedelta(days=5))
    [never] = await make_date(org, slug="nooit", starts_in=timedelta(days=5))
    await Series.update({Series.reminder_hours: 72}).where(
        Series.id == (await _date(early))["series"]
    )
    await Series.update({Series.reminder_hours: 0}).where(
        Series.id == (await _date(never))["series"]
    )
    await _register(early, "Anna")
    await _register(never, "Bob")
    await OutboxMail.delete().where(OutboxMail.id > 0)
    starts_at = (await _date(early))["starts_at"]
    with clock.frozen(starts_at - timedelta(hours=71)):
        assert await queue_reminders() == 1
    assert await _kinds() == [("reminder", "anna@example.org", "pending")]


async def test_hosts_get_tomorrows_sign_up_list_once_and_needs_only_if_they_may(
    smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    organiser = await make_organiser()
    [date] = await make_date(organiser.organisation_id, capacity=1)
    event_date = await _date(date)
    host = await Account.insert(
        Account(
            email="host@example.org",
            name="Henk Host",
            password_hash="x",
            language="nl",
            created_at=clock.now(),
        )
    ).returning(Account.id)
    await SeriesHost.insert(
        SeriesHost(account=host[0]["id"], series=event_date["series"]),
        SeriesHost(
            account=organiser.actor.account_id, series=event_date["series"], event_date=date
        ),
    )
    await _register(date, "Anna", needs="Een rolstoelplek, graag", role="expert")
    await _register(date, "Bob")  # waiting list
    await OutboxMail.delete().where(OutboxMail.id > 0)
    local_day = event_date["local_start"].date()
    evening_before = datetime.combine(
        local_day - timedelta(days=1), datetime.min.time(), AMSTERDAM
    ).replace(hour=17)
    with clock.frozen(evening_before.replace(hour=9)):
        assert await queue_host_digests() == 0  # the digest waits for the afternoon
    with clock.frozen(evening_before):
        assert await queue_host_digests() == 2
        assert await queue_host_digests() == 0
        await drain(mail_settings)
    with clock.frozen(evening_before + timedelta(days=1)):
        assert await queue_host_digests() == 0  # on the day itself: nothing new
    by_address = {item.rcpt_tos[0]: item.message for item in smtp_server.received}
    assert set(by_address) == {"host@example.org", "organiser@example.org"}
    plain_host = by_address["host@example.org"].get_body(("plain",))
    organiser_host = by_address["organiser@example.org"].get_body(("plain",))
    assert plain_host is not None and organiser_host is not None
    host_text, organiser_text = plain_host.get_content(), organiser_host.get_content()
    for text in (host_text, organiser_text):
        assert "Anna (ervaringsdeskundige)" in text or "Anna (expert by experience)" in text
        assert "Bob" in text
    assert "rolstoelplek" not in host_text
    assert "1 persoon heeft opgeschreven wat nodig is." in host_text
    assert "rolstoelplek" in organiser_text
    assert str(by_address["host@example.org"]["Subject"]).startswith("Morgen: ")
