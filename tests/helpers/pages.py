"""Using the pages as a person does: a form's CSRF token, logging in, the series form."""

from __future__ import annotations

import re

import httpx

from tests.factories import PASSWORD

__all__ = [
    "CSRF_TOKEN",
    "EMAIL",
    "csrf_token",
    "login",
    "page_login",
    "post_organise",
    "series_form",
]

CSRF_TOKEN = re.compile(r'name="_csrf_token" value="([0-9a-f]+)"')


async def csrf_token(client: httpx.AsyncClient, path: str) -> str:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    found = CSRF_TOKEN.search(response.text)
    assert found is not None
    return found.group(1)


async def login(client: httpx.AsyncClient, email: str) -> None:
    response = await client.post("/api/v1/session", json={"email": email, "password": PASSWORD})
    assert response.status_code in (200, 201), response.text


# The organiser tests.factories.make_organiser makes.
EMAIL = "organiser@example.org"


async def page_login(
    client: httpx.AsyncClient, password: str = PASSWORD, next_: str = "", email: str = EMAIL
) -> httpx.Response:
    token = await csrf_token(client, "/login?lang=en")
    return await client.post(
        "/login",
        data={"_csrf_token": token, "email": email, "password": password, "next": next_},
    )


def series_form(**overrides: str) -> dict[str, str | list[str]]:
    form: dict[str, str | list[str]] = {
        "title": "Herstelcafé",
        "kind": "meetup",
        "format": "online",
        "capacity": "12",
        "waitlist": "yes",
        "published": "yes",
        "start_date": "2026-12-01",
        "start_time": "19:30",
        "end_time": "21:00",
        "repeat": "weekly",
        "interval": "2",
        "weekdays": ["1"],
        "ends": "never",
        "skip": "29-12-2026",
    }
    form.update(overrides)
    return form


HOLIDAYS_OFFERED = re.compile(r'name="holidays_offered" value="([^"]*)"')
HOLIDAY_TICKED = re.compile(r'name="skip_holiday" value="([0-9-]+)" checked')


async def post_organise(
    client: httpx.AsyncClient, path: str, data: dict[str, str | list[str]]
) -> httpx.Response:
    """Post an organiser form.  Saving a new series first looks at the dates, as the builder
    asks a person to (the public holidays among them come back ticked), unless the test sends
    its own holiday choices."""
    token = await csrf_token(client, "/organise?lang=en")
    saving_new = path.endswith("/series/new") and data.get("action") == "save"
    if saving_new and "holidays_offered" not in data:
        shown = await client.post(path, data={"_csrf_token": token, **data, "action": "preview"})
        offered = HOLIDAYS_OFFERED.search(shown.text)
        if offered:
            data = {
                **data,
                "holidays_offered": offered.group(1),
                "skip_holiday": HOLIDAY_TICKED.findall(shown.text),
            }
    return await client.post(path, data={"_csrf_token": token, **data})
