"""A forgotten password: asking for the link, choosing the new one, reading the queued mail."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.helpers.pages import csrf_token

__all__ = ["NEW", "ask_reset_link", "choose_password", "mail_context"]

NEW = "a brand new password"


def mail_context(row: dict[str, Any]) -> dict[str, Any]:
    value = row["context"]
    return json.loads(value) if isinstance(value, str) else value  # type: ignore[no-any-return]


async def ask_reset_link(client: httpx.AsyncClient, email: str) -> httpx.Response:
    token = await csrf_token(client, "/password/forgot?lang=en")
    return await client.post("/password/forgot", data={"_csrf_token": token, "email": email})


async def choose_password(
    client: httpx.AsyncClient, link: str, password: str, repeat: str = ""
) -> httpx.Response:
    path = link.split("://", 1)[1].split("/", 1)[1]
    token = await csrf_token(client, "/" + path)
    return await client.post(
        "/" + path,
        data={
            "_csrf_token": token,
            "new_password": password,
            "repeat_password": repeat or password,
        },
    )
