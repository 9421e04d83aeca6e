"""Logging in and out, and the account page (password, sessions, API tokens, host feed)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from events_app import i18n, urls
from events_app.accounts import credentials as accounts
from events_app.accounts import logins, password_reset
from events_app.accounts.credentials import Actor
from events_app.accounts.organisations import list_organisations
from events_app.domain.errors import DomainError
from events_app.hosting import feed_address as host_feeds
from events_app.i18n import translate
from events_app.web.auth import client_address, end_session, start_session
from events_app.web.pages.context import language_of, page
from events_app.web.pages.form_input import (
    Email,
    Line,
    NoFields,
    decode_form,
    decode_to_show,
)
from events_app.web.pages.forms import field_messages
from events_app.web.pages.messages import message_for
from events_app.web.pages.staff import provide_staff_actor, staff_page

__all__ = ["AccountController", "LoginController", "PasswordResetController", "safe_next"]

HOME = "/host"
SHOWN_IN = ZoneInfo("Europe/Amsterdam")


def safe_next(target: str | None) -> str:
    """Only a path on this site: never another site (``//x``, ``/\\x``, ``https://…``)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return HOME
    if any(ch in target for ch in "\r\n\t"):
        return HOME
    return target[:2000]


class LoginFields(msgspec.Struct):
    email: Email = ""
    password: Line = ""
    next: Line = ""


class PasswordFields(msgspec.Struct):
    """A new password, twice; with the current one when changing it (not after a reset link)."""

    current_password: Line = ""
    new_password: Line = ""
    repeat_password: Line = ""


class EmailFields(msgspec.Struct):
    email: Email = ""


def _moment(value: datetime | None, language: str) -> str:
    return i18n.format_datetime(value.astimezone(SHOWN_IN), language) if value else ""


async def _active_tokens(actor: Actor, language: str) -> list[dict[str, Any]]:
    """The account's API tokens that still work: name and dates, never the token."""
    return [
        {
            "id": row["id"],
            "name": row["name"],
            "created": _moment(row["created_at"], language),  # type: ignore[arg-type]
            "last_used": _moment(row["last_used_at"], language),  # type: ignore[arg-type]
        }
        for row in await accounts.list_api_tokens(actor)
        if row["revoked_at"] is None
    ]


def _message(exc: DomainError, language: str) -> str:
    if isinstance(exc, logins.TooManyAttempts):
        return translate(
            language,
            "Too many failed attempts. Wait %(minutes)s minutes and try again.",
            minutes=exc.minutes,
        )
    return message_for(exc, language)


class LoginController(Controller):
    include_in_schema = False

    @get("/login")
    async def form(self, request: Request[Any, Any, Any]) -> Response[str]:
        return page(
            request,
            "login.html",
            private=True,
            errors={},
            email="",
            next=safe_next(request.query_params.get("next")),
            done=request.query_params.get("done", ""),
        )

    @post("/login")
    async def log_in(self, request: Request[Any, Any, Any]) -> Response[Any]:
        sent, rejected = await decode_to_show(request, LoginFields)
        target = safe_next(sent.next or None)
        email = sent.email.strip()
        try:
            if rejected:
                raise rejected
            actor = await logins.log_in(email, sent.password, client_address(request))
        except DomainError as exc:
            language = language_of(request)
            response = page(
                request,
                "login.html",
                status=exc.status_code if exc.status_code == 429 else 400,
                private=True,
                errors=field_messages(exc, language, _message(exc, language), field="form"),
                email=email,
                next=target,
                done="",
            )
            if isinstance(exc, logins.TooManyAttempts):
                response.headers["Retry-After"] = str(exc.retry_after)
            return response
        await start_session(request, actor)
        return Redirect(target, status_code=303)

    @post("/logout")
    async def log_out(self, request: Request[Any, Any, Any]) -> Redirect:
        await decode_form(request, NoFields)
        await end_session(request)
        return Redirect("/login?done=logged_out", status_code=303)


class AccountController(Controller):
    path = "/account"
    include_in_schema = False
    dependencies = {"actor": provide_staff_actor}

    async def _show(
        self,
        request: Request[Any, Any, Any],
        actor: Actor,
        *,
        status: int = 200,
        errors: dict[str, str] | None = None,
    ) -> Response[str]:
        organisations = await list_organisations(actor)
        feed_token = await host_feeds.host_feed_token(actor)
        tokens = await _active_tokens(actor, language_of(request))
        return staff_page(
            request,
            actor,
            "account.html",
            status=status,
            errors=errors or {},
            organisations=organisations,
            host_feed=urls.host_feed(feed_token),
            host_webcal=urls.webcal(urls.host_feed(feed_token)),
            tokens=tokens,
            done=request.query_params.get("done", ""),
        )

    @get("/")
    async def show(
        self, request: Request[Any, Any, Any], actor: NamedDependency[Actor]
    ) -> Response[str]:
        return await self._show(request, actor)

    @post("/password")
    async def change_password(
        self, request: Request[Any, Any, Any], actor: NamedDependency[Actor]
    ) -> Response[Any]:
        sent, rejected = await decode_to_show(request, PasswordFields)
        language = language_of(request)
        new = sent.new_password
        try:
            if rejected:
                raise rejected
            if new != sent.repeat_password:
                raise DomainError("password_mismatch", "", field="repeat_password")
            fresh = await logins.change_password(actor, sent.current_password, new)
        except DomainError as exc:
            field = "new_password" if exc.code == "password_too_short" else exc.field or "form"
            errors = field_messages(exc, language, _message(exc, language), field=field)
            return await self._show(request, actor, status=400, errors=errors)
        await start_session(request, fresh)  # this session goes on; every other one has ended
        return Redirect("/account?done=password", status_code=303)

    @post("/sessions")
    async def end_sessions(
        self, request: Request[Any, Any, Any], actor: NamedDependency[Actor]
    ) -> Redirect:
        await decode_form(request, NoFields)
        fresh = await logins.end_all_sessions(actor)
        await start_session(request, fresh)
        return Redirect("/account?done=sessions", status_code=303)

    @post("/tokens/{token_id:int}/revoke")
    async def revoke_token(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        token_id: FromPath[int],
    ) -> Redirect:
        await decode_form(request, NoFields)
        await accounts.revoke_api_token(actor, token_id)  # 404 for another account's token
        return Redirect("/account?done=token", status_code=303)

    @post("/host-feed")
    async def new_feed(
        self, request: Request[Any, Any, Any], actor: NamedDependency[Actor]
    ) -> Redirect:
        await decode_form(request, NoFields)
        await host_feeds.reissue_host_feed_token(actor)
        return Redirect("/account?done=feed", status_code=303)


class PasswordResetController(Controller):
    path = "/password"
    include_in_schema = False

    @get("/forgot")
    async def ask(self, request: Request[Any, Any, Any]) -> Response[str]:
        return page(request, "password_forgot.html", private=True, errors={}, email="", sent=False)

    @post("/forgot")
    async def send(self, request: Request[Any, Any, Any]) -> Response[Any]:
        sent, rejected = await decode_to_show(request, EmailFields)
        email = sent.email.strip()
        language = language_of(request)
        try:
            if rejected:
                raise rejected
            await password_reset.request_reset(email, language)
        except DomainError as exc:
            errors = field_messages(exc, language, _message(exc, language), field="email")
            return page(
                request,
                "password_forgot.html",
                status=400,
                private=True,
                errors=errors,
                email=email,
                sent=False,
            )
        return page(request, "password_forgot.html", private=True, errors={}, email="", sent=True)

    @get("/reset/{token:str}")
    async def choose(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[str]:
        return await self._choose(request, token)

    async def _choose(
        self,
        request: Request[Any, Any, Any],
        token: str,
        *,
        status: int = 200,
        errors: dict[str, str] | None = None,
    ) -> Response[str]:
        try:
            await password_reset.check_link(token)
        except DomainError:
            return page(
                request,
                "password_reset.html",
                status=404,
                private=True,
                usable=False,
                errors={},
                token="",
            )
        return page(
            request,
            "password_reset.html",
            status=status,
            private=True,
            usable=True,
            errors=errors or {},
            token=token,
        )

    @post("/reset/{token:str}")
    async def reset(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[Any]:
        sent, rejected = await decode_to_show(request, PasswordFields)
        new = sent.new_password
        try:
            if rejected:
                raise rejected
            if new != sent.repeat_password:
                raise DomainError("password_mismatch", "", field="repeat_password")
            actor = await password_reset.reset_password(token, new)
        except DomainError as exc:
            if exc.status_code == 404:
                return await self._choose(request, token)
            language = language_of(request)
            field = "new_password" if exc.code == "password_too_short" else exc.field or "form"
            errors = field_messages(exc, language, _message(exc, language), field=field)
            return await self._choose(request, token, status=400, errors=errors)
        await start_session(request, actor)
        return Redirect("/account?done=password", status_code=303)
