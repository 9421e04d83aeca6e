"""The person's rows at the start of a registration: their hourly mail counter and their
address (the ``attendee`` row, made when new), read together with the request's dates.

They come first in the transaction (the one global lock order: the person's rows, then the
series, then the dates).  Round trips are what a registration costs most on PostgreSQL, so there
the dates with their rules, the mail counter and the address are read and written in one
statement (:data:`_PERSON_AND_DATES`); SQLite, whose single writer makes round trips cheap, and
registrations not sent by the person themself take them step by step.
"""

from __future__ import annotations

import secrets
from typing import Any

from events_app import clock, db
from events_app.domain.attendance import kept_for
from events_app.domain.errors import Busy
from events_app.mail import outbox
from events_app.registration.request import (
    DATES_SQL,
    Form,
    Request,
    in_order,
    read_dates,
    version_sql,
)
from events_app.tables import Attendee

__all__ = ["new_token", "note_attendance", "person_and_dates"]


def new_token() -> str:
    """An unguessable token (256 bits) for manage links and personal feeds."""
    return secrets.token_urlsafe(32)


# ``{language}``: a placeholder, or an expression that reads it from the dates (PostgreSQL).
_NEW_ATTENDEE = """
INSERT INTO attendee (email, manage_token, feed_token, language, created_at)
VALUES ({{}}, {{}}, {{}}, {language}, {{}})
ON CONFLICT (email) DO NOTHING
RETURNING id, verified_at
"""

# PostgreSQL: the dates with their rules, the hourly mail counter and the address in one
# statement.  The address gets the person's language, else the organisation's.  An address that
# exists is read in the same statement; one that another request is inserting right now is
# waited for by the insert but not seen by that read (the statement's snapshot is older), so it
# is read once more afterwards.
_PERSON_AND_DATES = """
WITH d AS ({dates}),
hit AS ({hit}),
made AS ({attendee})
SELECT d.*, hit.hits, hit.window_start, hit.blocked_until,
       COALESCE(made.id, known.id) AS attendee_id,
       CASE WHEN made.id IS NULL THEN known.verified_at END AS attendee_verified_at,
       made.id IS NOT NULL AS attendee_new
FROM hit
LEFT JOIN made ON TRUE
LEFT JOIN attendee known ON made.id IS NULL AND known.email = {{}}
LEFT JOIN d ON TRUE
"""


_ORGANISATION_LANGUAGE = (
    "COALESCE({}, (SELECT organisation_language FROM d ORDER BY id LIMIT 1), 'nl')"
)


async def person_and_dates(form: Form) -> tuple[bool, dict[str, Any], list[dict[str, Any]]]:
    """First in the transaction: the dates (read, not locked) and the person's rows — one more
    mail in the address's hourly limit (a request from the page itself; False once passed)
    and the address's row."""
    contact = form.contact
    if form.source != "self" or not db.is_postgres():
        dates = await read_dates(form.ids)
        allowed = True
        if form.source == "self":
            allowed = await outbox.count_toward_limit(contact.email)
        language = contact.language or dates[0]["organisation_language"]
        return allowed, await _attendee(contact.email, language), dates
    counted = outbox.limit_hit(contact.email)
    sql = _PERSON_AND_DATES.format(
        dates=DATES_SQL.format(ids=db.placeholders(len(form.ids)), version=version_sql()).strip(),
        hit=counted.sql.strip(),
        attendee=_NEW_ATTENDEE.format(language=_ORGANISATION_LANGUAGE).strip(),
    )
    now = clock.now()
    rows = await db.execute(
        sql,
        *form.ids,
        *counted.values,
        *(contact.email, new_token(), new_token(), contact.language, now),
        contact.email,
    )
    first = rows[0]
    allowed = (await counted.settle(first)).allowed
    dates = in_order(form.ids, [row for row in rows if row["id"] is not None])
    if first["attendee_id"] is None:
        return allowed, await _known_attendee(contact.email), dates
    attendee = {
        "id": first["attendee_id"],
        "verified_at": first["attendee_verified_at"],
        "new": first["attendee_new"],
    }
    return allowed, attendee, dates


async def _attendee(email: str, language: str) -> dict[str, Any]:
    """The address's row, made when it is new.  An address registering twice at once waits
    for the other's insert and then finds its row (no unique-index failure to retry)."""
    inserted = await db.execute(
        _NEW_ATTENDEE.format(language="{}"), email, new_token(), new_token(), language, clock.now()
    )
    if inserted:
        return {"id": inserted[0]["id"], "verified_at": None, "new": True}
    return await _known_attendee(email)


async def _known_attendee(email: str) -> dict[str, Any]:
    row = (
        await Attendee.select(Attendee.id, Attendee.verified_at)
        .where(Attendee.email == email)
        .first()
    )
    if row is None:  # deleted between the two statements: the caller's retry starts again
        raise Busy()
    return {**row, "new": False}


async def note_attendance(
    request: Request, dates: list[dict[str, Any]], registration_ids: list[int | None]
) -> None:
    """How the person comes (on site or online) on each hybrid date they just took a place or
    a queue place for; ``None`` for a date whose registration was already there (a stranger
    typing the address changes nothing).  After the registrations are written (on PostgreSQL
    the batched writes cannot see each other's rows)."""
    if request.attendance is None:
        return
    ids = [
        registration_id
        for row, registration_id in zip(dates, registration_ids, strict=True)
        if registration_id is not None and kept_for(row["format"], request.attendance)
    ]
    if ids:
        await db.execute(
            f"UPDATE registration SET attendance = {{}} WHERE id IN ({db.placeholders(len(ids))})",
            request.attendance,
            *ids,
        )
