"""Host pages: my dates, the sign-up list (CSV, print), attendance, groups, and who may see
them (a host only the dates they host; organisers every date of their organisation)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import httpx

from events_app import clock
from events_app.tables import AuditLog, EventDate, Registration
from tests.factories import (
    fill,
    make_date,
    make_host,
    make_organisation,
    make_organiser,
    series_of,
)
from tests.helpers.pages import csrf_token, login


async def two_series() -> tuple[int, int, int]:
    """An organisation with two series; a host of the first.  Returns (org, mine, other)."""
    org = await make_organisation()
    [mine] = await make_date(org, slug="mijn-reeks", capacity=4)
    [other] = await make_date(org, slug="andere-reeks", capacity=4)
    await make_host(org, await series_of(mine))
    return org, mine, other


async def test_a_host_sees_their_dates_and_list_with_needs_and_waiting_order(
    client: httpx.AsyncClient,
) -> None:
    _, mine, other = await two_series()
    await fill(mine, 6)
    await login(client, "host@example.org")
    sessions = await client.get("/host?lang=en")
    assert sessions.status_code == 200
    assert f'href="/host/dates/{mine}"' in sessions.text
    assert f'href="/host/dates/{other}"' not in sessions.text
    assert "4 registered" in sessions.text and "of 4 places" in sessions.text
    assert "2 waiting" in sessions.text

    page = await client.get(f"/host/dates/{mine}")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "rolstoel" in page.text
    assert page.text.index("Deelnemer 04") < page.text.index("Deelnemer 05")
    assert "Give a place" not in page.text  # organiser actions are not for hosts


async def test_a_host_of_one_series_gets_404_on_every_address_of_another(
    client: httpx.AsyncClient,
) -> None:
    _, mine, other = await two_series()
    [theirs] = await fill(other, 1)
    await login(client, "host@example.org")
    for path in (
        f"/host/dates/{other}",
        f"/host/dates/{other}/print",
        f"/host/dates/{other}/signups.csv",
        f"/host/dates/{other}/attendance",
        f"/host/dates/{other}/groups?n=2",
        f"/host/dates/{other}/groups.csv?n=2",
        "/host/dates/999999",
    ):
        response = await client.get(path, headers={"accept": "text/html"})
        assert response.status_code == 404, path
    token = await csrf_token(client, f"/host/dates/{mine}")
    for path, data in (
        (f"/host/attendance/{theirs}", {"attended": "yes"}),
        (f"/host/registrations/{theirs}/cancel", {"event_date": str(other)}),
    ):
        response = await client.post(path, data={"_csrf_token": token, **data})
        assert response.status_code == 404, path
    assert (await Registration.select(Registration.attended, Registration.status))[0] == {
        "attended": None,
        "status": "confirmed",
    }


async def test_without_login_the_pages_lead_to_the_login(client: httpx.AsyncClient) -> None:
    _, mine, _ = await two_series()
    response = await client.get(f"/host/dates/{mine}/signups.csv")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


async def test_csv_and_print_view(client: httpx.AsyncClient) -> None:
    _, mine, _ = await two_series()
    await fill(mine, 5)
    await login(client, "host@example.org")
    response = await client.get(f"/host/dates/{mine}/signups.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["status", "position", "name"]
    assert [r[0] for r in rows[1:]] == ["confirmed"] * 4 + ["waiting"]
    printed = await client.get(f"/host/dates/{mine}/print?lang=en")
    assert printed.status_code == 200
    assert "Deelnemer 03" in printed.text and 'class="staff-nav"' not in printed.text


async def test_attendance_by_form_and_by_script(client: httpx.AsyncClient) -> None:
    _, mine, _ = await two_series()
    people = await fill(mine, 5)
    await login(client, "host@example.org")
    starts = (await EventDate.select(EventDate.starts_at).where(EventDate.id == mine))[0][
        "starts_at"
    ]
    token = await csrf_token(client, f"/host/dates/{mine}/attendance?lang=en")
    with clock.frozen(starts - timedelta(hours=2)):
        await login(client, "host@example.org")  # sessions end when unused for days
        early = await client.post(
            f"/host/attendance/{people[0]}",
            data={"_csrf_token": token, "attended": "yes", "event_date": str(mine)},
            headers={"accept": "application/json"},
        )
        assert early.status_code == 409 and "one hour before" in early.json()["detail"]
    with clock.frozen(starts + timedelta(minutes=10)):
        by_form = await client.post(
            f"/host/attendance/{people[0]}",
            data={"_csrf_token": token, "attended": "yes", "event_date": str(mine)},
        )
        assert by_form.status_code == 303
        assert by_form.headers["location"].endswith(f"/attendance#person-{people[0]}")
        by_script = await client.post(
            f"/host/attendance/{people[1]}",
            data={"_csrf_token": token, "attended": "no"},
            headers={"accept": "application/json"},
        )
        assert by_script.json() == {"id": people[1], "attended": "no"}
        waiting = await client.post(
            f"/host/attendance/{people[4]}",
            data={"_csrf_token": token, "attended": "yes", "event_date": str(mine)},
        )
        assert waiting.status_code == 409 and "Only people with a place" in waiting.text
        forged = await client.post(
            f"/host/attendance/{people[2]}", data={"_csrf_token": "0" * 64, "attended": "yes"}
        )
        assert forged.status_code == 403
        page = await client.get(f"/host/dates/{mine}/attendance?lang=en")
        assert "1</span> present" in page.text and "1</span> absent" in page.text
    with clock.frozen(starts + timedelta(days=31)):
        await login(client, "host@example.org")
        late = await client.post(
            f"/host/attendance/{people[2]}",
            data={"_csrf_token": token, "attended": "yes"},
            headers={"accept": "application/json"},
        )
        assert late.status_code == 409
    rows = {
        r["id"]: r
        for r in await Registration.select(
            Registration.id, Registration.attended, Registration.attendance_recorded_at
        )
    }
    assert rows[people[0]]["attended"] is True and rows[people[0]]["attendance_recorded_at"]
    assert rows[people[1]]["attended"] is False
    assert rows[people[2]]["attended"] is None
    assert await AuditLog.count().where(AuditLog.action == "attendance_recorded") == 2


async def test_groups_are_balanced_stable_and_exportable(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    [date] = await make_date(org, capacity=None)
    await make_host(org, await series_of(date))
    await fill(date, 12)
    await login(client, "host@example.org")
    page = await client.get(f"/host/dates/{date}/groups?n=3&lang=en")
    assert page.status_code == 200
    assert page.text.count('class="group"') == 3
    assert page.text == (await client.get(f"/host/dates/{date}/groups?n=3&lang=en")).text
    exported = await client.get(f"/host/dates/{date}/groups.csv?n=3")
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff")), delimiter=";"))[1:]
    assert len(rows) == 12
    per_group: dict[str, list[str]] = {}
    for group, _name, role in rows:
        per_group.setdefault(group, []).append(role)
    assert sorted(len(v) for v in per_group.values()) == [4, 4, 4]
    for role in ("expert", "professional"):  # 4 of each over 3 groups: 1 or 2 per group
        assert sorted(v.count(role) for v in per_group.values()) == [1, 1, 2]
    bad = await client.get(f"/host/dates/{date}/groups?n=1&lang=en")
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.text
    nobody = await client.get(f"/host/dates/{date}/groups?n=3&who=present&lang=en")
    assert "nobody to split" in nobody.text


async def test_organisers_open_every_date_and_give_places(client: httpx.AsyncClient) -> None:
    _, _, other = await two_series()
    await make_organiser()
    people = await fill(other, 5)
    await login(client, "organiser@example.org")
    sessions = await client.get("/host?lang=en")
    assert f'href="/host/dates/{other}"' in sessions.text  # the organisation's dates
    page = await client.get(f"/host/dates/{other}?lang=en")
    assert "Give a place" in page.text
    token = await csrf_token(client, f"/host/dates/{other}")
    full = await client.post(
        f"/host/registrations/{people[4]}/promote",
        data={"_csrf_token": token, "event_date": str(other)},
    )
    assert full.status_code == 409 and "The date is full" in full.text
    cancelled = await client.post(
        f"/host/registrations/{people[0]}/cancel",
        data={"_csrf_token": token, "event_date": str(other)},
    )
    assert cancelled.headers["location"] == f"/host/dates/{other}?done=cancelled"
    statuses = {
        r["id"]: r["status"]
        for r in await Registration.select(Registration.id, Registration.status)
    }
    assert statuses[people[0]] == "cancelled"
    assert statuses[people[4]] == "confirmed"  # the first on the waiting list moved up


async def test_organisers_add_someone_by_hand(client: httpx.AsyncClient) -> None:
    _, _, other = await two_series()
    await make_organiser()
    await fill(other, 4)
    await login(client, "organiser@example.org")
    token = await csrf_token(client, f"/host/dates/{other}?lang=en")
    bad = await client.post(
        f"/host/dates/{other}/add",
        data={"_csrf_token": token, "name": "Bel Ik", "email": "bel@", "role": "relative"},
    )
    assert bad.status_code == 400 and 'value="Bel Ik"' in bad.text
    assert 'id="error-email"' in bad.text
    added = await client.post(
        f"/host/dates/{other}/add",
        data={"_csrf_token": token, "name": "Bel Ik", "email": "bel@example.org", "role": ""},
    )
    assert added.headers["location"] == f"/host/dates/{other}?done=added_waiting"
    row = (
        await Registration.select(Registration.status, Registration.source).where(
            Registration.email == "bel@example.org"
        )
    )[0]
    assert row == {"status": "waiting", "source": "organiser"}


async def test_hosts_cannot_add_people(client: httpx.AsyncClient) -> None:
    _, mine, _ = await two_series()
    await login(client, "host@example.org")
    page = await client.get(f"/host/dates/{mine}?lang=en")
    assert "Add someone by hand" not in page.text
    token = await csrf_token(client, f"/host/dates/{mine}")
    response = await client.post(
        f"/host/dates/{mine}/add",
        data={"_csrf_token": token, "name": "X", "email": "x@example.org"},
        headers={"accept": "text/html"},
    )
    assert response.status_code == 404
    assert await Registration.count() == 0


async def test_an_organiser_looks_back_at_every_date_of_the_organisation(
    client: httpx.AsyncClient,
) -> None:
    _, mine, other = await two_series()
    await make_organiser()
    ends = (await EventDate.select(EventDate.ends_at).where(EventDate.id == other))[0]
    with clock.frozen(ends["ends_at"] + timedelta(days=1)):
        await login(client, "organiser@example.org")
        looking_back = await client.get("/host?lang=en")
        past = looking_back.text.split('id="past-heading"', 1)[1]
        assert f'href="/host/dates/{other}"' in past  # hosted by nobody, still listed
        assert "No past dates" not in past
        assert "Show the past dates of my organisation (" in past
        await client.post("/logout", data={"_csrf_token": await csrf_token(client, "/account")})
        await login(client, "host@example.org")
        host_past = (await client.get("/host?lang=en")).text.split('id="past-heading"', 1)[1]
        assert f'href="/host/dates/{mine}"' in host_past
        assert f'href="/host/dates/{other}"' not in host_past
        assert "Show the past dates I hosted (" in host_past
