"""One JSON line per request, with a request id, and no secrets or personal data in it."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from events_app.observability.logs import JsonFormatter, redact
from events_app.registration import registrations
from tests.factories import make_date, make_organisation, manage_token_of


def _lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    formatter = JsonFormatter()
    return [
        json.loads(formatter.format(r)) for r in caplog.records if r.name == "events_app.access"
    ]


async def test_each_request_gets_one_line_and_an_id(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="events_app.access")
    response = await client.get("/health?secret=1", headers={"x-request-id": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    fresh = await client.get("/health", headers={"x-request-id": "no spaces please"})
    assert len(fresh.headers["x-request-id"]) == 32  # a bad id is replaced
    first, second = _lines(caplog)
    assert first["request_id"] == "abc-123" and second["request_id"] != "abc-123"
    assert {k: first[k] for k in ("method", "path", "status")} == {
        "method": "GET",
        "path": "/health",
        "status": 200,
    }
    assert isinstance(first["duration_ms"], float) and "pid" in first
    assert "secret" not in json.dumps(first)


async def test_secrets_and_addresses_stay_out_of_the_log(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    org = await make_organisation()
    [date] = await make_date(org)
    await registrations.register([date], name="Alex", email="alex@example.org")
    token = await manage_token_of("alex@example.org")
    caplog.set_level(logging.INFO)
    assert (await client.get(f"/manage/{token}")).status_code == 200
    assert (await client.get(f"/api/v1/manage/{token}")).status_code == 200
    ours = [r for r in caplog.records if r.name.startswith("events_app")]
    assert ours
    text = "\n".join(JsonFormatter().format(r) for r in ours)
    assert token not in text
    assert "alex@example.org" not in text and "Alex" not in text
    assert "/manage/…" in text


def test_redact_covers_every_secret_address() -> None:
    for path, shown in (
        ("/manage/abc", "/manage/…"),
        ("/manage/abc/delete", "/manage/…/delete"),
        ("/feeds/me/abc.ics", "/feeds/me/…"),
        ("/feeds/hosts/abc.ics", "/feeds/hosts/…"),
        ("/password/reset/abc", "/password/reset/…"),
        ("/invitations/abc", "/invitations/…"),
        ("/certificates/ABCD-EFGH-JKLM-NPQR-STUV", "/certificates/…"),
        ("/certificates/verify", "/certificates/verify"),
        ("/events/ontmoeting", "/events/ontmoeting"),
    ):
        assert redact(path) == shown
