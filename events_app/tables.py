"""Piccolo tables: the data model, and nothing else (no queries here).

Instants are ``Timestamptz`` (aware UTC).  A date's wall-clock time is kept beside it as a naive
``Timestamp`` plus the IANA zone, so a DST change never moves a meeting and feeds can say
``DTSTART;TZID=Europe/Amsterdam:…``.

What a column can say, it says (``unique=True``, ``index=True``, ``null=``, ``choices=``).  What
Piccolo cannot declare — unique pairs, indexes over several columns, CHECK rules, triggers — is
made by a migration and listed beside its table in ``database_rules`` (:class:`DatabaseRule`),
with its name and meaning; a test compares both with a freshly migrated database on each engine
(``tests/integration/test_database_rules.py``).

``revision``, on every table whose values calendar feeds show, belongs to the database: a
trigger (made by the migration "Feed revisions") raises it in the same statement whenever a
column a feed shows changes.  Services never write it; a feed's version sums the revisions in
its scope (:mod:`events_app.feeds.versions`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar, Literal

from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    Bytea,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Text,
    Timestamp,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from events_app.domain.expert_requests import RequestKind, RequestStatus
from events_app.domain.person import PersonRole
from events_app.domain.team import TeamRole

# The tables only (copying and emptying a database walk this list); DatabaseRule is below.
__all__ = [
    "Account",
    "ApiToken",
    "Application",
    "Attendee",
    "Announcement",
    "AuditLog",
    "Certificate",
    "CertificateRule",
    "Follower",
    "JobLock",
    "LoginSession",
    "Material",
    "Membership",
    "EventDate",
    "Expert",
    "ExpertAsk",
    "ExpertRequest",
    "Invitation",
    "Organisation",
    "OutboxMail",
    "PasswordReset",
    "Programme",
    "Proposal",
    "Question",
    "Registration",
    "RequestEntry",
    "Series",
    "SeriesHost",
    "SeriesSubscription",
    "Speaker",
    "Throttle",
]


@dataclass(frozen=True, slots=True)
class DatabaseRule:
    """A rule the database keeps that a column cannot declare, made by a migration.

    ``unique`` and ``index``: an index of that name over ``columns`` (both engines).
    ``check``: rows that break ``meaning`` are refused — PostgreSQL has a CHECK constraint of
    that name; SQLite, which cannot add one to an existing table, two triggers (``name`` on
    update, ``name_new`` on insert).  Every column with ``choices`` has one, made from its
    enumeration by :func:`choice_rules` (``<table>_<column>_choice``).  ``trigger``: a row
    trigger of that name (SQLite has a second one, ``name_new``, for inserts).
    """

    name: str
    kind: Literal["unique", "index", "check", "trigger"]
    columns: tuple[str, ...]
    meaning: str


def choice_rules(table: type[Table]) -> tuple[DatabaseRule, ...]:
    """One CHECK rule per column with ``choices``: only its enumeration's values (or NULL
    where the column allows it).  Piccolo's ``choices`` only checks what goes through the ORM."""
    rules = []
    for column in table._meta.columns:
        choices = column._meta.choices
        if choices is None:
            continue
        name = column._meta.db_column_name
        values = ", ".join(str(choice.value) for choice in choices)
        also = " or empty (NULL)" if column._meta.null else ""
        rules.append(
            DatabaseRule(
                f"{table._meta.tablename}_{name}_choice",
                "check",
                (name,),
                f"{name} is one of {values}{also}",
            )
        )
    return tuple(rules)


def _revision(table: str) -> DatabaseRule:
    return DatabaseRule(
        f"{table}_revision", "trigger", ("revision",), "feeds: see the module's docstring"
    )


class Organisation(Table):
    """A tenant: a network, federation or training centre that runs events."""

    id = Serial(primary_key=True)

    slug = Varchar(length=80, unique=True)
    name = Varchar(length=200)
    contact_email = Varchar(length=254)
    timezone = Varchar(length=64, default="Europe/Amsterdam")
    language = Varchar(length=2, default="nl")
    retention_days = Integer(default=90)
    # Needs written at registration go sooner than the rest: this many days after the date
    # (events_app/domain/needs.py).
    needs_days = Integer(default=7)
    consent_text = Text(default="")  # in the organisation's language
    consent_text_en = Text(default="")  # the same in English (English forms show it)
    # A new address must click a link in a mail before its registrations count.
    confirm_first = Boolean(default=False)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    revision = Integer(default=0)  # feeds: see the module's docstring

    database_rules: ClassVar[tuple[DatabaseRule, ...]] = (_revision("organisation"),)


class Account(Table):
    """An organiser or host who logs in.  Attendees never need one."""

    id = Serial(primary_key=True)

    email = Varchar(length=254, unique=True)
    name = Varchar(length=200)
    password_hash = Varchar(length=255)
    language = Varchar(length=2, default="nl")
    active = Boolean(default=True)
    host_feed_token = Varchar(length=64, unique=True, null=True, default=None)
    created_at = Timestamptz()
    last_login_at = Timestamptz(null=True, default=None)
    revision = Integer(default=0)  # feeds: see the module's docstring

    database_rules: ClassVar[tuple[DatabaseRule, ...]] = (_revision("account"),)


class LoginSession(Table):
    """A logged-in browser or client: the cookie holds a random id, this row its SHA-256.
    Deleting the row ends the session everywhere."""

    id = Serial(primary_key=True)

    account = ForeignKey(references=Account, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz()
    last_seen_at = Timestamptz()
    expires_at = Timestamptz(index=True)


class Membership(Table):
    """An account's role in one organisation."""

    id = Serial(primary_key=True)

    Role = TeamRole  # the one enumeration of team roles (domain/team.py)

    account = ForeignKey(references=Account, on_delete=OnDelete.cascade, index=True)
    organisation = ForeignKey(references=Organisation, on_delete=OnDelete.cascade, index=True)
    role = Varchar(length=16, choices=Role, default=Role.host)
    created_at = Timestamptz()

    database_rules: ClassVar[tuple[DatabaseRule, ...]] = (
        DatabaseRule(
            "membership_account_organisation",
            "unique",
            ("account", "organisation"),
            "one role per account in an organisation",
        ),
    )


class ApiToken(Table):
    """A revocable API token; only its SHA-256 is stored."""

    id = Serial(primary_key=True)

    account = ForeignKey(references=Account, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=100)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz()
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class Programme(Table):
    """Dates that people pick from (a workshop week) or register for together (a course)."""

    id = Serial(primary_key=True)

    class Selection(StrEnum):
        pick = "pick"
        whole = "whole"

    organisation = ForeignKey(references=Organisation, on_delete=OnDelete.cascade, index=True)
    slug = Varchar(length=120, unique=True)
    title = Varchar(length=200)
    summary = Varchar(length=500, default="")
    description = Text(default="")
    selection = Varchar(length=8, choices=Selection, default=Selection.pick)
    language = Varchar(length=2, default="nl")
    published = Boolean(default=False)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    revision = Integer(default=0)  # feeds: see the module's docstring

    database_rules: ClassVar[tuple[DatabaseRule, ...]] = (_revision("programme"),)


class Series(Table):
    """What an organiser plans: a recurring meet-up, or a one-off event (a series of one date)."""

    id = Serial(primary_key=True)

    class Kind(StrEnum):
        meetup = "meetup"
        lecture = "lecture"
        workshop = "workshop"
        training = "training"
        course = "course"
        network_evening = "network_evening"
        guest_lesson = "guest_lesson"
        meeting = "meeting"

    class Format(StrEnum):
        online = "online"
        in_person = "in_person"
        hybrid = "hybrid"

    class LinkVisibility(StrEnum):
        everyone = "everyone"
        registered = "registered"

    class RegistrationMode(StrEnum):
        required = "required"
        optional = "optional"
        none = "none"

    class Status(StrEnum):
        active = "active"
        cancelled = "cancelled"
        ended = "ended"

    class Admission(StrEnum):
        """Whether people register (and take a place at once) or apply and wait for a yes."""

        register = "register"
        apply = "apply"

    organisation = ForeignKey(references=Organisation, on_delete=OnDelete.cascade, index=True)
    programme = ForeignKey(
        references=Programme, on_delete=OnDelete.set_null, null=True, default=None, index=True
    )
    kind = Varchar(length=24, choices=Kind, default=Kind.meetup)
    slug = Varchar(length=120, unique=True)
    title = Varchar(length=200)
    summary = Varchar(length=500, default="")
    description = Text(default="")
    format = Varchar(length=16, choices=Format, default=Format.online)
    location = Text(default="")
    meeting_url = Varchar(length=500, default="")
    meeting_details = Text(default="")
    link_visibility = Varchar(length=16, choices=LinkVisibility, default=LinkVisibility.registered)
    registration_mode = Varchar(
        length=16, choices=RegistrationMode, default=RegistrationMode.required
    )
    capacity = Integer(null=True, default=None)
    waitlist = Boolean(default=True)
    # Its dates are registered as one (a training of several days, a course): one seat across
    # all of them, one waiting list, one mail.  See events_app.domain.together.
    together = Boolean(default=False)
    registration_opens_at = Timestamptz(null=True, default=None)
    registration_closes_at = Timestamptz(null=True, default=None)
    rrule = Text(null=True, default=None)
    timezone = Varchar(length=64, default="Europe/Amsterdam")
    first_start = Timestamp()
    duration_minutes = Integer(default=60)
    materialised_until = Timestamptz(null=True, default=None)
    language = Varchar(length=2, default="nl")
    tags = JSON(default=[])
    contact_email = Varchar(length=254, default="")
    reminder_hours = Integer(default=24)
    # Shown before registering, on every page of the series and its dates (e.g. "this evening
    # is about suicide; you may leave at any time").
    content_note = Text(default="")
    # Sent once, ``aftercare_hours`` after a date ends, to the people who came (none: empty).
    aftercare_text = Text(default="")
    aftercare_hours = Integer(default=24)
    confirm_first = Boolean(null=True, default=None)  # None: as the organisation says
    # "apply": the form takes applications; registration_closes_at is then their closing time.
    admission = Varchar(length=8, choices=Admission, default=Admission.register)
    published = Boolean(default=False)
    status = Varchar(length=16, choices=Status, default=Status.active)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    revision = Integer(default=0)  # feeds: see the module's docstring

    database_rules: ClassVar[tuple[DatabaseRule, ...]] = (_revision("series"),)


class EventDate(Table):
    """One concrete date of a series: it carries registrations, overrides and a calendar UID."""

    id = Serial(primary_key=True)

    class Status(StrEnum):
        scheduled = "scheduled"
        cancelled = "cancelled"
        skipped = "skipped"

    series = ForeignKey(references=Series, on_delete=OnDelete.cascade, index=True)
    uid = Varchar(length=80, unique=True)
    rule_start = Timestamp(null=True, default=None)
    local_start = Timestamp()
    local_end = Timestamp()
    timezone = Varchar(length=64)
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz()
    status = Varchar(length=16, choices=Status, default=Status.scheduled)
    status_reason = Text(default="")  # as the organiser typed it (their own words)
    # Why the app itself took the date off, as a code the pages, mail and feeds put into the
    # reader's language (events_app/domain/causes.py); "" when the organiser did it.
    status_cause = Varchar(length=32, default="")
    # Set when a schedule change removed a date nobody ever registered for: it is shown on no
    # page or list, and feeds keep it as cancelled for a while (feeds/queries.GHOST_DAYS).
    removed_at = Timestamptz(null=True, default=None)
    topic = Varchar(length=300, default="")
    note = Text(default="")
    capacity = Integer(null=True, default=None)
    location = Text(null=True, default=None)
    meeting_url = Varchar(length=500, null=True, default=None)
    meeting_details = Text(null=True, default=None)
    confirmed_count = Integer(default=0)
    waiting_count = Integer(default=0)
    sequence = Integer(default=0)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    revision = Integer(default=0)  # feeds: see the module's docstring

    database_rules: ClassVar[tuple[DatabaseRule, ...]] = (
        DatabaseRule(
            "event_date_series_rule_start",
            "unique",
            ("series", "rule_start"),
            "a series' rule makes each date once (the materialiser may run twice at once)",
        ),
        DatabaseRule(
            "event_date_counts_non_negative",
            "check",
            ("confirmed_count", "waiting_count"),
            "seats taken and people waiting are never below zero",
        ),
        _revision("event_date"),
    )


class Speaker(Table):
    """A speaker or moderator of a whole series (no date) or of one date."""

    id = Serial(primary_key=True)

    class Role(StrEnum):
        speaker = "speaker"
        moderator = "moderator"

    series = ForeignKey(references=Series, on_delete=OnDelete.cascade, index=True)
    event_date = ForeignKey(
        references=EventDate, on_delete=OnDelete.cascade, null=True, default=None, index=True
    )
    name = Varchar(length=200)
    bio = Text(default="")
    url = Varchar(length=500, default="")
    role = Varchar(length=16, choices=Role, default=Role.speaker)
    position = Integer(default=0)
    revision = Integer(default=0)  # feeds: see the module's docstring

    database_rules: ClassVar[tuple[DatabaseRule, ...]] = (_revision("speaker"),)


class SeriesHost(Table):
    """A host of a whole series (no date) or of one date."""

    id = Serial(primary_key=True)

    account = ForeignKey(references=Account, on_delete=OnDelete.cascade, index=True)
    series = ForeignKey(references=Series, on_delete=OnDelete.cascade, index=True)
    event_date = ForeignKey(
        references=EventDate, on_delete=OnDelete.cascade, null=True, default=None, index=True
    )
    revision = Integer(default=0)  # feeds: see the module's docstring

    database_rules: ClassVar[tuple[DatabaseRule, ...]] = (_revision("series_host"),)


class Material(Table):
    """Slides, a report or a recording, added to a date after it happened: a link (``url``), a
    written text (``body``) or a file kept here (``data``, read only to serve it: listings
    select their columns and never this one)."""

    id = Serial(primary_key=True)

    class Kind(StrEnum):
        link = "link"
        text = "text"
        file = "file"

    event_date = ForeignKey(references=EventDate, on_delete=OnDelete.cascade, index=True)
    title = Varchar(length=200)
    url = Varchar(length=500)
    created_at = Timestamptz()
    kind = Varchar(length=8, default=Kind.link, choices=Kind)
    body = Text(default="")
    file_name = Varchar(length=200, default="")
    content_type = Varchar(length=120, default="")
    size = Integer(default=0)
    data = Bytea(null=True, default=None)


class Question(Table):
    """An extra question asked at registration, for an organisation or for one series."""

    id = Serial(primary_key=True)

    class Kind(StrEnum):
        text = "text"
        choice = "choice"
        yes_no = "yes_no"

    organisation = ForeignKey(references=Organisation, on_delete=OnDelete.cascade, index=True)
    series = ForeignKey(
        references=Series, on_delete=OnDelete.cascade, null=True, default=None, index=True
    )
    label = Varchar(length=300)
    kind = Varchar(length=8, choices=Kind, default=Kind.text)
    choices = JSON(default=[])
    required = Boolean(default=False)
    position = Integer(default=0)


class Attendee(Table):
    """A person known by e-mail address only; the tokens replace an account.

    The manage token reaches the person only by mail, so holding it proves the mailbox;
    ``verified_at`` records the first time they confirmed a registration with it.
    """

    id = Serial(primary_key=True)

    email = Varchar(length=254, unique=True)
    manage_token = Varchar(length=64, unique=True)
    feed_token = Varchar(length=64, unique=True)
    language = Varchar(length=2, default="nl")
    verified_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    revision = Integer(default=0)  # feeds: see the module's docstring

    database_rules: ClassVar[tuple[DatabaseRule, ...]] = (_revision("attendee"),)


class Registration(Table):
    """One person on one date: confirmed, waiting (ordered by ``waiting_since``) or cancelled.

    Name, e-mail, answers and needs are copied here so that retention can anonymise them per
    date while counts and attendance survive.
    """

    id = Serial(primary_key=True)

    class Status(StrEnum):
        confirmed = "confirmed"
        waiting = "waiting"
        cancelled = "cancelled"

    Role = PersonRole  # how someone describes themselves: domain/person.py

    class Attendance(StrEnum):
        """How someone comes to a hybrid date (empty for dates that are not hybrid)."""

        on_site = "on_site"
        online = "online"

    event_date = ForeignKey(references=EventDate, on_delete=OnDelete.cascade)
    attendee = ForeignKey(
        references=Attendee, on_delete=OnDelete.set_null, null=True, default=None, index=True
    )
    name = Varchar(length=200)
    email = Varchar(length=254)
    role = Varchar(length=16, choices=Role, null=True, default=None)
    needs = Text(default="")
    answers = JSON(default={})
    language = Varchar(length=2, default="nl")
    status = Varchar(length=16, choices=Status)
    waiting_since = Timestamptz(null=True, default=None)
    attended = Boolean(null=True, default=None)
    attendance = Varchar(length=8, choices=Attendance, null=True, default=None)
    attendance_recorded_at = Timestamptz(null=True, default=None)
    # Set while a new address has not confirmed ("confirm first"): the seat or queue place is
    # held until then, and given back when nobody confirms.
    hold_until = Timestamptz(null=True, default=None, index=True)
    source = Varchar(length=16, default="self")
    created_at = Timestamptz()
    updated_at = Timestamptz()
    cancelled_at = Timestamptz(null=True, default=None)
    anonymised_at = Timestamptz(null=True, default=None)
    revision = Integer(default=0)  # feeds: see the module's docstring

    database_rules: ClassVar[tuple[DatabaseRule, ...]] = (
        DatabaseRule(
            "registration_event_date_attendee",
            "unique",
            ("event_date", "attendee"),
            "one registration per address and date (an anonymised one has no attendee)",
        ),
        DatabaseRule(
            "registration_queue",
            "index",
            ("event_date", "status", "waiting_since"),
            "a date's registrations by status, the waiting list in order",
        ),
        _revision("registration"),
    )


class Application(Table):
    """One person's application for a date (for an event registered as one: its first day).

    It takes no seat while pending; accepting it registers the person (a place, or the waiting
    list when full) and keeps that registration here.  The person's details and answers are
    copied in, as for a registration, so retention can wipe them the same way.
    """

    id = Serial(primary_key=True)

    class Status(StrEnum):
        pending = "pending"
        accepted = "accepted"
        declined = "declined"
        withdrawn = "withdrawn"

    event_date = ForeignKey(references=EventDate, on_delete=OnDelete.cascade, index=True)
    attendee = ForeignKey(
        references=Attendee, on_delete=OnDelete.set_null, null=True, default=None, index=True
    )
    name = Varchar(length=200)
    email = Varchar(length=254)
    role = Varchar(length=16, choices=PersonRole, null=True, default=None)
    needs = Text(default="")
    answers = JSON(default={})
    language = Varchar(length=2, default="nl")
    attendance = Varchar(length=8, choices=Registration.Attendance, null=True, default=None)
    status = Varchar(length=16, choices=Status, default=Status.pending)
    message = Text(default="")  # the kind words sent with a decline
    registration = ForeignKey(
        references=Registration, on_delete=OnDelete.set_null, null=True, default=None
    )
    created_at = Timestamptz()
    updated_at = Timestamptz()
    decided_at = Timestamptz(null=True, default=None)
    anonymised_at = Timestamptz(null=True, default=None)

    database_rules: ClassVar[tuple[DatabaseRule, ...]] = (
        DatabaseRule(
            "application_event_date_attendee",
            "unique",
            ("event_date", "attendee"),
            "one application per address and date (an anonymised one has no attendee)",
        ),
    )


class SeriesSubscription(Table):
    """Registered for a whole series: every future date, and new dates as they are added."""

    id = Serial(primary_key=True)

    series = ForeignKey(references=Series, on_delete=OnDelete.cascade, index=True)
    attendee = ForeignKey(references=Attendee, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=200)
    role = Varchar(length=16, choices=Registration.Role, null=True, default=None)
    needs = Text(default="")
    answers = JSON(default={})
    language = Varchar(length=2, default="nl")
    attendance = Varchar(length=8, choices=Registration.Attendance, null=True, default=None)
    hold_until = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    cancelled_at = Timestamptz(null=True, default=None)

    database_rules: ClassVar[tuple[DatabaseRule, ...]] = (
        DatabaseRule(
            "series_subscription_series_attendee",
            "unique",
            ("series", "attendee"),
            "one whole-series registration per address and series",
        ),
    )


class Follower(Table):
    """An address that follows an organisation, one of its series or one of its topics.

    Double opt-in: the row exists from the request, ``confirmed_at`` only after the click in
    the mail; an unconfirmed row is deleted after a week.  ``target`` is ``organisation``,
    ``series:<id>`` or ``topic:<tag>`` (one key, so one row per address and thing followed).
    The private link's token is never stored: it is an HMAC of ``salt`` with the secret key,
    and ``token_hash`` (its SHA-256) finds the row.  Unfollowing deletes the row.
    """

    class Digest(StrEnum):
        daily = "daily"  # "at once", at most one mail a day
        weekly = "weekly"

    id = Serial(primary_key=True)

    organisation = ForeignKey(references=Organisation, on_delete=OnDelete.cascade, index=True)
    series = ForeignKey(
        references=Series, on_delete=OnDelete.cascade, null=True, default=None, index=True
    )
    target = Varchar(length=60)
    email = Varchar(length=254, index=True)
    language = Varchar(length=2, default="nl")
    digest = Varchar(length=8, choices=Digest, default=Digest.daily)
    salt = Varchar(length=64)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz()
    confirmed_at = Timestamptz(null=True, default=None)
    last_digest_at = Timestamptz(null=True, default=None)

    database_rules: ClassVar[tuple[DatabaseRule, ...]] = (
        DatabaseRule(
            "follower_organisation_target_email",
            "unique",
            ("organisation", "target", "email"),
            "one follow per address and thing followed",
        ),
    )


class Announcement(Table):
    """A message an organiser sent to the organisation's confirmed followers (no addresses)."""

    id = Serial(primary_key=True)

    organisation = ForeignKey(references=Organisation, on_delete=OnDelete.cascade, index=True)
    account = ForeignKey(references=Account, on_delete=OnDelete.set_null, null=True, default=None)
    audience = Varchar(length=60)  # "all", "series:<id>" or "topic:<tag>"
    subject = Varchar(length=200)
    body = Text()
    date_ids = JSON(default=[])
    recipients = Integer(default=0)
    sent_at = Timestamptz()


class OutboxMail(Table):
    """A mail to send, written in the same transaction as the change that causes it.

    ``message_id`` is fixed when the row is written, so a mail repeated after a crash can be
    recognised; ``dedupe_key`` stops the same logical mail from being queued twice.
    ``held`` mails were never sent because one address had too many mails within the hour;
    ``skipped`` ones were deliberately not sent (the person's data was removed, the date was
    cancelled before it went out); ``failed`` is for mails that could not be delivered.
    """

    id = Serial(primary_key=True)

    class Status(StrEnum):
        pending = "pending"
        sent = "sent"
        failed = "failed"
        held = "held"
        skipped = "skipped"

    message_id = Varchar(length=200, unique=True)
    dedupe_key = Varchar(length=200, unique=True, null=True, default=None)
    kind = Varchar(length=32)
    organisation = ForeignKey(
        references=Organisation, on_delete=OnDelete.set_null, null=True, default=None
    )
    event_date = ForeignKey(
        references=EventDate, on_delete=OnDelete.set_null, null=True, default=None
    )
    registration = ForeignKey(
        references=Registration, on_delete=OnDelete.set_null, null=True, default=None
    )
    to_email = Varchar(length=254)
    to_name = Varchar(length=200, default="")
    language = Varchar(length=2, default="nl")
    context = JSON(default={})
    status = Varchar(length=16, choices=Status, default=Status.pending)
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz()
    locked_until = Timestamptz(null=True, default=None)
    last_error = Text(default="")
    created_at = Timestamptz()
    sent_at = Timestamptz(null=True, default=None)

    database_rules: ClassVar[tuple[DatabaseRule, ...]] = (
        DatabaseRule(
            "outbox_due",
            "index",
            ("status", "next_attempt_at"),
            "the delivery worker's next mails",
        ),
    )


class AuditLog(Table):
    """Who changed what, when: every organiser action writes a row."""

    id = Serial(primary_key=True)

    organisation = ForeignKey(
        references=Organisation, on_delete=OnDelete.set_null, null=True, default=None, index=True
    )
    account = ForeignKey(references=Account, on_delete=OnDelete.set_null, null=True, default=None)
    action = Varchar(length=64)
    entity = Varchar(length=32)
    entity_id = BigInt(null=True, default=None)
    detail = JSON(default={})
    created_at = Timestamptz(index=True)


class JobLock(Table):
    """A scheduled job's lease, so that one worker among many runs it at a time."""

    id = Serial(primary_key=True)

    name = Varchar(length=64, unique=True)
    locked_until = Timestamptz(null=True, default=None)
    last_run_at = Timestamptz(null=True, default=None)


class PasswordReset(Table):
    """A short-lived, single-use link to choose a new password; only its SHA-256 is stored."""

    id = Serial(primary_key=True)

    account = ForeignKey(references=Account, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class Invitation(Table):
    """An invitation by mail to become organiser or host of an organisation."""

    id = Serial(primary_key=True)

    organisation = ForeignKey(references=Organisation, on_delete=OnDelete.cascade, index=True)
    email = Varchar(length=254)
    name = Varchar(length=200, default="")
    role = Varchar(length=16, choices=Membership.Role, default=Membership.Role.host)
    token_hash = Varchar(length=64, unique=True)
    invited_by = ForeignKey(
        references=Account, on_delete=OnDelete.set_null, null=True, default=None
    )
    created_at = Timestamptz()
    expires_at = Timestamptz()
    accepted_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class CertificateRule(Table):
    """When someone of a series or a programme earns a certificate of participation: a share
    of the held dates or a number of hours (``events_app/domain/certificates.py``).  One per
    series or programme; exactly one of the two is set."""

    id = Serial(primary_key=True)

    class Measure(StrEnum):
        percent = "percent"
        hours = "hours"

    organisation = ForeignKey(references=Organisation, on_delete=OnDelete.cascade, index=True)
    series = ForeignKey(
        references=Series, on_delete=OnDelete.cascade, null=True, default=None, unique=True
    )
    programme = ForeignKey(
        references=Programme, on_delete=OnDelete.cascade, null=True, default=None, unique=True
    )
    measure = Varchar(length=8, choices=Measure, default=Measure.percent)
    threshold = Integer(default=80)
    updated_at = Timestamptz()


class Certificate(Table):
    """An issued certificate: what it says, kept as issued (a snapshot), so it stays true when
    the registrations behind it are anonymised or the series is deleted.  ``code`` is what the
    public verification page is asked for; ``attendee`` only says whom to mail it to (gone when
    the person deletes their data; the certificate stays).  ``sent_count``: how often it was
    mailed (each send is one outbox row with its own dedupe key)."""

    id = Serial(primary_key=True)

    organisation = ForeignKey(references=Organisation, on_delete=OnDelete.cascade, index=True)
    series = ForeignKey(
        references=Series, on_delete=OnDelete.set_null, null=True, default=None, index=True
    )
    programme = ForeignKey(
        references=Programme, on_delete=OnDelete.set_null, null=True, default=None, index=True
    )
    attendee = ForeignKey(
        references=Attendee, on_delete=OnDelete.set_null, null=True, default=None, index=True
    )
    code = Varchar(length=32, unique=True)
    name = Varchar(length=200)
    title = Varchar(length=200)
    organisation_name = Varchar(length=200)
    dates = JSON(default=[])  # the attended dates, ISO days in the series' zone
    minutes = Integer(default=0)
    language = Varchar(length=2, default="nl")
    issued_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
    sent_count = Integer(default=0)


class ExpertRequest(Table):
    """A school's or care organisation's request for a guest lesson, a training or a speaker.

    The requester has no account: the private link's token is an HMAC of ``salt`` (as for a
    follow) and reaches them only by mail; ``token_hash`` finds the row.  ``series`` is the
    event an accepted proposal became.  Rules of its states: ``domain/expert_requests.py``.
    """

    id = Serial(primary_key=True)

    Kind = RequestKind  # the one enumeration of each (domain/expert_requests.py)
    Status = RequestStatus

    organisation = ForeignKey(references=Organisation, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=16, choices=Kind, default=Kind.guest_lesson)
    topic = Varchar(length=200)
    audience = Varchar(length=300, default="")  # e.g. "second-year nursing students"
    people = Integer(null=True, default=None)
    preferred_days = JSON(default=[])  # up to three ISO days
    period = Varchar(length=200, default="")  # or a period in words ("March or April")
    format = Varchar(length=16, choices=Series.Format, default=Series.Format.in_person)
    address = Text(default="")
    requester_organisation = Varchar(length=200, default="")  # the school, the care team
    contact_name = Varchar(length=200)
    contact_email = Varchar(length=254, index=True)
    notes = Text(default="")
    language = Varchar(length=2, default="nl")
    status = Varchar(length=16, choices=Status, default=Status.new)
    salt = Varchar(length=64)
    token_hash = Varchar(length=64, unique=True)
    series = ForeignKey(
        references=Series, on_delete=OnDelete.set_null, null=True, default=None, index=True
    )
    created_at = Timestamptz(index=True)
    updated_at = Timestamptz()
    answered_at = Timestamptz(null=True, default=None)  # the organisation's first answer
    closed_at = Timestamptz(null=True, default=None)  # declined, withdrawn or done
    anonymised_at = Timestamptz(null=True, default=None)


class RequestEntry(Table):
    """One line of a request's history: who did what, and the messages exchanged.

    ``shared`` lines are shown to the requester too (their own messages, the organisation's
    answers, proposals); the rest (an expert asked, a note) only to organisers.
    """

    id = Serial(primary_key=True)

    class Actor(StrEnum):
        requester = "requester"
        organiser = "organiser"
        expert = "expert"
        system = "system"

    request = ForeignKey(references=ExpertRequest, on_delete=OnDelete.cascade, index=True)
    at = Timestamptz()
    actor = Varchar(length=16, choices=Actor)
    account = ForeignKey(references=Account, on_delete=OnDelete.set_null, null=True, default=None)
    action = Varchar(length=32)  # what happened, as a code the pages put into words
    status = Varchar(length=16, choices=ExpertRequest.Status, null=True, default=None)
    text = Text(default="")
    shared = Boolean(default=False)


class Expert(Table):
    """A person of the organisation who gives lessons, kept with their consent (``consent_at``,
    and how it was given), seen only by the organisation's organisers.  ``account`` links an
    expert who also logs in (then they host the events they give)."""

    id = Serial(primary_key=True)

    organisation = ForeignKey(references=Organisation, on_delete=OnDelete.cascade, index=True)
    account = ForeignKey(
        references=Account, on_delete=OnDelete.set_null, null=True, default=None, index=True
    )
    name = Varchar(length=200)
    email = Varchar(length=254)
    topics = JSON(default=[])
    languages = JSON(default=["nl"])
    region = Varchar(length=120, default="")
    availability = Text(default="")  # in their own words ("not on Mondays")
    fee_cents = Integer(default=0)  # the usual fee per booking, in euro cents
    consent_at = Timestamptz()
    consent_note = Varchar(length=300, default="")  # how consent was given
    active = Boolean(default=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()

    database_rules: ClassVar[tuple[DatabaseRule, ...]] = (
        DatabaseRule(
            "expert_fee_non_negative", "check", ("fee_cents",), "a fee is never below zero"
        ),
        DatabaseRule(
            "expert_organisation_email",
            "unique",
            ("organisation", "email"),
            "one pool entry per address and organisation",
        ),
    )


class ExpertAsk(Table):
    """An expert asked to give what a request asks; they answer through a private link (the
    token is an HMAC of ``salt``, only its SHA-256 is stored)."""

    id = Serial(primary_key=True)

    class Status(StrEnum):
        asked = "asked"
        accepted = "accepted"
        declined = "declined"
        withdrawn = "withdrawn"  # the organiser no longer needs them

    request = ForeignKey(references=ExpertRequest, on_delete=OnDelete.cascade, index=True)
    expert = ForeignKey(references=Expert, on_delete=OnDelete.cascade, index=True)
    status = Varchar(length=16, choices=Status, default=Status.asked)
    message = Text(default="")  # the organiser's words to the expert
    answer = Text(default="")  # the expert's words back
    salt = Varchar(length=64)
    token_hash = Varchar(length=64, unique=True)
    asked_at = Timestamptz()
    answered_at = Timestamptz(null=True, default=None)

    database_rules: ClassVar[tuple[DatabaseRule, ...]] = (
        DatabaseRule(
            "expert_ask_request_expert",
            "unique",
            ("request", "expert"),
            "an expert is asked once per request",
        ),
    )


class Proposal(Table):
    """A date, time, place or link and an expert, offered to the requester.  Accepted, it
    becomes an event (``series``, one date) and the booking behind the expert's fee."""

    id = Serial(primary_key=True)

    class Status(StrEnum):
        proposed = "proposed"
        accepted = "accepted"
        declined = "declined"
        withdrawn = "withdrawn"

    request = ForeignKey(references=ExpertRequest, on_delete=OnDelete.cascade, index=True)
    expert = ForeignKey(
        references=Expert, on_delete=OnDelete.set_null, null=True, default=None, index=True
    )
    expert_name = Varchar(length=200, default="")  # as it was when proposed (for the fee list)
    account = ForeignKey(references=Account, on_delete=OnDelete.set_null, null=True, default=None)
    local_start = Timestamp()
    timezone = Varchar(length=64, default="Europe/Amsterdam")
    duration_minutes = Integer(default=90)
    format = Varchar(length=16, choices=Series.Format, default=Series.Format.in_person)
    location = Text(default="")
    meeting_url = Varchar(length=500, default="")
    title = Varchar(length=200)
    note = Text(default="")  # the organisation's words with it
    fee_cents = Integer(default=0)  # the expert's fee for this booking, in euro cents
    public = Boolean(default=False)  # shown in the public agenda once it is an event
    status = Varchar(length=16, choices=Status, default=Status.proposed)
    answer = Text(default="")  # the requester's words when declining
    series = ForeignKey(
        references=Series, on_delete=OnDelete.set_null, null=True, default=None, index=True
    )
    created_at = Timestamptz()
    decided_at = Timestamptz(null=True, default=None)

    database_rules: ClassVar[tuple[DatabaseRule, ...]] = (
        DatabaseRule(
            "proposal_fee_non_negative",
            "check",
            ("fee_cents",),
            "a fee is never below zero",
        ),
    )


class Throttle(Table):
    """A counter per key (a hashed e-mail address, a client address) shared by all processes:
    failed logins and rate limits hold here, not in one process's memory."""

    id = Serial(primary_key=True)

    key = Varchar(length=200, unique=True)
    hits = Integer(default=0)
    window_start = Timestamptz()
    blocked_until = Timestamptz(null=True, default=None)


# Each table's CHECK rules for its choice columns, made from the enumerations themselves so a
# new value cannot be forgotten here (the migration that changes a CHECK must follow; the test
# of the database rules compares the live rules' values with the enumerations).
for _name in __all__:
    _table: type[Table] = globals()[_name]
    _table.database_rules = (  # type: ignore[attr-defined]
        *getattr(_table, "database_rules", ()),
        *choice_rules(_table),
    )
