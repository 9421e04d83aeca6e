"""Organisers plan series through the API: create, read, list, edit, publish, cancel, end,
delete; validation messages per field; one organisation never sees another's series."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from events_app import clock
from events_app.accounts import credentials as accounts
from events_app.series import materialise
from events_app.tables import AuditLog, EventDate, Membership, Registration, Series
from tests.factories import PASSWORD, make_organiser
from tests.planning import audit_actions, create_series, dates_of, mails, register_people

NOW = datetime(2026, 9, 1, 8, tzinfo=UTC)
WEEKLY = {
    "title": "Wekelijkse inloop",
    "recurrence": {"freq": "weekly", "weekdays": ["TU"]},
    "start_date": "2026-09-08",
    "start_time": "19:30",
    "duration_minutes": 90,
}


@pytest.fixture(autouse=True)
def now() -> Iterator[datetime]:
    with clock.frozen(NOW) as at:
        yield at


async def test_create_materialises_the_horizon_and_answers_with_words_and_next_dates(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    series = await create_series(
        client, organiser, capacity=12, location="Buurthuis De Brug", published=True, **WEEKLY
    )
    assert series["slug"] == "wekelijkse-inloop"
    assert series["organisation_id"] == organiser.organisation_id
    assert series["rule"] == "FREQ=WEEKLY;BYDAY=TU"
    assert series["first_start"] == "2026-09-08T19:30:00"
    assert series["duration_minutes"] == 90
    assert series["rule_text"]["nl"] == "elke week op dinsdag, 19:30–21:00"
    assert [d["local_start"] for d in series["next_dates"]] == [
        "2026-09-08T19:30:00",
        "2026-09-15T19:30:00",
        "2026-09-22T19:30:00",
        "2026-09-29T19:30:00",
        "2026-10-06T19:30:00",
    ]
    rows = await dates_of(series["id"])
    # open-ended: rows up to the horizon (365 days from the first date), never beyond
    assert len(rows) == 53
    horizon = datetime(2026, 9, 8, 17, 30, tzinfo=UTC) + timedelta(days=365)
    assert rows[-1]["starts_at"] < horizon
    stored = await Series.select().where(Series.id == series["id"]).first()
    assert stored is not None and stored["materialised_until"] == horizon
    assert await audit_actions("series", series["id"]) == ["series_created"]
    again = await create_series(client, organiser, **WEEKLY)
    assert again["slug"] == "wekelijkse-inloop-2"


async def test_the_worker_top_up_extends_open_series_and_is_idempotent(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    series = await create_series(client, organiser, **WEEKLY)
    assert await materialise.top_up_all() == 0  # nothing due yet
    with clock.frozen(NOW + timedelta(days=30)):
        added = await materialise.top_up_all()
        assert added == 3  # three more Tuesdays came within a year
        assert await materialise.top_up_all() == 0
    rows = await dates_of(series["id"])
    assert len(rows) == 56
    assert len({r["rule_start"] for r in rows}) == 56


async def test_one_off_lecture_is_a_series_with_one_date(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    series = await create_series(
        client,
        organiser,
        title="Online college: herstel en werk",
        kind="lecture",
        first_start="2026-11-12T16:00",
        end_time="17:30",
        capacity=50,
    )
    assert series["rule"] is None
    assert series["rule_text"]["nl"] == "donderdag 12 november 2026, 16:00–17:30"
    assert series["rule_text"]["en"] == "Thursday 12 November 2026, 16:00–17:30"
    [row] = await dates_of(series["id"])
    assert row["starts_at"] == datetime(2026, 11, 12, 15, tzinfo=UTC)
    assert await materialise.top_up_all() == 0


@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        ({"unknown": 1}, 400, "invalid_input", None),
        ({"title": "x" * 201}, 400, "invalid_input", None),
        ({"timezone": "Europe/Atlantis"}, 400, "unknown_timezone", "timezone"),
        ({"rule": "FREQ=HOURLY", "recurrence": None}, 400, "invalid_rrule", "rule"),
        ({"rule": "FREQ=WEEKLY"}, 400, "rule_twice", "rule"),
        ({"end_time": "18:00", "duration_minutes": None}, 400, "end_before_start", "end_time"),
        ({"end_time": "21:00"}, 400, "end_twice", "end_time"),
        ({"first_start": "2026-08-01T19:30", "start_date": None}, 400, "in_the_past", None),
        ({"slug": "Geen Goede Slug"}, 400, "invalid_slug", "slug"),
        ({"meeting_url": "javascript:alert(1)"}, 400, "invalid_url", "meeting_url"),
        ({"recurrence": {"freq": "weekly"}}, 400, "invalid_rrule", "weekdays"),
        ({"capacity": 0}, 400, "invalid_input", None),
        (
            {
                "registration_opens_at": "2026-09-10T10:00:00Z",
                "registration_closes_at": "2026-09-09T10:00:00Z",
            },
            400,
            "end_before_start",
            "registration_closes_at",
        ),
    ],
)
async def test_invalid_input_gets_a_clear_400_naming_the_field(
    client: httpx.AsyncClient,
    change: dict[str, object],
    status: int,
    code: str,
    field: str | None,
) -> None:
    organiser = await make_organiser()
    body: dict[str, object] = {**WEEKLY, **change}
    if "first_start" in change:
        body.pop("start_date")
        body.pop("start_time")
    response = await client.post("/api/v1/series", json=body, headers=organiser.headers)
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    if field is not None:
        assert response.json()["field"] == field
    if code == "invalid_input":
        assert response.json()["errors"]
    assert await Series.count() == 0


async def test_a_past_first_date_is_refused(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    body = {"title": "Te laat", "first_start": "2026-08-31T10:00", "duration_minutes": 60}
    response = await client.post("/api/v1/series", json=body, headers=organiser.headers)
    assert response.status_code == 400
    assert response.json() == {
        "code": "in_the_past",
        "detail": "This date and time has already passed.",
        "field": "first_start",
    }


async def test_editing_what_calendars_show_raises_the_sequence_and_tells_registrants(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    series = await create_series(client, organiser, location="Buurthuis", **WEEKLY)
    rows = await dates_of(series["id"])
    await EventDate.update({EventDate.location: "Bibliotheek"}).where(EventDate.id == rows[1]["id"])
    await register_people(rows[0]["id"], 2)
    await register_people(rows[1]["id"], 1, first=3)
    response = await client.patch(
        f"/api/v1/series/{series['id']}",
        json={"title": "Inloopavond", "location": "Wijkcentrum Oost"},
        headers=organiser.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["title"] == "Inloopavond"
    assert response.json()["slug"] == "wekelijkse-inloop"  # addresses do not change by themselves
    after = await dates_of(series["id"])
    assert {r["sequence"] for r in after} == {1}
    assert all(r["updated_at"] == NOW for r in after)
    changed = await mails("date_changed")
    # the second date has its own place: its registrant keeps it and gets no mail
    assert [(m["to_email"], m["event_date"]) for m in changed] == [
        ("deelnemer1@example.org", rows[0]["id"]),
        ("deelnemer2@example.org", rows[0]["id"]),
    ]
    assert changed[0]["context"]["changed"] == ["location"]
    assert changed[0]["dedupe_key"] == f"date_changed:{changed[0]['registration']}:1"
    detail = await (
        AuditLog.select(AuditLog.detail, AuditLog.account)
        .where(AuditLog.action == "series_updated")
        .output(load_json=True)
    )
    assert detail == [
        {"detail": {"fields": ["location", "title"]}, "account": organiser.actor.account_id}
    ]
    # a change a calendar does not show leaves the sequence alone
    await client.patch(
        f"/api/v1/series/{series['id']}", json={"reminder_hours": 48}, headers=organiser.headers
    )
    assert {r["sequence"] for r in await dates_of(series["id"])} == {1}


async def test_capacity_cannot_drop_below_those_registered_and_raising_it_promotes(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    series = await create_series(client, organiser, capacity=3, **WEEKLY)
    rows = await dates_of(series["id"])
    await register_people(rows[2]["id"], 3)
    await register_people(rows[2]["id"], 2, status="waiting", first=4)
    too_low = await client.patch(
        f"/api/v1/series/{series['id']}", json={"capacity": 2}, headers=organiser.headers
    )
    assert too_low.status_code == 409
    assert too_low.json() == {
        "code": "capacity_below_registered",
        "detail": "3 people are registered for 22-09-2026 19:30: the capacity cannot be lower.",
        "field": "capacity",
    }
    raised = await client.patch(
        f"/api/v1/series/{series['id']}", json={"capacity": 4}, headers=organiser.headers
    )
    assert raised.status_code == 200
    date = await EventDate.select().where(EventDate.id == rows[2]["id"]).first()
    assert date is not None
    assert (date["confirmed_count"], date["waiting_count"]) == (4, 1)
    statuses = await Registration.select(Registration.name, Registration.status).order_by(
        Registration.id
    )
    assert [s["status"] for s in statuses] == ["confirmed"] * 4 + ["waiting"]
    assert [m["to_email"] for m in await mails("registration_promoted")] == [
        "deelnemer4@example.org"
    ]


async def test_publish_unpublish_and_list(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    series = await create_series(client, organiser, **WEEKLY)
    assert series["published"] is False
    published = await client.post(
        f"/api/v1/series/{series['id']}/publish", headers=organiser.headers
    )
    assert published.status_code == 200 and published.json()["published"] is True
    listed = await client.get("/api/v1/series", headers=organiser.headers)
    assert [(s["id"], s["published"]) for s in listed.json()] == [(series["id"], True)]
    assert listed.json()[0]["next_start"] == "2026-09-08T17:30:00Z"
    hidden = await client.post(
        f"/api/v1/series/{series['id']}/unpublish", headers=organiser.headers
    )
    assert hidden.json()["published"] is False
    read = await client.get(f"/api/v1/series/{series['id']}", headers=organiser.headers)
    assert read.status_code == 200 and read.json()["published"] is False
    assert await audit_actions("series", series["id"]) == [
        "series_created",
        "series_published",
        "series_unpublished",
    ]


async def test_delete_only_while_nobody_registered_otherwise_cancel(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    empty = await create_series(client, organiser, **WEEKLY)
    gone = await client.delete(f"/api/v1/series/{empty['id']}", headers=organiser.headers)
    assert gone.status_code == 204
    assert await Series.count().where(Series.id == empty["id"]) == 0
    assert await dates_of(empty["id"]) == []
    assert await audit_actions("series", empty["id"]) == ["series_created", "series_deleted"]

    series = await create_series(client, organiser, **WEEKLY)
    rows = await dates_of(series["id"])
    [reg] = await register_people(rows[3]["id"], 1)
    refused = await client.delete(f"/api/v1/series/{series['id']}", headers=organiser.headers)
    assert refused.status_code == 409
    assert refused.json()["code"] == "has_registrations"
    assert "Cancel it instead" in refused.json()["detail"]

    cancelled = await client.post(
        f"/api/v1/series/{series['id']}/cancel",
        json={"reason": "De gespreksleider stopt."},
        headers=organiser.headers,
    )
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["next_dates"] == []
    after = await dates_of(series["id"])
    assert len(after) == len(rows)  # nothing deleted
    assert {(r["status"], r["sequence"], r["status_reason"]) for r in after} == {
        ("cancelled", 1, "De gespreksleider stopt.")
    }
    [mail] = await mails("date_cancelled")
    assert (mail["registration"], mail["event_date"]) == (reg, rows[3]["id"])
    assert mail["context"]["reason"] == "De gespreksleider stopt."
    assert await Registration.count() == 1


async def test_end_a_series_from_a_date_on(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    series = await create_series(client, organiser, **WEEKLY)
    rows = await dates_of(series["id"])
    await register_people(rows[4]["id"], 1)  # 6 October
    ended = await client.post(
        f"/api/v1/series/{series['id']}/end",
        json={"from_date": "2026-10-01"},
        headers=organiser.headers,
    )
    assert ended.status_code == 200, ended.text
    body = ended.json()
    assert body["rule"] == "FREQ=WEEKLY;BYDAY=TU;UNTIL=20260929"
    assert body["status"] == "active"
    assert body["rule_text"]["en"] == "every week on Tuesday, 19:30–21:00, until 29 September 2026"
    after = await dates_of(series["id"])
    assert [r["status"] for r in after[:4]] == ["scheduled"] * 4
    assert {r["status"] for r in after[4:]} == {"cancelled"}
    assert [m["kind"] for m in await mails()] == ["series_ended"]
    # nothing more is made for the ended part
    with clock.frozen(NOW + timedelta(days=60)):
        assert await materialise.top_up_all() == 0
    past = await client.post(
        f"/api/v1/series/{series['id']}/end",
        json={"from_date": "2026-08-31"},
        headers=organiser.headers,
    )
    assert (past.status_code, past.json()["field"]) == (400, "from_date")
    finished = await client.post(
        f"/api/v1/series/{series['id']}/end",
        json={"from_date": "2026-09-01"},
        headers=organiser.headers,
    )
    assert finished.json()["status"] == "ended"
    assert finished.json()["rule"] == "FREQ=WEEKLY;BYDAY=TU;UNTIL=20260929"
    assert {r["status"] for r in await dates_of(series["id"])} == {"cancelled"}
    assert len(await mails("series_ended")) == 1
    again = await client.post(
        f"/api/v1/series/{series['id']}/end",
        json={"from_date": "2026-09-01"},
        headers=organiser.headers,
    )
    assert again.status_code == 409


async def test_organisers_only_see_their_own_organisations_series(
    client: httpx.AsyncClient,
) -> None:
    ours = await make_organiser("stadsnetwerk", "olga@example.org")
    theirs = await make_organiser("regionetwerk", "rob@example.org")
    series = await create_series(client, theirs, **WEEKLY)
    [first, *_] = await dates_of(series["id"])
    url = f"/api/v1/series/{series['id']}"
    for method, path, body in [
        ("GET", url, None),
        ("PATCH", url, {"title": "Van ons"}),
        ("DELETE", url, None),
        ("POST", f"{url}/cancel", {}),
        ("POST", f"{url}/publish", None),
        ("GET", f"{url}/dates", None),
        ("GET", f"/api/v1/dates/{first['id']}", None),
        ("POST", f"/api/v1/dates/{first['id']}/skip", {}),
    ]:
        response = await client.request(method, path, json=body, headers=ours.headers)
        assert response.status_code == 404, (method, path)
        assert response.json()["code"] == "not_found"
    missing = await client.get("/api/v1/series/999999", headers=ours.headers)
    assert missing.status_code == 404 and missing.json() == response.json()
    assert (await client.get("/api/v1/series", headers=ours.headers)).json() == []
    other_org = await client.get(
        "/api/v1/series",
        params={"organisation_id": theirs.organisation_id},
        headers=ours.headers,
    )
    assert other_org.status_code == 404
    stored = await Series.select(Series.title, Series.status).first()
    assert stored == {"title": "Wekelijkse inloop", "status": "active"}
    assert (
        await AuditLog.count().where(
            (AuditLog.account == ours.actor.account_id) & (AuditLog.entity == "series")
        )
        == 0
    )


async def test_hosts_do_not_plan(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    series = await create_series(client, organiser, **WEEKLY)
    host_id = await accounts.create_account("host@example.org", "Hanna Host", PASSWORD)
    await Membership.insert(
        Membership(account=host_id, organisation=organiser.organisation_id, created_at=NOW)
    )
    host = await accounts.actor_for_account(host_id)
    assert host is not None
    _, token = await accounts.create_api_token(host, "host")
    headers = {"Authorization": f"Bearer {token}"}
    read = await client.get(f"/api/v1/series/{series['id']}", headers=headers)
    assert read.status_code == 404
    made = await client.post("/api/v1/series", json=WEEKLY, headers=headers)
    assert made.status_code == 400 and made.json()["field"] == "organisation_id"
    made = await client.post(
        "/api/v1/series",
        json={**WEEKLY, "organisation_id": organiser.organisation_id},
        headers=headers,
    )
    assert made.status_code == 404


async def test_the_api_needs_a_login_and_is_documented(client: httpx.AsyncClient) -> None:
    anonymous = await client.post("/api/v1/series", json=WEEKLY)
    assert anonymous.status_code == 401
    schema = (await client.get("/schema/openapi.json")).json()
    for path in (
        "/api/v1/series",
        "/api/v1/series/{series_id}",
        "/api/v1/series/{series_id}/end",
        "/api/v1/dates/{date_id}/move",
        "/api/v1/programmes/{programme_id}/series/{series_id}",
        "/api/v1/rules/preview",
        "/api/v1/organisations",
    ):
        assert path in schema["paths"], path


async def test_local_times_go_in_without_an_offset(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    for first_start in ("2026-10-01T15:00Z", "2026-10-01T15:00:00+02:00", "1 oktober 15:00"):
        body = {"title": "X", "first_start": first_start, "duration_minutes": 60}
        response = await client.post("/api/v1/series", json=body, headers=organiser.headers)
        assert response.status_code == 400, first_start
    response = await client.post(
        "/api/v1/series",
        json={"title": "X", "first_start": "2026-10-01T15:00Z", "duration_minutes": 60},
        headers=organiser.headers,
    )
    assert response.json()["field"] == "first_start"
    assert "2026-10-01T15:00" in response.json()["detail"]
    response = await client.post(
        "/api/v1/series",
        json={"title": "X", "start_date": "2026-10-01", "start_time": "3 uur"},
        headers=organiser.headers,
    )
    assert (response.json()["code"], response.json()["field"]) == ("invalid_time", "start_time")
    assert await Series.count() == 0
