"""Outbox rows to ready-to-send messages, at delivery time.

``prepare`` reads the facts of a whole batch, renders each row in the recipient's language and
builds its MIME bytes.  A row that cannot become a sensible mail (its registration deleted, the
person's data removed, the date cancelled before a reminder went out, a broken address) comes
back as :class:`Unsendable` with a reason an organiser can read; a bug in rendering one row does
the same (and is logged) instead of stopping the batch or looping forever.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from datetime import datetime

from events_app.mail import facts as all_facts
from events_app.mail.account_mail import build_account_mail
from events_app.mail.bundle import person_mail_steps, run_steps
from events_app.mail.certificate_facts import load_certificate_facts
from events_app.mail.certificate_mail import build_certificate_mail
from events_app.mail.content import render_content
from events_app.mail.expert_mail import build_expert_mail
from events_app.mail.facts import Facts, Job, Unsendable
from events_app.mail.follower_mail import build_follower_mail
from events_app.mail.headers import BadAddress, check_address
from events_app.mail.invite import build_invitation
from events_app.mail.kinds import (
    ACCOUNT_KINDS,
    BUNDLE_KINDS,
    CERTIFICATE_KINDS,
    EXPERT_KINDS,
    FOLLOWER_KINDS,
    PERSON_KINDS,
    REQUEST_KINDS,
)
from events_app.mail.mime import Envelope, build_mime
from events_app.mail.request_facts import load_request_facts
from events_app.mail.request_mail import build_request_mail

__all__ = [
    "Outgoing",
    "Unsendable",
    "build",
    "build_safely",
    "build_steps",
    "load_facts",
    "prepare",
]

log = logging.getLogger(__name__)
_MESSAGE_ID = re.compile(r"^<[^<>\s@]+@[^<>\s@]+>$")


@dataclass(frozen=True, slots=True)
class Outgoing:
    job: Job
    envelope: Envelope
    data: bytes
    subject: str


def build(job: Job, facts: Facts, *, mail_from: str, now: datetime) -> Outgoing:
    """One message; raises :class:`Unsendable` when the row no longer makes sense."""
    if not _MESSAGE_ID.match(job.message_id):
        raise Unsendable(f"The row's Message-ID is not usable: {job.message_id!r}.")
    try:
        check_address(job.to_email)
    except BadAddress as exc:
        raise Unsendable(f"The recipient's address cannot be used: {exc}") from exc
    content = render_content(job, facts, now)
    calendar = None
    if content.method is not None:
        calendar = build_invitation(job, facts, content, now)
    event_date = facts.event_date
    organisation = facts.organisation
    reply_to = organisation["contact_email"]
    if event_date is not None and event_date["series_contact_email"]:
        reply_to = event_date["series_contact_email"]
    registration = facts.registration
    try:
        envelope, data = build_mime(
            message_id=job.message_id,
            from_name=organisation["name"],
            from_address=mail_from,
            reply_to_name=organisation["name"],
            reply_to=reply_to,
            to_name=registration["name"] if registration else job.to_name,
            to_address=job.to_email,
            subject=content.subject,
            language=content.language,
            text=content.text,
            html=content.html,
            calendar=calendar,
            method=content.method,
            date=now,
            auto_submitted=job.kind != "organiser_message",
        )
    except BadAddress as exc:
        raise Unsendable(str(exc)) from exc
    return Outgoing(job, envelope, data, content.subject)


def build_safely(
    job: Job, facts: Facts | Unsendable, *, mail_from: str, now: datetime
) -> Outgoing | Unsendable:
    """:func:`build`, with every failure turned into the reason the mail cannot be sent."""
    return run_steps(build_steps(job, facts, mail_from=mail_from, now=now))


def build_steps(
    job: Job, facts: Facts | Unsendable, *, mail_from: str, now: datetime
) -> Generator[None, None, Outgoing | Unsendable]:
    """:func:`build_safely` in steps (it yields between the parts of a mail that lists
    dates), so a sender can answer its SMTP server in between."""
    if job.kind in ACCOUNT_KINDS:
        return _account_safely(job, mail_from=mail_from, now=now)
    if isinstance(facts, Unsendable):
        return facts
    try:
        if job.kind in FOLLOWER_KINDS:
            envelope, data, subject = build_follower_mail(job, facts, mail_from=mail_from, now=now)
            return Outgoing(job, envelope, data, subject)
        if job.kind in REQUEST_KINDS:
            envelope, data, subject = build_request_mail(job, facts, mail_from=mail_from, now=now)
            return Outgoing(job, envelope, data, subject)
        if job.kind in EXPERT_KINDS:
            envelope, data, subject = build_expert_mail(job, facts, mail_from=mail_from, now=now)
            return Outgoing(job, envelope, data, subject)
        if job.kind in BUNDLE_KINDS or job.kind in PERSON_KINDS:
            envelope, data, subject = yield from person_mail_steps(
                job, facts, mail_from=mail_from, now=now
            )
            return Outgoing(job, envelope, data, subject)
        if job.kind in CERTIFICATE_KINDS:
            envelope, data, subject = build_certificate_mail(
                job, facts, mail_from=mail_from, now=now
            )
            return Outgoing(job, envelope, data, subject)
        return build(job, facts, mail_from=mail_from, now=now)
    except Unsendable as exc:
        return exc
    except Exception as exc:  # a bug must not block the queue; organisers see the reason
        log.exception("could not build mail %s (%s)", job.id, job.kind)
        return Unsendable(f"Could not build this mail: {type(exc).__name__}: {exc}")


async def load_facts(jobs: Sequence[Job]) -> dict[int, Facts | Unsendable]:
    """The facts of every job of a batch (certificates: their stored certificate; requests:
    the request)."""
    own = CERTIFICATE_KINDS.keys() | REQUEST_KINDS.keys()
    result = await all_facts.load_facts([j for j in jobs if j.kind not in own])
    result.update(await load_certificate_facts([j for j in jobs if j.kind in CERTIFICATE_KINDS]))
    result.update(await load_request_facts([j for j in jobs if j.kind in REQUEST_KINDS]))
    return result


async def prepare(
    jobs: Sequence[Job], *, mail_from: str, now: datetime
) -> dict[int, Outgoing | Unsendable]:
    """Every job of a batch as a message, or the reason it cannot be one."""
    facts = await load_facts(jobs)
    return {job.id: build_safely(job, facts[job.id], mail_from=mail_from, now=now) for job in jobs}


def _account_safely(job: Job, *, mail_from: str, now: datetime) -> Outgoing | Unsendable:
    try:
        envelope, data, subject = build_account_mail(job, mail_from=mail_from, now=now)
    except (Unsendable, BadAddress) as exc:
        return Unsendable(str(exc))
    except Exception as exc:
        log.exception("could not build mail %s (%s)", job.id, job.kind)
        return Unsendable(f"Could not build this mail: {type(exc).__name__}: {exc}")
    return Outgoing(job, envelope, data, subject)
