"""Small helpers that put rows in the database for tests (no HTTP)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from events_app import clock
from events_app.accounts import credentials as accounts
from events_app.accounts.credentials import Actor
from events_app.domain.emails import normalise_email
from events_app.registration import registrations
from events_app.requests import links
from events_app.tables import (
    Attendee,
    EventDate,
    Expert,
    ExpertRequest,
    Membership,
    Organisation,
    Proposal,
    Series,
    SeriesHost,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

PASSWORD = "correct horse battery"


async def make_organisation(slug: str = "stadsnetwerk", name: str = "Stadsnetwerk") -> int:
    rows = await Organisation.insert(
        Organisation(
            slug=slug,
            name=name,
            contact_email=f"info@{slug}.example.org",
            created_at=clock.now(),
            updated_at=clock.now(),
        )
    ).returning(Organisation.id)
    return int(rows[0]["id"])


@dataclass(frozen=True)
class Organiser:
    actor: Actor
    token: str
    organisation_id: int

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def make_organiser(
    organisation_slug: str = "stadsnetwerk", email: str = "organiser@example.org"
) -> Organiser:
    """An organisation (made if missing), an organiser of it, and an API token."""
    org = (
        await Organisation.select(Organisation.id)
        .where(Organisation.slug == organisation_slug)
        .first()
    )
    org_id = int(org["id"]) if org else await make_organisation(organisation_slug)
    account_id = await accounts.create_organiser(
        email, "Olga Organiser", PASSWORD, organisation_slug
    )
    actor = await accounts.actor_for_account(account_id)
    assert actor is not None
    _, token = await accounts.create_api_token(actor, "tests")
    return Organiser(actor=actor, token=token, organisation_id=org_id)


async def make_date(
    organisation_id: int,
    *,
    slug: str = "ontmoeting",
    capacity: int | None = 30,
    waitlist: bool = True,
    starts_in: timedelta = timedelta(days=7),
    registration_mode: str = "required",
    published: bool = True,
    dates: int = 1,
) -> list[int]:
    """A published series with ``dates`` weekly dates (rows written directly, no rule)."""
    now = clock.now()
    first = (now + starts_in).replace(minute=0, second=0, microsecond=0)
    local_first = first.astimezone(AMSTERDAM).replace(tzinfo=None)
    rows = await Series.insert(
        Series(
            organisation=organisation_id,
            slug=slug,
            title=f"Bijeenkomst {slug}",
            capacity=capacity,
            waitlist=waitlist,
            registration_mode=registration_mode,
            published=published,
            first_start=local_first,
            duration_minutes=60,
            created_at=now,
            updated_at=now,
        )
    ).returning(Series.id)
    series_id = int(rows[0]["id"])
    ids = []
    for n in range(dates):
        start = first + timedelta(weeks=n)
        local = start.astimezone(AMSTERDAM).replace(tzinfo=None)
        inserted = await EventDate.insert(
            EventDate(
                series=series_id,
                uid=f"{uuid.uuid4().hex}@events-app",
                rule_start=local,
                local_start=local,
                local_end=local + timedelta(hours=1),
                timezone="Europe/Amsterdam",
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                created_at=now,
                updated_at=now,
            )
        ).returning(EventDate.id)
        ids.append(int(inserted[0]["id"]))
    return ids


async def _attendee_token(email: str, column: str) -> str:
    row = (
        await Attendee.select(getattr(Attendee, column))
        .where(Attendee.email == normalise_email(email))
        .first()
    )
    assert row is not None, f"no attendee with address {email!r}"
    return str(row[column])


async def manage_token_of(email: str) -> str:
    """The person's private manage token (it reaches them only by mail; tests read the row)."""
    return await _attendee_token(email, "manage_token")


async def feed_token_of(email: str) -> str:
    """The person's private feed token (read from the row, like :func:`manage_token_of`)."""
    return await _attendee_token(email, "feed_token")


ROLES = ["expert", "professional", "relative", "expert", "professional", "student"]


async def make_host(organisation_id: int, series_id: int, email: str = "host@example.org") -> int:
    host_id = await accounts.create_account(email, "Hanna Host", PASSWORD)
    await Membership.insert(
        Membership(
            account=host_id,
            organisation=organisation_id,
            role=Membership.Role.host,
            created_at=clock.now(),
        )
    )
    await SeriesHost.insert(SeriesHost(account=host_id, series=series_id))
    return host_id


async def series_of(date_id: int) -> int:
    row = await EventDate.select(EventDate.series).where(EventDate.id == date_id).first()
    assert row is not None
    return int(row["series"])


async def fill(date_id: int, people: int, **extra: object) -> list[int]:
    ids = []
    for n in range(people):
        receipt = await registrations.register(
            [date_id],
            name=f"Deelnemer {n:02d}",
            email=f"p{n}@example.org",
            role=ROLES[n % len(ROLES)],
            needs="rolstoel" if n == 0 else "",
            **extra,
        )
        ids.append(receipt.outcomes[0].registration_id)
    return ids


# Requests for an expert: a request as the public form writes it, an expert of the pool, and an
# accepted proposal that became an event (rows written directly; the flows are tested elsewhere).
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
    email: str = REQUESTER_EMAIL,
) -> tuple[int, str]:
    """A request as the public form writes it (without its mails), and the requester's
    private token."""
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
            contact_email=email,
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
