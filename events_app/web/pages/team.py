"""The team pages: organisers invite hosts and organisers, change roles, remove members; the
invitation link lets the invited person join (with a new account, or by logging in)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from events_app.accounts import team as invitations
from events_app.accounts.credentials import Actor, actor_for_account
from events_app.domain.errors import DomainError, NotFound
from events_app.tables import Membership
from events_app.web.auth import session_actor, start_session
from events_app.web.pages.context import language_of, page
from events_app.web.pages.form_input import Email, Line, Name, NoFields, decode_form, decode_to_show
from events_app.web.pages.forms import field_messages
from events_app.web.pages.messages import message_for
from events_app.web.pages.staff import provide_staff_actor, staff_page

__all__ = ["InvitationController", "TeamController"]

DONE = ("invited", "revoked", "role", "removed")


def _message(exc: DomainError, language: str) -> str:
    return message_for(exc, language, "team")


class InviteFields(msgspec.Struct):
    email: Email = ""
    name: Name = ""
    role: Line = ""


class RoleFields(msgspec.Struct):
    role: Line = ""


class ConfirmFields(msgspec.Struct):
    confirm: Line = ""


class AcceptFields(msgspec.Struct):
    """Accepting an invitation: as the account logged in (``as=me``), or as a new account."""

    as_: Line = msgspec.field(default="", name="as")
    name: Name = ""
    password: Line = ""
    repeat_password: Line = ""


class TeamController(Controller):
    path = "/team"
    include_in_schema = False
    dependencies = {"actor": provide_staff_actor}

    async def _show(
        self,
        request: Request[Any, Any, Any],
        actor: Actor,
        *,
        status: int = 200,
        errors: dict[str, str] | None = None,
        values: dict[str, str] | None = None,
        form_for: int | None = None,
        confirm_remove: int | None = None,
    ) -> Response[str]:
        organisations = actor.organiser_of()
        if not organisations:
            raise NotFound("not_found", "This does not exist or is not yours to see.")
        teams = [await invitations.team(actor, org) for org in sorted(organisations)]
        done = request.query_params.get("done", "")
        return staff_page(
            request,
            actor,
            "team.html",
            status=status,
            teams=teams,
            errors=errors or {},
            values=values or {"email": "", "name": "", "role": Membership.Role.host},
            form_for=form_for,
            confirm_remove=confirm_remove,
            done=done if done in DONE else "",
        )

    @get("/")
    async def show(
        self, request: Request[Any, Any, Any], actor: NamedDependency[Actor]
    ) -> Response[str]:
        return await self._show(request, actor)

    @post("/{organisation_id:int}/invite")
    async def invite(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
    ) -> Response[Any]:
        sent, rejected = await decode_to_show(request, InviteFields)
        try:
            if rejected:
                raise rejected
            await invitations.invite(
                actor, organisation_id, email=sent.email, name=sent.name, role=sent.role
            )
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            language = language_of(request)
            return await self._show(
                request,
                actor,
                status=400,
                errors=field_messages(exc, language, _message(exc, language)),
                values=msgspec.structs.asdict(sent),
                form_for=organisation_id,
            )
        return Redirect("/team?done=invited", status_code=303)

    @post("/{organisation_id:int}/invitations/{invitation_id:int}/revoke")
    async def revoke(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
        invitation_id: FromPath[int],
    ) -> Redirect:
        await decode_form(request, NoFields)
        await invitations.revoke(actor, organisation_id, invitation_id)
        return Redirect("/team?done=revoked", status_code=303)

    @post("/{organisation_id:int}/members/{membership_id:int}/role")
    async def change_role(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
        membership_id: FromPath[int],
    ) -> Response[Any]:
        sent = await decode_form(request, RoleFields)
        try:
            await invitations.change_role(actor, organisation_id, membership_id, sent.role)
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return await self._show(
                request, actor, status=409, errors={"form": _message(exc, language_of(request))}
            )
        return Redirect("/team?done=role", status_code=303)

    @post("/{organisation_id:int}/members/{membership_id:int}/remove")
    async def remove_member(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
        membership_id: FromPath[int],
    ) -> Response[Any]:
        """First asks to confirm; with ``confirm=yes`` removes the member."""
        sent = await decode_form(request, ConfirmFields)
        if sent.confirm != "yes":
            return await self._show(request, actor, confirm_remove=membership_id)
        try:
            removed = await invitations.remove_member(actor, organisation_id, membership_id)
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return await self._show(
                request, actor, status=409, errors={"form": _message(exc, language_of(request))}
            )
        if removed == actor.account_id:
            return Redirect("/host", status_code=303)  # you left the team yourself
        return Redirect("/team?done=removed", status_code=303)


class InvitationController(Controller):
    path = "/invitations"
    include_in_schema = False

    async def _show(
        self,
        request: Request[Any, Any, Any],
        token: str,
        *,
        status: int = 200,
        errors: dict[str, str] | None = None,
        name: str = "",
    ) -> Response[str]:
        try:
            invitation = await invitations.invitation_for(token)
        except DomainError:
            return page(request, "invitation.html", status=404, private=True, invitation=None,
                        errors={}, token="", me=None, name="")  # fmt: skip
        me = await session_actor(request)
        return page(
            request,
            "invitation.html",
            status=status,
            private=True,
            invitation=invitation,
            errors=errors or {},
            token=token,
            me=me,
            name=name or invitation["name"],
            login_next=f"/invitations/{token}",
        )

    @get("/{token:str}")
    async def show(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[str]:
        return await self._show(request, token)

    @post("/{token:str}")
    async def accept(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[Any]:
        sent, rejected = await decode_to_show(request, AcceptFields)
        language = language_of(request)
        me = await session_actor(request)
        try:
            if rejected:
                raise rejected
            if me is not None and sent.as_ == "me":
                await invitations.accept_as(token, me)
                account_id = me.account_id
            else:
                if sent.password != sent.repeat_password:
                    raise DomainError("password_mismatch", "", field="repeat_password")
                account_id = await invitations.accept_new(
                    token, name=sent.name, password=sent.password, language=language
                )
        except DomainError as exc:
            if exc.status_code == 404:
                return await self._show(request, token)
            field = "password" if exc.code == "password_too_short" else exc.field or "form"
            return await self._show(
                request,
                token,
                status=400,
                errors=field_messages(exc, language, _message(exc, language), field=field),
                name=sent.name,
            )
        actor = await actor_for_account(account_id)
        assert actor is not None
        await start_session(request, actor)
        return Redirect("/host", status_code=303)
