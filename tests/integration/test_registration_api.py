"""Registering through the public API: seats, waiting list, duplicates, closed dates."""

from __future__ import annotations

from datetime import timedelta

import httpx

from events_app import clock
from events_app.agenda.views import waiting_position
from events_app.tables import (
    Attendee,
    EventDate,
    Organisation,
    OutboxMail,
    Question,
    Registration,
    Throttle,
)
from tests.factories import make_date, make_organisation, manage_token_of


def person(n: int = 1, **extra: object) -> dict[str, object]:
    return {"name": f"Deelnemer {n}", "email": f"deelnemer{n}@example.org", **extra}


async def registration_of(n: int, date: int) -> dict[str, object]:
    """Participant n's registration for the date, with its place on the waiting list."""
    row = (
        await Registration.select(Registration.id, Registration.status)
        .where(
            (Registration.email == f"deelnemer{n}@example.org") & (Registration.event_date == date)
        )
        .first()
    )
    assert row is not None
    return {**row, "position": await waiting_position(row["id"])}


async def receipts() -> list[dict[str, object]]:
    return await (
        OutboxMail.select(
            OutboxMail.kind,
            OutboxMail.to_email,
            OutboxMail.event_date,
            OutboxMail.registration,
            OutboxMail.context,
        )
        .order_by(OutboxMail.id)
        .output(load_json=True)
    )


def accepted(email: str, dates: list[int]) -> dict[str, object]:
    """The whole answer (202): only what was asked; the outcome goes to the mailbox."""
    from events_app.web.api.registrations import ACCEPTED_MESSAGE

    return {"email": email, "date_ids": sorted(dates), "message": ACCEPTED_MESSAGE}


async def test_register_confirms_and_queues_the_mail_with_it(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    [date] = await make_date(org, capacity=2)
    response = await client.post(
        "/api/v1/registrations", json=person(1, date_ids=[date], role="expert")
    )
    assert response.status_code == 202, response.text
    assert response.json() == accepted("deelnemer1@example.org", [date])  # no links, no status
    registration = await registration_of(1, date)
    assert registration["status"] == "confirmed"
    assert len(await manage_token_of("deelnemer1@example.org")) >= 43  # 256 bits, url-safe
    attendee = await Attendee.select(Attendee.id).first()
    assert attendee
    assert await receipts() == [
        {
            "kind": "registration_receipt",
            "to_email": "deelnemer1@example.org",
            "event_date": None,
            "registration": None,
            "context": {
                "registrations": [registration["id"]],
                "already": [],
                "attendee": attendee["id"],
            },
        }
    ]
    occ = await EventDate.select(EventDate.confirmed_count).where(EventDate.id == date).first()
    assert occ == {"confirmed_count": 1}


async def test_registering_twice_returns_the_same_seat_and_resends(
    client: httpx.AsyncClient,
) -> None:
    org = await make_organisation()
    [date] = await make_date(org, capacity=5)
    first = await client.post("/api/v1/registrations", json=person(1, date_ids=[date]))
    again = await client.post(
        "/api/v1/registrations",
        json={"name": "Deelnemer 1", "email": " DEELNEMER1@Example.org", "date_ids": [date]},
    )
    # The same answer for a new and a known address: the sender learns nothing.
    assert (first.status_code, again.status_code) == (202, 202)
    assert again.json() == first.json() == accepted("deelnemer1@example.org", [date])
    assert await Registration.count() == 1
    registration = await registration_of(1, date)
    mails = await receipts()
    assert [m["kind"] for m in mails] == ["registration_receipt", "registration_receipt"]
    assert [m["context"]["registrations"] for m in mails] == [[registration["id"]]] * 2
    # only the mailbox hears that the address was registered already
    assert [m["context"]["already"] for m in mails] == [[], [registration["id"]]]


async def test_full_date_puts_people_on_the_waiting_list_in_order(
    client: httpx.AsyncClient,
) -> None:
    org = await make_organisation()
    [date] = await make_date(org, capacity=1)
    answers = []
    for n in range(1, 4):
        r = await client.post("/api/v1/registrations", json=person(n, date_ids=[date]))
        answers.append(r.status_code)
    assert answers == [202, 202, 202]  # full or not, the answer does not say
    statuses = []
    for n in range(1, 4):
        registration = await registration_of(n, date)
        statuses.append((registration["status"], registration["position"]))
    assert statuses == [("confirmed", None), ("waiting", 1), ("waiting", 2)]
    mails = await receipts()
    assert [m["kind"] for m in mails] == ["registration_receipt"] * 3
    assert [m["to_email"] for m in mails] == [f"deelnemer{n}@example.org" for n in range(1, 4)]


async def test_cancelling_promotes_the_first_person_waiting(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    [date] = await make_date(org, capacity=1)
    await client.post("/api/v1/registrations", json=person(1, date_ids=[date]))
    await client.post("/api/v1/registrations", json=person(2, date_ids=[date]))
    await client.post("/api/v1/registrations", json=person(3, date_ids=[date]))
    token = await manage_token_of("deelnemer1@example.org")
    reg_id = (await registration_of(1, date))["id"]
    cancelled = await client.post(f"/api/v1/manage/{token}/registrations/{reg_id}/cancel")
    assert cancelled.json() == {"cancelled": 1}
    rows = await Registration.select(Registration.email, Registration.status).order_by(
        Registration.id
    )
    assert [r["status"] for r in rows] == ["cancelled", "confirmed", "waiting"]
    promoted = await OutboxMail.select(OutboxMail.to_email).where(
        OutboxMail.kind == "registration_promoted"
    )
    assert promoted == [{"to_email": "deelnemer2@example.org"}]
    occ = (
        await EventDate.select(EventDate.confirmed_count, EventDate.waiting_count)
        .where(EventDate.id == date)
        .first()
    )
    assert occ == {"confirmed_count": 1, "waiting_count": 1}


async def test_nobody_is_promoted_onto_a_date_that_started(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    [date] = await make_date(org, capacity=1, starts_in=timedelta(hours=2))
    await client.post("/api/v1/registrations", json=person(1, date_ids=[date]))
    await client.post("/api/v1/registrations", json=person(2, date_ids=[date]))
    token = await manage_token_of("deelnemer1@example.org")
    reg_id = (await registration_of(1, date))["id"]
    with clock.frozen(clock.now() + timedelta(hours=3)):
        await client.post(f"/api/v1/manage/{token}/registrations/{reg_id}/cancel")
    statuses = [
        r["status"]
        for r in await Registration.select(Registration.status).order_by(Registration.id)
    ]
    assert statuses == ["cancelled", "waiting"]


async def test_full_date_without_waiting_list_is_refused(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    [date] = await make_date(org, capacity=1, waitlist=False)
    await client.post("/api/v1/registrations", json=person(1, date_ids=[date]))
    refused = await client.post("/api/v1/registrations", json=person(2, date_ids=[date]))
    assert refused.status_code == 409
    assert refused.json()["code"] == "date_full"
    assert await Registration.count() == 1
    assert await OutboxMail.count() == 1


async def test_closed_cancelled_and_unpublished_dates_refuse_with_clear_messages(
    client: httpx.AsyncClient,
) -> None:
    org = await make_organisation()
    [soon] = await make_date(org, slug="soon", starts_in=timedelta(hours=1))
    [off] = await make_date(org, slug="off")
    [hidden] = await make_date(org, slug="hidden", published=False)
    [walk_in] = await make_date(org, slug="walkin", registration_mode="none")
    await EventDate.update({EventDate.status: "cancelled"}).where(EventDate.id == off)
    with clock.frozen(clock.now() + timedelta(hours=2)):
        started = await client.post("/api/v1/registrations", json=person(1, date_ids=[soon]))
    assert (started.status_code, started.json()["code"]) == (409, "registration_closed")
    cancelled = await client.post("/api/v1/registrations", json=person(1, date_ids=[off]))
    assert (cancelled.status_code, cancelled.json()["code"]) == (409, "date_cancelled")
    unpublished = await client.post("/api/v1/registrations", json=person(1, date_ids=[hidden]))
    assert unpublished.status_code == 400
    none = await client.post("/api/v1/registrations", json=person(1, date_ids=[walk_in]))
    assert none.json()["code"] == "registration_not_needed"
    unknown = await client.post("/api/v1/registrations", json=person(1, date_ids=[999999]))
    assert unknown.status_code == 404
    assert await Registration.count() == 0
    assert await OutboxMail.count() == 0
    await _nothing_kept_of_the_person()


async def _nothing_kept_of_the_person() -> None:
    """A refused registration keeps nothing of the person: no address, no count of mails."""
    assert await Attendee.count() == 0
    assert await Throttle.count().where(Throttle.key.like("mail:%")) == 0


async def test_bad_input_is_a_400_naming_the_field(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    [date] = await make_date(org)
    bad_email = await client.post(
        "/api/v1/registrations",
        json={"name": "A", "email": "not-an-address", "date_ids": [date]},
    )
    assert (bad_email.status_code, bad_email.json()["field"]) == (400, "email")
    no_name = await client.post(
        "/api/v1/registrations",
        json={"name": "  ", "email": "a@example.org", "date_ids": [date]},
    )
    assert no_name.json()["field"] == "name"
    no_dates = await client.post("/api/v1/registrations", json=person(1))
    assert no_dates.json()["code"] == "choose_one"
    unknown_field = await client.post(
        "/api/v1/registrations", json=person(1, date_ids=[date], shoe_size=44)
    )
    assert unknown_field.status_code == 400
    too_long = await client.post(
        "/api/v1/registrations", json=person(1, date_ids=[date], needs="x" * 2001)
    )
    assert too_long.status_code == 400
    role = await client.post("/api/v1/registrations", json=person(1, date_ids=[date], role="king"))
    assert role.json()["field"] == "role"


async def test_consent_and_required_questions(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    [date] = await make_date(org)
    await Organisation.update(
        {Organisation.consent_text: "Wij bewaren je gegevens 90 dagen."}
    ).where(Organisation.id == org)
    rows = await Question.insert(
        Question(organisation=org, label="Lunch?", kind="yes_no", required=True),
        Question(organisation=org, label="Groep", kind="choice", choices=["A", "B"]),
    ).returning(Question.id)
    lunch, group = (str(r["id"]) for r in rows)
    no_consent = await client.post(
        "/api/v1/registrations", json=person(1, date_ids=[date], answers={lunch: True})
    )
    assert no_consent.json()["field"] == "consent"
    missing = await client.post(
        "/api/v1/registrations", json=person(1, date_ids=[date], consent=True)
    )
    assert missing.json()["field"] == f"answers.{lunch}"
    wrong_choice = await client.post(
        "/api/v1/registrations",
        json=person(1, date_ids=[date], consent=True, answers={lunch: True, group: "C"}),
    )
    assert wrong_choice.json()["field"] == f"answers.{group}"
    await _nothing_kept_of_the_person()
    ok = await client.post(
        "/api/v1/registrations",
        json=person(1, date_ids=[date], consent=True, answers={lunch: False, group: "B"}),
    )
    assert ok.status_code == 202
    stored = await Registration.select(Registration.answers).output(load_json=True).first()
    assert stored == {"answers": {lunch: False, group: "B"}}


async def test_several_dates_in_one_form(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    dates = await make_date(org, capacity=10, dates=3)
    response = await client.post("/api/v1/registrations", json=person(1, date_ids=dates))
    assert response.status_code == 202
    assert response.json() == accepted("deelnemer1@example.org", dates)
    registrations = [await registration_of(1, date) for date in dates]
    assert [r["status"] for r in registrations] == ["confirmed"] * 3
    # one mail for the whole request, listing every date (an invitation per date inside)
    [mail] = await receipts()
    assert mail["kind"] == "registration_receipt"
    assert mail["context"]["registrations"] == [r["id"] for r in registrations]


async def test_registration_is_rate_limited_per_client_address() -> None:
    from events_app.app import create_app
    from events_app.settings import load_settings

    settings = load_settings({"EVENTS_SECRET_KEY": "x" * 40, "EVENTS_REGISTRATION_RATE_LIMIT": "3"})
    app = create_app(settings)
    org = await make_organisation()
    [date] = await make_date(org)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://events.test") as client:
        codes = [
            (
                await client.post("/api/v1/registrations", json=person(n, date_ids=[date]))
            ).status_code
            for n in range(5)
        ]
        limited = await client.post("/api/v1/registrations", json=person(9, date_ids=[date]))
    assert codes[:3] == [202, 202, 202]
    assert codes[3:] == [429, 429]
    assert limited.json()["code"] == "rate_limited"
    assert await Registration.count() == 3


async def test_whole_series_registration_covers_new_dates_too(client: httpx.AsyncClient) -> None:
    from events_app.registration import subscriptions
    from events_app.tables import Series, SeriesSubscription

    org = await make_organisation()
    dates = await make_date(org, dates=3, capacity=10)
    series = await EventDate.select(EventDate.series).where(EventDate.id == dates[0]).first()
    assert series
    response = await client.post(
        "/api/v1/registrations", json=person(1, series_id=series["series"])
    )
    assert response.status_code == 202
    assert response.json() == accepted("deelnemer1@example.org", dates)
    registrations = [await registration_of(1, date) for date in dates]
    assert [r["status"] for r in registrations] == ["confirmed"] * 3
    [mail] = await receipts()  # one receipt for the whole series
    assert mail["kind"] == "registration_receipt"
    assert sorted(mail["context"]["registrations"]) == sorted(r["id"] for r in registrations)
    assert await SeriesSubscription.count() == 1
    # a date added later gets the subscriber too
    extra = await make_date(org, slug="extra", dates=1)
    await EventDate.update({EventDate.series: series["series"], EventDate.rule_start: None}).where(
        EventDate.id == extra[0]
    )
    await Series.delete().where(Series.slug == "extra")
    assert await subscriptions.apply_subscriptions(extra[0]) == 1
    assert await Registration.count().where(Registration.event_date == extra[0]) == 1


async def test_exactly_one_way_of_choosing_dates(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    [date] = await make_date(org)
    both = await client.post("/api/v1/registrations", json=person(1, date_ids=[date], series_id=1))
    assert (both.status_code, both.json()["code"]) == (400, "choose_one")
    unknown = await client.post("/api/v1/registrations", json=person(1, programme_id=12345))
    assert unknown.status_code == 404


async def test_the_rate_limit_is_shared_by_every_app_process() -> None:
    """Two app instances (as two processes would be) count against one limit in the database,
    and the answer says when to try again."""
    from events_app.app import create_app
    from events_app.settings import load_settings

    settings = load_settings({"EVENTS_SECRET_KEY": "x" * 40, "EVENTS_REGISTRATION_RATE_LIMIT": "3"})
    first, second = create_app(settings), create_app(settings)
    org = await make_organisation()
    [date] = await make_date(org)
    codes = []
    for n in range(4):
        app = first if n % 2 == 0 else second
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://events.test") as client:
            answer = await client.post("/api/v1/registrations", json=person(n, date_ids=[date]))
            codes.append(answer.status_code)
    assert codes == [202, 202, 202, 429]
    assert 0 < int(answer.headers["retry-after"]) <= 60
