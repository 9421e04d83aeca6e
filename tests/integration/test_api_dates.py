"""Organisers change single dates: skip a holiday, cancel, restore, move, override, add an
extra date, speakers, hosts and materials.  Each calendar-visible change raises SEQUENCE."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from events_app import clock
from events_app.series import materialise
from events_app.tables import Account, EventDate, Material, Membership, Registration, Speaker
from tests.factories import make_organiser
from tests.planning import audit_actions, create_series, dates_of, local, mails, register_people

NOW = datetime(2026, 9, 1, 8, tzinfo=UTC)
MEETUP = {
    "title": "Online ontmoeting",
    "rule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
    "first_start": "2026-10-01T15:00",
    "end_time": "16:00",
    "meeting_url": "https://meet.example.org/ontmoeting",
    "capacity": 20,
}


@pytest.fixture(autouse=True)
def now() -> Iterator[datetime]:
    with clock.frozen(NOW) as at:
        yield at


async def _date_on(series_id: int, day: str) -> dict[str, Any]:
    [row] = [r for r in await dates_of(series_id) if r["local_start"].date().isoformat() == day]
    return row


async def test_skip_the_christmas_eve_date_and_the_rhythm_continues(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    series = await create_series(client, organiser, **MEETUP)
    christmas = await _date_on(series["id"], "2026-12-24")
    [reg] = await register_people(christmas["id"], 1)
    response = await client.post(
        f"/api/v1/dates/{christmas['id']}/skip",
        json={"reason": "Kerstavond"},
        headers=organiser.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["status_reason"], body["sequence"]) == ("skipped", "Kerstavond", 1)
    days = [
        r["local_start"].date().isoformat()
        for r in await dates_of(series["id"])
        if r["status"] == "scheduled"
    ]
    assert days[5:8] == ["2026-12-10", "2027-01-07", "2027-01-21"]
    [mail] = await mails("date_cancelled")
    assert mail["registration"] == reg
    assert mail["context"] == {
        "date_id": christmas["id"],
        "sequence": 1,
        "new_start": "2026-12-24T15:00:00",
        "timezone": "Europe/Amsterdam",
        "reason": "Kerstavond",
    }
    # the row stays, so materialising never brings the date back
    await materialise.materialise(series["id"], NOW + timedelta(days=800))
    skipped = await _date_on(series["id"], "2026-12-24")
    assert (skipped["id"], skipped["status"]) == (christmas["id"], "skipped")
    again = await client.post(
        f"/api/v1/dates/{christmas['id']}/skip", json={}, headers=organiser.headers
    )
    assert again.status_code == 409
    restored = await client.post(
        f"/api/v1/dates/{christmas['id']}/restore", headers=organiser.headers
    )
    assert (restored.json()["status"], restored.json()["sequence"]) == ("scheduled", 2)
    assert await audit_actions("event_date", christmas["id"]) == [
        "date_skipped",
        "date_restored",
    ]


async def test_cancel_one_date_with_a_reason_keeps_the_registrations(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    series = await create_series(client, organiser, **MEETUP)
    date = await _date_on(series["id"], "2026-11-12")
    await register_people(date["id"], 2)
    await register_people(date["id"], 1, status="waiting", first=3)
    response = await client.post(
        f"/api/v1/dates/{date['id']}/cancel",
        json={"reason": "De spreker is ziek."},
        headers=organiser.headers,
    )
    assert response.json()["status"] == "cancelled"
    assert response.json()["status_reason"] == "De spreker is ziek."
    sent = await mails("date_cancelled")
    assert sorted(m["to_email"] for m in sent) == [
        "deelnemer1@example.org",
        "deelnemer2@example.org",
        "deelnemer3@example.org",
    ]
    assert {m["language"] for m in sent} == {"nl", "en"}
    assert await Registration.count() == 3
    started = await _date_on(series["id"], "2026-10-01")
    with clock.frozen(datetime(2026, 10, 1, 13, 30, tzinfo=UTC)):
        late = await client.post(
            f"/api/v1/dates/{started['id']}/cancel", json={}, headers=organiser.headers
        )
        assert late.status_code == 409 and late.json()["code"] == "date_started"
        too_late = await client.post(
            f"/api/v1/dates/{date['id']}/restore", headers=organiser.headers
        )
        assert too_late.status_code == 200  # 12 November still lies ahead


async def test_move_one_date_and_tell_who_registered(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    series = await create_series(client, organiser, **MEETUP)
    date = await _date_on(series["id"], "2026-11-12")
    [reg] = await register_people(date["id"], 1)
    response = await client.post(
        f"/api/v1/dates/{date['id']}/move",
        json={"local_start": "2026-11-13T10:00"},
        headers=organiser.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["local_start"] == "2026-11-13T10:00:00"
    assert body["local_end"] == "2026-11-13T11:00:00"  # as long as before
    assert body["starts_at"] == "2026-11-13T09:00:00Z"
    assert (body["moved"], body["moved_from"], body["sequence"]) == (
        True,
        "2026-11-12T15:00:00",
        1,
    )
    assert body["uid"] == date["uid"]
    assert body["warnings"] == []
    [mail] = await mails("date_changed")
    assert mail["registration"] == reg
    assert (mail["context"]["old_start"], mail["context"]["new_start"]) == (
        "2026-11-12T15:00:00",
        "2026-11-13T10:00:00",
    )
    assert mail["dedupe_key"] == f"date_changed:{reg}:1"
    assert await Registration.select(Registration.event_date) == [{"event_date": date["id"]}]
    # materialising again does not bring back 12 November: the rule's date is this row
    await materialise.materialise(series["id"], NOW + timedelta(days=800))
    assert [r["id"] for r in await dates_of(series["id"]) if r["rule_start"] == date["rule_start"]]
    assert not [
        r
        for r in await dates_of(series["id"])
        if r["local_start"].date().isoformat() == "2026-11-12"
    ]
    # refused: onto the day of another date of the series, into the past, end before start
    for move, status, code in [
        ({"local_start": "2026-11-26T17:00"}, 409, "date_taken"),
        ({"local_start": "2026-08-20T15:00"}, 400, "in_the_past"),
        ({"local_start": "2026-11-14T15:00", "local_end": "2026-11-14T14:00"}, 400,
         "end_before_start"),
        ({"local_start": "14-11-2026 15:00"}, 400, "invalid_datetime"),
    ]:  # fmt: skip
        refused = await client.post(
            f"/api/v1/dates/{date['id']}/move", json=move, headers=organiser.headers
        )
        assert (refused.status_code, refused.json()["code"]) == (status, code), move
    unchanged = await EventDate.select().where(EventDate.id == date["id"]).first()
    assert unchanged is not None
    assert (unchanged["local_start"], unchanged["sequence"]) == (local(2026, 11, 13, 10), 1)


async def test_override_topic_place_link_and_capacity_of_one_date(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    series = await create_series(client, organiser, **MEETUP)
    date = await _date_on(series["id"], "2026-10-15")
    await register_people(date["id"], 3)
    url = f"/api/v1/dates/{date['id']}"
    topic = await client.patch(
        url,
        json={"topic": "Herstel en werk", "meeting_url": "https://meet.example.org/extra"},
        headers=organiser.headers,
    )
    assert topic.status_code == 200, topic.text
    body = topic.json()
    assert (body["topic"], body["sequence"]) == ("Herstel en werk", 1)
    assert body["effective"] == {
        "capacity": 20,
        "location": "",
        "meeting_url": "https://meet.example.org/extra",
        "meeting_details": "",
    }
    assert [m["context"]["changed"] for m in await mails("date_changed")] == [["meeting_url"]] * 3
    too_small = await client.patch(url, json={"capacity": 2}, headers=organiser.headers)
    assert too_small.status_code == 409
    assert "3 people are registered for 15-10-2026 15:00" in too_small.json()["detail"]
    capacity = await client.patch(url, json={"capacity": 3}, headers=organiser.headers)
    assert capacity.json()["effective"]["capacity"] == 3
    assert capacity.json()["sequence"] == 1  # capacity is not something calendars show
    cleared = await client.patch(url, json={"meeting_url": None}, headers=organiser.headers)
    assert cleared.json()["meeting_url"] is None
    assert cleared.json()["effective"]["meeting_url"] == MEETUP["meeting_url"]
    assert cleared.json()["sequence"] == 2
    for bad, field in [({"topic": "x" * 301}, None), ({"colour": "red"}, None)]:
        refused = await client.patch(url, json=bad, headers=organiser.headers)
        assert refused.status_code == 400 and refused.json()["code"] == "invalid_input", field


async def test_add_an_extra_date_outside_the_rule(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    series = await create_series(client, organiser, **MEETUP)
    response = await client.post(
        f"/api/v1/series/{series['id']}/dates",
        json={"local_start": "2026-12-17T15:00", "topic": "Extra: terugblik op het jaar"},
        headers=organiser.headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["extra"], body["moved"], body["local_end"]) == (
        True,
        False,
        "2026-12-17T16:00:00",
    )
    row = await _date_on(series["id"], "2026-12-17")
    assert row["rule_start"] is None and row["uid"] != ""
    for extra, status, code in [
        ({"local_start": "2026-12-10T11:00"}, 409, "date_taken"),
        ({"local_start": "2026-08-10T11:00"}, 400, "in_the_past"),
        ({"local_start": "2026-12-18T11:00", "local_end": "2026-12-18T12:00",
          "duration_minutes": 30}, 400, "end_twice"),
    ]:  # fmt: skip
        refused = await client.post(
            f"/api/v1/series/{series['id']}/dates", json=extra, headers=organiser.headers
        )
        assert (refused.status_code, refused.json()["code"]) == (status, code), extra
    assert await audit_actions("event_date", body["id"]) == ["date_added"]


async def test_speakers_hosts_and_materials(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    series = await create_series(client, organiser, **MEETUP)
    date = await _date_on(series["id"], "2026-10-15")
    host = await Account.insert(
        Account(email="host@example.org", name="Hanna Host", password_hash="x", created_at=NOW)
    ).returning(Account.id)
    host_id = host[0]["id"]
    await Membership.insert(
        Membership(account=host_id, organisation=organiser.organisation_id, created_at=NOW)
    )
    speakers = await client.put(
        f"/api/v1/series/{series['id']}/speakers",
        json={"speakers": [{"name": "Moderator Mila", "role": "moderator"}]},
        headers=organiser.headers,
    )
    assert speakers.status_code == 200, speakers.text
    assert [s["name"] for s in speakers.json()["speakers"]] == ["Moderator Mila"]
    assert {r["sequence"] for r in await dates_of(series["id"])} == {1}
    own = await client.put(
        f"/api/v1/dates/{date['id']}/speakers",
        json={
            "speakers": [
                {
                    "name": "Sanne Spreker",
                    "bio": "Ervaringsdeskundige",
                    "url": "https://x.example.org",
                }
            ]
        },
        headers=organiser.headers,
    )
    assert own.json()["speakers"][0]["bio"] == "Ervaringsdeskundige"
    assert own.json()["sequence"] == 2
    assert await Speaker.count().where(Speaker.event_date == date["id"]) == 1
    hosts = await client.put(
        f"/api/v1/series/{series['id']}/hosts",
        json={"account_ids": [host_id]},
        headers=organiser.headers,
    )
    assert hosts.json()["hosts"] == [
        {"account_id": host_id, "name": "Hanna Host", "email": "host@example.org"}
    ]
    stranger = await client.put(
        f"/api/v1/dates/{date['id']}/hosts",
        json={"account_ids": [host_id, 424242]},
        headers=organiser.headers,
    )
    assert stranger.status_code == 400 and stranger.json()["field"] == "account_ids"
    material = await client.post(
        f"/api/v1/dates/{date['id']}/materials",
        json={"title": "Dia's", "url": "https://files.example.org/dias.pdf"},
        headers=organiser.headers,
    )
    assert material.status_code == 201
    read = await client.get(f"/api/v1/dates/{date['id']}", headers=organiser.headers)
    assert read.json()["materials"] == [material.json()]
    bad = await client.post(
        f"/api/v1/dates/{date['id']}/materials",
        json={"title": "Dia's", "url": "file:///etc/passwd"},
        headers=organiser.headers,
    )
    assert bad.status_code == 400 and bad.json()["field"] == "url"
    removed = await client.delete(
        f"/api/v1/dates/{date['id']}/materials/{material.json()['id']}",
        headers=organiser.headers,
    )
    assert removed.status_code == 204
    assert await Material.count() == 0
    assert await audit_actions("series", series["id"]) == [
        "series_created",
        "speakers_set",
        "hosts_set",
    ]
