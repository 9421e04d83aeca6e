from __future__ import annotations

import httpx
import pytest


async def test_health_says_alive_and_ready_checks_the_database(
    client: httpx.AsyncClient,
) -> None:
    alive = await client.get("/health")
    assert alive.status_code == 200 and alive.json() == {"status": "ok"}
    response = await client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "current"}
    assert "set-cookie" not in response.headers


async def test_ready_is_503_with_a_pending_migration(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from events_app import db

    async def one_pending() -> set[str]:
        return {"2099-01-01T00:00:00:000000"}

    monkeypatch.setattr(db, "pending_migrations", one_pending)
    response = await client.get("/ready")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "migrations": "1 pending",
    }
    assert (await client.get("/health")).status_code == 200  # alive all the same


async def test_openapi_schema_is_served(client: httpx.AsyncClient) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "events_app"
    assert "/health" in schema["paths"]


async def test_unknown_path_is_a_plain_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/no/such/page")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
