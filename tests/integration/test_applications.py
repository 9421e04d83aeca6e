"""Applications: applying takes no seat and reveals nothing; accepting registers (a place or the
waiting list), declining sends kind words; every step is one mail; the person sees and
withdraws their application with the manage link."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

import httpx
import pytest

from events_app import clock
from events_app.accounts.credentials import actor_for_account
from events_app.domain.errors import Conflict, DomainError, NotFound
from events_app.hosting import applications as hosting
from events_app.registration import applications, my_data, registrations, retention
from events_app.settings import Settings
from events_app.tables import (
    Application,
    Attendee,
    EventDate,
    OutboxMail,
    Question,
    Registration,
    Series,
)
from tests.factories import (
    Organiser,
    make_date,
    make_host,
    make_organiser,
    manage_token_of,
    series_of,
)
from tests.helpers.pages import csrf_token, login
from tests.smtp import SmtpServer, drain

pytest_plugins = ["tests.integration.conftest_mail"]


async def _application_date(capacity: int | None = 1) -> tuple[Organiser, int]:
    organiser = await make_organiser()
    [date_id] = await make_date(organiser.organisation_id, capacity=capacity)
    await Series.update({Series.admission: Series.Admission.apply}).where(
        Series.id == await series_of(date_id)
    )
    return organiser, date_id


async def _apply(date_id: int, n: int, language: str = "nl") -> None:
    await applications.apply(
        [date_id], name=f"Aanvrager {n}", email=f"a{n}@example.org", language=language
    )


def _text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


async def test_applying_takes_no_seat_and_mails_a_receipt_that_reveals_nothing_to_the_sender(
    smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    _, date_id = await _application_date()
    await _apply(date_id, 1, "en")
    await _apply(date_id, 1, "en")  # again: changes nothing, answers the same
    [row] = await Application.select().where(Application.event_date == date_id)
    assert row["status"] == "pending"
    date = await EventDate.select().where(EventDate.id == date_id).first()
    assert date is not None and date["confirmed_count"] == 0 and date["waiting_count"] == 0
    assert not await Registration.count().where(Registration.event_date == date_id)
    await drain(mail_settings)
    first, second = (r.message for r in smtp_server.received)
    assert str(first["Subject"]) == "We received your application: Bijeenkomst ontmoeting"
    assert "does not give you a place yet" in _text(first)
    assert "We already had your application" in _text(second)


async def test_a_series_that_takes_applications_refuses_registrations_and_the_other_way_round() -> (
    None
):
    organiser, date_id = await _application_date()
    with pytest.raises(DomainError) as refused:
        await registrations.register([date_id], name="Iemand", email="iemand@example.org")
    assert refused.value.code == "applications_only"
    [plain] = await make_date(organiser.organisation_id, slug="gewoon")
    with pytest.raises(DomainError) as wrong:
        await _apply(plain, 2)
    assert wrong.value.code == "registrations_only"
    with pytest.raises(DomainError) as two:
        await applications.apply([date_id, plain], name="X", email="x@example.org")
    assert two.value.code == "one_date"


async def test_after_the_closing_time_applications_are_refused() -> None:
    _, date_id = await _application_date()
    await Series.update({Series.registration_closes_at: clock.now() - timedelta(minutes=1)}).where(
        Series.id == await series_of(date_id)
    )
    with pytest.raises(DomainError):
        await _apply(date_id, 1)
    assert not await Application.count()


async def test_accept_gives_the_last_seat_then_the_waiting_list_decline_sends_kind_words(
    smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    organiser, date_id = await _application_date(capacity=1)
    for n in (1, 2, 3):
        await _apply(date_id, n, "en" if n == 3 else "nl")
    await drain(mail_settings)
    smtp_server.clear()
    actor = organiser.actor
    listed = await hosting.applications_for_date(actor, date_id)
    first, second, third = (a.id for a in listed)
    await hosting.accept(actor, first)
    await hosting.accept(actor, second)
    await hosting.decline(actor, third)
    with pytest.raises(Conflict):
        await hosting.accept(actor, third)
    with pytest.raises(Conflict):
        await hosting.decline(actor, first)
    statuses = {
        r["email"]: r["status"]
        for r in await Registration.select().where(Registration.event_date == date_id)
    }
    assert statuses == {"a1@example.org": "confirmed", "a2@example.org": "waiting"}
    await drain(mail_settings)
    by_address = {r.rcpt_tos[0]: r.message for r in smtp_server.received}
    placed = by_address["a1@example.org"]
    assert str(placed["Subject"]) == "Je aanvraag is goedgekeurd: Bijeenkomst ontmoeting"
    assert "Goed nieuws: je aanvraag is goedgekeurd." in _text(placed)
    assert any(p.get_content_type() == "text/calendar" for p in placed.walk())
    waiting = by_address["a2@example.org"]
    assert not any(p.get_content_type() == "text/calendar" for p in waiting.walk())
    declined = by_address["a3@example.org"]
    assert str(declined["Subject"]) == "About your application: Bijeenkomst ontmoeting"
    assert "there were more applications than places" in _text(declined)


async def test_a_declined_mail_carries_the_organisers_own_words() -> None:
    organiser, date_id = await _application_date()
    await _apply(date_id, 1)
    [application] = await hosting.applications_for_date(organiser.actor, date_id)
    with pytest.raises(DomainError):
        await hosting.decline(organiser.actor, application.id, message="x" * 2001)
    await hosting.decline(organiser.actor, application.id, message="Helaas, volgende keer!")
    row = await Application.select().where(Application.id == application.id).first()
    assert row is not None and row["message"] == "Helaas, volgende keer!"
    assert await OutboxMail.count().where(OutboxMail.kind == "application_declined") == 1


async def test_a_host_of_another_series_and_strangers_cannot_see_or_decide() -> None:
    organiser, date_id = await _application_date()
    await _apply(date_id, 1)
    [other] = await make_date(organiser.organisation_id, slug="andere")
    host_id = await make_host(organiser.organisation_id, await series_of(other))
    host = await actor_for_account(host_id)
    assert host is not None
    with pytest.raises(NotFound):
        await hosting.applications_for_date(host, date_id)
    [application] = await hosting.applications_for_date(organiser.actor, date_id)
    with pytest.raises(NotFound):
        await hosting.accept(host, application.id)


async def test_the_person_sees_and_withdraws_their_application() -> None:
    organiser, date_id = await _application_date()
    await _apply(date_id, 1)
    token = await manage_token_of("a1@example.org")
    attendee = await applications.attendee_for_token(token)
    [mine] = await applications.my_applications(attendee["id"])
    assert mine.status == "pending" and mine.series_title == "Bijeenkomst ontmoeting"
    with pytest.raises(NotFound):
        await applications.withdraw_mine("wrong-token", mine.application_id)
    await applications.withdraw_mine(token, mine.application_id)
    with pytest.raises(Conflict):
        await applications.withdraw_mine(token, mine.application_id)
    assert not await hosting.applications_for_date(organiser.actor, date_id)
    await _apply(date_id, 1)  # applying again after withdrawing: pending again
    [again] = await applications.my_applications(attendee["id"])
    assert again.status == "pending"


async def test_the_pages_walk_apply_decide_and_withdraw(client: httpx.AsyncClient) -> None:
    organiser, date_id = await _application_date(capacity=1)
    await Question.insert(
        Question(organisation=organiser.organisation_id, label="Waarom wil je meedoen?")
    )
    form = await client.get("/events/ontmoeting/register")
    assert (
        "Aanvraag doen voor Bijeenkomst ontmoeting" in form.text
        and "Dit is een aanvraag." in form.text
    )
    assert 'type="radio"' in form.text
    token = await csrf_token(client, "/events/ontmoeting/register")
    [question] = await Question.select(Question.id)
    sent = await client.post(
        "/events/ontmoeting/register",
        data={
            "_csrf_token": token,
            "dates": str(date_id),
            "name": "Aanvrager",
            "email": "aanvrager@example.org",
            f"answer_{question['id']}": "Ik heb de basistraining gedaan.",
        },
    )
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == f"/registered?dates={date_id}&applied=yes"
    done = await client.get(sent.headers["location"])
    assert "aanvrager@example.org" not in done.text
    # The same address again: the same answer.
    again = await client.post(
        "/events/ontmoeting/register",
        data={
            "_csrf_token": token,
            "dates": str(date_id),
            "name": "X",
            "email": "aanvrager@example.org",
        },
    )
    assert again.status_code == 303 and again.headers["location"] == sent.headers["location"]
    # Two dates, a NUL byte, a huge id: the form again with the problem at its field.
    for dates in ([str(date_id), str(date_id + 1)], ["99999999999"], ["1\x00"]):
        bad = await client.post(
            "/events/ontmoeting/register",
            data={"_csrf_token": token, "dates": dates, "name": "Y", "email": "y@example.org"},
        )
        assert bad.status_code == 400, (dates, bad.status_code)
    await login(client, "organiser@example.org")
    page = await client.get(f"/host/dates/{date_id}/applications")
    assert page.status_code == 200
    assert "Waarom wil je meedoen?" in page.text and "basistraining" in page.text
    [application] = await Application.select(Application.id)
    staff_token = await csrf_token(client, f"/host/dates/{date_id}/applications")
    too_long = await client.post(
        f"/host/applications/{application['id']}/decline",
        data={"_csrf_token": staff_token, "event_date": str(date_id), "message": "x" * 2001},
    )
    assert too_long.status_code == 400 and 'aria-invalid="true"' in too_long.text
    row = await Application.select(Application.answers).output(load_json=True).first()
    assert row is not None and row["answers"] == {
        str(question["id"]): "Ik heb de basistraining gedaan."
    }
    await Question.update({Question.required: True}).where(Question.id == question["id"])
    accepted = await client.post(
        f"/host/applications/{application['id']}/accept",
        data={"_csrf_token": staff_token, "event_date": str(date_id)},
    )
    assert accepted.status_code == 303
    twice = await client.post(
        f"/host/applications/{application['id']}/accept",
        data={"_csrf_token": staff_token, "event_date": str(date_id)},
    )
    assert twice.status_code == 409
    unknown = await client.post(
        "/host/applications/2147483647/accept",
        data={"_csrf_token": staff_token, "event_date": str(date_id)},
    )
    assert unknown.status_code == 404
    manage_url = f"/manage/{await manage_token_of('aanvrager@example.org')}"
    manage = await client.get(manage_url + "?lang=en")
    assert manage.status_code == 200
    assert "Your application is accepted." in manage.text and "You are registered." in manage.text


async def test_the_api_applies_lists_accepts_and_declines(client: httpx.AsyncClient) -> None:
    organiser, date_id = await _application_date(capacity=1)
    for n in (1, 2):
        answer = await client.post(
            "/api/v1/applications",
            json={"name": f"Aanvrager {n}", "email": f"a{n}@example.org", "date_id": date_id},
        )
        assert answer.status_code == 202, answer.text
        assert answer.json()["date_ids"] == [date_id]
    for body in (
        {"name": "X", "email": "x@example.org", "date_id": 2147483648},
        {"name": "X", "email": "x@example.org", "date_id": [1]},
        {"name": "X", "email": "x@example.org", "date_id": date_id, "extra": 1},
        {"name": "X\u0000", "email": "x@example.org", "date_id": date_id},
    ):
        refused = await client.post("/api/v1/applications", json=body)
        assert refused.status_code == 400, (body, refused.status_code)
    nobody = await client.get(f"/api/v1/dates/{date_id}/applications")
    assert nobody.status_code == 401
    listed = await client.get(f"/api/v1/dates/{date_id}/applications", headers=organiser.headers)
    assert listed.status_code == 200
    first, second = (a["id"] for a in listed.json()["pending"])
    placed = await client.post(f"/api/v1/applications/{first}/accept", headers=organiser.headers)
    assert placed.status_code == 200 and placed.json()["status"] == "confirmed"
    waiting = await client.post(f"/api/v1/applications/{second}/accept", headers=organiser.headers)
    assert waiting.status_code == 200 and waiting.json()["status"] == "waiting"
    again = await client.post(
        f"/api/v1/applications/{second}/decline", json={}, headers=organiser.headers
    )
    assert again.status_code == 409
    after = (
        await client.get(f"/api/v1/dates/{date_id}/applications", headers=organiser.headers)
    ).json()
    assert [a["status"] for a in after["accepted"]] == ["accepted", "accepted"]


async def test_retention_and_delete_my_data_wipe_applications() -> None:
    _, date_id = await _application_date()
    await _apply(date_id, 1)
    await _apply(date_id, 2)
    token = await manage_token_of("a2@example.org")
    exported = await my_data.export_my_data(token)
    assert exported["applications"][0]["name"] == "Aanvrager 2"
    await my_data.delete_my_data(token)
    gone = await Application.select().where(Application.anonymised_at.is_not_null())
    assert [(r["name"], r["email"], r["status"]) for r in gone] == [("", "", "withdrawn")]
    with clock.frozen(clock.now() + timedelta(days=200)):
        await retention.anonymise_expired()
    rows = await Application.select(Application.name, Application.answers, Application.attendee)
    assert all(r["name"] == "" and r["attendee"] is None for r in rows)
    assert not await Attendee.count()


async def test_the_organiser_writes_the_series_own_questions(client: httpx.AsyncClient) -> None:
    organiser, date_id = await _application_date()
    series_id = await series_of(date_id)
    [other] = await make_date(organiser.organisation_id, slug="andere")
    await login(client, "organiser@example.org")
    path = f"/organise/series/{series_id}/questions"
    token = await csrf_token(client, path)
    empty = await client.post(path + "/", data={"_csrf_token": token, "label": "", "kind": "text"})
    assert empty.status_code == 400 and 'aria-invalid="true"' in empty.text
    nul = await client.post(path + "/", data={"_csrf_token": token, "label": "a\x00"})
    assert nul.status_code == 400
    added = await client.post(
        path + "/",
        data={
            "_csrf_token": token,
            "label": "Waarom wil je meedoen?",
            "kind": "text",
            "required": "yes",
        },
    )
    assert added.status_code == 303
    form = await client.get("/events/ontmoeting/register")
    assert "Waarom wil je meedoen?" in form.text
    assert "Waarom wil je meedoen?" not in (await client.get("/events/andere/register")).text
    with pytest.raises(DomainError) as unanswered:
        await _apply(date_id, 1)
    assert unanswered.value.field == "answers." + str((await Question.select(Question.id))[0]["id"])
    [question] = await Question.select(Question.id)
    wrong_series = await client.post(
        f"/organise/series/{await series_of(other)}/questions/{question['id']}/remove",
        data={"_csrf_token": token},
    )
    assert wrong_series.status_code == 404
    removed = await client.post(f"{path}/{question['id']}/remove", data={"_csrf_token": token})
    assert removed.status_code == 303 and not await Question.count()


async def test_an_event_registered_as_one_is_applied_for_and_accepted_as_a_whole() -> None:
    organiser = await make_organiser()
    days = await make_date(organiser.organisation_id, capacity=1, dates=2)
    await Series.update({Series.admission: "apply", Series.together: True}).where(
        Series.id == await series_of(days[0])
    )
    applied = await applications.apply(
        [days[1]], name="Aanvrager", email="a@example.org", language="nl"
    )
    assert applied == (days[0],)  # the application names the event's first day
    [on_day_two] = await hosting.applications_for_date(organiser.actor, days[1])
    receipt = await hosting.accept(organiser.actor, on_day_two.id)
    assert sorted(o.date_id for o in receipt.outcomes) == days
    assert {o.status for o in receipt.outcomes} == {"confirmed"}
