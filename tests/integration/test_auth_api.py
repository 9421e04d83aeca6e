from __future__ import annotations

import httpx

from tests.factories import PASSWORD, make_organiser


async def test_login_with_cookie_then_logout(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    bad = await client.post(
        "/api/v1/session", json={"email": "organiser@example.org", "password": "wrong password"}
    )
    assert bad.status_code == 401
    ok = await client.post(
        "/api/v1/session", json={"email": " Organiser@Example.org ", "password": PASSWORD}
    )
    assert ok.status_code == 201
    assert ok.json()["organisations"] == {str(organiser.organisation_id): "organiser"}
    assert "httponly" in ok.headers["set-cookie"].lower()
    me = await client.get("/api/v1/session")
    assert me.json()["email"] == "organiser@example.org"
    out = await client.delete("/api/v1/session")
    assert out.status_code == 204
    client.cookies.clear()
    assert (await client.get("/api/v1/session")).status_code == 401


async def test_cookie_writes_need_the_requested_with_header(client: httpx.AsyncClient) -> None:
    await make_organiser()
    await client.post(
        "/api/v1/session", json={"email": "organiser@example.org", "password": PASSWORD}
    )
    refused = await client.post("/api/v1/tokens", json={"name": "laptop"})
    assert refused.status_code == 403
    allowed = await client.post(
        "/api/v1/tokens", json={"name": "laptop"}, headers={"X-Requested-With": "fetch"}
    )
    assert allowed.status_code == 201


async def test_api_tokens_can_be_created_used_and_revoked(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    created = await client.post(
        "/api/v1/tokens", json={"name": "script"}, headers=organiser.headers
    )
    assert created.status_code == 201
    token = created.json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/v1/session", headers=headers)).status_code == 200
    listed = await client.get("/api/v1/tokens", headers=headers)
    assert [t["name"] for t in listed.json()] == ["tests", "script"]
    revoked = await client.delete(
        f"/api/v1/tokens/{created.json()['id']}", headers=organiser.headers
    )
    assert revoked.status_code == 204
    assert (await client.get("/api/v1/session", headers=headers)).status_code == 401
    again = await client.delete(f"/api/v1/tokens/{created.json()['id']}", headers=organiser.headers)
    assert again.status_code == 404


async def test_unknown_fields_and_missing_auth_are_clear_errors(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/tokens")).status_code == 401
    organiser = await make_organiser()
    response = await client.post(
        "/api/v1/tokens", json={"name": "x", "colour": "red"}, headers=organiser.headers
    )
    assert response.status_code == 400
    assert "colour" in str(response.json())
