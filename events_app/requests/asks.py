"""Asking experts of the pool for a request, and withdrawing an ask (the organisers' side).

The organiser picks one or two of the pool's active experts (those whose topics and languages
fit first), with a message; at most :data:`MAX_OPEN_ASKS` asks of a request are open (asked or
accepted) at once.  Each expert gets the mail ``expert_ask`` with what is asked (never who
asked, nor their address) and their private link; a withdrawn ask gets
``expert_ask_withdrawn``.  Every step writes a history line that the requester does not see,
in the same transaction as the change and its mail; the request row is locked first.  The
expert's side (their link, answer, leaving the pool): :mod:`events_app.requests.expert_links`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from events_app import clock, db, urls
from events_app.accounts.credentials import Actor
from events_app.accounts.owned import not_found
from events_app.domain.errors import DomainError
from events_app.domain.expert_requests import MAX_TEXT, is_open
from events_app.domain.experts import MAX_OPEN_ASKS, match_score, town_of
from events_app.mail import outbox
from events_app.requests import history, links
from events_app.requests.access import request_for
from events_app.requests.experts import ExpertView, view_of
from events_app.tables import Expert, ExpertAsk, ExpertRequest

__all__ = [
    "OPEN",
    "AskView",
    "AskedWhat",
    "Candidate",
    "ask_experts",
    "asked_what",
    "asks_of",
    "candidates",
    "mail_context",
    "withdraw_ask",
]

OPEN = (ExpertAsk.Status.asked, ExpertAsk.Status.accepted)


@dataclass(frozen=True, slots=True)
class AskedWhat:
    """What a request asks, as an expert may read it: no requester, no address, only the town.
    (``address`` and ``requester_organisation`` are filled for organisers only.)"""

    request_id: int
    kind: str
    topic: str
    audience: str
    people: int | None
    days: tuple[date, ...]
    period: str
    format: str
    town: str
    status: str
    language: str
    address: str = ""
    requester_organisation: str = ""


@dataclass(frozen=True, slots=True)
class AskView:
    id: int
    request_id: int
    expert_id: int
    expert_name: str
    status: str
    message: str
    answer: str
    asked_at: datetime
    answered_at: datetime | None


@dataclass(frozen=True, slots=True)
class Candidate:
    expert: ExpertView
    score: int  # 3: topic and language fit, 0: neither (see ``match_score``)
    asked: str  # the status of this expert's ask for the request, "" when not asked


def asked_what(row: dict[str, Any], *, organiser: bool) -> AskedWhat:
    days = []
    for raw in db.json_strings(row["preferred_days"]):
        try:
            days.append(date.fromisoformat(raw))
        except ValueError:
            continue
    return AskedWhat(
        request_id=row["id"],
        kind=row["kind"],
        topic=row["topic"],
        audience=row["audience"],
        people=row["people"],
        days=tuple(days),
        period=row["period"],
        format=row["format"],
        town="" if row["format"] == "online" else town_of(row["address"]),
        status=row["status"],
        language=row["language"],
        address=row["address"] if organiser else "",
        requester_organisation=row["requester_organisation"] if organiser else "",
    )


def mail_context(what: AskedWhat) -> dict[str, Any]:
    """What an expert's mail shows of the request (see :class:`AskedWhat`)."""
    return {
        "kind": what.kind,
        "topic": what.topic,
        "audience": what.audience,
        "people": what.people,
        "days": [day.isoformat() for day in what.days],
        "period": what.period,
        "format": what.format,
        "town": what.town,
    }


def _ask_view(row: dict[str, Any]) -> AskView:
    return AskView(
        id=row["id"],
        request_id=row["request"],
        expert_id=row["expert"],
        expert_name=row["expert_name"],
        status=row["status"],
        message=row["message"],
        answer=row["answer"],
        asked_at=row["asked_at"],
        answered_at=row["answered_at"],
    )


ASK_COLUMNS = (
    ExpertAsk.id,
    ExpertAsk.request,
    ExpertAsk.expert,
    ExpertAsk.expert.name.as_alias("expert_name"),
    ExpertAsk.status,
    ExpertAsk.message,
    ExpertAsk.answer,
    ExpertAsk.asked_at,
    ExpertAsk.answered_at,
)


async def _asks(request_id: int) -> list[AskView]:
    rows = (
        await ExpertAsk.select(*ASK_COLUMNS)
        .where(ExpertAsk.request == request_id)
        .order_by(ExpertAsk.asked_at)
        .order_by(ExpertAsk.id)
    )
    return [_ask_view(row) for row in rows]


async def asks_of(actor: Actor, request_id: int) -> tuple[AskedWhat, list[AskView]]:
    """The request (as organisers see it) and its asks, oldest first."""
    row = await request_for(actor, request_id)
    return asked_what(row, organiser=True), await _asks(request_id)


async def candidates(actor: Actor, request_id: int) -> list[Candidate]:
    """The pool's active experts, the best fits first (then by name)."""
    row = await request_for(actor, request_id)
    experts = (
        await Expert.select()
        .where((Expert.organisation == row["organisation"]) & Expert.active.eq(True))
        .order_by(Expert.name)
    )
    asked = {a.expert_id: a.status for a in await _asks(request_id)}
    found = []
    for expert in experts:
        view = view_of(expert)
        score = match_score(view.topics, view.languages, row["topic"], row["language"])
        found.append(Candidate(view, score, asked.get(view.id, "")))
    return sorted(found, key=lambda c: -c.score)  # stable: by name within a score


def _check_message(message: str) -> str:
    message = message.replace("\r\n", "\n").strip()
    if len(message) > MAX_TEXT:
        raise DomainError(
            "message_too_long", f"Please keep this under {MAX_TEXT} characters.", field="message"
        )
    return message


def expert_language(languages: Sequence[str], fallback: str) -> str:
    if "nl" in languages:
        return "nl"
    return "en" if "en" in languages else fallback


async def ask_experts(
    actor: Actor, request_id: int, expert_ids: Sequence[int], message: str = ""
) -> list[AskView]:
    """Ask these experts (one or two at a time); returns the request's asks."""
    message = _check_message(message)
    wanted = list(dict.fromkeys(expert_ids))
    if not wanted:
        raise DomainError("experts_missing", "Choose one or two experts.", field="expert_ids")
    if len(wanted) > 2:
        raise DomainError("experts_too_many", "Choose one or two experts.", field="expert_ids")
    now = clock.now()
    async with db.transaction():
        row = await request_for(actor, request_id, lock=True)
        if not is_open(row["status"]):
            raise DomainError(
                "request_closed", "This request is closed: nobody can be asked for it any more."
            )
        experts = await Expert.select().where(
            Expert.id.is_in(wanted)
            & (Expert.organisation == row["organisation"])
            & Expert.active.eq(True)
        )
        if len(experts) != len(wanted):
            raise DomainError(
                "expert_unknown", "Choose active experts of your pool.", field="expert_ids"
            )
        existing = {a.expert_id: a for a in await _asks(request_id)}
        if any(existing.get(e) and existing[e].status in OPEN for e in wanted):
            raise DomainError(
                "expert_asked_already", "This expert has been asked already.", field="expert_ids"
            )
        open_now = sum(1 for a in existing.values() if a.status in OPEN)
        if open_now + len(wanted) > MAX_OPEN_ASKS:
            raise DomainError(
                "too_many_asks",
                f"At most {MAX_OPEN_ASKS} experts can be asked at once: withdraw an ask first.",
                field="expert_ids",
            )
        what = asked_what(row, organiser=False)
        for expert in experts:
            salt = links.new_salt()
            token = links.token_for("expert", salt)
            values: dict[Any, Any] = {
                ExpertAsk.status: ExpertAsk.Status.asked,
                ExpertAsk.message: message,
                ExpertAsk.answer: "",
                ExpertAsk.salt: salt,
                ExpertAsk.token_hash: links.find_hash(token),
                ExpertAsk.asked_at: now,
                ExpertAsk.answered_at: None,
            }
            if expert["id"] in existing:  # asked before, declined or withdrawn: ask again
                await ExpertAsk.update(values).where(ExpertAsk.id == existing[expert["id"]].id)
            else:
                await ExpertAsk.insert(
                    ExpertAsk(
                        {**values, ExpertAsk.request: request_id, ExpertAsk.expert: expert["id"]}
                    )
                )
            await history.record(
                request_id, "organiser", "expert_asked", account_id=actor.account_id,
                text=expert["name"],
            )  # fmt: skip
            languages = db.json_strings(expert["languages"])
            await outbox.enqueue(
                "expert_ask",
                to_email=expert["email"],
                to_name=expert["name"],
                language=expert_language(languages, row["language"]),
                organisation_id=row["organisation"],
                context={
                    **mail_context(what),
                    "message": message,
                    "link": urls.absolute(f"/expert/{token}"),
                },
            )
        await ExpertRequest.update({ExpertRequest.updated_at: now}).where(
            ExpertRequest.id == request_id
        )
    return await _asks(request_id)


async def _ask_row(actor: Actor, ask_id: int) -> dict[str, Any]:
    row = (
        await ExpertAsk.select(
            ExpertAsk.id,
            ExpertAsk.request,
            ExpertAsk.request.organisation.as_alias("organisation"),
        )
        .where(ExpertAsk.id == ask_id)
        .first()
    )
    if row is None or not actor.is_organiser(row["organisation"]):
        raise not_found()
    return row


async def withdraw_ask(actor: Actor, ask_id: int) -> AskView:
    """The organiser no longer needs this expert: the ask is closed and they are told."""
    found = await _ask_row(actor, ask_id)
    async with db.transaction():
        row = await request_for(actor, found["request"], lock=True)
        ask = (
            await ExpertAsk.select(*ASK_COLUMNS, ExpertAsk.expert.email.as_alias("email"),
                                   ExpertAsk.expert.languages.as_alias("languages"))
            .where(ExpertAsk.id == ask_id)
            .first()
        )  # fmt: skip
        if ask is None:
            raise not_found()
        if ask["status"] not in OPEN:
            raise DomainError("ask_not_open", "This ask is no longer open.")
        await ExpertAsk.update({ExpertAsk.status: ExpertAsk.Status.withdrawn}).where(
            ExpertAsk.id == ask_id
        )
        await history.record(
            row["id"], "organiser", "expert_ask_withdrawn", account_id=actor.account_id,
            text=ask["expert_name"],
        )  # fmt: skip
        await outbox.enqueue(
            "expert_ask_withdrawn",
            to_email=ask["email"],
            to_name=ask["expert_name"],
            language=expert_language(db.json_strings(ask["languages"]), row["language"]),
            organisation_id=row["organisation"],
            context=mail_context(asked_what(row, organiser=False)),
        )
    [done] = [a for a in await _asks(found["request"]) if a.id == ask_id]
    return done
