"""The team of an organisation: invitations by mail, roles, and removing members.

Organisers invite hosts and other organisers.  An invitation is a single-use link valid for
14 days (only its SHA-256 is stored).  Whoever opens it chooses a name and password, or, when
the address already has an account, logs in with it; either way they join with the role the
invitation names.  An organisation always keeps at least one organiser: a role change or a
removal first locks the organisation's row, so two organisers demoting or removing each other
at the same moment are handled one after the other, and the second finds no other organiser.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from events_app import audit, clock, db, urls
from events_app.accounts.credentials import Actor, create_account
from events_app.domain.emails import normalise_email
from events_app.domain.errors import Conflict, DomainError, NotFound
from events_app.mail import outbox
from events_app.tables import Account, Invitation, Membership, Organisation, Series, SeriesHost

__all__ = [
    "LIFETIME",
    "accept_as",
    "accept_new",
    "change_role",
    "invitation_for",
    "invite",
    "remove_member",
    "revoke",
    "team",
]

LIFETIME = timedelta(days=14)
ROLES: tuple[str, ...] = tuple(Membership.Role)
UNKNOWN = "This does not exist or is not yours to see."


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def team(actor: Actor, organisation_id: int) -> dict[str, Any]:
    """Members and open invitations of an organisation the actor organises."""
    actor.require_organiser(organisation_id)
    organisation = (
        await Organisation.select(Organisation.id, Organisation.name, Organisation.slug)
        .where(Organisation.id == organisation_id)
        .first()
    )
    members = (
        await Membership.select(
            Membership.id,
            Membership.role,
            Membership.account.as_alias("account_id"),
            Membership.account.name.as_alias("name"),
            Membership.account.email.as_alias("email"),
            Membership.account.last_login_at.as_alias("last_login_at"),
        )
        .where(Membership.organisation == organisation_id)
        .order_by(Membership.account.name)
    )
    now = clock.now()
    invitations = (
        await Invitation.select(
            Invitation.id,
            Invitation.email,
            Invitation.name,
            Invitation.role,
            Invitation.created_at,
            Invitation.expires_at,
        )
        .where(
            (Invitation.organisation == organisation_id)
            & Invitation.accepted_at.is_null()
            & Invitation.revoked_at.is_null()
            & (Invitation.expires_at > now)
        )
        .order_by(Invitation.created_at)
    )
    return {"organisation": organisation, "members": members, "invitations": invitations}


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise DomainError("role_unknown", "Choose organiser or host.", field="role")
    return role


async def invite(actor: Actor, organisation_id: int, *, email: str, name: str, role: str) -> int:
    """Queue an invitation mail (in the organisation's language); a new invitation to the
    same address replaces older ones."""
    actor.require_organiser(organisation_id)
    address = normalise_email(email)
    name = " ".join(name.split())
    if len(name) > 200:
        raise DomainError("name_too_long", "Use at most 200 characters.", field="name")
    _check_role(role)
    member = await Membership.exists().where(
        (Membership.organisation == organisation_id) & (Membership.account.email == address)
    )
    if member:
        raise Conflict("already_member", "This person is already in the team.", field="email")
    organisation = (
        await Organisation.select(Organisation.name, Organisation.language).where(
            Organisation.id == organisation_id
        )
    )[0]
    token = secrets.token_urlsafe(32)
    now = clock.now()
    async with db.transaction():
        await Invitation.update({Invitation.revoked_at: now}).where(
            (Invitation.organisation == organisation_id)
            & (Invitation.email == address)
            & Invitation.accepted_at.is_null()
            & Invitation.revoked_at.is_null()
        )
        rows = await Invitation.insert(
            Invitation(
                organisation=organisation_id,
                email=address,
                name=name,
                role=role,
                token_hash=_hash(token),
                invited_by=actor.account_id,
                created_at=now,
                expires_at=now + LIFETIME,
            )
        ).returning(Invitation.id)
        invitation_id = int(rows[0]["id"])
        await outbox.enqueue(
            "invitation",
            to_email=address,
            to_name=name,
            language=organisation["language"],
            context={
                "link": urls.absolute(f"/invitations/{token}"),
                "organisation": organisation["name"],
                "inviter": actor.name,
                "role": role,
                "days": LIFETIME.days,
            },
        )
        await audit.record(
            "member_invited",
            "invitation",
            invitation_id,
            organisation_id=organisation_id,
            account_id=actor.account_id,
            detail={"role": role},
        )
    return invitation_id


async def revoke(actor: Actor, organisation_id: int, invitation_id: int) -> None:
    actor.require_organiser(organisation_id)
    async with db.transaction():
        rows = (
            await Invitation.update({Invitation.revoked_at: clock.now()})
            .where(
                (Invitation.id == invitation_id)
                & (Invitation.organisation == organisation_id)
                & Invitation.accepted_at.is_null()
                & Invitation.revoked_at.is_null()
            )
            .returning(Invitation.id)
        )
        if not rows:
            raise NotFound("not_found", UNKNOWN)
        await audit.record(
            "invitation_revoked",
            "invitation",
            invitation_id,
            organisation_id=organisation_id,
            account_id=actor.account_id,
        )


async def invitation_for(token: str) -> dict[str, Any]:
    """An open invitation, with its organisation's name and whether the address has an
    account; :class:`NotFound` when the link is unknown, used, revoked or expired."""
    row = (
        await Invitation.select(
            Invitation.id,
            Invitation.organisation,
            Invitation.organisation.name.as_alias("organisation_name"),
            Invitation.email,
            Invitation.name,
            Invitation.role,
            Invitation.expires_at,
            Invitation.accepted_at,
            Invitation.revoked_at,
        )
        .where(Invitation.token_hash == _hash(token))
        .first()
    )
    if (
        row is None
        or row["accepted_at"] is not None
        or row["revoked_at"] is not None
        or row["expires_at"] <= clock.now()
    ):
        raise NotFound("invitation_unusable", "This invitation does not work (any more).")
    row["has_account"] = await Account.exists().where(Account.email == row["email"])
    return row


async def _join(invitation: dict[str, Any], account_id: int) -> None:
    """Inside a transaction: the membership (a role never goes down by accepting)."""
    now = clock.now()
    existing = (
        await Membership.select(Membership.id, Membership.role)
        .where(
            (Membership.account == account_id)
            & (Membership.organisation == invitation["organisation"])
        )
        .first()
    )
    if existing is None:
        await Membership.insert(
            Membership(
                account=account_id,
                organisation=invitation["organisation"],
                role=invitation["role"],
                created_at=now,
            )
        )
    elif invitation["role"] == Membership.Role.organiser:
        await Membership.update({Membership.role: Membership.Role.organiser}).where(
            Membership.id == existing["id"]
        )
    await Invitation.update({Invitation.accepted_at: now}).where(Invitation.id == invitation["id"])
    await audit.record(
        "invitation_accepted",
        "invitation",
        invitation["id"],
        organisation_id=invitation["organisation"],
        account_id=account_id,
    )


async def accept_new(token: str, *, name: str, password: str, language: str) -> int:
    """Accept with a new account for the invited address; returns the account id."""
    invitation = await invitation_for(token)
    if invitation["has_account"]:
        raise Conflict("account_exists", "This address has an account: log in to accept.")
    account_id = await create_account(invitation["email"], name, password, language)
    async with db.transaction():
        await _join(await invitation_for(token), account_id)
    return account_id


async def accept_as(token: str, actor: Actor) -> None:
    """Accept while logged in with the invited address."""
    invitation = await invitation_for(token)
    if invitation["email"] != actor.email:
        raise DomainError(
            "wrong_account",
            "This invitation is for another e-mail address. Log out and log in with that one.",
        )
    async with db.transaction():
        await _join(await invitation_for(token), actor.account_id)


async def _membership(organisation_id: int, membership_id: int) -> dict[str, Any]:
    row = (
        await Membership.select(Membership.id, Membership.role, Membership.account)
        .where((Membership.id == membership_id) & (Membership.organisation == organisation_id))
        .first()
    )
    if row is None:
        raise NotFound("not_found", UNKNOWN)
    return row


async def _lock_team(organisation_id: int) -> None:
    """Inside a transaction: hold the organisation's row until commit (``FOR UPDATE`` on
    PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already lets one writer in at a time), so the
    organisers counted next stay counted until this change is written."""
    if db.is_postgres():
        await (
            Organisation.select(Organisation.id)
            .where(Organisation.id == organisation_id)
            .lock_rows("UPDATE")
        )


async def _still_organiser(actor: Actor, organisation_id: int) -> None:
    """The actor's role as it is now, under the lock (it may have changed since the request
    began)."""
    if not await Membership.exists().where(
        (Membership.account == actor.account_id)
        & (Membership.organisation == organisation_id)
        & (Membership.role == Membership.Role.organiser)
    ):
        raise NotFound("not_found", UNKNOWN)


async def _organisers_left(organisation_id: int, without: int) -> int:
    return int(
        await Membership.count().where(
            (Membership.organisation == organisation_id)
            & (Membership.role == Membership.Role.organiser)
            & (Membership.id != without)
        )
    )


async def change_role(actor: Actor, organisation_id: int, membership_id: int, role: str) -> None:
    actor.require_organiser(organisation_id)
    _check_role(role)
    async with db.transaction():
        await _lock_team(organisation_id)
        member = await _membership(organisation_id, membership_id)
        if role == Membership.Role.host and not await _organisers_left(
            organisation_id, membership_id
        ):
            raise Conflict("last_organiser", "An organisation needs at least one organiser.")
        await _still_organiser(actor, organisation_id)
        await Membership.update({Membership.role: role}).where(Membership.id == membership_id)
        await audit.record(
            "member_role_changed",
            "account",
            member["account"],
            organisation_id=organisation_id,
            account_id=actor.account_id,
            detail={"role": role},
        )


async def remove_member(actor: Actor, organisation_id: int, membership_id: int) -> int:
    """Remove a member (and their host assignments there); returns their account id."""
    actor.require_organiser(organisation_id)
    async with db.transaction():
        await _lock_team(organisation_id)
        member = await _membership(organisation_id, membership_id)
        if member["role"] == Membership.Role.organiser and not await _organisers_left(
            organisation_id, membership_id
        ):
            raise Conflict("last_organiser", "An organisation needs at least one organiser.")
        await _still_organiser(actor, organisation_id)
        await Membership.delete().where(Membership.id == membership_id)
        series = Series.select(Series.id).where(Series.organisation == organisation_id)
        await SeriesHost.delete().where(
            (SeriesHost.account == member["account"]) & SeriesHost.series.is_in(series)
        )
        await audit.record(
            "member_removed",
            "account",
            member["account"],
            organisation_id=organisation_id,
            account_id=actor.account_id,
        )
    return int(member["account"])
