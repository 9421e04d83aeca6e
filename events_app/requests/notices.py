"""The mails a request causes, queued in the transaction of the change (never sent from here).

Mail to the requester names the request (and the history line it is about) and carries the
private link, made again from the row's salt (as a follow's mails do); what the request says is
read when the mail is rendered, so a request whose data was removed is not mailed about.
Notices to the organisation's contact address are throttled so that a burst of requests or
messages never becomes a burst of mail: at most one "new requests" notice per
organisation an hour, one "the requester wrote" notice per request an hour.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from events_app import clock, db, throttle, urls
from events_app.mail import outbox
from events_app.requests import links
from events_app.tables import Organisation

__all__ = [
    "NEW_NOTICES_PER_HOUR",
    "RECEIVED_MAILS_PER_DAY",
    "REPLY_NOTICES_PER_HOUR",
    "count_received",
    "mail_requester",
    "notify_organisation",
]

RECEIVED_MAILS_PER_DAY = 3  # "we received your request" mails per address a day
NEW_NOTICES_PER_HOUR = 1  # "new requests" notices per organisation an hour
REPLY_NOTICES_PER_HOUR = 1  # "the requester wrote" notices per request an hour


async def _allowed(key: str, limit: int, window: timedelta) -> bool:
    counted = throttle.Hit(key, limit=limit, window=window, block=None, now=clock.now())
    [row] = await db.execute(counted.sql, *counted.values)
    return (await counted.settle(row)).allowed


async def count_received(address: str) -> bool:
    """Count one confirmation mail to ``address`` today; False once the day's are used.
    (Run first in the transaction: the person's counter is the first lock taken.)"""
    key = throttle.hashed("request", address)
    return await _allowed(key, RECEIVED_MAILS_PER_DAY, timedelta(days=1))


async def mail_requester(
    kind: str,
    request: dict[str, Any],
    *,
    entry_id: int | None = None,
    limited: bool = False,
    held: bool = False,
    proposal: dict[str, str] | None = None,
) -> None:
    """Queue ``kind`` to the requester (in their language), about ``request`` (a row);
    ``proposal``: a proposal's words as they are when it is made."""
    token = links.token_for("request", request["salt"])
    context: dict[str, Any] = {
        "request": request["id"],
        "link": urls.absolute(f"/request/{token}"),
    }
    if proposal is not None:
        context["proposal"] = proposal
    if entry_id is not None:
        context["entry"] = entry_id
    await outbox.enqueue(
        kind,
        to_email=request["contact_email"],
        to_name=request["contact_name"],
        language=request["language"],
        organisation_id=request["organisation"],
        context=context,
        limited=limited,
        held=held,
    )


async def notify_organisation(kind: str, request: dict[str, Any], *, title: str = "") -> bool:
    """Queue ``kind`` to the organisation's contact address; True when one was queued.

    ``request_new`` and ``request_reply`` (what a stranger or the requester can repeat) go at
    most once an hour; the answer to a proposal (``request_accepted``,
    ``request_proposal_declined``, one per proposal an organiser made) always goes."""
    if kind in ("request_new", "request_reply"):
        if kind == "request_new":
            key, limit = f"request_new:{request['organisation']}", NEW_NOTICES_PER_HOUR
        else:
            key, limit = f"request_reply:{request['id']}", REPLY_NOTICES_PER_HOUR
        if not await _allowed(key, limit, timedelta(hours=1)):
            return False
    organisation = (
        await Organisation.select(Organisation.contact_email, Organisation.language)
        .where(Organisation.id == request["organisation"])
        .first()
    )
    if organisation is None or not organisation["contact_email"]:
        return False
    await outbox.enqueue(
        kind,
        to_email=organisation["contact_email"],
        language=organisation["language"],
        organisation_id=request["organisation"],
        context={"request": request["id"], "proposal": {"title": title}},
    )
    return True
