"""A person's registrations are theirs alone: what a stranger who knows their address can do.

Every test here plays the attacker: someone who types another person's e-mail address into a
registration form, asks for their link, or scripts invented addresses.  The only place that
learns anything is the mailbox.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import httpx
import pytest

from events_app import clock, db
from events_app.mail import outbox
from events_app.registration import cancelling
from events_app.settings import get_settings
from events_app.tables import (
    Attendee,
    EventDate,
    Organisation,
    OutboxMail,
    Registration,
    Series,
    SeriesSubscription,
)
from tests.factories import (
    feed_token_of,
    make_date,
    make_organisation,
    make_organiser,
    manage_token_of,
)
from tests.smtp import SmtpServer, drain

pytest_plugins = ["tests.integration.conftest_mail"]

VICTIM = "kwetsbaar@example.org"
NEEDS = "Ik heb last van paniekaanvallen in grote groepen"


def body(email: str = VICTIM, **extra: object) -> dict[str, object]:
    return {"name": "Iemand", "email": email, **extra}


async def csrf(client: httpx.AsyncClient, path: str) -> str:
    page = await client.get(path)
    match = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert match, "the form carries a CSRF token"
    return match.group(1)


async def mails(kind: str | None = None) -> list[dict[str, object]]:
    query = OutboxMail.select().order_by(OutboxMail.id).output(load_json=True)
    if kind is not None:
        query = query.where(OutboxMail.kind == kind)
    return list(await query)


# --- nobody gets a person's link or data without their mailbox ----------------------------


async def test_registering_someone_elses_address_gives_no_link_and_no_data(
    client: httpx.AsyncClient,
) -> None:
    org = await make_organisation()
    dates = await make_date(org, dates=2)
    first = await client.post("/api/v1/registrations", json=body(date_ids=[dates[0]], needs=NEEDS))
    assert first.status_code == 202, first.text
    token = await manage_token_of(VICTIM)
    feed = await feed_token_of(VICTIM)

    # The stranger, by API and by the form, for the same date and another one.
    stranger = await client.post(
        "/api/v1/registrations", json=body(date_ids=dates, name="Niet Iemand")
    )
    form = {
        "_csrf_token": await csrf(client, "/events/ontmoeting/register"),
        "name": "Niet Iemand",
        "email": VICTIM,
        "dates": [str(d) for d in dates],
    }
    page = await client.post("/events/ontmoeting/register", data=form)
    assert page.status_code == 303
    location = page.headers["location"]
    assert location.startswith("/registered?")
    after = await client.get(location)
    for answer in (first, stranger, page, after):
        text = answer.text + str(answer.headers)
        assert token not in text and feed not in text
        assert "/manage/" not in text and "/feeds/me/" not in text
        assert NEEDS not in text
    assert set(stranger.json()) == {"email", "date_ids", "message"}
    # Nothing of the person changed: not the name, not the needs.
    rows = await Registration.select(Registration.name, Registration.needs).where(
        Registration.event_date == dates[0]
    )
    assert rows == [{"name": "Iemand", "needs": NEEDS}]


async def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(
    client: httpx.AsyncClient,
) -> None:
    org = await make_organisation()
    [date] = await make_date(org, capacity=1, waitlist=False)
    await client.post("/api/v1/registrations", json=body(date_ids=[date]))
    # The date is full now.  Registering the victim again and registering a new address get
    # the same "full" answer: the check looks at the date, never at the person.
    known = await client.post("/api/v1/registrations", json=body(date_ids=[date]))
    unknown = await client.post(
        "/api/v1/registrations", json=body("nieuw@example.org", date_ids=[date])
    )
    assert known.status_code == unknown.status_code == 409
    assert known.json() == unknown.json()

    [open_date] = await make_date(org, slug="open", capacity=10)
    await client.post("/api/v1/registrations", json=body(date_ids=[open_date]))
    again = await client.post("/api/v1/registrations", json=body(date_ids=[open_date]))
    fresh = await client.post(
        "/api/v1/registrations", json=body("ander@example.org", date_ids=[open_date])
    )
    assert again.status_code == fresh.status_code == 202
    assert again.json() | {"email": ""} == fresh.json() | {"email": ""}
    assert again.headers.keys() == fresh.headers.keys()


async def test_only_the_mailbox_learns_it_was_registered_already(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: object
) -> None:
    org = await make_organisation()
    [date] = await make_date(org)
    await client.post("/api/v1/registrations", json=body(date_ids=[date]))
    await client.post("/api/v1/registrations", json=body(date_ids=[date]))
    await drain(mail_settings)  # type: ignore[arg-type]
    first, second = smtp_server.messages
    assert "already registered" not in first.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    text = second.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "You were already registered for this date" in text or "Je was al aangemeld" in text
    token = await manage_token_of(VICTIM)
    assert f"/manage/{token}" in text


# --- send me my link -------------------------------------------------------------------


async def test_e_mail_me_my_link_answers_the_same_for_every_address(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: object
) -> None:
    org = await make_organisation()
    [date] = await make_date(org)
    await client.post("/api/v1/registrations", json=body(date_ids=[date]))
    await drain(mail_settings)  # type: ignore[arg-type]
    smtp_server.clear()

    answers = []
    for address in (VICTIM, "onbekend@example.org"):
        token = await csrf(client, "/manage")
        page = await client.post("/manage", data={"_csrf_token": token, "email": address})
        api = await client.post("/api/v1/manage-link", json={"email": address})
        answers.append(
            (page.status_code, page.text.replace(address, ""), api.status_code, api.text)
        )
    assert answers[0] == answers[1]
    assert answers[0][0] == 200 and answers[0][2] == 202
    await drain(mail_settings)  # type: ignore[arg-type]
    # Two requests for the known address, two mails to it; none to the unknown one.
    assert [tuple(m.rcpt_tos) for m in smtp_server.received] == [(VICTIM,), (VICTIM,)]
    link = await manage_token_of(VICTIM)
    assert f"/manage/{link}" in smtp_server.messages[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    bad = await client.post("/api/v1/manage-link", json={"email": "geen adres"})
    assert bad.status_code == 400
    # Both addresses were counted alike (the same work, so the same time, for either answer).
    from events_app import throttle
    from events_app.tables import Throttle

    hits = {
        row["key"]: row["hits"]
        for row in await Throttle.select(Throttle.key, Throttle.hits).where(
            Throttle.key.like("mail:%")
        )
    }
    assert hits[throttle.hashed("mail", "onbekend@example.org")] == 2


# --- links can be replaced ---------------------------------------------------------------


async def test_a_new_manage_link_is_mailed_and_the_old_one_dies_at_once(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: object
) -> None:
    org = await make_organisation()
    [date] = await make_date(org)
    await client.post("/api/v1/registrations", json=body(date_ids=[date]))
    old = await manage_token_of(VICTIM)
    old_feed = await feed_token_of(VICTIM)

    form = await csrf(client, f"/manage/{old}")
    page = await client.post(f"/manage/{old}/new-link", data={"_csrf_token": form})
    assert page.status_code == 200
    new = await manage_token_of(VICTIM)
    assert new != old and new not in page.text
    assert (await client.get(f"/manage/{old}")).status_code == 404
    assert (await client.get(f"/api/v1/manage/{old}")).status_code == 404
    assert (await client.get(f"/api/v1/manage/{new}")).status_code == 200
    [link_mail] = await mails("manage_link")
    assert link_mail["to_email"] == VICTIM
    smtp_server.clear()
    await drain(mail_settings)  # type: ignore[arg-type]
    texts = [m.get_body(("plain",)).get_content() for m in smtp_server.messages]  # type: ignore[union-attr]
    assert any(f"/manage/{new}" in t for t in texts)
    assert not any(f"/manage/{old}" in t for t in texts[1:])

    moved = await client.post(f"/api/v1/manage/{new}/feed-token")
    assert moved.status_code == 200
    assert (await client.get(f"/feeds/me/{old_feed}.ics")).status_code == 404
    assert (
        await client.get(moved.json()["feed_url"].replace("http://events.test", ""))
    ).status_code == 200

    api = await client.post(f"/api/v1/manage/{new}/new-link")
    assert api.status_code == 202 and (await manage_token_of(VICTIM)) not in api.text
    assert (await client.get(f"/api/v1/manage/{new}")).status_code == 404


# --- one request, one mail -----------------------------------------------------------------


async def test_several_dates_one_mail_with_an_invitation_for_each(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: object
) -> None:
    org = await make_organisation()
    dates = await make_date(org, dates=3, capacity=2)
    await client.post("/api/v1/registrations", json=body("eerste@example.org", date_ids=[dates[2]]))
    await client.post("/api/v1/registrations", json=body("tweede@example.org", date_ids=[dates[2]]))
    smtp_server.clear()
    await OutboxMail.delete().where(OutboxMail.id > 0)

    response = await client.post("/api/v1/registrations", json=body(date_ids=dates))
    assert response.status_code == 202
    [row] = await mails()
    assert row["kind"] == "registration_receipt"
    await drain(mail_settings)  # type: ignore[arg-type]
    [message] = smtp_server.messages
    calendars = [
        part for part in message.iter_attachments() if part.get_filename("").endswith(".ics")
    ]
    # Two dates with a place get an invitation each; the full one (waiting list) gets none.
    assert len(calendars) == 2
    uids = set()
    for part in calendars:
        text = (
            part.get_content()
            if isinstance(part.get_content(), str)
            else part.get_content().decode()
        )
        assert "METHOD:REQUEST" in text and text.count("BEGIN:VEVENT") == 1
        uids.add(re.search(r"UID:(\S+)", text).group(1))  # type: ignore[union-attr]
    assert len(uids) == 2
    plain = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "waiting list" in plain or "wachtlijst" in plain


async def test_a_whole_series_sends_one_mail(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    dates = await make_date(org, dates=12)
    series = await EventDate.select(EventDate.series).where(EventDate.id == dates[0]).first()
    assert series is not None
    response = await client.post("/api/v1/registrations", json=body(series_id=series["series"]))
    assert response.status_code == 202
    assert sorted(response.json()["date_ids"]) == sorted(dates)
    rows = await mails()
    assert [r["kind"] for r in rows] == ["registration_receipt"]
    assert len(rows[0]["context"]["registrations"]) == 12  # type: ignore[index]


async def test_cancel_everything_sends_one_mail(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    dates = await make_date(org, dates=4)
    await client.post("/api/v1/registrations", json=body(date_ids=dates))
    await OutboxMail.delete().where(OutboxMail.id > 0)
    token = await manage_token_of(VICTIM)
    done = await client.post(f"/api/v1/manage/{token}/cancel-all")
    assert done.json() == {"cancelled": 4}
    assert [r["kind"] for r in await mails()] == ["cancellation_receipt"]


async def test_an_address_gets_a_few_mails_an_hour_and_the_rest_is_held(
    client: httpx.AsyncClient,
    smtp_server: SmtpServer,
    mail_settings: object,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        outbox, "get_settings", lambda: replace(get_settings(), mails_per_address_per_hour=3)
    )
    org = await make_organisation()
    dates = await make_date(org, dates=8)
    for date in dates:
        response = await client.post("/api/v1/registrations", json=body(date_ids=[date]))
        assert response.status_code == 202
    for _ in range(2):
        await client.post("/api/v1/manage-link", json={"email": VICTIM})
    statuses = [r["status"] for r in await mails()]
    assert statuses == ["pending"] * 3 + ["held"] * 7
    await drain(mail_settings)  # type: ignore[arg-type]
    assert len(smtp_server.received) == 3
    # Held mails stay held: an hour later nothing comes out in a burst.
    with clock.frozen(clock.now() + timedelta(hours=2)):
        await drain(mail_settings)  # type: ignore[arg-type]
    assert len(smtp_server.received) == 3
    held = await OutboxMail.select(OutboxMail.last_error).where(
        OutboxMail.status == OutboxMail.Status.held
    )
    assert all("Held back" in r["last_error"] for r in held)
    # Another address is not affected.
    await client.post("/api/v1/registrations", json=body("ander@example.org", date_ids=[dates[0]]))
    assert (await mails())[-1]["status"] == "pending"


# --- confirm first --------------------------------------------------------------------------


async def _confirm_first(org: int) -> None:
    await Organisation.update({Organisation.confirm_first: True}).where(Organisation.id == org)


async def test_confirm_first_holds_the_seat_until_the_click(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: object
) -> None:
    org = await make_organisation()
    await _confirm_first(org)
    [date] = await make_date(org, capacity=5)
    response = await client.post("/api/v1/registrations", json=body(date_ids=[date]))
    assert response.status_code == 202
    [row] = await Registration.select(Registration.status, Registration.hold_until)
    assert row["status"] == "confirmed" and row["hold_until"] is not None
    event_date = await EventDate.select(EventDate.confirmed_count).first()
    assert event_date == {"confirmed_count": 1}  # the seat is held
    [mail] = await mails()
    assert mail["kind"] == "registration_confirm"
    await drain(mail_settings)  # type: ignore[arg-type]
    [message] = smtp_server.messages
    assert not [p for p in message.iter_attachments()], "no invitation before the click"
    token = await manage_token_of(VICTIM)
    assert f"/manage/{token}" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]

    # The manage page asks to confirm; a GET (a mail scanner following the link) confirms nothing.
    page = await client.get(f"/manage/{token}")
    assert "/confirm" in page.text
    assert (await Registration.select(Registration.hold_until).first())["hold_until"] is not None  # type: ignore[index]
    confirmed = await client.post(f"/api/v1/manage/{token}/confirm")
    assert confirmed.json() == {"confirmed": 1}
    assert (await Registration.select(Registration.hold_until).first())["hold_until"] is None  # type: ignore[index]
    assert (await Attendee.select(Attendee.verified_at).first())["verified_at"] is not None  # type: ignore[index]
    assert [m["kind"] for m in await mails()][-1] == "registration_receipt"

    # Known now: the next registration counts at once.
    [later] = await make_date(org, slug="later")
    await client.post("/api/v1/registrations", json=body(date_ids=[later]))
    held = await Registration.select(Registration.hold_until).where(
        Registration.event_date == later
    )
    assert held == [{"hold_until": None}]


async def test_invented_addresses_cannot_fill_a_date(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    await _confirm_first(org)
    [date] = await make_date(org, capacity=3)
    for n in range(5):
        await client.post(
            "/api/v1/registrations", json=body(f"verzonnen{n}@example.org", date_ids=[date])
        )
    counts = await EventDate.select(EventDate.confirmed_count, EventDate.waiting_count).first()
    assert counts == {"confirmed_count": 3, "waiting_count": 2}
    # Nobody clicks: after the hold the seats are free again and nothing of them is kept.
    with clock.frozen(clock.now() + timedelta(minutes=31)):
        released = await cancelling.release_expired_holds()
    assert released == 5
    counts = await EventDate.select(EventDate.confirmed_count, EventDate.waiting_count).first()
    assert counts == {"confirmed_count": 0, "waiting_count": 0}
    assert await Registration.count() == 0
    assert await Attendee.count() == 0
    # A real person then gets a seat.
    await Organisation.update({Organisation.confirm_first: False}).where(Organisation.id == org)
    await client.post("/api/v1/registrations", json=body("echt@example.org", date_ids=[date]))
    assert (await Registration.select(Registration.status).first()) == {"status": "confirmed"}


async def test_a_freed_held_seat_goes_to_the_first_person_waiting(
    client: httpx.AsyncClient,
) -> None:
    org = await make_organisation()
    [date] = await make_date(org, capacity=1)
    await client.post("/api/v1/registrations", json=body("wachtend@example.org", date_ids=[date]))
    series = await EventDate.select(EventDate.series).first()
    assert series is not None
    # Confirm first only for this series: the organisation's default stays off.
    await Series.update({Series.confirm_first: True}).where(Series.id == series["series"])
    await Registration.delete().where(Registration.id > 0)
    await EventDate.update({EventDate.confirmed_count: 0}).where(EventDate.id == date)
    await client.post("/api/v1/registrations", json=body("houder@example.org", date_ids=[date]))
    await Series.update({Series.confirm_first: False}).where(Series.id == series["series"])
    await client.post("/api/v1/registrations", json=body("wachtend@example.org", date_ids=[date]))
    statuses = {
        r["email"]: (r["status"], r["hold_until"] is not None)
        for r in await Registration.select(
            Registration.email, Registration.status, Registration.hold_until
        )
    }
    assert statuses == {
        "houder@example.org": ("confirmed", True),
        "wachtend@example.org": ("waiting", False),
    }
    with clock.frozen(clock.now() + timedelta(hours=1)):
        await cancelling.release_expired_holds()
    rows = await Registration.select(Registration.email, Registration.status)
    assert rows == [{"email": "wachtend@example.org", "status": "confirmed"}]


async def test_a_held_whole_series_registration_is_dropped_when_not_confirmed(
    client: httpx.AsyncClient,
) -> None:
    org = await make_organisation()
    await _confirm_first(org)
    dates = await make_date(org, dates=3)
    series = await EventDate.select(EventDate.series).first()
    assert series is not None
    await client.post("/api/v1/registrations", json=body(series_id=series["series"]))
    assert await SeriesSubscription.count() == 1
    with clock.frozen(clock.now() + timedelta(minutes=45)):
        assert await cancelling.release_expired_holds() == len(dates)
    assert await SeriesSubscription.count() == 0


async def test_organisers_choose_confirm_first_in_the_pages_and_the_api(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    response = await client.patch(
        f"/api/v1/organisations/{organiser.organisation_id}",
        json={"confirm_first": True},
        headers=organiser.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["confirm_first"] is True
    row = await Organisation.select(Organisation.confirm_first).first()
    assert row == {"confirm_first": True}


# --- deleting my data deletes it everywhere ------------------------------------------------


async def test_deleting_my_data_removes_it_from_the_outbox_and_the_mail_log(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    [date] = await make_date(organiser.organisation_id)
    await client.post("/api/v1/registrations", json=body(date_ids=[date], name="Zichtbare Naam"))
    token = await manage_token_of(VICTIM)
    async with db.transaction():  # the same person is also a host asking for a password link
        await outbox.enqueue("password_reset", to_email=VICTIM, context={"link": "https://x/y"})
    before = await client.get(
        f"/api/v1/organisations/{organiser.organisation_id}/mails", headers=organiser.headers
    )
    assert VICTIM in before.text
    assert (await client.delete(f"/api/v1/manage/{token}")).status_code == 204
    after = await client.get(
        f"/api/v1/organisations/{organiser.organisation_id}/mails", headers=organiser.headers
    )
    assert after.status_code == 200
    assert VICTIM not in after.text and "Zichtbare Naam" not in after.text
    assert len(after.json()) == len(before.json())  # the count stays
    rows = await OutboxMail.select(
        OutboxMail.kind, OutboxMail.to_email, OutboxMail.to_name, OutboxMail.status
    ).order_by(OutboxMail.id)
    assert rows == [
        {"kind": "registration_receipt", "to_email": "", "to_name": "", "status": "skipped"},
        {"kind": "password_reset", "to_email": VICTIM, "to_name": "", "status": "pending"},
    ]


async def test_mail_not_sent_on_purpose_is_skipped_not_failed(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: object
) -> None:
    org = await make_organisation()
    [date] = await make_date(org)
    await client.post("/api/v1/registrations", json=body(date_ids=[date]))
    await EventDate.update({EventDate.status: EventDate.Status.cancelled}).where(
        EventDate.id == date
    )
    await drain(mail_settings)  # type: ignore[arg-type]
    assert smtp_server.received == []
    [row] = await OutboxMail.select(OutboxMail.status, OutboxMail.last_error)
    assert row["status"] == "skipped" and row["last_error"].startswith("Not sent")


async def test_hosts_see_which_places_are_only_held(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    await _confirm_first(organiser.organisation_id)
    [date] = await make_date(organiser.organisation_id)
    await client.post("/api/v1/registrations", json=body(date_ids=[date]))
    listed = await client.get(f"/api/v1/dates/{date}/signups", headers=organiser.headers)
    assert listed.status_code == 200, listed.text
    [signup] = listed.json()["confirmed"]
    assert signup["hold_until"] is not None


async def test_a_mail_held_up_by_an_outage_tells_the_status_when_it_goes_out(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: object
) -> None:
    org = await make_organisation()
    [date] = await make_date(org, capacity=5)
    await client.post("/api/v1/registrations", json=body(date_ids=[date]))
    # Before the mail goes out, the person is on the waiting list (e.g. the organiser gave
    # their place away while the mail server was down).
    await Registration.update(
        {Registration.status: Registration.Status.waiting, Registration.waiting_since: clock.now()}
    ).where(Registration.event_date == date)
    await drain(mail_settings)  # type: ignore[arg-type]
    [message] = smtp_server.messages
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "You have a place" not in text and "Je hebt een plek" not in text
    assert "waiting list" in text or "wachtlijst" in text
    assert not [p for p in message.iter_attachments() if p.get_filename("").endswith(".ics")]
