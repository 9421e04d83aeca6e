"""Logging in with a slow-down after failures, changing a password, ending all sessions.

Attempts count per e-mail address (so one account cannot be guessed at from many places) and
per client address (so one place cannot try many accounts), in counters every process shares.
An attempt is counted *before* the password is checked, in one locked update of the counter,
so guesses sent all at once cannot slip past the limit: at most :data:`ADDRESS_LIMIT` password
checks run for an address in :data:`WINDOW`.  The right password then clears the address's
counter (and gives the client back its attempt).  Past the limit an address is blocked for
:data:`BLOCK`; the right password does not help during the block, and the message says how
long to wait.
"""

from __future__ import annotations

import asyncio
import math
from datetime import timedelta

from argon2.exceptions import InvalidHashError, VerificationError

from events_app import audit, db, throttle
from events_app.accounts import sessions
from events_app.accounts.credentials import (
    Actor,
    _check_password,
    _hasher,
    actor_for_account,
    authenticate,
    hash_password,
    revoke_all_api_tokens,
)
from events_app.domain.errors import DomainError
from events_app.tables import Account

__all__ = [
    "ADDRESS_LIMIT",
    "BLOCK",
    "CLIENT_LIMIT",
    "LoginFailed",
    "TooManyAttempts",
    "change_password",
    "end_all_sessions",
    "log_in",
]

ADDRESS_LIMIT = 5
CLIENT_LIMIT = 30
WINDOW = timedelta(minutes=15)
BLOCK = timedelta(minutes=15)


class LoginFailed(DomainError):
    status_code = 401

    def __init__(self) -> None:
        super().__init__("login_failed", "The e-mail address or password is not right.")


class TooManyAttempts(DomainError):
    status_code = 429

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        self.minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(
            "too_many_attempts",
            f"Too many failed attempts. Wait {self.minutes} minutes and try again.",
        )


def _keys(email: str, client: str) -> tuple[str, str]:
    return throttle.hashed("login", email), f"login-client:{client}"


async def log_in(email: str, password: str, client: str) -> Actor:
    """The actor for these credentials; :class:`LoginFailed` or :class:`TooManyAttempts`."""
    address_key, client_key = _keys(email, client)
    waiting = max(await throttle.blocked_for(address_key), await throttle.blocked_for(client_key))
    if waiting:
        raise TooManyAttempts(waiting)
    # Reserve the attempt first: only attempts that got a place in the counter check a password.
    by_address = await throttle.hit(address_key, limit=ADDRESS_LIMIT, window=WINDOW, block=BLOCK)
    if not by_address.allowed:
        raise TooManyAttempts(by_address.retry_after)
    by_client = await throttle.hit(client_key, limit=CLIENT_LIMIT, window=WINDOW, block=BLOCK)
    if not by_client.allowed:
        raise TooManyAttempts(by_client.retry_after)
    actor = await authenticate(email, password)
    if actor is None:
        raise LoginFailed()
    await throttle.reset(address_key)
    await throttle.give_back(client_key)  # the client's limit is for failures
    return actor


async def end_all_sessions(actor: Actor) -> Actor:
    """End every session of the account (the caller starts a new one for this device)."""
    async with db.transaction():
        await sessions.end_all_sessions(actor.account_id)
        await audit.record(
            "sessions_ended",
            "account",
            actor.account_id,
            organisation_id=None,
            account_id=actor.account_id,
        )
    fresh = await actor_for_account(actor.account_id)
    assert fresh is not None
    return fresh


async def set_password(account_id: int, new: str) -> None:
    """A new password, which also ends every session and revokes every API token of the
    account: whoever had the old password may have made either."""
    _check_password(new)
    new_hash = await hash_password(new)
    async with db.transaction():
        await Account.update({Account.password_hash: new_hash}).where(Account.id == account_id)
        await sessions.end_all_sessions(account_id)
        await revoke_all_api_tokens(account_id)
        await audit.record(
            "password_changed",
            "account",
            account_id,
            organisation_id=None,
            account_id=account_id,
        )


async def change_password(actor: Actor, current: str, new: str) -> Actor:
    """Change the password after checking the current one; returns the actor's new session."""
    row = await Account.select(Account.password_hash).where(Account.id == actor.account_id).first()
    try:
        await asyncio.to_thread(_hasher.verify, row["password_hash"] if row else "", current)
    except (VerificationError, InvalidHashError) as exc:
        raise DomainError(
            "password_wrong", "Your current password is not right.", field="current_password"
        ) from exc
    await set_password(actor.account_id, new)
    fresh = await actor_for_account(actor.account_id)
    assert fresh is not None
    return fresh
