"""The asked expert's side, through the private link of their mail: what is asked, their answer
(accept or decline, with a note) and leaving the pool.

Any token that finds no open ask gets one 404.  The answer is recorded with the moment, writes a
history line and tells the organisation's contact address (``expert_answered``), at most once
per request an hour: the expert is not logged in, so the mail counts as caused by a stranger.
The answer can change while the request is open and the ask was not withdrawn.  Leaving the
pool deletes the expert's entry (their consent is withdrawn): their asks go with it, each
request keeps a history line, and mail to them that has not gone out yet is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from events_app import audit, clock, db, throttle, urls
from events_app.domain.errors import DomainError, NotFound
from events_app.domain.expert_requests import MAX_TEXT, is_open
from events_app.domain.experts import ANSWERS
from events_app.mail import outbox
from events_app.requests import history, links
from events_app.requests.asks import AskedWhat, asked_what
from events_app.tables import Expert, ExpertAsk, ExpertRequest, Organisation, OutboxMail

__all__ = ["ExpertPage", "answer", "expert_page", "leave_pool"]

ANSWERED_MAILS_PER_HOUR = 1
EXPERT_MAIL_KINDS = ("expert_ask", "expert_ask_withdrawn")


@dataclass(frozen=True, slots=True)
class ExpertPage:
    """What the expert's own page shows (nothing of the requester but what is asked)."""

    organisation_name: str
    expert_name: str
    what: AskedWhat
    message: str
    status: str  # asked, accepted, declined, withdrawn
    answer: str
    answered_at: datetime | None
    can_answer: bool


def _unknown() -> NotFound:
    return NotFound("link_unknown", "This link does not work (any more).")


async def _ask(token: str) -> dict[str, Any]:
    if not links.usable(token):
        raise _unknown()
    row = (
        await ExpertAsk.select(
            *ExpertAsk.all_columns(),
            ExpertAsk.expert.name.as_alias("expert_name"),
            ExpertAsk.expert.organisation.as_alias("organisation"),
        )
        .where(ExpertAsk.token_hash == links.find_hash(token))
        .first()
    )
    if row is None:
        raise _unknown()
    return row


async def _request(request_id: int, *, lock: bool = False) -> dict[str, Any]:
    query = ExpertRequest.select().where(ExpertRequest.id == request_id)
    if lock and db.is_postgres():
        query = query.lock_rows("NO KEY UPDATE")
    row = await query.output(load_json=True).first()
    if row is None:
        raise _unknown()
    return row


def _can_answer(ask: dict[str, Any], request: dict[str, Any]) -> bool:
    return ask["status"] != ExpertAsk.Status.withdrawn and is_open(request["status"])


async def expert_page(token: str) -> ExpertPage:
    ask = await _ask(token)
    request = await _request(ask["request"])
    organisation = (
        await Organisation.select(Organisation.name)
        .where(Organisation.id == ask["organisation"])
        .first()
    )
    assert organisation is not None  # the ask goes with its organisation
    return ExpertPage(
        organisation_name=organisation["name"],
        expert_name=ask["expert_name"],
        what=asked_what(request, organiser=False),
        message=ask["message"],
        status=ask["status"],
        answer=ask["answer"],
        answered_at=ask["answered_at"],
        can_answer=_can_answer(ask, request),
    )


async def answer(token: str, choice: str, note: str = "") -> ExpertPage:
    """Accept or decline (again, while the request is open)."""
    if choice not in ANSWERS:
        raise DomainError("answer_unknown", "Choose yes or no.", field="answer")
    note = note.replace("\r\n", "\n").strip()
    if len(note) > MAX_TEXT:
        raise DomainError(
            "note_too_long", f"Please keep this under {MAX_TEXT} characters.", field="note"
        )
    found = await _ask(token)
    organisation = (
        await Organisation.select(Organisation.contact_email, Organisation.language)
        .where(Organisation.id == found["organisation"])
        .first()
    )
    if organisation is None:
        raise _unknown()
    now = clock.now()
    async with db.transaction():
        # The counters first (the one global lock order: the rows about whom mail goes to,
        # then the request): one mail per request an hour, within the address's hourly limit.
        hit = throttle.Hit(
            f"expert_answered:{found['request']}",
            limit=ANSWERED_MAILS_PER_HOUR,
            window=timedelta(hours=1),
            block=None,
            now=now,
        )
        [counted] = await db.execute(hit.sql, *hit.values)
        tell = (await hit.settle(counted)).allowed
        held = tell and not await outbox.count_toward_limit(organisation["contact_email"])
        request = await _request(found["request"], lock=True)
        ask = await _ask(token)
        if not _can_answer(ask, request):
            raise DomainError(
                "ask_closed", "This question is no longer open: nothing can be answered."
            )
        status = ExpertAsk.Status.accepted if choice == "accept" else ExpertAsk.Status.declined
        await ExpertAsk.update(
            {ExpertAsk.status: status, ExpertAsk.answer: note, ExpertAsk.answered_at: now}
        ).where(ExpertAsk.id == ask["id"])
        await history.record(
            request["id"], "expert", f"expert_{status}", text=f"{ask['expert_name']}: {note}"
            if note else ask["expert_name"],
        )  # fmt: skip
        if tell:
            await outbox.enqueue(
                "expert_answered",
                to_email=organisation["contact_email"],
                language=organisation["language"],
                organisation_id=request["organisation"],
                context={
                    "kind": request["kind"],
                    "topic": request["topic"],
                    "expert_name": ask["expert_name"],
                    "answer": choice,
                    "note": note,
                    "link": urls.absolute(
                        f"/organise/{request['organisation']}/requests/{request['id']}/experts"
                    ),
                },
                held=held,  # counted above, before the request was locked
            )
    return await expert_page(token)


async def leave_pool(token: str) -> str:
    """Delete the expert's pool entry (consent withdrawn); returns the organisation's name."""
    found = await _ask(token)
    async with db.transaction():
        expert = await Expert.select().where(Expert.id == found["expert"]).first()
        if expert is None:
            raise _unknown()
        asked = await ExpertAsk.select(ExpertAsk.request).where(ExpertAsk.expert == expert["id"])
        for row in asked:
            await history.record(row["request"], "expert", "expert_left_pool", text=expert["name"])
        await Expert.delete().where(Expert.id == expert["id"])
        await audit.record(
            "expert_left_pool",
            "expert",
            expert["id"],
            organisation_id=expert["organisation"],
            account_id=None,
        )
        await OutboxMail.delete().where(
            (OutboxMail.to_email == expert["email"])
            & (OutboxMail.organisation == expert["organisation"])
            & OutboxMail.kind.is_in(list(EXPERT_MAIL_KINDS))
            & (OutboxMail.status != OutboxMail.Status.sent)
        )
    organisation = (
        await Organisation.select(Organisation.name)
        .where(Organisation.id == found["organisation"])
        .first()
    )
    return str(organisation["name"]) if organisation else ""
