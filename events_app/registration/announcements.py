"""An organiser's announcement to the organisation's confirmed followers, and what they see of
their followers: counts per thing followed and the list of sent announcements, never addresses.

An announcement is one outbox row per follower (one per address, however many things of the
organisation it follows), written with the announcement in one transaction, in multi-row
statements.  Each row carries the follower's own one-click unsubscribe link.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from piccolo.utils.encoding import dump_json

from events_app import audit, clock, db, urls
from events_app.accounts.credentials import Actor
from events_app.domain.errors import DomainError, Refusals
from events_app.domain.following import MAX_ID, audience_key
from events_app.mail import outbox
from events_app.registration.following import link_token
from events_app.tables import Announcement, EventDate, Follower, Organisation, OutboxMail, Series

__all__ = [
    "FollowerCount",
    "SentAnnouncement",
    "MAX_DATES",
    "choices",
    "follower_counts",
    "send_announcement",
    "sent_announcements",
]

MAX_DATES = 20
MAX_SUBJECT = 200
MAX_BODY = 20_000
CHUNK = 500  # rows per INSERT (SQLite allows 32,766 values in one statement)


@dataclass(frozen=True, slots=True)
class FollowerCount:
    target: str  # "organisation", "series:<id>" or "topic:<tag>"
    what: str
    confirmed: int


@dataclass(frozen=True, slots=True)
class SentAnnouncement:
    id: int
    subject: str
    audience: str
    sent_at: datetime
    recipients: int


async def _organisation(actor: Actor, organisation_id: int) -> dict[str, Any]:
    if not 0 < organisation_id <= MAX_ID:
        actor.require_organiser(0)
    actor.require_organiser(organisation_id)
    row = await Organisation.select().where(Organisation.id == organisation_id).first()
    if row is None:
        actor.require_organiser(0)
    assert row is not None
    return row


async def follower_counts(actor: Actor, organisation_id: int) -> list[FollowerCount]:
    await _organisation(actor, organisation_id)
    rows = await db.execute(
        "SELECT target, COUNT(*) AS n FROM follower WHERE organisation = {}"
        " AND confirmed_at IS NOT NULL GROUP BY target ORDER BY target",
        organisation_id,
    )
    titles = {
        f"series:{row['id']}": row["title"]
        for row in await Series.select(Series.id, Series.title).where(
            Series.organisation == organisation_id
        )
    }
    counts = []
    for row in rows:
        target = str(row["target"])
        what = titles.get(target, target.removeprefix("topic:"))
        counts.append(
            FollowerCount(target, "" if target == "organisation" else what, int(row["n"]))
        )
    return counts


async def sent_announcements(actor: Actor, organisation_id: int) -> list[SentAnnouncement]:
    await _organisation(actor, organisation_id)
    rows = (
        await Announcement.select(
            Announcement.id,
            Announcement.subject,
            Announcement.audience,
            Announcement.sent_at,
            Announcement.recipients,
        )
        .where(Announcement.organisation == organisation_id)
        .order_by(Announcement.sent_at, ascending=False)
    )
    return [SentAnnouncement(**row) for row in rows]


async def choices(actor: Actor, organisation_id: int) -> dict[str, Any]:
    """What the announcement form offers: the organisation, its coming dates (the next 20) and
    the audiences (its published series and their topics)."""
    organisation = await _organisation(actor, organisation_id)
    series = await Series.select(Series.id, Series.title, Series.tags).where(
        (Series.organisation == organisation_id) & (Series.published == True)  # noqa: E712
    )
    dates = (
        await EventDate.select(
            EventDate.id, EventDate.local_start, EventDate.series.title.as_alias("title")
        )
        .where(
            (EventDate.series.organisation == organisation_id)
            & (EventDate.series.published == True)  # noqa: E712
            & (EventDate.status == EventDate.Status.scheduled)
            & (EventDate.starts_at > clock.now())
        )
        .order_by(EventDate.starts_at)
        .limit(MAX_DATES)
    )
    topics = sorted({t for row in series for t in db.json_strings(row["tags"])}, key=str.casefold)
    return {"organisation": organisation, "series": series, "dates": dates, "topics": topics}


def _check_text(subject: str, body: str, date_ids: Sequence[int]) -> tuple[str, str]:
    refusals = []
    subject, body = subject.strip(), body.strip()
    if not subject:
        refusals.append(DomainError("subject_missing", "Write a subject.", field="subject"))
    elif len(subject) > MAX_SUBJECT or "\x00" in subject:
        refusals.append(
            DomainError("subject_invalid", "Use at most 200 characters.", field="subject")
        )
    if not body:
        refusals.append(DomainError("body_missing", "Write the announcement.", field="body"))
    elif len(body) > MAX_BODY or "\x00" in body:
        refusals.append(DomainError("body_invalid", "The text is too long.", field="body"))
    if len(date_ids) > MAX_DATES or any(not 0 < d <= MAX_ID for d in date_ids):
        refusals.append(
            DomainError("dates_invalid", "Choose at most 20 coming dates.", field="date_ids")
        )
    if refusals:
        raise Refusals(refusals)
    return subject, body


async def _dates(organisation_id: int, date_ids: Sequence[int]) -> list[dict[str, Any]]:
    """The chosen coming dates of the organisation's published series, as the mail lists them."""
    if not date_ids:
        return []
    rows = (
        await EventDate.select(
            EventDate.id,
            EventDate.local_start,
            EventDate.timezone,
            EventDate.series.title.as_alias("title"),
            EventDate.series.slug.as_alias("slug"),
        )
        .where(
            EventDate.id.is_in(list(set(date_ids)))
            & (EventDate.series.organisation == organisation_id)
            & (EventDate.series.published == True)  # noqa: E712
            & (EventDate.status == EventDate.Status.scheduled)
            & (EventDate.starts_at > clock.now())
        )
        .order_by(EventDate.starts_at)
    )
    if len(rows) != len(set(date_ids)):
        raise DomainError(
            "dates_invalid", "Choose only coming dates of your own events.", field="date_ids"
        )
    return [
        {
            "title": row["title"],
            "start": row["local_start"].isoformat(timespec="minutes"),
            "url": urls.series_page(row["slug"]),
        }
        for row in rows
    ]


async def recipients(organisation_id: int, audience: str) -> list[dict[str, Any]]:
    """One row per confirmed address of the audience: its first follow's salt and language."""
    query = Follower.select(Follower.id, Follower.email, Follower.salt, Follower.language).where(
        (Follower.organisation == organisation_id) & Follower.confirmed_at.is_not_null()
    )
    if audience != "all":
        query = query.where(Follower.target == audience)
    chosen: dict[str, dict[str, Any]] = {}
    for row in await query.order_by(Follower.id):
        chosen.setdefault(row["email"], row)
    return list(chosen.values())


async def send_announcement(
    actor: Actor,
    organisation_id: int,
    *,
    subject: str,
    body: str,
    date_ids: Sequence[int] = (),
    series_id: int | None = None,
    topic: str = "",
) -> SentAnnouncement:
    """Queue the announcement for every confirmed follower of the audience (one transaction)."""
    subject, body = _check_text(subject, body, date_ids)
    audience = audience_key(series_id, topic)
    organisation = await _organisation(actor, organisation_id)
    if series_id is not None and not await Series.exists().where(
        (Series.id == series_id) & (Series.organisation == organisation_id)
    ):
        raise DomainError("series_unknown", "This series does not exist.", field="series_id")
    dates = await _dates(organisation_id, date_ids)
    now = clock.now()
    async with db.transaction():
        people = await recipients(organisation_id, audience)
        [row] = await Announcement.insert(
            Announcement(
                organisation=organisation_id,
                account=actor.account_id,
                audience=audience,
                subject=subject,
                body=body,
                date_ids=sorted(set(date_ids)),
                recipients=len(people),
                sent_at=now,
            )
        ).returning(Announcement.id)
        context = {"subject": subject, "body": body, "dates": dates, "what": organisation["name"]}
        await queue_follower_mails("announcement", organisation_id, people, context, now)
        await audit.record(
            "announcement_sent",
            "announcement",
            row["id"],
            organisation_id=organisation_id,
            account_id=actor.account_id,
            detail={"recipients": len(people), "audience": audience},
        )
    return SentAnnouncement(row["id"], subject, audience, now, len(people))


async def queue_follower_mails(
    kind: str,
    organisation_id: int,
    people: Sequence[dict[str, Any]],
    context: dict[str, Any],
    now: datetime,
    *,
    dedupe: str | None = None,
) -> int:
    """One outbox row per person in multi-row statements, inside the caller's transaction;
    each with the person's own unsubscribe link.  ``dedupe``: a key prefix (``+ follower id``)."""
    for start in range(0, len(people), CHUNK):
        chunk = people[start : start + CHUNK]
        values: list[Any] = []
        for person in chunk:
            token = link_token(person["salt"])
            own = {
                **context,
                "unfollow": urls.absolute(f"/unfollow/{token}"),
                "manage": urls.absolute(f"/follow/{token}"),
            }
            values += [
                outbox.new_message_id(),
                f"{dedupe}{person['id']}" if dedupe else None,
                kind,
                organisation_id,
                person["email"],
                person["language"],
                dump_json(own),
                str(OutboxMail.Status.pending),
                now,
                now,
            ]
        rows = ", ".join(["({}, {}, {}, {}, {}, '', {}, {}, {}, '', 0, {}, {})"] * len(chunk))
        await db.execute(_INSERT + rows, *values)
    return len(people)


_INSERT = """
INSERT INTO outbox_mail (message_id, dedupe_key, kind, organisation, to_email, to_name, language,
                         context, status, last_error, attempts, next_attempt_at, created_at)
VALUES """
