"""Rows for the tests of the pool, asks, fees and overview: a request (as the public form would
write it), an expert, and an accepted proposal that became an event (a Series, its dates and
the Proposal), written directly; the real flows are built and tested elsewhere."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from events_app import clock
from events_app.requests import links
from events_app.tables import EventDate, Expert, ExpertRequest, Proposal, Series

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
REQUESTER_NAME = "Rietje Aanvrager"
REQUESTER_EMAIL = "rietje.aanvrager@example.org"
REQUESTER_STREET = "Schoolstraat 12"


async def make_request(
    organisation_id: int,
    *,
    topic: str = "Herstel en psychose",
    kind: str = "guest_lesson",
    format: str = "in_person",
    created_at: datetime | None = None,
    answered_at: datetime | None = None,
    status: str = "new",
    language: str = "nl",
) -> tuple[int, str]:
    """A request row and its requester's private token."""
    salt = links.new_salt()
    token = links.token_for("request", salt)
    now = created_at or clock.now()
    rows = await ExpertRequest.insert(
        ExpertRequest(
            organisation=organisation_id,
            kind=kind,
            topic=topic,
            audience="Tweedejaars verpleegkunde",
            people=28,
            preferred_days=[(clock.now() + timedelta(days=30)).date().isoformat()],
            period="maart of april",
            format=format,
            address=f"Hogeschool Zuid, {REQUESTER_STREET}, 3511 AB Utrecht"
            if format != "online"
            else "",
            requester_organisation="Hogeschool Zuid",
            contact_name=REQUESTER_NAME,
            contact_email=REQUESTER_EMAIL,
            language=language,
            status=status,
            salt=salt,
            token_hash=links.find_hash(token),
            created_at=now,
            updated_at=now,
            answered_at=answered_at,
        )
    ).returning(ExpertRequest.id)
    return int(rows[0]["id"]), token


async def make_expert(
    organisation_id: int,
    *,
    name: str = "Esra Ervaring",
    email: str = "esra@example.org",
    topics: list[str] | None = None,
    languages: list[str] | None = None,
    fee_cents: int = 8500,
    active: bool = True,
) -> int:
    now = clock.now()
    rows = await Expert.insert(
        Expert(
            organisation=organisation_id,
            name=name,
            email=email,
            topics=topics if topics is not None else ["psychose", "herstel"],
            languages=languages if languages is not None else ["nl", "en"],
            region="Utrecht",
            availability="Niet op maandag",
            fee_cents=fee_cents,
            consent_at=now,
            consent_note="Mondeling op de intervisie",
            active=active,
            created_at=now,
            updated_at=now,
        )
    ).returning(Expert.id)
    return int(rows[0]["id"])


async def make_booking(
    organisation_id: int,
    request_id: int,
    *,
    expert_id: int | None,
    expert_name: str,
    fee_cents: int,
    local_starts: list[datetime],
    cancelled: tuple[int, ...] = (),
    status: str = "accepted",
) -> int:
    """An accepted proposal that became an event with these dates (indexes in ``cancelled``
    are cancelled)."""
    now = clock.now()
    slug = f"boeking-{uuid.uuid4().hex[:8]}"
    [series] = await Series.insert(
        Series(
            organisation=organisation_id,
            slug=slug,
            title=f"Gastles {slug}",
            published=False,
            first_start=local_starts[0],
            duration_minutes=90,
            created_at=now,
            updated_at=now,
        )
    ).returning(Series.id)
    for n, local in enumerate(local_starts):
        start = local.replace(tzinfo=AMSTERDAM)
        await EventDate.insert(
            EventDate(
                series=series["id"],
                uid=f"{uuid.uuid4().hex}@events-app",
                rule_start=local,
                local_start=local,
                local_end=local + timedelta(minutes=90),
                timezone="Europe/Amsterdam",
                starts_at=start,
                ends_at=start + timedelta(minutes=90),
                status="cancelled" if n in cancelled else "scheduled",
                created_at=now,
                updated_at=now,
            )
        )
    [proposal] = await Proposal.insert(
        Proposal(
            request=request_id,
            expert=expert_id,
            expert_name=expert_name,
            local_start=local_starts[0],
            title=f"Gastles {slug}",
            fee_cents=fee_cents,
            status=status,
            series=series["id"],
            created_at=now,
            decided_at=now,
        )
    ).returning(Proposal.id)
    return int(proposal["id"])
