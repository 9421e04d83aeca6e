"""Log in and out of the API with a session cookie, and manage API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from events_app.accounts import credentials as accounts
from events_app.accounts import logins
from events_app.accounts.credentials import Actor
from events_app.web.auth import client_address, end_session, provide_actor, start_session

__all__ = ["SessionController", "TokenController"]


class Login(msgspec.Struct, forbid_unknown_fields=True):
    email: Annotated[str, msgspec.Meta(max_length=254)]
    password: Annotated[str, msgspec.Meta(max_length=500)]


class Me(msgspec.Struct):
    id: int
    email: str
    name: str
    organisations: dict[str, str]


class TokenCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class TokenCreated(msgspec.Struct):
    id: int
    name: str
    token: str


class Token(msgspec.Struct):
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _me(actor: NamedDependency[Actor]) -> Me:
    return Me(
        id=actor.account_id,
        email=actor.email,
        name=actor.name,
        organisations={str(org): role for org, role in actor.roles.items()},
    )


class SessionController(Controller):
    path = "/api/v1/session"
    tags = ["accounts"]

    @post("/", summary="Log in (sets a session cookie)")
    async def login(self, request: Request[Any, Any, Any], data: JSONBody[Login]) -> Me:
        # LoginFailed answers 401; TooManyAttempts 429 with Retry-After and the minutes to wait.
        actor = await logins.log_in(data.email, data.password, client_address(request))
        await start_session(request, actor)
        return _me(actor)

    @get("/", summary="Who am I", dependencies={"actor": provide_actor})
    async def me(self, actor: NamedDependency[Actor]) -> Me:
        return _me(actor)

    @delete("/", summary="Log out (the session ends)", status_code=HTTP_204_NO_CONTENT)
    async def logout(self, request: Request[Any, Any, Any]) -> None:
        await end_session(request)


class TokenController(Controller):
    path = "/api/v1/tokens"
    tags = ["accounts"]
    dependencies = {"actor": provide_actor}

    @post("/", summary="Create an API token (shown once)")
    async def create(
        self, actor: NamedDependency[Actor], data: JSONBody[TokenCreate]
    ) -> TokenCreated:
        token_id, token = await accounts.create_api_token(actor, data.name)
        return TokenCreated(id=token_id, name=data.name.strip(), token=token)

    @get("/", summary="List my API tokens")
    async def list_tokens(self, actor: NamedDependency[Actor]) -> list[Token]:
        rows = await accounts.list_api_tokens(actor)
        return [msgspec.convert(row, Token) for row in rows]

    @delete("/{token_id:int}", summary="Revoke an API token", status_code=HTTP_204_NO_CONTENT)
    async def revoke(self, actor: NamedDependency[Actor], token_id: FromPath[int]) -> None:
        await accounts.revoke_api_token(actor, token_id)
