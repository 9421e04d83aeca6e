"""The public check of a certificate by its code: only what the certificate says.

Anyone may ask, without an account; a client that asks for codes that do not exist is
slowed down (the shared ``throttle`` table, per client address): more than ``MISSES`` unknown
codes within ``WINDOW`` and it must wait ``BLOCK`` before asking again.  With 100-bit codes
guessing is hopeless anyway; the limit keeps anyone from trying.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from events_app import throttle
from events_app.documents.certificate_pdf import text_from_row
from events_app.domain.certificates import normalise_code
from events_app.tables import Certificate

__all__ = ["BLOCK", "MISSES", "WINDOW", "Verified", "TooManyGuesses", "look_up"]

MISSES = 10
WINDOW = timedelta(minutes=10)
BLOCK = timedelta(minutes=15)


class TooManyGuesses(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__("too many unknown codes")
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Verified:
    """What the verification page shows: the certificate's own words, nothing more."""

    code: str
    name: str
    title: str
    organisation_name: str
    dates: tuple[date, ...]
    minutes: int
    issued_at: datetime
    revoked_at: datetime | None
    language: str


def _key(client: str) -> str:
    return throttle.hashed("certificate", client or "unknown")


async def look_up(typed: str, client: str) -> Verified | None:
    """The certificate with this code, or None; :class:`TooManyGuesses` when the client
    already guessed too often (checked before the code is looked at)."""
    key = _key(client)
    waited = await throttle.blocked_for(key)
    if waited:
        raise TooManyGuesses(waited)
    code = normalise_code(typed)
    row = None
    if code is not None:
        row = (
            await Certificate.select()
            .where(Certificate.code == code)
            .output(load_json=True)
            .first()
        )
    if row is None:
        verdict = await throttle.hit(key, limit=MISSES, window=WINDOW, block=BLOCK)
        if not verdict.allowed:
            raise TooManyGuesses(verdict.retry_after)
        return None
    text = text_from_row(row)
    return Verified(
        row["code"], text.name, text.title, text.organisation_name, text.dates, text.minutes,
        row["issued_at"], row["revoked_at"], text.language,
    )  # fmt: skip
