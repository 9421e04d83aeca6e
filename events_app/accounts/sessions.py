"""Login sessions kept on the server: logging out, or any other end, is final.

The session cookie carries only a random 256-bit id; the database keeps its SHA-256 in a
``login_session`` row.  Each request looks the row up, so a session ends the moment its row is
deleted (logging out, "log out on every other device", a new password), and a copied cookie is
then worth nothing.  A session lasts at most :data:`LIFETIME` and ends sooner when it has not
been used for :data:`IDLE`; use is noted every few minutes, not on every request.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from events_app import clock, db
from events_app.tables import LoginSession

__all__ = [
    "IDLE",
    "LIFETIME",
    "SessionTimes",
    "account_for_session",
    "end_all_sessions",
    "end_session",
    "is_live",
    "needs_touch",
    "prune",
    "start_session",
]

LIFETIME = timedelta(days=14)
IDLE = timedelta(days=2)
TOUCH_PRECISION = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class SessionTimes:
    expires_at: datetime
    last_seen_at: datetime


def is_live(times: SessionTimes, now: datetime) -> bool:
    """A session works until its absolute end, and only while it keeps being used."""
    return now < times.expires_at and now < times.last_seen_at + IDLE


def needs_touch(times: SessionTimes, now: datetime) -> bool:
    """Whether to write down this use (every few minutes is precise enough for :data:`IDLE`)."""
    return now - times.last_seen_at >= TOUCH_PRECISION


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


async def start_session(account_id: int) -> str:
    """A new session for the account; returns the id for the cookie (never stored)."""
    session_id = secrets.token_urlsafe(32)
    now = clock.now()
    async with db.transaction():
        await LoginSession.insert(
            LoginSession(
                account=account_id,
                token_hash=_hash(session_id),
                created_at=now,
                last_seen_at=now,
                expires_at=now + LIFETIME,
            )
        )
    return session_id


async def account_for_session(session_id: str) -> int | None:
    """The account of a live session, or None (unknown, ended, expired or idle too long)."""
    row = (
        await LoginSession.select(
            LoginSession.id,
            LoginSession.account,
            LoginSession.expires_at,
            LoginSession.last_seen_at,
        )
        .where(LoginSession.token_hash == _hash(session_id))
        .first()
    )
    if row is None:
        return None
    times = SessionTimes(expires_at=row["expires_at"], last_seen_at=row["last_seen_at"])
    now = clock.now()
    if not is_live(times, now):
        return None
    if needs_touch(times, now):
        async with db.transaction():
            await LoginSession.update({LoginSession.last_seen_at: now}).where(
                LoginSession.id == row["id"]
            )
    return int(row["account"])


async def end_session(session_id: str) -> None:
    """Log out: the session's row goes, so its cookie no longer works anywhere."""
    async with db.transaction():
        await LoginSession.delete().where(LoginSession.token_hash == _hash(session_id))


async def end_all_sessions(account_id: int) -> None:
    """Every session of the account ends (call inside the caller's transaction when there is
    one: it joins it)."""
    async with db.transaction():
        await LoginSession.delete().where(LoginSession.account == account_id)


async def prune() -> int:
    """Delete sessions that can no longer be used (run by the retention job)."""
    now = clock.now()
    async with db.transaction():
        gone = (
            await LoginSession.delete()
            .where((LoginSession.expires_at <= now) | (LoginSession.last_seen_at <= now - IDLE))
            .returning(LoginSession.id)
        )
    return len(gone)
