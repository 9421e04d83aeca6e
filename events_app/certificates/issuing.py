"""Issuing certificates, withdrawing them, mailing them, and their PDFs for the organiser.

Each write is one transaction that first locks the series or programme row (on SQLite the
transaction itself excludes other writers), so two clicks on "issue" at once run one after
the other and nobody gets two certificates for one series or programme.  A certificate
stores what it says when it is issued; later attendance changes, anonymising or deleting the
series change nothing in it.  Mailing one is an outbox row with the dedupe key
``certificate:<id>:<n>`` (n counts the sendings), so one click mails each person once, and a
second click mails nobody again unless the organiser re-sends one certificate on purpose.
"""

from __future__ import annotations

from typing import Any

from events_app import audit, clock, db
from events_app.accounts.credentials import Actor
from events_app.certificates.scope import scope_for, set_threshold, threshold_of
from events_app.certificates.standings import certificates_of, standings
from events_app.documents.certificate_pdf import render_pdf, text_from_row
from events_app.domain.certificates import new_code
from events_app.domain.errors import Conflict, NotFound
from events_app.mail import outbox
from events_app.tables import Attendee, Certificate

__all__ = ["issue", "pdf_for", "resend", "revoke", "send_all", "set_threshold"]

MAIL_KIND = "certificate"
_GONE = "This does not exist or is not yours to see."


async def issue(actor: Actor, kind: str, scope_id: int, *, only: int | None = None) -> int:
    """A certificate for everyone who meets the threshold and has none here yet (``only``:
    that attendee alone); returns how many were issued.  Nobody is mailed."""
    now = clock.now()
    async with db.transaction():
        scope = await scope_for(actor, kind, scope_id, lock=True)
        threshold, _ = await threshold_of(scope)
        if threshold is None:
            raise Conflict("threshold_missing", "Set the attendance needed first.", field="value")
        _, people = await standings(scope, threshold, now)
        issued = 0
        for person in people:
            if only is not None and person.attendee_id != only:
                continue
            if not person.standing.meets:
                continue
            if person.certificate is not None and person.certificate.active:
                continue
            await Certificate.insert(
                Certificate(
                    organisation=scope.organisation_id,
                    series=scope.id if scope.kind == "series" else None,
                    programme=scope.id if scope.kind == "programme" else None,
                    attendee=person.attendee_id,
                    code=new_code(),
                    name=person.name,
                    title=scope.title,
                    organisation_name=scope.organisation_name,
                    dates=[day.isoformat() for day in person.days],
                    minutes=person.standing.minutes,
                    language=person.language,
                    issued_at=now,
                )
            )
            issued += 1
        if only is not None and not issued:
            raise Conflict(
                "certificate_not_due",
                "This person does not meet the threshold, or has a certificate already.",
            )
        await audit.record(
            "certificates_issued", scope.kind, scope.id,
            organisation_id=scope.organisation_id, account_id=actor.account_id,
            detail={"count": issued},
        )  # fmt: skip
    return issued


async def _one(
    kind: str, scope_id: int, certificate_id: int, actor: Actor
) -> tuple[int, dict[str, Any]]:
    """The organisation and the row of a certificate of the actor's series or programme
    (locked), or "not found"."""
    scope = await scope_for(actor, kind, scope_id, lock=True)
    found = await certificates_of(scope, [certificate_id])
    if not found:
        raise NotFound("not_found", _GONE)
    row = await Certificate.select().where(Certificate.id == certificate_id).first()
    assert row is not None
    return scope.organisation_id, row


async def revoke(actor: Actor, kind: str, scope_id: int, certificate_id: int) -> None:
    """Withdraw a certificate: its page then says so, and an unsent mail of it is not sent."""
    async with db.transaction():
        organisation_id, row = await _one(kind, scope_id, certificate_id, actor)
        if row["revoked_at"] is None:
            await Certificate.update({Certificate.revoked_at: clock.now()}).where(
                Certificate.id == certificate_id
            )
        await audit.record(
            "certificate_revoked", "certificate", certificate_id,
            organisation_id=organisation_id, account_id=actor.account_id,
        )  # fmt: skip


async def _enqueue(row: dict[str, Any], organisation_id: int, number: int) -> bool:
    """Queue the ``number``-th sending of a certificate; False when there is nobody to mail
    or that sending was queued before."""
    if row["attendee"] is None:
        return False
    attendee = await Attendee.select(Attendee.email).where(Attendee.id == row["attendee"])
    if not attendee:
        return False
    queued = await outbox.enqueue(
        MAIL_KIND,
        to_email=attendee[0]["email"],
        to_name=row["name"],
        language=row["language"],
        context={"certificate": row["id"]},
        organisation_id=organisation_id,
        dedupe_key=f"certificate:{row['id']}:{number}",
    )
    if queued is None:
        return False
    await Certificate.update({Certificate.sent_count: number}).where(Certificate.id == row["id"])
    return True


async def send_all(actor: Actor, kind: str, scope_id: int) -> int:
    """Mail every certificate of the scope that was never sent (one mail each); returns how
    many were queued.  Certificates sent before are left alone."""
    async with db.transaction():
        scope = await scope_for(actor, kind, scope_id, lock=True)
        sent = 0
        for issued in await certificates_of(scope):
            if not issued.active or issued.sent_count > 0:
                continue
            row = await Certificate.select().where(Certificate.id == issued.id).first()
            if row is not None and await _enqueue(row, scope.organisation_id, 1):
                sent += 1
        await audit.record(
            "certificates_sent", scope.kind, scope.id,
            organisation_id=scope.organisation_id, account_id=actor.account_id,
            detail={"count": sent},
        )  # fmt: skip
    return sent


async def resend(actor: Actor, kind: str, scope_id: int, certificate_id: int) -> None:
    """Mail one certificate again, on purpose."""
    async with db.transaction():
        organisation_id, row = await _one(kind, scope_id, certificate_id, actor)
        if row["revoked_at"] is not None:
            raise Conflict("certificate_revoked", "This certificate was withdrawn.")
        if not await _enqueue(row, organisation_id, row["sent_count"] + 1):
            raise Conflict("certificate_no_address", "This person's address is no longer known.")
        await audit.record(
            "certificate_resent", "certificate", certificate_id,
            organisation_id=organisation_id, account_id=actor.account_id,
        )  # fmt: skip


async def pdf_for(
    actor: Actor, kind: str, scope_id: int, certificate_id: int | None = None
) -> tuple[str, bytes]:
    """A file name and the PDF of one certificate, or of every valid one (a page each)."""
    scope = await scope_for(actor, kind, scope_id)
    issued = await certificates_of(scope, None if certificate_id is None else [certificate_id])
    wanted = [c.id for c in issued if certificate_id is not None or c.active]
    if not wanted:
        raise NotFound("not_found", "There is no certificate to download.")
    rows = (
        await Certificate.select()
        .where(Certificate.id.is_in(wanted))
        .order_by(Certificate.name)
        .output(load_json=True)
    )
    name = (
        f"certificate-{rows[0]['code']}.pdf"
        if certificate_id
        else f"certificates-{kind}-{scope_id}.pdf"
    )
    return name, render_pdf([text_from_row(r) for r in rows])
