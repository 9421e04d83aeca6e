"""Delivery against a real SMTP server: outages, refusals, stale rows, several workers, the
organisers' mail log and retry, and writing to everyone registered for a date."""

from __future__ import annotations

import asyncio
import email
import re
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from datetime import timedelta
from email import policy
from typing import Any

import httpx
import pytest

from events_app import clock, db
from events_app.mail import builders, delivery, outbox, smtp
from events_app.mail.delivery import MAX_ATTEMPTS, backoff, deliver_due, purge_finished
from events_app.mail.render import Outgoing, prepare
from events_app.registration import cancelling, registrations
from events_app.settings import Settings
from events_app.tables import Attendee, AuditLog, OutboxMail, Registration
from tests.factories import make_date, make_organisation, make_organiser
from tests.smtp import SmtpServer, drain

pytest_plugins = ["tests.integration.conftest_mail"]  # the smtp_server and mail_settings fixtures


def message_id(data: bytes) -> str:
    """The Message-ID header, read without parsing the whole message."""
    match = re.search(rb"^Message-ID: (<[^>\r\n]+>)\r?$", data, re.MULTILINE)
    assert match is not None
    return match.group(1).decode()


async def _register(date: int, n: int, **extra: object) -> int:
    receipt = await registrations.register(
        [date], name=f"Deelnemer {n}", email=f"p{n}@example.org", **extra
    )
    return receipt.outcomes[0].registration_id


async def test_smtp_down_during_200_registrations_then_exactly_200_arrive(
    smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    org = await make_organisation()
    [date] = await make_date(org, capacity=500)
    start = clock.now()
    with clock.frozen(start):
        smtp_server.stop()
        for n in range(200):
            await _register(date, n)
        assert await drain(mail_settings) == 200  # every row tried once, none lost
        rows = await OutboxMail.select()
        assert len(rows) == 200
        assert {r["status"] for r in rows} == {"pending"}
        assert {r["attempts"] for r in rows} == {1}
        assert all(r["next_attempt_at"] > start for r in rows)
        assert all(r["locked_until"] is None for r in rows)
        assert all("No connection" in r["last_error"] for r in rows)
        smtp_server.start()
        assert await deliver_due(settings=mail_settings) == 0  # waits for its backoff
    with clock.frozen(start + timedelta(minutes=5)):
        await drain(mail_settings)
    received = smtp_server.received
    assert len(received) == 200
    ids = [item.message["Message-ID"] for item in received]
    assert len(set(ids)) == 200
    rows = await OutboxMail.select()
    assert set(ids) == {r["message_id"] for r in rows}
    assert {(r["status"], r["attempts"], r["last_error"]) for r in rows} == {("sent", 2, "")}
    assert sorted(rcpt for item in received for rcpt in item.rcpt_tos) == sorted(
        f"p{n}@example.org" for n in range(200)
    )


async def test_a_crash_between_sending_and_marking_repeats_only_that_mail(
    smtp_server: SmtpServer, mail_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = await make_organisation()
    [date] = await make_date(org)
    for n in range(3):
        await _register(date, n)
    real_mark = delivery._mark_sent

    async def crash(job: object) -> None:
        raise RuntimeError("the worker died here")

    start = clock.now()
    with clock.frozen(start):
        monkeypatch.setattr(delivery, "_mark_sent", crash)
        with pytest.raises(RuntimeError):
            await deliver_due(settings=mail_settings)
        monkeypatch.setattr(delivery, "_mark_sent", real_mark)
        assert await delivery.claim(50, start) == []  # the dead worker's lease still holds
        assert await deliver_due(settings=mail_settings) == 0
    with clock.frozen(start + delivery.LEASE + timedelta(seconds=1)):  # the lease ran out
        assert await drain(mail_settings) == 3
    ids = [item.message["Message-ID"] for item in smtp_server.received]
    rows = await OutboxMail.select().order_by(OutboxMail.id)
    first = rows[0]["message_id"]
    assert ids.count(first) == 2  # repeated once, recognisable by its Message-ID
    assert sorted(ids) == sorted([first, *[r["message_id"] for r in rows]])
    assert {r["status"] for r in rows} == {"sent"}


async def test_each_mail_is_recorded_as_sent_before_the_next_message_goes_out(
    smtp_server: SmtpServer, mail_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The mark of one mail overlaps the next mail's envelope, never its message: at any moment
    # at most one delivered mail is not yet recorded.
    org = await make_organisation()
    [date] = await make_date(org)
    for n in range(6):
        await _register(date, n)
    unrecorded_at_data: list[int] = []
    real_finish = smtp.SmtpConnection.finish

    async def finish(self: smtp.SmtpConnection, data: bytes) -> None:
        delivered = len(smtp_server.received)
        recorded = await OutboxMail.count().where(OutboxMail.status == "sent")
        unrecorded_at_data.append(delivered - recorded)
        await real_finish(self, data)

    real_mark = delivery._mark_sent

    async def slow_mark(job: Any) -> None:  # a slow database: the overlap must still wait
        await asyncio.sleep(0.05)
        await real_mark(job)

    monkeypatch.setattr(smtp.SmtpConnection, "finish", finish)
    monkeypatch.setattr(delivery, "_mark_sent", slow_mark)
    assert await drain(mail_settings) == 6
    assert unrecorded_at_data == [0] * 6
    assert await OutboxMail.count().where(OutboxMail.status == "sent") == 6


@pytest.fixture
def builder_process() -> Iterator[None]:
    """A builder process beside this test's deliveries, as the worker runs them."""
    builders.configure(1)
    try:
        yield
    finally:
        builders.configure(0)


async def test_mails_built_in_a_builder_process_are_the_mails_built_here(
    smtp_server: SmtpServer, mail_settings: Settings, builder_process: None
) -> None:
    org = await make_organisation()
    [date] = await make_date(org)
    for n in range(3):
        await _register(date, n)
    start = clock.now()
    with clock.frozen(start):
        jobs = [delivery.Job.from_row(row) for row in await delivery.claim(50, start)]
        here = await prepare(jobs, mail_from=mail_settings.mail_from, now=start)
        await delivery._release(jobs)
        assert await drain(mail_settings) == 3
    received = {message_id(item.data): item.data for item in smtp_server.received}
    assert len(received) == 3
    for job in jobs:
        built = here[job.id]
        assert isinstance(built, Outgoing)
        # The same bytes but for what depends on the moment it was built (no other field).
        assert _timeless(received[job.message_id]) == _timeless(built.data)
    assert {r["status"] for r in await OutboxMail.select(OutboxMail.status)} == {"sent"}


def _timeless(data: bytes) -> list[tuple[str, bytes]]:
    """Headers and parts, without what depends on the moment (Date, DTSTAMP) or on chance
    (the MIME boundaries)."""
    message = email.message_from_bytes(data, policy=policy.default)
    headers = [(k, str(v)) for k, v in message.items() if k not in ("Date", "Content-Type")]
    parts = [
        (part.get_content_type(), part.get_payload(decode=True) or b"")
        for part in message.walk()
        if not part.is_multipart()
    ]
    return [(k, v.encode()) for k, v in headers] + [
        (kind, re.sub(rb"DTSTAMP:[^\r\n]*", b"", payload)) for kind, payload in parts
    ]


async def test_a_builder_that_died_while_idle_is_replaced(
    smtp_server: SmtpServer, mail_settings: Settings, builder_process: None
) -> None:
    org = await make_organisation()
    [date] = await make_date(org)
    for n in range(2):
        await _register(date, n)
    builders._executor().submit(int).result(timeout=60)  # the builder is up
    pool = builders._pool
    assert pool is not None
    for process in list(pool._processes.values()):  # type: ignore[union-attr]
        process.kill()
        process.join()
    assert await drain(mail_settings) == 2
    assert len(smtp_server.received) == 2
    assert builders._pool is not pool


async def test_a_builder_that_dies_mid_batch_leaves_the_rest_for_the_next_round(
    smtp_server: SmtpServer,
    mail_settings: Settings,
    builder_process: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    org = await make_organisation()
    [date] = await make_date(org)
    for n in range(3):
        await _register(date, n)
    real_submit = builders.submit
    submitted = [0]

    def dying(*args: Any, **kwargs: Any) -> asyncio.Future[Any]:
        submitted[0] += 1
        if submitted[0] == 2:  # the builder dies while building the second mail
            future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            future.set_exception(BrokenProcessPool("the builder died"))
            return future
        return real_submit(*args, **kwargs)

    start = clock.now()
    with clock.frozen(start):
        monkeypatch.setattr(builders, "submit", dying)
        with pytest.raises(BrokenProcessPool):
            await deliver_due(settings=mail_settings)
        monkeypatch.setattr(builders, "submit", real_submit)
        assert len(smtp_server.received) == 1  # the first went out and was recorded
    with clock.frozen(start + delivery.LEASE + timedelta(seconds=1)):  # the lease ran out
        assert await drain(mail_settings) == 2
    ids = [message_id(item.data) for item in smtp_server.received]
    assert len(ids) == len(set(ids)) == 3  # each exactly once
    assert {r["status"] for r in await OutboxMail.select(OutboxMail.status)} == {"sent"}


async def test_two_workers_on_postgres_deliver_1000_mails_exactly_once(
    smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    if not db.is_postgres():
        pytest.skip("PostgreSQL only: several workers")
    org = await make_organisation()
    [date] = await make_date(org, capacity=None)
    now = clock.now()
    attendees = await Attendee.insert(
        *[
            Attendee(
                email=f"w{n}@example.org",
                manage_token=f"manage-{n}",
                feed_token=f"feed-{n}",
                created_at=now,
            )
            for n in range(1000)
        ]
    ).returning(Attendee.id, Attendee.email)
    regs = await Registration.insert(
        *[
            Registration(
                event_date=date,
                attendee=row["id"],
                name=f"Werker {n}",
                email=row["email"],
                status="confirmed",
                created_at=now,
                updated_at=now,
            )
            for n, row in enumerate(attendees)
        ]
    ).returning(Registration.id, Registration.email)
    await OutboxMail.insert(
        *[
            OutboxMail(
                message_id=outbox.new_message_id(),
                kind="reminder",  # no calendar part: this test is about exactly-once, not content
                organisation=org,
                event_date=date,
                registration=row["id"],
                to_email=row["email"],
                to_name="Werker",
                language="nl" if row["id"] % 2 else "en",
                context={},
                next_attempt_at=now,
                created_at=now,
            )
            for row in regs
        ]
    )
    first, second = await asyncio.gather(drain(mail_settings), drain(mail_settings))
    assert first > 0 and second > 0  # both workers took part
    ids = [message_id(item.data) for item in smtp_server.received]
    assert len(ids) == 1000
    assert len(set(ids)) == 1000
    rows = await OutboxMail.select(OutboxMail.message_id, OutboxMail.status, OutboxMail.attempts)
    assert {r["message_id"] for r in rows} == set(ids)
    assert {(r["status"], r["attempts"]) for r in rows} == {("sent", 1)}


async def test_a_refused_address_fails_at_once_and_organisers_can_retry_it(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    organiser = await make_organiser()
    [date] = await make_date(organiser.organisation_id)
    await _register(date, 1)
    await _register(date, 2)
    await _register(date, 3)
    smtp_server.refuse("p2@example.org")
    await drain(mail_settings)  # the connection goes on after the refusal
    assert [r for item in smtp_server.received for r in item.rcpt_tos] == [
        "p1@example.org",
        "p3@example.org",
    ]
    failed = await OutboxMail.select().where(OutboxMail.to_email == "p2@example.org").first()
    assert failed is not None
    assert failed["status"] == "failed" and failed["attempts"] == 1
    assert "550" in failed["last_error"] and "refused the address" in failed["last_error"]

    log = await client.get(
        f"/api/v1/organisations/{organiser.organisation_id}/mails",
        params={"status": "failed"},
        headers=organiser.headers,
    )
    assert log.status_code == 200, log.text
    [entry] = log.json()["mails"]
    assert entry["id"] == failed["id"] and "550" in entry["last_error"]
    everything = await client.get(
        f"/api/v1/organisations/{organiser.organisation_id}/mails", headers=organiser.headers
    )
    assert {m["status"] for m in everything.json()["mails"]} == {"sent", "failed"}
    assert (
        await client.get("/api/v1/organisations/999/mails", headers=organiser.headers)
    ).status_code == 404
    bad = await client.get(
        f"/api/v1/organisations/{organiser.organisation_id}/mails",
        params={"status": "lost"},
        headers=organiser.headers,
    )
    assert bad.status_code == 400

    other = await make_organiser("ander-netwerk", "other@example.org")
    denied = await client.post(f"/api/v1/mails/{failed['id']}/retry", headers=other.headers)
    assert denied.status_code == 404
    retried = await client.post(f"/api/v1/mails/{failed['id']}/retry", headers=organiser.headers)
    assert retried.status_code == 200, retried.text
    assert retried.json()["status"] == "pending" and retried.json()["attempts"] == 0
    again = await client.post(f"/api/v1/mails/{failed['id']}/retry", headers=organiser.headers)
    assert again.status_code == 409
    assert await AuditLog.count().where(AuditLog.action == "mail_retried") == 1

    smtp_server.handler.refuse.clear()
    await drain(mail_settings)
    [item] = [i for i in smtp_server.received if i.rcpt_tos == ("p2@example.org",)]
    assert item.message["Message-ID"] == failed["message_id"]


async def test_rows_that_no_longer_make_sense_are_skipped_or_fail_with_a_reason(
    smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    org = await make_organisation()
    [date] = await make_date(org)
    deleted = await _register(date, 1)
    cancelled = await _register(date, 2)
    await OutboxMail.delete().where(OutboxMail.id > 0)
    async with db.transaction():
        for registration_id, kind in ((deleted, "reminder"), (cancelled, "reminder")):
            await outbox.enqueue(
                kind,
                to_email="x@example.org",
                organisation_id=org,
                date_id=date,
                registration_id=registration_id,
            )
        await outbox.enqueue(
            "no_such_kind", to_email="x@example.org", organisation_id=org, date_id=date
        )
    await Registration.delete().where(Registration.id == deleted)
    async with db.transaction():
        await cancelling.cancel(cancelled, notify=False)
    await drain(mail_settings)
    assert smtp_server.received == []
    rows = await OutboxMail.select(OutboxMail.kind, OutboxMail.status, OutboxMail.last_error)
    reasons = sorted((r["status"], r["last_error"]) for r in rows)
    # not sent on purpose: skipped; a row that cannot be understood: failed
    assert reasons == [
        ("failed", "Unknown kind of mail: 'no_such_kind'."),
        ("skipped", "Not sent: the registration was cancelled before this mail went out."),
        ("skipped", "The registration was deleted."),
    ]


async def test_a_slow_server_is_a_temporary_failure(
    smtp_server: SmtpServer, mail_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(smtp, "SMTP_TIMEOUT", 0.3)
    org = await make_organisation()
    [date] = await make_date(org)
    await _register(date, 1)
    await _register(date, 2)
    smtp_server.handler.delay = 1.0
    start = clock.now()
    with clock.frozen(start):
        assert await drain(mail_settings) == 2
    rows = await OutboxMail.select()
    assert {(r["status"], r["attempts"]) for r in rows} == {("pending", 1)}
    assert all(r["next_attempt_at"] > start for r in rows)
    assert all("did not answer in time" in r["last_error"] for r in rows)
    smtp_server.handler.delay = 0
    with clock.frozen(start + timedelta(minutes=2)):
        await drain(mail_settings)
    assert {r["status"] for r in await OutboxMail.select(OutboxMail.status)} == {"sent"}
    assert len({i.message["Message-ID"] for i in smtp_server.received}) == 2


async def test_finished_mails_are_purged_after_the_retention_time(
    smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    org = await make_organisation()
    [date] = await make_date(org)
    await _register(date, 1)
    await drain(mail_settings)
    await _register(date, 2)  # still pending: never purged
    assert await purge_finished(clock.now() - timedelta(days=1)) == 0
    assert await purge_finished(clock.now() + timedelta(seconds=1)) == 1
    assert [r["to_email"] for r in await OutboxMail.select(OutboxMail.to_email)] == [
        "p2@example.org"
    ]


async def test_temporary_failures_back_off_and_give_up_after_about_a_day() -> None:
    waits = [backoff(n, jitter=0) for n in range(1, MAX_ATTEMPTS)]
    assert waits[0] == timedelta(seconds=30)
    assert waits[1] == timedelta(seconds=60)
    assert max(waits) == timedelta(hours=1)
    assert timedelta(hours=20) < sum(waits, timedelta()) < timedelta(hours=30)
    for n in range(1, 8):
        assert (
            timedelta(seconds=24 * 2 ** (n - 1))
            <= backoff(n)
            <= timedelta(seconds=36 * 2 ** (n - 1))
        )


async def test_the_last_temporary_failure_marks_the_mail_failed(
    smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    org = await make_organisation()
    [date] = await make_date(org)
    await _register(date, 1)
    await OutboxMail.update({OutboxMail.attempts: MAX_ATTEMPTS - 1}).where(OutboxMail.id > 0)
    smtp_server.stop()
    await drain(mail_settings)
    [row] = await OutboxMail.select()
    assert row["status"] == "failed"
    assert row["last_error"].startswith(f"Gave up after {MAX_ATTEMPTS} attempts.")


async def test_organisers_and_hosts_write_to_everyone_registered(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    organiser = await make_organiser()
    [date] = await make_date(organiser.organisation_id, capacity=2)
    for n in range(3):
        await _register(date, n, language="en" if n else "nl")
    await drain(mail_settings)
    smtp_server.clear()
    body = {"subject": "De link is veranderd", "body": "Nieuwe link:\nhttps://meet.example.org/x"}
    response = await client.post(
        f"/api/v1/dates/{date}/message", json=body, headers=organiser.headers
    )
    assert response.status_code == 202, response.text
    assert response.json() == {"queued": 2}
    with_waiting = await client.post(
        f"/api/v1/dates/{date}/message",
        json={**body, "include_waiting": True},
        headers=organiser.headers,
    )
    assert with_waiting.json() == {"queued": 3}
    empty = await client.post(
        f"/api/v1/dates/{date}/message",
        json={"subject": "  ", "body": "x"},
        headers=organiser.headers,
    )
    assert empty.status_code == 400
    outsider = await make_organiser("ander-netwerk", "other@example.org")
    denied = await client.post(f"/api/v1/dates/{date}/message", json=body, headers=outsider.headers)
    assert denied.status_code == 404
    await drain(mail_settings)
    messages = smtp_server.messages
    assert len(messages) == 5
    assert {str(m["Subject"]) for m in messages} == {"De link is veranderd"}
    assert await AuditLog.count().where(AuditLog.action == "registrants_messaged") == 2
