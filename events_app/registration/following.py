"""Following an organisation, a series or a topic with only an e-mail address.

Double opt-in: a request writes (or finds) an unconfirmed follow and mails a private link;
only a click on that page's button confirms it.  Every request gets the same answer, whether
the address follows already or not.  A stranger cannot use the form to flood a mailbox: at
most one confirmation mail per address per day, whatever is asked (a throttle key per hashed
address; the hourly limit of the outbox counts it too), and the per-client rate limit of the
public forms.  An unconfirmed follow lapses after a week and the retention job deletes it.

The private link's token is never stored: it is an HMAC of the row's random ``salt`` with the
secret key, and the row is found by the token's SHA-256 (``token_hash``).  Mails written later
(an announcement, a digest) make the same link again from the salt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from events_app import clock, db, throttle, urls
from events_app.domain.emails import normalise_email
from events_app.domain.errors import DomainError, NotFound
from events_app.domain.following import Target, check_digest, expired, target_for
from events_app.mail import outbox
from events_app.settings import get_settings
from events_app.tables import Follower, Organisation, OutboxMail, Series

__all__ = [
    "FOLLOWER_MAIL_KINDS",
    "FollowView",
    "confirm",
    "follow_for_token",
    "forget_address",
    "link_token",
    "purge_unconfirmed",
    "request_follow",
    "set_digest",
    "topics_of",
    "unfollow",
]

FOLLOWER_MAIL_KINDS = ("follow_confirm", "announcement", "follow_digest")
CONFIRM_MAILS_PER_DAY = 1


@dataclass(frozen=True, slots=True)
class FollowView:
    """One follow as its own page shows it."""

    id: int
    organisation_id: int
    organisation_name: str
    what: str  # the organisation's name, a series' title or a topic
    email: str
    digest: str
    confirmed: bool
    lapsed: bool


def link_token(salt: str) -> str:
    key = get_settings().secret_key.encode()
    digest = hmac.new(key, f"follow:{salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _unknown() -> NotFound:
    return NotFound("follow_unknown", "This link does not work (any more).")


async def topics_of(organisation_id: int) -> list[str]:
    """The topics of the organisation's published series (what its page offers to follow)."""
    rows = await Series.select(Series.tags).where(
        (Series.organisation == organisation_id) & Series.published.eq(True)
    )
    return sorted({tag for row in rows for tag in db.json_strings(row["tags"])}, key=str.casefold)


async def _what(organisation: dict[str, Any], target: Target) -> tuple[str, int | None]:
    """The name of what is followed (and the series id), or a refusal at its field."""
    if target.series_id is not None:
        series = (
            await Series.select(Series.id, Series.title)
            .where(
                (Series.id == target.series_id)
                & (Series.organisation == organisation["id"])
                & Series.published.eq(True)
            )
            .first()
        )
        if series is None:
            raise DomainError("series_unknown", "This series does not exist.", field="series_id")
        return str(series["title"]), int(series["id"])
    if target.topic:
        rows = await Series.select(Series.tags).where(
            (Series.organisation == organisation["id"]) & Series.published.eq(True)
        )
        if not any(target.topic in db.json_strings(row["tags"]) for row in rows):
            raise DomainError("topic_unknown", "This topic does not exist.", field="topic")
        return target.topic, None
    return str(organisation["name"]), None


async def request_follow(
    email: str,
    organisation_slug: str,
    *,
    series_id: int | None = None,
    topic: str = "",
    digest: str = "daily",
    language: str = "nl",
) -> None:
    """Ask to follow; the answer is the same whatever the address's state (see the module)."""
    address = normalise_email(email)
    target = target_for(series_id, topic)
    check_digest(digest)
    organisation = (
        await Organisation.select(Organisation.id, Organisation.name)
        .where(Organisation.slug == organisation_slug)
        .first()
    )
    if organisation is None:
        raise NotFound("organisation_unknown", "This organisation does not exist.")
    what, series = await _what(organisation, target)
    now = clock.now()
    salt = secrets.token_hex(16)
    token = link_token(salt)
    async with db.transaction():
        # The person's rows first (the global lock order): the daily counter of their address.
        daily = throttle.Hit(
            throttle.hashed("follow", address),
            limit=CONFIRM_MAILS_PER_DAY,
            window=timedelta(days=1),
            block=None,
            now=now,
        )
        [counted] = await db.execute(daily.sql, *daily.values)
        allowed = (await daily.settle(counted)).allowed
        rows = await db.execute(
            _INSERT, organisation["id"], series, target.key, address, language[:2], digest, salt,
            _hash(token), now,
        )  # fmt: skip
        if not rows:  # followed (or asked) before: no new row, perhaps a reminder of the link
            existing = (
                await Follower.select(Follower.salt, Follower.confirmed_at, Follower.created_at)
                .where(
                    (Follower.organisation == organisation["id"])
                    & (Follower.target == target.key)
                    & (Follower.email == address)
                )
                .first()
            )
            if existing is None or existing["confirmed_at"] is not None:
                return
            if expired(existing["created_at"], now):  # start the week again
                await Follower.update({Follower.created_at: now}).where(
                    (Follower.organisation == organisation["id"])
                    & (Follower.target == target.key)
                    & (Follower.email == address)
                )
            token = link_token(existing["salt"])
        if not allowed:
            return
        await outbox.enqueue(
            "follow_confirm",
            to_email=address,
            language=language,
            organisation_id=organisation["id"],
            context={"link": urls.absolute(f"/follow/{token}"), "what": what},
            limited=True,
        )


_INSERT = """
INSERT INTO follower (organisation, series, target, email, language, digest, salt, token_hash,
                      created_at)
VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {})
ON CONFLICT (organisation, target, email) DO NOTHING
RETURNING id
"""


async def _row(token: str) -> dict[str, Any]:
    if not token or len(token) > 100:
        raise _unknown()
    row = await Follower.select().where(Follower.token_hash == _hash(token)).first()
    if row is None:
        raise _unknown()
    return row


async def follow_for_token(token: str) -> FollowView:
    row = await _row(token)
    organisation = (
        await Organisation.select(Organisation.name)
        .where(Organisation.id == row["organisation"])
        .first()
    )
    assert organisation is not None  # the follow is deleted with its organisation
    what = organisation["name"]
    if row["series"] is not None:
        series = await Series.select(Series.title).where(Series.id == row["series"]).first()
        what = series["title"] if series else what
    elif row["target"].startswith("topic:"):
        what = row["target"].removeprefix("topic:")
    return FollowView(
        id=row["id"],
        organisation_id=row["organisation"],
        organisation_name=organisation["name"],
        what=what,
        email=row["email"],
        digest=row["digest"],
        confirmed=row["confirmed_at"] is not None,
        lapsed=row["confirmed_at"] is None and expired(row["created_at"], clock.now()),
    )


async def confirm(token: str) -> bool:
    """Confirm the follow (the button on the link's page); False when it had lapsed."""
    row = await _row(token)
    now = clock.now()
    if row["confirmed_at"] is not None:
        return True
    if expired(row["created_at"], now):
        return False
    await Follower.update({Follower.confirmed_at: now}).where(
        (Follower.id == row["id"]) & Follower.confirmed_at.is_null()
    )
    return True


async def set_digest(token: str, digest: str) -> None:
    check_digest(digest)
    row = await _row(token)
    await Follower.update({Follower.digest: digest}).where(Follower.id == row["id"])


async def unfollow(token: str) -> None:
    """Delete the address from the organisation's followers (every follow of it there) and
    every follower mail to it that has not gone out yet.  An unknown token: 404."""
    row = await _row(token)
    async with db.transaction():
        await Follower.delete().where(
            (Follower.organisation == row["organisation"]) & (Follower.email == row["email"])
        )
        await _forget_pending(row["email"], row["organisation"])


async def _forget_pending(email: str, organisation_id: int | None) -> None:
    query = OutboxMail.delete().where(
        (OutboxMail.to_email == email)
        & OutboxMail.kind.is_in(list(FOLLOWER_MAIL_KINDS))
        & (OutboxMail.status != OutboxMail.Status.sent)
    )
    if organisation_id is not None:
        query = query.where(OutboxMail.organisation == organisation_id)
    await query


async def forget_address(email: str) -> int:
    """Every follow of ``email`` and its unsent follower mail, deleted (a person deleting their
    data); returns how many follows there were."""
    rows = await Follower.delete().where(Follower.email == email).returning(Follower.id)
    await _forget_pending(email, None)
    return len(rows)


async def follows_of(email: str) -> list[dict[str, Any]]:
    """What an address follows, for the person's own data."""
    rows = await Follower.select(
        Follower.organisation.name.as_alias("organisation"),
        Follower.target,
        Follower.digest,
        Follower.created_at,
        Follower.confirmed_at,
    ).where(Follower.email == email)
    return [
        {
            "organisation": row["organisation"],
            "follows": row["target"],
            "digest": row["digest"],
            "asked_at": row["created_at"].isoformat(),
            "confirmed_at": row["confirmed_at"].isoformat() if row["confirmed_at"] else None,
        }
        for row in rows
    ]


async def purge_unconfirmed(now: datetime | None = None) -> int:
    """Delete follows that were never confirmed within the week (retention)."""
    before = (now or clock.now()) - timedelta(days=7)
    rows = await (
        Follower.delete()
        .where(Follower.confirmed_at.is_null() & (Follower.created_at <= before))
        .returning(Follower.id)
    )
    return len(rows)
