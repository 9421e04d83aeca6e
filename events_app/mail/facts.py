"""What a queued mail is about, read from the database at delivery time, for a whole batch.

The outbox row holds ids; the facts (title, time, place, the person's tokens) are read when the
mail goes out, so a mail delayed by an SMTP outage still tells the current truth.  A batch of
fifty rows costs a handful of queries, not a handful per row.  A row whose facts are gone
(registration deleted, person's data removed, date deleted) becomes :class:`Unsendable`, which
delivery records as a permanent failure instead of retrying forever.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from events_app.mail.kinds import ACCOUNT_KINDS, BUNDLE_KINDS, KINDS, PERSON_KINDS
from events_app.mail.rows import (
    applications_by_id,
    dates_by_id,
    materials_by_date,
    organisations_by_id,
    registrations_by_id,
    speakers_by_date,
)
from events_app.tables import (
    Account,
    Membership,
    Question,
    Registration,
    SeriesHost,
)

__all__ = [
    "Digest",
    "Facts",
    "Job",
    "Unsendable",
    "load_facts",
    "dates_by_id",
    "organisations_by_id",
    "registrations_by_id",
    "speakers_by_date",
    "usable_link",
]


class Unsendable(Exception):
    """This row cannot become a sensible mail any more; the message says why (for organisers).

    ``deliberate``: not a failure but a decision (the person's data was removed, the date was
    cancelled, the registration was cancelled before the mail went out): the row is marked
    ``skipped`` rather than ``failed``.
    """

    def __init__(self, reason: str, *, deliberate: bool = False) -> None:
        super().__init__(reason)
        self.deliberate = deliberate


def usable_link(value: object) -> str:
    """A link written into a row when it was queued, if it is a plain absolute web address;
    otherwise the mail is not sent at all (a mail without its link is worse than none)."""
    if (
        not isinstance(value, str)
        or not value.startswith(("https://", "http://"))
        or not value.isascii()
        or any(c.isspace() or c in "<>\"'" for c in value)
    ):
        raise Unsendable("The mail has no usable link.")
    return value


@dataclass(frozen=True, slots=True)
class Job:
    """One claimed outbox row."""

    id: int
    message_id: str
    kind: str
    organisation_id: int | None
    date_id: int | None
    registration_id: int | None
    to_email: str
    to_name: str
    language: str
    context: dict[str, Any]
    attempts: int

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Job:
        context = row["context"]
        return cls(
            id=row["id"],
            message_id=row["message_id"],
            kind=row["kind"],
            organisation_id=row["organisation"],
            date_id=row["event_date"],
            registration_id=row["registration"],
            to_email=row["to_email"],
            to_name=row["to_name"] or "",
            language=row["language"] or "",
            context=context if isinstance(context, dict) else {},
            attempts=row["attempts"],
        )


@dataclass(frozen=True, slots=True)
class Digest:
    """A host's view of tomorrow's sign-up list."""

    confirmed: list[dict[str, Any]]
    waiting: list[dict[str, Any]]
    capacity: int | None
    show_needs: bool
    questions: dict[str, str]  # question id -> label


@dataclass(slots=True)
class Facts:
    organisation: dict[str, Any]
    event_date: dict[str, Any] | None = None  # with the series' columns as ``series_*``
    registration: dict[str, Any] | None = None  # with the attendee's tokens
    speakers: list[dict[str, Any]] = field(default_factory=list)  # name, role
    materials: list[dict[str, Any]] = field(default_factory=list)
    digest: Digest | None = None
    # Mails about several registrations at once (one mail per request): one Facts per date.
    items: list[Facts] = field(default_factory=list)
    attendee: dict[str, Any] | None = None  # the person the mail is for (bundles, links)
    certificate: dict[str, Any] | None = None  # a stored certificate (its snapshot columns)
    application: dict[str, Any] | None = None  # with the applicant's manage token
    request: dict[str, Any] | None = None  # a request for an expert (its row)
    entry: dict[str, Any] | None = None  # the line of its history the mail is about


HOST_KINDS = frozenset({"host_digest"})
APPLICATION_KINDS = frozenset(name for name, kind in KINDS.items() if kind.application)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


async def _digest(job: Job, event_date: dict[str, Any]) -> Digest:
    account_id = job.context.get("account_id")
    account = None
    if isinstance(account_id, int):
        account = (
            await Account.select(Account.id, Account.active).where(Account.id == account_id).first()
        )
    if account is None or not account["active"]:
        raise Unsendable("The host's account no longer exists or is switched off.")
    still_host = await SeriesHost.exists().where(
        (SeriesHost.account == account_id)
        & (SeriesHost.series == event_date["series"])
        & (SeriesHost.event_date.is_null() | (SeriesHost.event_date == event_date["id"]))
    )
    if not still_host:
        raise Unsendable("Not sent: this person no longer hosts the date.")
    # Needs and answers can be health information: only organisers get them by mail.
    # Hosts read them in the sign-up list after logging in.
    show_needs = await Membership.exists().where(
        (Membership.account == account_id)
        & (Membership.organisation == event_date["series_organisation"])
        & (Membership.role == Membership.Role.organiser)
    )
    rows = (
        await Registration.select(
            Registration.id,
            Registration.name,
            Registration.role,
            Registration.needs,
            Registration.answers,
            Registration.status,
            Registration.waiting_since,
        )
        .where(
            (Registration.event_date == event_date["id"])
            & Registration.status.is_in(
                [Registration.Status.confirmed, Registration.Status.waiting]
            )
        )
        .order_by(Registration.created_at)
        .order_by(Registration.id)
        .output(load_json=True)
    )
    questions: dict[str, str] = {}
    if show_needs:
        labels = await Question.select(Question.id, Question.label).where(
            Question.organisation == event_date["series_organisation"]
        )
        questions = {str(q["id"]): q["label"] for q in labels}
    waiting = sorted(
        (r for r in rows if r["status"] == Registration.Status.waiting),
        key=lambda r: (r["waiting_since"] or _EPOCH, r["id"]),
    )
    capacity = event_date["capacity"] if event_date["capacity"] is not None else None
    if capacity is None:
        capacity = event_date["series_capacity"]
    return Digest(
        confirmed=[r for r in rows if r["status"] == Registration.Status.confirmed],
        waiting=waiting,
        capacity=capacity,
        show_needs=show_needs,
        questions=questions,
    )


async def load_facts(jobs: Sequence[Job]) -> dict[int, Facts | Unsendable]:
    """The facts of every job in the batch, or the reason it cannot be sent."""
    event_dates = await dates_by_id({j.date_id for j in jobs if j.date_id})
    registrations = await registrations_by_id(
        {j.registration_id for j in jobs if j.registration_id}
    )
    org_ids = {j.organisation_id for j in jobs if j.organisation_id}
    org_ids |= {row["series_organisation"] for row in event_dates.values()}
    organisations = await organisations_by_id(org_ids)
    speakers = await speakers_by_date(event_dates.values())
    materials = await materials_by_date(
        {j.date_id for j in jobs if j.kind == "materials_available" and j.date_id}
    )
    applications = await applications_by_id(
        {
            i
            for j in jobs
            if j.kind in APPLICATION_KINDS
            for i in _ids([j.context.get("application")])
        }
    )
    result = await load_person_facts(
        [j for j in jobs if j.kind in BUNDLE_KINDS or j.kind in PERSON_KINDS]
    )
    for job in jobs:
        if job.kind in ACCOUNT_KINDS:  # everything such a mail shows is in its own row
            result[job.id] = Facts(organisation={}, event_date=None)
            continue
        if job.id in result:
            continue
        try:
            event_date = event_dates.get(job.date_id) if job.date_id else None
            org_id = job.organisation_id or (event_date and event_date["series_organisation"])
            organisation = organisations.get(org_id) if org_id else None
            if organisation is None:
                raise Unsendable("The organisation no longer exists.")
            facts = Facts(organisation=organisation, event_date=event_date)
            if event_date is not None:
                facts.speakers = speakers.get(event_date["id"], [])
                facts.materials = materials.get(event_date["id"], [])
            if job.kind in HOST_KINDS:
                if event_date is None:
                    raise Unsendable("The date was deleted.")
                facts.digest = await _digest(job, event_date)
            elif job.registration_id is not None:
                facts.registration = registrations.get(job.registration_id)
            if job.kind in APPLICATION_KINDS:
                application_id = job.context.get("application")
                if isinstance(application_id, int):
                    facts.application = applications.get(application_id)
            result[job.id] = facts
        except Unsendable as exc:
            result[job.id] = exc
    return result


def _ids(value: Any) -> list[int]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, int) and not isinstance(item, bool)]


async def load_person_facts(jobs: Sequence[Job]) -> dict[int, Facts | Unsendable]:
    """The facts of mails about one person each — their record and, for a bundle, every
    date — for a whole batch in a few queries."""
    from events_app.agenda.views import waiting_position
    from events_app.tables import Attendee

    if not jobs:
        return {}
    attendee_ids = {j.context.get("attendee") for j in jobs}
    wanted = [i for i in attendee_ids if isinstance(i, int) and not isinstance(i, bool)]
    attendees = {
        row["id"]: row
        for row in await Attendee.select(
            Attendee.id,
            Attendee.email,
            Attendee.language,
            Attendee.manage_token,
            Attendee.feed_token,
        ).where(Attendee.id.is_in(wanted or [0]))
    }
    ids = {i for job in jobs for i in _ids(job.context.get("registrations"))}
    registrations = await registrations_by_id(ids)
    event_dates = await dates_by_id({r["event_date"] for r in registrations.values()})
    organisations = await organisations_by_id(
        {j.organisation_id for j in jobs if j.organisation_id}
    )
    speakers = await speakers_by_date(event_dates.values())
    positions = {
        r["id"]: await waiting_position(r["id"])
        for r in registrations.values()
        if r["status"] == "waiting"
    }
    result: dict[int, Facts | Unsendable] = {}
    for job in jobs:
        attendee = attendees.get(job.context.get("attendee"))
        if attendee is None or not job.to_email:
            result[job.id] = Unsendable("Not sent: the person's data was removed.", deliberate=True)
            continue
        if job.kind in PERSON_KINDS:
            result[job.id] = Facts(organisation={}, attendee=attendee)
            continue
        organisation = organisations.get(job.organisation_id) if job.organisation_id else None
        if organisation is None:
            result[job.id] = Unsendable("The organisation no longer exists.")
            continue
        items = []
        for registration_id in _ids(job.context.get("registrations")):
            registration = registrations.get(registration_id)
            if registration is None or registration["attendee"] != attendee["id"]:
                continue
            event_date = event_dates[registration["event_date"]]
            items.append(
                Facts(
                    organisation=organisation,
                    event_date=event_date,
                    registration={**registration, "position": positions.get(registration_id)},
                    speakers=speakers.get(event_date["id"], []),
                )
            )
        result[job.id] = Facts(organisation=organisation, items=items, attendee=attendee)
    return result
