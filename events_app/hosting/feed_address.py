"""A host's secret calendar address (``Account.host_feed_token``): made on first use,
re-issued on request (the old address stops working at once)."""

from __future__ import annotations

from events_app import audit, db
from events_app.accounts.credentials import Actor
from events_app.domain.errors import NotFound
from events_app.registration.attendees import new_token
from events_app.tables import Account

__all__ = ["host_feed_token", "reissue_host_feed_token"]


async def _current(account_id: int) -> str | None:
    row = (
        await Account.select(Account.host_feed_token)
        .where((Account.id == account_id) & Account.active.eq(True))
        .first()
    )
    if row is None:
        raise NotFound("account_unknown", "This account does not exist.")
    token: str | None = row["host_feed_token"]
    return token


async def host_feed_token(actor: Actor) -> str:
    """The actor's host feed token, made now if there is none yet."""
    token = await _current(actor.account_id)
    if token:
        return token
    async with db.transaction():
        # Only fills an empty column: two first requests at once end with one token.
        await Account.update({Account.host_feed_token: new_token()}).where(
            (Account.id == actor.account_id) & Account.host_feed_token.is_null()
        )
    token = await _current(actor.account_id)
    assert token is not None
    return token


async def reissue_host_feed_token(actor: Actor) -> str:
    """A new token; whoever had the old address loses access."""
    token = new_token()
    async with db.transaction():
        await Account.update({Account.host_feed_token: token}).where(Account.id == actor.account_id)
        await audit.record(
            "host_feed_reissued",
            "account",
            actor.account_id,
            organisation_id=None,
            account_id=actor.account_id,
        )
    return token
