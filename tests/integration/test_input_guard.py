"""An attacker's list against every kind of route (API, page, feed): NUL characters in every
place, ids the database cannot hold, wrong content types and oversized bodies get a plain 4xx,
never a 5xx, on SQLite and PostgreSQL alike; good requests still pass unchanged."""

from __future__ import annotations

import json
from dataclasses import dataclass

import httpx
import pytest

from events_app.web.input_guard import MAX_BODY
from tests.factories import Organiser, make_date, make_organiser
from tests.helpers.observability import access_lines, counted
from tests.helpers.pages import csrf_token, login

HUGE = "99999999999999999999"
IDS_OUT_OF_RANGE = [HUGE, "2147483648", "-1", "0"]


@dataclass(frozen=True)
class World:
    organiser: Organiser
    date_id: int
    series_id: int
    manage_token: str


@pytest.fixture
async def world(client: httpx.AsyncClient) -> World:
    organiser = await make_organiser()
    [date_id] = await make_date(organiser.organisation_id, slug="ontmoeting")
    series = await client.get("/api/v1/series", headers=organiser.headers)
    await login(client, organiser.actor.email)  # a session cookie too, for the staff pages
    return World(
        organiser=organiser,
        date_id=date_id,
        series_id=series.json()[0]["id"],
        manage_token="a-token-nobody-has-0123456789abcdef",  # the guard answers before any lookup
    )


def _expect(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, (response.request.url, response.text[:300])


# --- NUL characters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/events/ont%00moeting",
        "/organisations/stads%00netwerk",
        "/manage/abc%00def",
        "/api/v1/manage/abc%00def",
        "/feeds/series/ont%00moeting.ics",
        "/feeds/me/abc%00def.ics",
        "/password/reset/abc%00def",
    ],
)
async def test_nul_in_the_path_is_404(client: httpx.AsyncClient, world: World, path: str) -> None:
    _expect(await client.get(path), 404)


@pytest.mark.parametrize(
    "path",
    [
        "/?topic=%00",
        "/events?organisation=a%00b",
        "/feeds/all.ics?topic=zorg%00",
        "/feeds/all.ics?organisation=stads%00netwerk",
        "/login?next=/host%00",
        "/api/v1/series?status=%00",
    ],
)
async def test_nul_in_the_query_is_400(client: httpx.AsyncClient, world: World, path: str) -> None:
    response = await client.get(path, headers=world.organiser.headers)
    _expect(response, 400)


async def test_nul_in_an_api_query_answers_json_with_a_plain_message(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.get(
        f"/api/v1/organisations/{world.organiser.organisation_id}/mails?status=x%00",
        headers=world.organiser.headers,
    )
    _expect(response, 400)
    assert response.json()["code"] == "nul_character"
    assert "NUL" in response.json()["detail"]


@pytest.mark.parametrize("raw", [False, True], ids=["escaped", "raw-byte"])
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/v1/registrations", {"name": "Al\x00ex", "email": "a@example.org"}),
        ("POST", "/api/v1/session", {"email": "organiser@example.org", "password": "x\x00"}),
        ("POST", "/api/v1/series", {"title": "T\x00", "start_date": "2026-12-01"}),
        ("PATCH", "/api/v1/series/{series_id}", {"title": "T\x00"}),
        ("PATCH", "/api/v1/manage/{token}", {"name": "\x00"}),
        ("POST", "/api/v1/tokens", {"name": "n\x00"}),
        ("POST", "/api/v1/dates/{date_id}/message", {"subject": "s", "body": "\x00"}),
        ("PATCH", "/api/v1/organisations/{org_id}", {"timezone": "Europe/\x00"}),
        ("POST", "/api/v1/registrations", {"name": "A", "email": "a@b.nl", "answers": {"\x00": 1}}),
    ],
)
async def test_nul_in_a_json_body_is_400(
    client: httpx.AsyncClient,
    world: World,
    method: str,
    path: str,
    body: dict[str, object],
    raw: bool,
) -> None:
    text = json.dumps(body, ensure_ascii=False)
    assert "\\u0000" in text
    content = text.replace("\\u0000", "\x00") if raw else text
    url = path.format(
        series_id=world.series_id,
        token=world.manage_token,
        date_id=world.date_id,
        org_id=world.organiser.organisation_id,
    )
    response = await client.request(
        method,
        url,
        content=content.encode(),
        headers={**world.organiser.headers, "Content-Type": "application/json"},
    )
    _expect(response, 400)
    assert response.json()["code"] == "nul_character"


async def test_an_escaped_backslash_before_u0000_is_ordinary_text(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.post(
        "/api/v1/tokens",
        content=b'{"name": "C:\\\\u0000"}',  # the text C:\u0000, not a NUL
        headers={**world.organiser.headers, "Content-Type": "application/json"},
    )
    _expect(response, 201)
    assert response.json()["name"] == "C:\\u0000"


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/login", {"email": "organiser@example.org\x00", "password": "x"}),
        ("/password/forgot", {"email": "a\x00@example.org"}),
        ("/events/ontmoeting/register", {"name": "Al\x00ex", "email": "a@example.org"}),
        ("/manage/{token}/details", {"name": "\x00"}),
        ("/organise/series/{series_id}/details", {"title": "\x00"}),
        ("/host/dates/{date_id}/mail", {"subject": "s", "body": "b\x00"}),
    ],
)
async def test_nul_in_a_form_body_is_400(
    client: httpx.AsyncClient, world: World, path: str, form: dict[str, str]
) -> None:
    url = path.format(token=world.manage_token, series_id=world.series_id, date_id=world.date_id)
    response = await client.post(url, data=form, headers={"Accept": "text/html"})
    _expect(response, 400)
    assert "text/html" in response.headers["content-type"]  # a page, for a browser


async def test_nul_in_a_text_body_is_400(client: httpx.AsyncClient, world: World) -> None:
    response = await client.post(
        "/login", content=b"email=a\x00", headers={"Content-Type": "text/plain"}
    )
    _expect(response, 400)


async def test_multipart_bodies_are_passed_on_unread(
    client: httpx.AsyncClient, world: World
) -> None:
    """Uploads are binary: the guard does not read them (the page's own checks still run)."""
    response = await client.post(
        "/events/ontmoeting/register",
        files={"upload": ("x.bin", b"\x00\x01\x02", "application/octet-stream")},
    )
    _expect(response, 403)  # the form's CSRF check, not the guard


async def test_nul_in_a_multipart_text_field_is_400(
    client: httpx.AsyncClient, world: World
) -> None:
    """A page form sent as multipart: its text fields are checked, an attached file is not."""
    response = await client.post(
        "/events/ontmoeting/register",
        data={"name": "Alex\x00", "email": "a@example.org"},
        files={"upload": ("x.bin", b"\x00\x01", "application/octet-stream")},
    )
    _expect(response, 400)
    response = await client.post(
        "/manage",
        data={"email": "a\x00@example.org"},
        files={"upload": ("x.bin", b"\x01", "application/octet-stream")},
    )
    _expect(response, 400)


async def test_good_bodies_reach_the_app_unchanged(client: httpx.AsyncClient, world: World) -> None:
    name = "Zoë — ‘quoted’ \\ ünïcode " + "x" * 50_000
    response = await client.post(
        f"/api/v1/dates/{world.date_id}/message",
        json={"subject": "Hallo", "body": name[:10_000]},
        headers=world.organiser.headers,
    )
    assert response.status_code == 202, response.text
    response = await client.patch(
        f"/api/v1/series/{world.series_id}",
        content=json.dumps({"summary": "Zoë"}).encode(),
        headers={**world.organiser.headers, "Content-Type": "application/merge-patch+json"},
    )
    _expect(response, 200)
    assert response.json()["summary"] == "Zoë"


# --- ids the database cannot hold -----------------------------------------------------------


@pytest.mark.parametrize("bad", IDS_OUT_OF_RANGE)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/series/{id}"),
        ("DELETE", "/api/v1/series/{id}"),
        ("GET", "/api/v1/dates/{id}"),
        ("GET", "/api/v1/dates/{id}/signups"),
        ("DELETE", "/api/v1/dates/{date_id}/materials/{id}"),
        ("GET", "/api/v1/programmes/{id}"),
        ("PUT", "/api/v1/programmes/{id}/series/{series_id}"),
        ("DELETE", "/api/v1/tokens/{id}"),
        ("POST", "/api/v1/mails/{id}/retry"),
        ("GET", "/api/v1/organisations/{id}/mails"),
        ("POST", "/api/v1/registrations/{id}/promote"),
        ("POST", "/api/v1/manage/{token}/registrations/{id}/cancel"),
        ("GET", "/events/ontmoeting/{id}"),
        ("GET", "/host/dates/{id}"),
        ("GET", "/host/series/{id}/participation"),
        ("GET", "/organise/series/{id}"),
        ("GET", "/organise/{id}/settings"),
        ("POST", "/manage/{token}/cancel/{id}"),
        ("POST", "/team/{id}/invite"),
    ],
)
async def test_ids_out_of_range_in_paths_are_404(
    client: httpx.AsyncClient, world: World, method: str, path: str, bad: str
) -> None:
    url = path.format(id=bad, token=world.manage_token, date_id=world.date_id,
                      series_id=world.series_id)  # fmt: skip
    response = await client.request(
        method, url, headers={**world.organiser.headers, "X-Requested-With": "test"}
    )
    _expect(response, 404)


@pytest.mark.parametrize("digits", ["2147483648", "999999999999"])
async def test_a_date_feed_for_an_impossible_id_is_404(
    client: httpx.AsyncClient, world: World, digits: str
) -> None:
    _expect(await client.get(f"/feeds/dates/{digits}.ics"), 404)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/v1/series", {"title": "T", "organisation_id": 2**31}),
        ("POST", "/api/v1/series", {"title": "T", "programme_id": int(HUGE)}),
        ("PATCH", "/api/v1/series/{series_id}", {"programme_id": -5}),
        ("PUT", "/api/v1/series/{series_id}/hosts", {"account_ids": [2**31]}),
        ("PUT", "/api/v1/dates/{date_id}/hosts", {"account_ids": [0]}),
        ("PUT", "/api/v1/series/{series_id}/speakers", {"speakers": [{"name": "S", "id": -1}]}),
        ("POST", "/api/v1/programmes", {"title": "P", "organisation_id": int(HUGE)}),
    ],
)
async def test_ids_out_of_range_in_json_bodies_are_400(
    client: httpx.AsyncClient, world: World, method: str, path: str, body: dict[str, object]
) -> None:
    url = path.format(series_id=world.series_id, date_id=world.date_id)
    response = await client.request(method, url, json=body, headers=world.organiser.headers)
    _expect(response, 400)
    assert response.json()["code"] == "invalid_input"


@pytest.mark.parametrize("bad", IDS_OUT_OF_RANGE)
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/series?organisation_id={bad}",
        "/api/v1/series?programme_id={bad}",
        "/api/v1/programmes?organisation_id={bad}",
        "/api/v1/organisations/{org_id}/mails?before_id={bad}",
    ],
)
async def test_ids_out_of_range_in_api_queries_are_400(
    client: httpx.AsyncClient, world: World, path: str, bad: str
) -> None:
    url = path.format(bad=bad, org_id=world.organiser.organisation_id)
    _expect(await client.get(url, headers=world.organiser.headers), 400)


@pytest.mark.parametrize("page", [HUGE, "-3", "0"])
async def test_the_agenda_survives_any_page_number(
    client: httpx.AsyncClient, world: World, page: str
) -> None:
    _expect(await client.get(f"/?page={page}"), 200)


# --- content types and sizes -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "content"),
    [
        ("text/plain", b'{"email": "organiser@example.org", "password": "correct horse battery"}'),
        ("application/x-www-form-urlencoded", b"email=organiser%40example.org&password=x"),
        ("multipart/form-data; boundary=b", b"--b\r\nContent-Disposition: form-data\r\n\r\n--b--"),
        ("application/xml", b"<login/>"),
        (None, b'{"email": "organiser@example.org", "password": "correct horse battery"}'),
    ],
)
async def test_api_writes_accept_only_json(
    client: httpx.AsyncClient, world: World, content_type: str | None, content: bytes
) -> None:
    """A cross-site form can post text/plain: it must not log anyone in."""
    fresh = httpx.AsyncClient(transport=client._transport, base_url="http://events.test")
    headers = {"Content-Type": content_type} if content_type else {}
    async with fresh:
        response = await fresh.post("/api/v1/session", content=content, headers=headers)
        _expect(response, 415)
        assert "application/json" in response.json()["detail"]
        assert "events_session" not in response.headers.get("set-cookie", "")
        response = await fresh.post("/api/v1/registrations", content=content, headers=headers)
        _expect(response, 415)


async def test_api_writes_without_a_body_need_no_content_type(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.post(
        f"/api/v1/series/{world.series_id}/unpublish",
        headers={**world.organiser.headers, "Content-Type": "text/plain"},
    )
    _expect(response, 200)


async def test_a_body_over_the_cap_is_413(client: httpx.AsyncClient, world: World) -> None:
    body = json.dumps({"name": "x" * MAX_BODY, "email": "a@example.org"}).encode()
    response = await client.post(
        "/api/v1/registrations", content=body, headers={"Content-Type": "application/json"}
    )
    _expect(response, 413)
    response = await client.post(
        "/login", data={"email": "x" * MAX_BODY}, headers={"Accept": "text/html"}
    )
    _expect(response, 413)


async def test_a_refused_input_is_logged_and_counted_with_its_own_status(
    client: httpx.AsyncClient, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    caplog.set_level(logging.INFO, logger="events_app.access")
    path = f"/api/v1/organisations/{world.organiser.organisation_id}/mails"
    route = "/api/v1/organisations/{organisation_id}/mails"
    before = await counted(client, "GET", route, "400")
    errors = await counted(client, "GET", route, "500")
    response = await client.get(path + "?status=x%00", headers=world.organiser.headers)
    _expect(response, 400)
    assert [line["status"] for line in access_lines(caplog, path)] == [400]
    assert await counted(client, "GET", route, "400") == before + 1
    assert await counted(client, "GET", route, "500") == errors


# --- digits that are not ASCII digits ("²".isdigit() is true, int("²") fails) ---------------

OTHER_DIGITS = ["²", "①", "٣", "99999999999"]


@pytest.mark.parametrize("digits", OTHER_DIGITS)
async def test_ids_in_forms_queries_and_file_names_never_give_a_5xx(
    client: httpx.AsyncClient, world: World, digits: str
) -> None:
    feed = await client.get(f"/feeds/dates/{digits}.ics")
    _expect(feed, 404)
    registered = await client.get("/registered", params={"dates": digits})
    assert registered.status_code < 500, registered.text[:300]
    token = await csrf_token(client, "/events/ontmoeting/register")
    posted = await client.post(
        "/events/ontmoeting/register",
        data={"_csrf_token": token, "name": "Alex", "email": "alex@example.org", "dates": digits},
    )
    _expect(posted, 400)  # no date chosen: the form again
    org = world.organiser.organisation_id
    for path, params in (
        (f"/organise/{org}/mail", {"before": digits}),
        (f"/host/dates/{world.date_id}/groups", {"n": digits}),
    ):
        shown = await client.get(path, params=params)
        assert shown.status_code < 500, (path, shown.text[:300])
    hosts = await client.post(
        f"/organise/series/{world.series_id}/hosts",
        data={"_csrf_token": await csrf_token(client, "/organise"), "hosts": digits},
    )
    assert hosts.status_code < 500, hosts.text[:300]
