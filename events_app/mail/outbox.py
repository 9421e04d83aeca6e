"""Queue a mail in the outbox, inside the caller's transaction.

The row holds what to render (``kind`` plus ids and small facts in ``context``), not the
rendered message: the mail module renders it in the recipient's language when it delivers.
The Message-ID is fixed now, so a mail repeated after a crash can be recognised.

Mail that a stranger can cause (registering an address, asking for a manage link) is counted
per address in the shared throttle table: past ``EVENTS_MAILS_PER_ADDRESS_PER_HOUR`` within the
hour the row is written as ``held`` with the reason, and never sent, so nobody can use us to
flood someone's mailbox and nothing comes out later in a burst.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from piccolo.utils.encoding import dump_json

from events_app import clock, db, throttle
from events_app.settings import get_settings
from events_app.tables import OutboxMail

__all__ = ["HELD_REASON", "count_toward_limit", "enqueue", "limit_hit", "new_message_id"]

HELD_REASON = "Held back: this address already had the most mails allowed within an hour."


def new_message_id() -> str:
    domain = get_settings().mail_from.rpartition("@")[2] or "events-app.invalid"
    return f"<{secrets.token_hex(16)}@{domain}>"


def limit_hit(address: str) -> throttle.Hit:
    """One mail to ``address`` in its hourly limit, for a caller that runs the statement as a
    part of its own (see :func:`count_toward_limit`)."""
    return throttle.Hit(
        throttle.hashed("mail", address),
        limit=get_settings().mails_per_address_per_hour,
        window=timedelta(hours=1),
        block=None,
        now=clock.now(),
    )


async def count_toward_limit(address: str) -> bool:
    """Count one mail to ``address`` in its hourly limit; False once the limit is passed.

    Also called for requests that end up mailing nobody (an unknown address asking for its
    link), so both kinds of answer do the same work and take the same time.
    """
    counted = limit_hit(address)
    [row] = await db.execute(counted.sql, *counted.values)
    return (await counted.settle(row)).allowed


async def enqueue(
    kind: str,
    *,
    to_email: str,
    to_name: str = "",
    language: str = "nl",
    context: dict[str, Any] | None = None,
    organisation_id: int | None = None,
    date_id: int | None = None,
    registration_id: int | None = None,
    dedupe_key: str | None = None,
    limited: bool = False,
    held: bool = False,
    writes: db.Writes | None = None,
) -> int | None:
    """Add one mail to the outbox; returns its id, or None when ``dedupe_key`` was queued before.

    Must run inside :func:`events_app.db.transaction` so the mail commits with its cause.
    ``limited``: an unauthenticated request caused it, so it counts toward the address's
    hourly limit (see the module docstring).  ``held``: the caller counted it already (with
    :func:`count_toward_limit`, before taking other locks) and the limit was passed.
    ``writes``: the row joins the caller's other writes (sent with them; no id is returned).
    """
    if db.engine().current_transaction.get() is None:
        raise RuntimeError("outbox.enqueue() must run inside a transaction")
    if dedupe_key is not None:
        exists = await OutboxMail.exists().where(OutboxMail.dedupe_key == dedupe_key)
        if exists:
            return None
    now = clock.now()
    status, reason = OutboxMail.Status.pending, ""
    if held or (limited and not await count_toward_limit(to_email)):
        status, reason = OutboxMail.Status.held, HELD_REASON
    values = (
        new_message_id(),
        dedupe_key,
        kind,
        organisation_id,
        date_id,
        registration_id,
        to_email,
        to_name,
        language,
        dump_json(context or {}),
        str(status),
        reason,
        now,
        now,
    )
    if writes is not None:
        await writes.add(_INSERT, *values)
        return None
    rows = await db.execute(_INSERT + " RETURNING id", *values)
    return int(rows[0]["id"])


# Every mail of the service is queued here, many per request at peaks: one plain statement.
_INSERT = """
INSERT INTO outbox_mail (message_id, dedupe_key, kind, organisation, event_date, registration,
                         to_email, to_name, language, context, status, last_error, attempts,
                         next_attempt_at, created_at)
VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, 0, {}, {})
"""
