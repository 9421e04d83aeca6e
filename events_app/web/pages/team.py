"""The team pages: organisers invite hosts and organisers, change roles, remove members; the
invitation link lets the invited person join (with a new account, or by logging in)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from events_app.accounts import team as invitations
from events_app.accounts.credentials import Actor, actor_for_account
from events_app.domain.errors import DomainError, NotFound
from events_app.i18n import N_, translate
from events_app.tables import Membership
from events_app.web.auth import session_actor, start_session
from events_app.web.pages.context import language_of, page
from events_app.web.pages.csrf import FIELD, check_csrf
from events_app.web.pages.staff import provide_staff_actor, staff_page

__all__ = ["InvitationController", "TeamController"]

MESSAGES = {
    "email_missing": N_("Fill in an e-mail address."),
    "email_invalid": N_("This is not a valid e-mail address. Check it for typing errors."),
    "email_not_ascii": N_(
        "Letters with accents (such as é or ö) and other special letters cannot be used before "
        "the @: mail to such an address cannot be delivered."
    ),
    "name_missing": N_("Fill in a name."),
    "name_too_long": N_("Use at most 200 characters."),
    "role_unknown": N_("Choose organiser or host."),
    "already_member": N_("This person is already in the team."),
    "last_organiser": N_("An organisation needs at least one organiser."),
    "password_too_short": N_("Choose a password of at least 10 characters."),
    "password_mismatch": N_("The two passwords are not the same."),
    "wrong_account": N_(
        "This invitation is for another e-mail address. Log out and log in with that one."
    ),
    "account_exists": N_("This address has an account: log in to accept."),
}
DONE = ("invited", "revoked", "role", "removed")


def _message(exc: DomainError, language: str) -> str:
    text = MESSAGES.get(exc.code)
    return translate(language, text) if text else translate(language, exc.message)


async def _form(request: Request[Any, Any, Any]) -> dict[str, str]:
    form = await request.form()
    values = {k: v[:500] for k, v in form.items() if isinstance(k, str) and isinstance(v, str)}
    check_csrf(request, values.get(FIELD))
    return values


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
        values = await _form(request)
        try:
            await invitations.invite(
                actor,
                organisation_id,
                email=values.get("email", ""),
                name=values.get("name", ""),
                role=values.get("role", ""),
            )
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return await self._show(
                request,
                actor,
                status=400,
                errors={exc.field or "form": _message(exc, language_of(request))},
                values=values,
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
        await _form(request)
        await invitations.revoke(actor, organisation_id, invitation_id)
        return Redirect("/team?done=revoked", status_code=303)

    @post("/{organisation_id:int}/members/{membership_id:int}/{action:str}")
    async def change_member(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
        membership_id: FromPath[int],
        action: FromPath[str],
    ) -> Response[Any]:
        values = await _form(request)
        try:
            if action == "role":
                await invitations.change_role(
                    actor, organisation_id, membership_id, values.get("role", "")
                )
                done = "role"
            elif action == "remove" and values.get("confirm") == "yes":
                removed = await invitations.remove_member(actor, organisation_id, membership_id)
                if removed == actor.account_id:
                    return Redirect("/host", status_code=303)  # you left the team yourself
                done = "removed"
            elif action == "remove":
                return await self._show(request, actor, confirm_remove=membership_id)
            else:
                raise NotFound("not_found", "This does not exist or is not yours to see.")
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return await self._show(
                request, actor, status=409, errors={"form": _message(exc, language_of(request))}
            )
        return Redirect(f"/team?done={done}", status_code=303)


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
        values = await _form(request)
        language = language_of(request)
        me = await session_actor(request)
        try:
            if me is not None and values.get("as") == "me":
                await invitations.accept_as(token, me)
                account_id = me.account_id
            else:
                password = values.get("password", "")
                if password != values.get("repeat_password", ""):
                    raise DomainError("password_mismatch", "", field="repeat_password")
                account_id = await invitations.accept_new(
                    token, name=values.get("name", ""), password=password, language=language
                )
        except DomainError as exc:
            if exc.status_code == 404:
                return await self._show(request, token)
            field = "password" if exc.code == "password_too_short" else exc.field or "form"
            return await self._show(
                request,
                token,
                status=400,
                errors={field: _message(exc, language)},
                name=values.get("name", ""),
            )
        actor = await actor_for_account(account_id)
        assert actor is not None
        await start_session(request, actor)
        return Redirect("/host", status_code=303)
