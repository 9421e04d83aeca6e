"""/metrics: request counts and latency by route, and the outbox and registrations as the
database has them."""

from __future__ import annotations

import re

import httpx
import pytest

from events_app.registration import registrations
from events_app.tables import OutboxMail
from tests.factories import make_date, make_organisation


def _value(text: str, name: str) -> float:
    found = re.search(rf"^{re.escape(name)} ([0-9.e+-]+)$", text, re.MULTILINE)
    assert found is not None, name
    return float(found.group(1))


async def test_metrics_count_requests_and_read_the_outbox(client: httpx.AsyncClient) -> None:
    from events_app.observability import metrics

    metrics._state.read_at = 0.0  # a fresh database: do not reuse another test's figures
    org = await make_organisation()
    [date] = await make_date(org, capacity=1)
    for n in range(3):
        await registrations.register([date], name=f"P{n}", email=f"p{n}@example.org")
    await OutboxMail.update({OutboxMail.status: "failed"}).where(OutboxMail.id == 1)
    await client.get("/events/ontmoeting")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'route="/events/{series_slug}"' in text  # the route, not the address
    assert re.search(r'events_http_requests_total\{method="GET",route="/events/', text)
    assert _value(text, "events_outbox_pending_mails") == 2
    assert _value(text, "events_outbox_failed_mails") == 1
    assert _value(text, "events_registrations_confirmed") == 1
    assert _value(text, "events_registrations_waiting") == 2
    assert _value(text, "events_outbox_oldest_unsent_seconds") >= 0


async def test_a_metrics_token_can_be_required(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from events_app.app import create_app
    from events_app.settings import load_settings

    settings = load_settings(
        {"EVENTS_SECRET_KEY": "x" * 40, "EVENTS_METRICS_TOKEN": "geheim-token"}
    )
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://events.test") as guarded:
        assert (await guarded.get("/metrics")).status_code == 401
        wrong = await guarded.get("/metrics", headers={"authorization": "Bearer fout"})
        assert wrong.status_code == 401
        right = await guarded.get("/metrics", headers={"authorization": "Bearer geheim-token"})
        assert right.status_code == 200
    # Read once, with the other settings: the variable set later changes no running app.
    monkeypatch.setenv("EVENTS_METRICS_TOKEN", "geheim-token")
    assert (await client.get("/metrics")).status_code == 200
