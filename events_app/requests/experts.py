"""The pool of experts of an organisation: people who give lessons, kept with their consent and
seen only by its organisers.

Adding someone needs their consent (ticked, with how and when it was given).  Removing deletes
the entry: the asks of that expert go with it, proposals keep the name they were made with.
An expert may be linked to an account of a member of the organisation.  Asking experts for a
request and their answers: :mod:`events_app.requests.asks`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from events_app import audit, clock, db
from events_app.accounts.credentials import Actor
from events_app.accounts.owned import not_found
from events_app.domain.errors import DomainError
from events_app.domain.experts import CheckedExpert, ExpertForm, check_expert
from events_app.requests.access import expert_for, organisation_for
from events_app.tables import Account, Expert, Membership, Organisation

__all__ = [
    "ExpertView",
    "Member",
    "add_expert",
    "expert_view",
    "list_experts",
    "members",
    "organisation_of",
    "remove_expert",
    "update_expert",
]


@dataclass(frozen=True, slots=True)
class ExpertView:
    id: int
    organisation_id: int
    name: str
    email: str
    topics: tuple[str, ...]
    languages: tuple[str, ...]
    region: str
    availability: str
    fee_cents: int
    consent_at: datetime
    consent_note: str
    active: bool
    account_id: int | None
    account_name: str


@dataclass(frozen=True, slots=True)
class Member:
    """An account of the organisation an expert can be linked to."""

    id: int
    name: str
    email: str


def view_of(row: dict[str, Any], account_name: str = "") -> ExpertView:
    return ExpertView(
        id=row["id"],
        organisation_id=row["organisation"],
        name=row["name"],
        email=row["email"],
        topics=db.json_strings(row["topics"]),
        languages=db.json_strings(row["languages"]),
        region=row["region"],
        availability=row["availability"],
        fee_cents=row["fee_cents"],
        consent_at=row["consent_at"],
        consent_note=row["consent_note"],
        active=bool(row["active"]),
        account_id=row["account"],
        account_name=account_name,
    )


async def _names(account_ids: set[int]) -> dict[int, str]:
    if not account_ids:
        return {}
    rows = await Account.select(Account.id, Account.name).where(Account.id.is_in(list(account_ids)))
    return {row["id"]: row["name"] for row in rows}


async def list_experts(
    actor: Actor, organisation_id: int, *, topic: str = "", language: str = ""
) -> list[ExpertView]:
    """The pool, by name; ``topic`` (part of a topic, case ignored) and ``language`` filter it."""
    organisation_for(actor, organisation_id)
    rows = (
        await Expert.select()
        .where(Expert.organisation == organisation_id)
        .order_by(Expert.name)
        .order_by(Expert.id)
    )
    names = await _names({row["account"] for row in rows if row["account"]})
    found = [view_of(row, names.get(row["account"], "")) for row in rows]
    wanted = topic.strip().casefold()
    if wanted:
        found = [e for e in found if any(wanted in t.casefold() for t in e.topics)]
    if language:
        found = [e for e in found if language in e.languages]
    return found


async def organisation_of(actor: Actor, organisation_id: int) -> dict[str, Any]:
    """The organisation's id and name, for its organisers (the same 404 for all others)."""
    organisation_for(actor, organisation_id)
    row = (
        await Organisation.select(Organisation.id, Organisation.name)
        .where(Organisation.id == organisation_id)
        .first()
    )
    if row is None:
        raise not_found()
    return row


async def expert_view(actor: Actor, expert_id: int) -> ExpertView:
    row = await expert_for(actor, expert_id)
    names = await _names({row["account"]} if row["account"] else set())
    return view_of(row, names.get(row["account"], ""))


async def members(actor: Actor, organisation_id: int) -> list[Member]:
    """The accounts of the organisation (organisers and hosts) an expert can be linked to."""
    organisation_for(actor, organisation_id)
    rows = (
        await Membership.select(
            Membership.account.id.as_alias("id"),
            Membership.account.name.as_alias("name"),
            Membership.account.email.as_alias("email"),
        )
        .where(Membership.organisation == organisation_id)
        .order_by(Membership.account.name)
    )
    return [Member(row["id"], row["name"], row["email"]) for row in rows]


async def _check_account(organisation_id: int, account_id: int | None) -> None:
    if account_id is None:
        return
    found = await Membership.exists().where(
        (Membership.organisation == organisation_id) & (Membership.account == account_id)
    )
    if not found:
        raise DomainError(
            "account_unknown", "Choose a member of your organisation.", field="account_id"
        )


async def _check_address_free(organisation_id: int, email: str, expert_id: int | None) -> None:
    query = Expert.exists().where(
        (Expert.organisation == organisation_id) & (Expert.email == email)
    )
    if expert_id is not None:
        query = query.where(Expert.id != expert_id)
    if await query:
        raise DomainError(
            "expert_exists", "Someone with this address is in the pool already.", field="email"
        )


def _values(checked: CheckedExpert, account_id: int | None, now: datetime) -> dict[Any, Any]:
    return {
        Expert.name: checked.name,
        Expert.email: checked.email,
        Expert.topics: list(checked.topics),
        Expert.languages: list(checked.languages),
        Expert.region: checked.region,
        Expert.availability: checked.availability,
        Expert.fee_cents: checked.fee_cents,
        Expert.consent_note: checked.consent_note,
        Expert.active: checked.active,
        Expert.account: account_id,
        Expert.updated_at: now,
    }


async def add_expert(
    actor: Actor, organisation_id: int, form: ExpertForm, *, account_id: int | None = None
) -> ExpertView:
    """A new pool entry (only with consent: see :func:`check_expert`)."""
    organisation_for(actor, organisation_id)
    now = clock.now()
    checked = check_expert(form, new=True, now=now)
    async with db.transaction():
        await _check_account(organisation_id, account_id)
        await _check_address_free(organisation_id, checked.email, None)
        values = _values(checked, account_id, now)
        values.update(
            {
                Expert.organisation: organisation_id,
                Expert.consent_at: checked.consent_at or now,
                Expert.created_at: now,
            }
        )
        rows = await Expert.insert(Expert(values)).returning(Expert.id)
        expert_id = int(rows[0]["id"])
        await audit.record(
            "expert_added",
            "expert",
            expert_id,
            organisation_id=organisation_id,
            account_id=actor.account_id,
        )
    return await expert_view(actor, expert_id)


async def update_expert(
    actor: Actor, expert_id: int, form: ExpertForm, *, account_id: int | None = None
) -> ExpertView:
    """Change an entry; the moment of consent changes only when a new one is given."""
    now = clock.now()
    checked = check_expert(form, new=False, now=now)
    async with db.transaction():
        row = await expert_for(actor, expert_id)
        await _check_account(row["organisation"], account_id)
        await _check_address_free(row["organisation"], checked.email, expert_id)
        values = _values(checked, account_id, now)
        if checked.consent_at is not None:
            values[Expert.consent_at] = checked.consent_at
        await Expert.update(values).where(Expert.id == expert_id)
        await audit.record(
            "expert_changed",
            "expert",
            expert_id,
            organisation_id=row["organisation"],
            account_id=actor.account_id,
        )
    return await expert_view(actor, expert_id)


async def remove_expert(actor: Actor, expert_id: int) -> None:
    """Delete the entry (its asks go with it; proposals keep the expert's name)."""
    async with db.transaction():
        row = await expert_for(actor, expert_id)
        await Expert.delete().where(Expert.id == expert_id)
        await audit.record(
            "expert_removed",
            "expert",
            expert_id,
            organisation_id=row["organisation"],
            account_id=actor.account_id,
        )
