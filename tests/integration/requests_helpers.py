"""Helpers for the request tests: sending the public form as a person does, and finding the
private link in the mail it causes (tests read only what a person would get)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx

from events_app import clock
from events_app.tables import ExpertRequest
from tests.helpers.pages import csrf_token

__all__ = ["LINK", "form", "link_in", "request_id_of", "send_form", "strip_csrf", "token_of_mail"]

LINK = re.compile(r"https?://[^\s\"<>]+/request/([A-Za-z0-9_\-]+)")
CSRF = re.compile(r'value="[0-9a-f]{64}"')


def form(**overrides: Any) -> dict[str, Any]:
    """A complete, valid request form."""
    day = (clock.now() + timedelta(days=30)).date().isoformat()
    values: dict[str, Any] = {
        "kind": "guest_lesson",
        "topic": "Leven met psychose",
        "audience": "Tweedejaars verpleegkunde",
        "people": "28",
        "preferred_days": [day, ""],
        "period": "",
        "format": "in_person",
        "address": "Hogeschool Voorbeeld, Lokaal 2.14",
        "requester_organisation": "Hogeschool Voorbeeld",
        "contact_name": "Dana Docent",
        "contact_email": "dana@school.example.org",
        "notes": "Graag iemand met ervaring als naaste.",
    }
    values.update(overrides)
    return values


async def send_form(
    client: httpx.AsyncClient, slug: str = "stadsnetwerk", language: str = "nl", **overrides: Any
) -> httpx.Response:
    token = await csrf_token(client, f"/organisations/{slug}/request?lang={language}")
    return await client.post(
        f"/organisations/{slug}/request", data={"_csrf_token": token, **form(**overrides)}
    )


def strip_csrf(text: str) -> str:
    return CSRF.sub("", text)


def link_in(text: str) -> str:
    found = LINK.search(text)
    assert found is not None, text
    return found.group(1)


def token_of_mail(message: Any) -> str:
    """The private token in a delivered mail's text part."""
    return link_in(message.get_body(("plain",)).get_content())


async def request_id_of(email: str) -> int:
    row = await ExpertRequest.select(ExpertRequest.id).where(
        ExpertRequest.contact_email == email
    ).order_by(ExpertRequest.id, ascending=False).first()  # fmt: skip
    assert row is not None
    return int(row["id"])
