"""Organiser and host accounts: passwords (argon2, off the event loop) and API tokens."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from events_app import audit, clock, db
from events_app.domain.emails import normalise_email
from events_app.domain.errors import Conflict, DomainError, NotFound
from events_app.tables import Account, ApiToken, Membership, Organisation

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "Actor",
    "actor_for_account",
    "actor_for_token",
    "authenticate",
    "create_account",
    "create_api_token",
    "create_organiser",
    "list_api_tokens",
    "revoke_all_api_tokens",
    "revoke_api_token",
]

MIN_PASSWORD_LENGTH = 10
TOKEN_USE_PRECISION = timedelta(minutes=5)
_hasher = PasswordHasher()
# Verified against when the e-mail address is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


@dataclass(frozen=True, slots=True)
class Actor:
    """A logged-in organiser or host, with their role in each organisation."""

    account_id: int
    email: str
    name: str
    roles: dict[int, str] = field(default_factory=dict)

    def is_organiser(self, organisation_id: int) -> bool:
        return self.roles.get(organisation_id) == Membership.Role.organiser

    def organiser_of(self) -> list[int]:
        return [org for org, role in self.roles.items() if role == Membership.Role.organiser]

    def require_organiser(self, organisation_id: int) -> None:
        """Organisers only change their own organisation; others are told it does not exist."""
        if not self.is_organiser(organisation_id):
            raise NotFound("not_found", "This does not exist or is not yours to see.")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            "password_too_short",
            f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters.",
            field="password",
        )


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def create_account(email: str, name: str, password: str, language: str = "nl") -> int:
    address = normalise_email(email)
    _check_password(password)
    if not name.strip():
        raise DomainError("name_missing", "Fill in a name.", field="name")
    password_hash = await hash_password(password)
    async with db.transaction():
        if await Account.exists().where(Account.email == address):
            raise Conflict("account_exists", "An account with this e-mail address exists.")
        rows = await Account.insert(
            Account(
                email=address,
                name=name.strip(),
                password_hash=password_hash,
                language=language,
                created_at=clock.now(),
            )
        ).returning(Account.id)
        return int(rows[0]["id"])


async def create_organiser(email: str, name: str, password: str, organisation_slug: str) -> int:
    """Create an account (or reuse one) and make it organiser of the organisation."""
    organisation = (
        await Organisation.select(Organisation.id)
        .where(Organisation.slug == organisation_slug)
        .first()
    )
    if organisation is None:
        raise NotFound("organisation_unknown", f"There is no organisation '{organisation_slug}'.")
    address = normalise_email(email)
    existing = await Account.select(Account.id).where(Account.email == address).first()
    account_id = int(existing["id"]) if existing else await create_account(address, name, password)
    async with db.transaction():
        membership = (
            await Membership.select(Membership.id)
            .where(
                (Membership.account == account_id) & (Membership.organisation == organisation["id"])
            )
            .first()
        )
        if membership:
            await Membership.update({Membership.role: Membership.Role.organiser}).where(
                Membership.id == membership["id"]
            )
        else:
            await Membership.insert(
                Membership(
                    account=account_id,
                    organisation=organisation["id"],
                    role=Membership.Role.organiser,
                    created_at=clock.now(),
                )
            )
        await audit.record(
            "organiser_added",
            "account",
            account_id,
            organisation_id=int(organisation["id"]),
            account_id=None,
        )
    return account_id


async def actor_for_account(account_id: int) -> Actor | None:
    """The active account's actor (None for an unknown or inactive account)."""
    account = (
        await Account.select(Account.id, Account.email, Account.name)
        .where((Account.id == account_id) & (Account.active.eq(True)))
        .first()
    )
    if account is None:
        return None
    memberships = await Membership.select(Membership.organisation, Membership.role).where(
        Membership.account == account_id
    )
    return Actor(
        account_id=int(account["id"]),
        email=account["email"],
        name=account["name"],
        roles={int(m["organisation"]): m["role"] for m in memberships},
    )


async def authenticate(email: str, password: str) -> Actor | None:
    """The actor for these credentials, or None (same work whether or not the address exists)."""
    try:
        address = normalise_email(email)
    except DomainError:
        return None
    account = (
        await Account.select(Account.id, Account.password_hash)
        .where((Account.email == address) & (Account.active.eq(True)))
        .first()
    )
    stored = account["password_hash"] if account else _DUMMY_HASH
    try:
        await asyncio.to_thread(_hasher.verify, stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if account is None:
        return None
    renewed = None
    if _hasher.check_needs_rehash(stored):
        # The hash was made with other (older, weaker) parameters: the password is known right
        # now, so it is hashed again with the current ones.
        renewed = await hash_password(password)
    async with db.transaction():
        await Account.update({Account.last_login_at: clock.now()}).where(
            Account.id == account["id"]
        )
        if renewed is not None:
            # Only in place of the hash just checked: a password changed meanwhile (in another
            # session, or by a reset) must not be put back to this one.
            await Account.update({Account.password_hash: renewed}).where(
                (Account.id == account["id"]) & (Account.password_hash == stored)
            )
    return await actor_for_account(int(account["id"]))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_api_token(actor: Actor, name: str) -> tuple[int, str]:
    """A new token for the actor; the plain token is returned once and never stored."""
    label = name.strip()
    if not label or len(label) > 100:
        raise DomainError(
            "token_name", "Give the token a name of 1 to 100 characters.", field="name"
        )
    token = "ea_" + secrets.token_urlsafe(32)
    async with db.transaction():
        rows = await ApiToken.insert(
            ApiToken(
                account=actor.account_id,
                name=label,
                token_hash=_token_hash(token),
                created_at=clock.now(),
            )
        ).returning(ApiToken.id)
        token_id = int(rows[0]["id"])
        await audit.record(
            "api_token_created",
            "api_token",
            token_id,
            organisation_id=None,
            account_id=actor.account_id,
        )
    return token_id, token


async def revoke_all_api_tokens(account_id: int) -> None:
    """Every token of the account stops working (joins the caller's transaction)."""
    async with db.transaction():
        await ApiToken.update({ApiToken.revoked_at: clock.now()}).where(
            (ApiToken.account == account_id) & ApiToken.revoked_at.is_null()
        )


async def list_api_tokens(actor: Actor) -> list[dict[str, object]]:
    return (
        await ApiToken.select(
            ApiToken.id,
            ApiToken.name,
            ApiToken.created_at,
            ApiToken.last_used_at,
            ApiToken.revoked_at,
        )
        .where(ApiToken.account == actor.account_id)
        .order_by(ApiToken.id)
    )


async def revoke_api_token(actor: Actor, token_id: int) -> None:
    async with db.transaction():
        rows = (
            await ApiToken.update({ApiToken.revoked_at: clock.now()})
            .where(
                (ApiToken.id == token_id)
                & (ApiToken.account == actor.account_id)
                & ApiToken.revoked_at.is_null()
            )
            .returning(ApiToken.id)
        )
        if not rows:
            raise NotFound("token_unknown", "There is no active token with this number.")
        await audit.record(
            "api_token_revoked",
            "api_token",
            token_id,
            organisation_id=None,
            account_id=actor.account_id,
        )


async def actor_for_token(token: str) -> Actor | None:
    row = (
        await ApiToken.select(ApiToken.id, ApiToken.account, ApiToken.last_used_at)
        .where((ApiToken.token_hash == _token_hash(token)) & ApiToken.revoked_at.is_null())
        .first()
    )
    if row is None:
        return None
    # A write per API call would be a write on every read: note use every few minutes.
    now = clock.now()
    if row["last_used_at"] is None or now - row["last_used_at"] > TOKEN_USE_PRECISION:
        await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == row["id"])
    return await actor_for_account(int(row["account"]))
