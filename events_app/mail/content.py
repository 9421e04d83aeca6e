"""From facts to words: check a row still makes sense, then render its subject, text and HTML.

Pure code (no database): the facts come from :mod:`events_app.mail.facts`.  Templates are
``templates/mail/{kind}.txt`` and ``.html``; every value they show is prepared here, in the
recipient's language, with absolute links from :mod:`events_app.urls`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from events_app import urls
from events_app.calendar.describe import SpeakerInfo, people_by_role
from events_app.domain.applications import DEFAULT_DECLINE
from events_app.domain.causes import reason_text
from events_app.domain.person import ROLE_LABELS
from events_app.i18n import (
    SHORT_DATE_FORMAT,
    choose_language,
    format_date,
    format_datetime,
    format_span,
    mail_environment,
    translate,
)
from events_app.mail.calendar_date import date_info
from events_app.mail.facts import Facts, Job, Unsendable
from events_app.mail.headers import clean_text
from events_app.mail.kinds import KINDS, SUBJECT_CANCELLED_BY_ORGANISER, Kind, Method
from events_app.tables import EventDate, Registration, Series

__all__ = ["Content", "check", "method_for", "render_content", "tidy", "view"]

CONFIRMED, WAITING, CANCELLED = Registration.Status
_BLANKS = re.compile(r"\n{3,}")


@dataclass(frozen=True, slots=True)
class Content:
    language: str
    subject: str
    text: str
    html: str
    method: Method | None  # the calendar part to add, if any


def kind_of(job: Job) -> Kind:
    kind = KINDS.get(job.kind)
    if kind is None:
        raise Unsendable(f"Unknown kind of mail: {job.kind!r}.")
    return kind


def check(job: Job, facts: Facts, now: datetime) -> Kind:
    """The row's kind, or :class:`Unsendable` when the mail no longer makes sense."""
    kind = kind_of(job)
    event_date = facts.event_date
    if event_date is None:
        raise Unsendable("The date was deleted.", deliberate=True)
    registration = facts.registration
    if kind.needs_registration:
        if registration is None:
            raise Unsendable("The registration was deleted.", deliberate=True)
        if registration["anonymised_at"] is not None or not registration["email"]:
            raise Unsendable("The person's data was removed.", deliberate=True)
        if registration["attendee"] is None:
            raise Unsendable("The person's data was removed.", deliberate=True)
        status = registration["status"]
        if registration.get("hold_until") is not None:
            raise Unsendable(
                "Not sent: the person had not confirmed their address yet.", deliberate=True
            )
        if kind.needs_active_registration and status == CANCELLED:
            raise Unsendable(
                "Not sent: the registration was cancelled before this mail went out.",
                deliberate=True,
            )
        if kind.needs_confirmed and status != CONFIRMED:
            raise Unsendable("Not sent: the person has no seat.", deliberate=True)
        if kind.name == "registration_cancelled" and status != CANCELLED:
            raise Unsendable(
                "Not sent: the person registered again before this mail went out.", deliberate=True
            )
    if kind.needs_scheduled_date and event_date["status"] != EventDate.Status.scheduled:
        raise Unsendable(
            "Not sent: the date was cancelled before this mail went out.", deliberate=True
        )
    if kind.needs_scheduled_date and event_date["series_status"] != Series.Status.active:
        raise Unsendable("Not sent: the series has stopped.", deliberate=True)
    if kind.needs_future_date and event_date["starts_at"] <= now:
        raise Unsendable("Not sent: the date had already started.", deliberate=True)
    if kind.needs_unfinished_date and event_date["ends_at"] <= now:
        raise Unsendable("Not sent: the date was already over.", deliberate=True)
    if kind.application:
        _check_application(kind, facts.application)
    if kind.name == "materials_available" and not facts.materials:
        raise Unsendable("Not sent: the date has no materials.", deliberate=True)
    if kind.name == "aftercare" and not str(event_date.get("series_aftercare_text") or "").strip():
        raise Unsendable("Not sent: the series no longer has an aftercare text.", deliberate=True)
    return kind


def _check_application(kind: Kind, application: dict[str, Any] | None) -> None:
    if application is None or application["anonymised_at"] is not None:
        raise Unsendable("Not sent: the application's data was removed.", deliberate=True)
    if application["attendee"] is None or not application["email"]:
        raise Unsendable("Not sent: the person's data was removed.", deliberate=True)
    if kind.name == "application_declined" and application["status"] != "declined":
        raise Unsendable("Not sent: the application is no longer declined.", deliberate=True)
    if kind.name == "application_received" and application["status"] == "withdrawn":
        raise Unsendable("Not sent: the application was withdrawn.", deliberate=True)


def method_for(kind: Kind, facts: Facts) -> Method | None:
    """A calendar part only for someone who has (or had) the date in their calendar."""
    status = facts.registration["status"] if facts.registration else None
    if kind.method == "REQUEST" and status != CONFIRMED:
        return None
    if kind.method == "CANCEL" and kind.name != "registration_cancelled" and status == WAITING:
        return None
    return kind.method


def _local(value: Any, tz: str) -> datetime | None:
    """A start time from a row's context (an ISO string), as wall-clock time in ``tz``."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    return parsed


def _material_url(url: str) -> str | None:
    """Our own paths become absolute; other sites must be http(s); anything else is dropped."""
    if url.startswith("/") and not url.startswith("//"):
        return urls.absolute(url)
    if url.startswith(("https://", "http://")):
        return url
    return None


def _material(row: dict[str, Any], event_date: dict[str, Any]) -> dict[str, Any]:
    """A material as the mail lists it: a link goes where it points, a file to its download,
    a written text to its place on the date's page (never the file itself attached)."""
    kind = row.get("kind", "link")
    if kind == "file":
        url: str | None = urls.material_file(event_date["series_slug"], event_date["id"], row["id"])
    elif kind == "text":
        url = urls.date_page(event_date["series_slug"], event_date["id"]) + f"#material-{row['id']}"
    else:
        url = _material_url(row["url"])
    return {"title": row["title"], "url": url}


def _join_state(event_date: dict[str, Any], status: str | None, meeting_url: str) -> str | None:
    if event_date["series_format"] == Series.Format.in_person:
        return None
    if status != CONFIRMED:
        return "waiting" if status == WAITING else None
    return "link" if meeting_url else "later"


def _digest_view(facts: Facts, language: str) -> dict[str, Any]:
    digest = facts.digest
    assert digest is not None

    def person(row: dict[str, Any]) -> dict[str, Any]:
        role = ROLE_LABELS.get(row["role"] or "")
        answers = []
        if digest.show_needs:
            for key, value in (row["answers"] or {}).items():
                label = digest.questions.get(str(key), str(key))
                if isinstance(value, bool):
                    value = translate(language, "yes") if value else translate(language, "no")
                answers.append({"label": label, "value": str(value)})
        return {
            "name": row["name"] or "—",
            "role": translate(language, role) if role else "",
            "needs": row["needs"] if digest.show_needs else "",
            "answers": answers,
        }

    return {
        "confirmed": [person(r) for r in digest.confirmed],
        "waiting": [person(r) for r in digest.waiting],
        "capacity": digest.capacity,
        "show_needs": digest.show_needs,
        "hidden_needs": 0
        if digest.show_needs
        else sum(1 for r in digest.confirmed + digest.waiting if (r["needs"] or "").strip()),
    }


def view(job: Job, facts: Facts, kind: Kind, language: str) -> dict[str, Any]:
    """Everything a template shows, already in words and absolute links."""
    event_date = facts.event_date
    assert event_date is not None
    organisation = facts.organisation
    registration = facts.registration
    status = registration["status"] if registration else None
    tz = event_date["timezone"]
    date = date_info(facts)  # what the invitation shows too
    meeting_url = date.meeting_url
    place = "" if date.series_format == Series.Format.online else date.location
    details = date.meeting_details
    join = _join_state(event_date, status, meeting_url)
    old_start = _local(job.context.get("old_start"), tz)
    moved = old_start is not None and old_start != event_date["local_start"]
    result: dict[str, Any] = {
        "kind": kind.name,
        "language": language,
        "name": clean_text(registration["name"] if registration else job.to_name),
        "org_name": organisation["name"],
        "contact_email": event_date["series_contact_email"] or organisation["contact_email"],
        "title": event_date["series_title"],
        "topic": event_date["topic"],
        "note": event_date["note"],
        "when": format_span(event_date["local_start"], event_date["local_end"], tz, language),
        "place": place,
        "join": join,
        "meeting_url": meeting_url if join == "link" else "",
        "meeting_details": details if join == "link" else "",
        "speakers": people_by_role(
            [SpeakerInfo(s["name"], s["role"]) for s in facts.speakers], language
        ),
        "date_url": urls.date_page(event_date["series_slug"], event_date["id"]),
        "series_url": urls.series_page(event_date["series_slug"]),
        "status": status,
        "position": job.context.get("position"),
        "by": job.context.get("by", "self"),
        "old_when": format_datetime(old_start, language) if moved and old_start else "",
        "reason": str(job.context.get("reason") or "")
        or reason_text(event_date.get("status_cause"), event_date["status_reason"], language),
        "can_register_again": event_date["status"] == EventDate.Status.scheduled,
        "manage_url": "",
        "feed_url": "",
        "invitation": method_for(kind, facts),
        "materials": [_material(m, event_date) for m in facts.materials],
        "message_body": str(job.context.get("body") or ""),
        "aftercare_text": str(event_date.get("series_aftercare_text") or ""),
    }
    if registration is not None and registration["manage_token"]:
        result["manage_url"] = urls.manage_page(registration["manage_token"])
        result["feed_url"] = urls.personal_feed(registration["feed_token"])
    if kind.host:
        result["digest"] = _digest_view(facts, language)
    application = facts.application
    if kind.application and application is not None:
        result["name"] = clean_text(application["name"])
        result["already"] = bool(job.context.get("already"))
        result["message"] = application["message"] or translate(language, DEFAULT_DECLINE)
        if application["manage_token"]:
            result["manage_url"] = urls.manage_page(application["manage_token"])
    return result


def subject_for(job: Job, kind: Kind, values: dict[str, Any], language: str) -> str:
    if kind.name == "organiser_message":
        subject = clean_text(str(job.context.get("subject") or ""))
        return subject or values["title"]
    message = kind.subject
    if kind.name == "registration_cancelled" and values["by"] == "organiser":
        message = SUBJECT_CANCELLED_BY_ORGANISER
    return clean_text(translate(language, message, title=values["title"], date=values["date"]))


def tidy(text: str) -> str:
    """Blank lines in templates separate paragraphs; more than one in a row means nothing."""
    lines = [line.rstrip() if line != "-- " else line for line in text.splitlines()]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip("\n") + "\n"


def render_content(job: Job, facts: Facts, now: datetime) -> Content:
    """Subject, text and HTML of one mail in the recipient's language."""
    kind = check(job, facts, now)
    registration = facts.registration
    language = choose_language(
        registration["language"] if registration else None,
        job.language,
        facts.organisation["language"],
    )
    values = view(job, facts, kind, language)
    event_date = facts.event_date
    assert event_date is not None
    values["date"] = format_date(event_date["local_start"], language, SHORT_DATE_FORMAT)
    values["subject"] = subject_for(job, kind, values, language)
    env = mail_environment(language)
    text = tidy(env.get_template(f"mail/{kind.name}.txt").render(values))
    html = env.get_template(f"mail/{kind.name}.html").render(values)
    return Content(language, values["subject"], text, html, values["invitation"])
