"""Fees and figures: accepted proposals are bookings dated by their first date that takes place,
exported as CSV per month or per expert (safe against formulas), the fees page with totals, the
overview with its charts, and a bad month or expert a 400."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import httpx

from events_app import clock
from tests.factories import AMSTERDAM, make_booking, make_expert, make_organiser, make_request
from tests.helpers.pages import page_login


def wall(*parts: int) -> datetime:
    """A wall-clock time in Amsterdam, as the dates' ``local_start`` keeps it."""
    return datetime(*parts, tzinfo=AMSTERDAM).replace(tzinfo=None)  # type: ignore[misc]


def _rows(body: str) -> list[list[str]]:
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff")), delimiter=";"))


async def _bookings(org: int) -> tuple[int, int]:
    request_id, _ = await make_request(org, topic='=HYPERLINK("http://evil.example.org")')
    esra = await make_expert(org)
    bram = await make_expert(org, name="Bram Beleving", email="bram@example.org")
    await make_booking(
        org, request_id, expert_id=esra, expert_name="Esra Ervaring", fee_cents=8550,
        local_starts=[wall(2026, 11, 28, 10, 0), wall(2026, 12, 3, 10, 0)],
        cancelled=(0,),
    )  # fmt: skip
    await make_booking(
        org, request_id, expert_id=bram, expert_name="Bram Beleving", fee_cents=12000,
        local_starts=[wall(2026, 12, 10, 14, 0)],
    )  # fmt: skip
    await make_booking(
        org, request_id, expert_id=esra, expert_name="Esra Ervaring", fee_cents=5000,
        local_starts=[wall(2026, 12, 17, 14, 0)], cancelled=(0,),
    )  # fmt: skip
    await make_booking(
        org, request_id, expert_id=esra, expert_name="Esra Ervaring", fee_cents=9900,
        local_starts=[wall(2027, 1, 5, 9, 0)], status="proposed",
    )  # fmt: skip
    return esra, bram


async def test_bookings_per_month_and_per_expert_as_csv(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    esra, _ = await _bookings(org)
    await page_login(client)
    month = await client.get(f"/organise/{org}/requests/fees.csv?month=2026-12")
    assert month.status_code == 200 and month.headers["content-type"].startswith("text/csv")
    assert month.headers["cache-control"] == "no-store"
    rows = _rows(month.text)
    assert rows[0] == ["date", "expert", "what", "requester_organisation", "fee", "status"]
    assert [r[0] for r in rows[1:]] == ["2026-12-03", "2026-12-10", "2026-12-17"]
    assert [r[4] for r in rows[1:]] == ["85.50", "120.00", "50.00"]
    assert rows[3][5] == "cancelled"
    assert all(r[2].startswith("Gastles: =") for r in rows[1:])  # not a formula: text first
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)
    november = _rows((await client.get(f"/organise/{org}/requests/fees.csv?month=2026-11")).text)
    assert november == [rows[0]]  # the cancelled first date moved the booking to December
    by_expert = _rows((await client.get(f"/organise/{org}/requests/fees.csv?expert={esra}")).text)
    assert [r[1] for r in by_expert[1:]] == ["Esra Ervaring", "Esra Ervaring"]
    for bad in ("month=2026-13", "month=december", "month=", "expert=abc", "expert=999999", ""):
        answer = await client.get(f"/organise/{org}/requests/fees.csv?{bad}")
        assert answer.status_code == 400, bad

    api = await client.get(
        f"/api/v1/organisations/{org}/fees?month=2026-12", headers=organiser.headers
    )
    assert api.status_code == 200
    body = api.json()
    assert [t["expert_name"] for t in body["totals"]] == ["Bram Beleving", "Esra Ervaring"]
    assert body["total_cents"] == 8550 + 12000  # the cancelled booking counts in no total
    assert body["bookings"][0]["passed_over"] == 1 and body["bookings"][0]["fee"] == "85.50"
    bad = await client.get(
        f"/api/v1/organisations/{org}/fees?month=2026-1", headers=organiser.headers
    )
    assert bad.status_code == 400
    api_csv = await client.get(
        f"/api/v1/organisations/{org}/fees.csv?expert={esra}", headers=organiser.headers
    )
    assert api_csv.status_code == 200 and _rows(api_csv.text) == by_expert


async def test_the_fees_page_lists_months_with_totals(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    await _bookings(org)
    await page_login(client)
    page = await client.get(f"/organise/{org}/requests/fees?lang=en")
    assert page.status_code == 200
    assert "December 2026" in page.text and "November 2026" not in page.text
    assert "€205.50" in page.text and "The first date was cancelled" in page.text
    assert f"/organise/{org}/requests/fees.csv?month=2026-12" in page.text
    dutch = await client.get(f"/organise/{org}/requests/fees?lang=nl")
    assert "december 2026" in dutch.text and "€ 205,50" in dutch.text


async def test_the_overview_counts_requests_per_month_kind_and_topic(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    now = clock.now()
    await make_request(org, topic="Herstel", created_at=now - timedelta(days=20),
                       answered_at=now - timedelta(days=18))  # fmt: skip
    await make_request(org, topic="herstel ", kind="workshop", created_at=now - timedelta(days=40),
                       answered_at=now - timedelta(days=20))  # fmt: skip
    await make_request(org, topic="Naasten", created_at=now - timedelta(days=2))  # waiting
    await make_request(org, topic="Oud", created_at=now - timedelta(days=500))  # too old
    api = await client.get(
        f"/api/v1/organisations/{org}/requests/overview", headers=organiser.headers
    )
    assert api.status_code == 200
    body = api.json()
    assert len(body["months"]) == 12 and sum(m["count"] for m in body["months"]) == 3
    assert body["total"] == 3
    assert body["topics"][0] == {"key": "herstel", "label": "Herstel", "count": 2}
    assert {k["key"]: k["count"] for k in body["kinds"]}["workshop"] == 1
    assert (body["answered_in_time"], body["answered_late"], body["not_yet_counted"]) == (1, 1, 1)
    assert body["percent_in_time"] == 50
    await page_login(client)
    for language in ("nl", "en"):
        page = await client.get(f"/organise/{org}/requests/overview?lang={language}")
        assert page.status_code == 200
        assert page.text.count('role="img"') == 3 and page.text.count("<title id=") == 3
        assert "<script" not in page.text.split("</head>")[1]
        assert "50%" in page.text and "Herstel" in page.text
