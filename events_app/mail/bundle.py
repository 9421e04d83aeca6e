"""Mail about one person's registrations as a whole: one mail per request, however many dates.

* ``registration_receipt`` — after registering (or confirming): every date of the request with
  its status *at delivery time* (a place, or the waiting list and the number), and a calendar
  invitation for every date with a place.
* ``registration_confirm`` — "confirm first": the dates that wait for the person's click, with
  the link; no invitations yet.
* ``cancellation_receipt`` — after "cancel everything": every cancelled date, each with its
  calendar cancellation.
* ``manage_link`` — the person's private link (asked for by address, or newly made).

A calendar object in a mail carries one UID (iTIP), so one date travels as today (an inline
``text/calendar`` part plus ``invite.ics``) and several dates as one ``.ics`` attachment each.
Dates that no longer apply when the mail goes out are left out; when none is left the mail is
skipped on purpose.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Generator
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from events_app import urls
from events_app.i18n import SITE_NAME, choose_language, format_time, mail_environment, translate
from events_app.mail.account_mail import build_site_mail
from events_app.mail.content import Content, method_for, tidy, view
from events_app.mail.facts import Facts, Job, Unsendable
from events_app.mail.headers import BadAddress, check_address
from events_app.mail.invite import build_invitation
from events_app.mail.kinds import (
    BUNDLE_KINDS,
    KINDS,
    PERSON_KINDS,
    SUBJECT_CANCELLED_BY_ORGANISER,
    Kind,
)
from events_app.mail.mime import Envelope, build_mime
from events_app.tables import Registration

__all__ = ["build_person_mail", "person_mail_steps", "run_steps"]

T = TypeVar("T")

ACTIVE = (Registration.Status.confirmed, Registration.Status.waiting)


def _item_job(job: Job, item: Facts) -> Job:
    registration = item.registration
    event_date = item.event_date
    assert registration is not None and event_date is not None
    return dataclasses.replace(
        job,
        date_id=event_date["id"],
        registration_id=registration["id"],
        context={"position": registration.get("position")},
    )


def _current(job: Job, item: Facts, now: datetime) -> bool:
    """Whether this date still belongs in a mail of this kind when it goes out."""
    registration, event_date = item.registration, item.event_date
    assert registration is not None and event_date is not None
    if registration["anonymised_at"] is not None or not registration["email"]:
        return False
    if job.kind == "cancellation_receipt":
        return bool(registration["status"] == "cancelled")
    if registration["status"] not in ACTIVE:
        return False
    if event_date["status"] != "scheduled" or event_date["series_status"] != "active":
        return False
    if event_date["ends_at"] <= now:
        return False
    held = registration["hold_until"] is not None
    if job.kind == "event_promoted":
        return not held and registration["status"] == Registration.Status.confirmed
    if job.kind == "registration_confirm":
        return held and registration["hold_until"] > now
    return not held


def _item_kind(job: Job, item: Facts) -> Kind:
    registration = item.registration
    assert registration is not None
    if job.kind == "cancellation_receipt":
        return KINDS["registration_cancelled"]
    if job.kind == "event_promoted":
        return KINDS["registration_promoted"]
    if registration["status"] == "waiting":
        return KINDS["registration_waiting"]
    return KINDS["registration_confirmed"]


def _render(template: str, values: dict[str, Any], language: str) -> tuple[str, str]:
    env = mail_environment(language)
    text = env.get_template(f"mail/{template}.txt").render(values)
    html = env.get_template(f"mail/{template}.html").render(values)
    return text, html


def build_person_mail(
    job: Job, facts: Facts, *, mail_from: str, now: datetime
) -> tuple[Envelope, bytes, str]:
    """Envelope, bytes and subject; :class:`Unsendable` when nothing is left to say."""
    return run_steps(person_mail_steps(job, facts, mail_from=mail_from, now=now))


def person_mail_steps(
    job: Job, facts: Facts, *, mail_from: str, now: datetime
) -> Generator[None, None, tuple[Envelope, bytes, str]]:
    """:func:`build_person_mail` in steps: it yields after each date's invitation and after
    the templates, so a sender can let other work in between (see ``mail.delivery``)."""
    attendee = facts.attendee
    if attendee is None:
        raise Unsendable("Not sent: the person's data was removed.", deliberate=True)
    try:
        check_address(job.to_email)
    except BadAddress as exc:
        raise Unsendable(f"The recipient's address cannot be used: {exc}") from exc
    if job.kind in PERSON_KINDS:
        return _link_mail(job, attendee, mail_from=mail_from, now=now)
    language = choose_language(attendee["language"], job.language, facts.organisation["language"])
    items = sorted(
        (item for item in facts.items if _current(job, item, now)),
        key=lambda item: (item.event_date or {})["starts_at"],
    )
    if not items:
        raise Unsendable(
            "Not sent: none of its dates still applied when it went out.", deliberate=True
        )
    already = set(job.context.get("already") or [])
    dates: list[dict[str, Any]] = []
    calendars: list[bytes] = []
    for item in items:
        item_job = _item_job(job, item)
        kind = _item_kind(job, item)
        values = view(item_job, item, kind, language)
        method = method_for(kind, item) if job.kind != "registration_confirm" else None
        values["invitation"] = method
        assert item.registration is not None
        values["already"] = item.registration["id"] in already
        values["attendance"] = item.registration.get("attendance")
        hold = item.registration["hold_until"]
        values["held_until"] = (
            format_time(hold.astimezone(ZoneInfo(item.event_date["timezone"])), language)
            if hold is not None and item.event_date is not None
            else ""
        )
        dates.append(values)
        if method is not None:
            content = Content(language, "", "", "", method)
            calendars.append(build_invitation(item_job, item, content, now))
        yield
    organisation = facts.organisation
    one, several = BUNDLE_KINDS[job.kind]
    by = str(job.context.get("by") or "self")
    if job.kind == "cancellation_receipt" and by == "organiser":
        one = several = SUBJECT_CANCELLED_BY_ORGANISER
    # The days of one event registered as one read as that event, not as "N dates".
    event = _one_event(items)
    subject = translate(
        language,
        one if len(dates) == 1 or event else several,
        title=dates[0]["title"],
        count=len(dates),
        organisation=organisation["name"],
    )
    contact = dates[0]["contact_email"] or organisation["contact_email"]
    manage_url = urls.manage_page(attendee["manage_token"])
    values = {
        "kind": job.kind,
        "language": language,
        "subject": subject,
        "by": by,
        "event": event,
        "name": dates[0]["name"],
        "org_name": organisation["name"],
        "contact_email": contact,
        "dates": dates,
        "count": len(dates),
        "calendars": len(calendars),
        "manage_url": manage_url,
        "feed_url": urls.personal_feed(attendee["feed_token"]),
        "held_until": min((d["held_until"] for d in dates if d["held_until"]), default=""),
    }
    text, html = _render(job.kind, values, language)
    yield
    inline = calendars[0] if len(calendars) == 1 and len(dates) == 1 else None
    method = dates[0]["invitation"] if inline is not None else None
    attachments = [] if inline is not None else _attachments(dates, calendars)
    envelope, data = build_mime(
        message_id=job.message_id,
        from_name=organisation["name"],
        from_address=mail_from,
        reply_to_name=organisation["name"],
        reply_to=contact,
        to_name=dates[0]["name"],
        to_address=job.to_email,
        subject=subject,
        language=language,
        text=tidy(text),
        html=html,
        calendar=inline,
        method=method,
        attachments=attachments,
        date=now,
    )
    return envelope, data, subject


def run_steps(steps: Generator[None, None, T]) -> T:
    """Run a function written in steps to its end, without stopping in between."""
    while True:
        try:
            next(steps)
        except StopIteration as done:
            result: T = done.value
            return result


def _one_event(items: list[Facts]) -> bool:
    """Whether every date of the mail is a day of one event registered as one."""
    series = {(item.event_date or {}).get("series") for item in items}
    together = all((item.event_date or {}).get("series_together") for item in items)
    return len(series) == 1 and together


def _attachments(dates: list[dict[str, Any]], calendars: list[bytes]) -> list[tuple[str, bytes]]:
    """One ``.ics`` per date, named so a person can tell them apart: ``date-1.ics`` …"""
    with_calendar = [d for d in dates if d["invitation"] is not None]
    return [
        (f"date-{n}.ics", calendar)
        for n, (_, calendar) in enumerate(zip(with_calendar, calendars, strict=True), start=1)
    ]


def _link_mail(
    job: Job, attendee: dict[str, Any], *, mail_from: str, now: datetime
) -> tuple[Envelope, bytes, str]:
    language = choose_language(attendee["language"], job.language)
    subject = translate(language, PERSON_KINDS[job.kind])
    values = {
        "kind": job.kind,
        "language": language,
        "subject": subject,
        "name": "",
        "site_name": SITE_NAME[language],
        "manage_url": urls.manage_page(attendee["manage_token"]),
        "lookup_url": urls.absolute("/manage"),
    }
    text, html = _render(job.kind, values, language)
    envelope, data = build_site_mail(
        job,
        language=language,
        subject=subject,
        text=tidy(text),
        html=html,
        mail_from=mail_from,
        now=now,
    )
    return envelope, data, subject
