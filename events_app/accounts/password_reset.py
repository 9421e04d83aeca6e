"""Forgotten passwords: a single-use link by mail, valid for an hour.

Asking always looks the same from outside, whether or not the address has an account.  Only
the SHA-256 of a link's token is stored; using a link voids it and every other open link of
the account, and the new password ends every session of the account.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from events_app import audit, clock, db, throttle, urls
from events_app.accounts import logins
from events_app.accounts.credentials import Actor, actor_for_account
from events_app.domain.emails import normalise_email
from events_app.domain.errors import DomainError, NotFound
from events_app.mail import outbox
from events_app.tables import Account, PasswordReset

__all__ = ["LIFETIME", "check_link", "request_reset", "reset_password"]

LIFETIME = timedelta(minutes=60)
REQUESTS_PER_HOUR = 3


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def request_reset(email: str, language: str) -> None:
    """Mail a reset link if the address has an active account; silently nothing otherwise."""
    try:
        address = normalise_email(email)
    except DomainError:
        raise DomainError(
            "email_invalid", "This is not a valid e-mail address.", field="email"
        ) from None
    verdict = await throttle.hit(
        throttle.hashed("reset", address), limit=REQUESTS_PER_HOUR, window=timedelta(hours=1)
    )
    if not verdict.allowed:
        return  # the same answer as always: the limit is not something to probe
    account = (
        await Account.select(Account.id, Account.name, Account.language)
        .where((Account.email == address) & Account.active.eq(True))
        .first()
    )
    if account is None:
        return
    token = secrets.token_urlsafe(32)
    now = clock.now()
    async with db.transaction():
        await PasswordReset.insert(
            PasswordReset(
                account=account["id"],
                token_hash=_hash(token),
                created_at=now,
                expires_at=now + LIFETIME,
            )
        )
        await outbox.enqueue(
            "password_reset",
            to_email=address,
            to_name=account["name"],
            language=language or account["language"],
            context={
                "link": urls.absolute(f"/password/reset/{token}"),
                "minutes": int(LIFETIME.total_seconds() // 60),
            },
        )
        await audit.record(
            "password_reset_requested",
            "account",
            int(account["id"]),
            organisation_id=None,
            account_id=None,
        )


async def _open_link(token: str) -> dict[str, object]:
    row = (
        await PasswordReset.select(
            PasswordReset.id,
            PasswordReset.account,
            PasswordReset.expires_at,
            PasswordReset.used_at,
        )
        .where(PasswordReset.token_hash == _hash(token))
        .first()
    )
    if row is None or row["used_at"] is not None or row["expires_at"] <= clock.now():
        raise NotFound("reset_link_unusable", "This link does not work (any more).")
    return row


async def check_link(token: str) -> None:
    """:class:`NotFound` when the link is unknown, used or expired."""
    await _open_link(token)


async def reset_password(token: str, password: str) -> Actor:
    """Set the new password through a link, use up the account's links, and log in."""
    async with db.transaction():
        row = await _open_link(token)
        account_id = int(row["account"])  # type: ignore[call-overload]
        await logins.set_password(account_id, password)
        await PasswordReset.update({PasswordReset.used_at: clock.now()}).where(
            (PasswordReset.account == account_id) & PasswordReset.used_at.is_null()
        )
        await audit.record(
            "password_reset", "account", account_id, organisation_id=None, account_id=account_id
        )
    actor = await actor_for_account(account_id)
    assert actor is not None
    return actor
