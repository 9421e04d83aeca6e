"""Feed versions follow the revisions the database keeps: whatever changes a feed's bytes
changes its version, or calendars would get 304 Not Modified for a feed that changed.

Every column of every table a feed reads is changed with a bare UPDATE (no service, so no
``updated_at`` or ``sequence`` is touched for it), each feed is rendered afresh, and a feed whose
bytes changed must have a new version.  A column that feeds show but that no revision trigger
lists fails here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    ForeignKey,
    Integer,
    Text,
    Timestamp,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import Column
from piccolo.table import Table

from events_app import clock, db, urls
from events_app.domain.errors import NotFound
from events_app.feeds import cache
from events_app.feeds.queries import PublicScope
from events_app.feeds.service import PublicFeed, host_feed, personal_feed, public_feed
from events_app.tables import (
    Account,
    Attendee,
    EventDate,
    Organisation,
    Programme,
    Registration,
    Series,
    SeriesHost,
    Speaker,
)
from tests.factories import make_organisation
from tests.feed_factories import (
    make_attendee,
    make_feed_date,
    make_host,
    make_host_account,
    make_programme,
    make_series,
    make_speaker,
    register,
    wall,
)

NOW = datetime(2026, 9, 15, 10, 0, tzinfo=UTC)
# The tables whose rows feeds are made of (queries.py: the dates with their series and
# organisation, speakers, programmes, registrations and who holds them, host assignments).
FEED_TABLES: tuple[type[Table], ...] = (
    Organisation,
    Programme,
    Series,
    EventDate,
    Speaker,
    SeriesHost,
    Attendee,
    Registration,
    Account,
)
# Columns not changed here.  Everything else is, and must either leave every feed's bytes
# as they were or change its version.
NOT_CHANGED = {
    "id",  # a row's identity: never updated (references follow it)
    "revision",  # the counter itself
}
HOST_TOKEN = "h" * 40

Feeds = dict[str, tuple[object, bytes]]


@pytest.fixture(autouse=True)
def frozen_now() -> Iterator[datetime]:
    cache.clear()
    with clock.frozen(NOW) as now:
        yield now


async def _setup() -> dict[str, Any]:
    """Two of everything: one in the feeds' scope, one to move a reference to."""
    org = await make_organisation("stadsnetwerk", "Stadsnetwerk")
    other_org = await make_organisation("ander-netwerk", "Ander netwerk")
    programme = await make_programme(org, "werkweek")
    other_programme = await make_programme(other_org, "andere-week")
    series = await make_series(
        org,
        "ervaring",
        programme=programme,
        format="hybrid",
        location="Buurthuis, Amsterdam",
        meeting_url="https://meet.example.org/ervaring",
        meeting_details="Code 1234",
        link_visibility="everyone",
        capacity=10,
        tags=["zorg"],
        contact_email="ervaring@example.org",
    )
    other = await make_series(org, "lezingen", programme=programme, format="in_person")
    first = await make_feed_date(series, wall(2026, 10, 1, 15))
    second = await make_feed_date(
        series, wall(2026, 10, 8, 15), topic="Slapen", note="Neem iets mee", capacity=2
    )
    third = await make_feed_date(other, wall(2026, 10, 15, 19))
    await make_speaker(series, "Sam Spreker")
    await make_speaker(series, "Dana Datum", date_id=first, role="moderator")
    await make_speaker(series, "Tess Tweede")
    me = await make_attendee("ik@example.org")
    ahead = await make_attendee("eerder@example.org")
    stranger = await make_attendee("ander@example.org", language="en")
    await register(first, me)
    await register(second, ahead, status="waiting", name="Eerder")
    await register(second, me, status="waiting")
    host = await make_host_account(token=HOST_TOKEN)
    other_host = await make_host_account("ander@example.org", language="en", token="a" * 40)
    await make_host(host, series)
    await make_host(host, other, third)
    return {
        "org": org,
        "programme": programme,
        "series": series,
        "first": first,
        "me": me,
        "host": host,
        # Rows only there to point references at (in no feed's scope): not changed.
        "spare": {
            Organisation: {other_org},
            Programme: {other_programme},
            Attendee: {stranger.id},
            Account: {other_host},
        },
    }


async def _public(kind: str, scope: PublicScope, url: str) -> tuple[object, bytes]:
    entry = await public_feed(PublicFeed(kind=kind, scope=scope, language="nl", url=url))  # type: ignore[arg-type]
    return entry.version, entry.body


async def _render(ids: dict[str, Any]) -> Feeds:
    """Every feed the rows are in, rendered afresh (addressed by the slugs and tokens of now).
    Rendered dates are kept: they are cached by everything they are made of."""
    cache.feed_cache.clear()
    cache.version_cache.clear()
    programme = (
        await Programme.select(Programme.slug).where(Programme.id == ids["programme"]).first()
    )
    series = await Series.select(Series.slug).where(Series.id == ids["series"]).first()
    org = await Organisation.select(Organisation.slug).where(Organisation.id == ids["org"]).first()
    me = await Attendee.select(Attendee.feed_token).where(Attendee.id == ids["me"].id).first()
    host = await Account.select(Account.host_feed_token).where(Account.id == ids["host"]).first()
    assert programme and series and org and me and host
    feeds: dict[str, Any] = {
        "programme": lambda: _public(
            "programme",
            PublicScope(programme=programme["slug"]),
            urls.programme_feed(programme["slug"]),
        ),
        "organisation": lambda: _public(
            "organisation",
            PublicScope(organisation=org["slug"]),
            urls.organisation_feed(org["slug"]),
        ),
        "series": lambda: _public(
            "series", PublicScope(series=series["slug"]), urls.series_feed(series["slug"])
        ),
        "all": lambda: _public("all", PublicScope(), urls.all_feed()),
        "date": lambda: _public(
            "date", PublicScope(date_id=ids["first"]), urls.date_ics(ids["first"])
        ),
        "personal": lambda: _entry(personal_feed(me["feed_token"])),
        "host": lambda: _entry(host_feed(host["host_feed_token"] or "")),
    }
    found: Feeds = {}
    for name, read in feeds.items():
        try:
            found[name] = await read()
        except NotFound:
            found[name] = ("not found", b"")
    return found


async def _entry(reading: Any) -> tuple[object, bytes]:
    entry = await reading
    return entry.version, entry.body


def _stale(before: Feeds, after: Feeds) -> list[str]:
    """The feeds whose bytes changed while their version stayed."""
    return [
        name
        for name, (version, body) in after.items()
        if body != before[name][1] and version == before[name][0]
    ]


async def _others(column: ForeignKey[Any], current: object) -> list[int]:
    target = column._foreign_key_meta.resolved_references
    rows = await target.select(target._meta.primary_key).order_by(target._meta.primary_key)
    return [row["id"] for row in rows if row["id"] != current]


def _changed(column: Column, current: Any, step: int) -> Any:
    """Another valid value for the column; ``step`` (1, 2, …) makes each row's different."""
    name = column._meta.name
    if isinstance(column, Boolean):
        return not current
    if isinstance(column, Integer | BigInt):
        return (current or 0) + step
    if isinstance(column, Timestamp | Timestamptz):
        if current is not None:
            return current + timedelta(days=step)
        moment = NOW + timedelta(minutes=step)
        return moment if isinstance(column, Timestamptz) else moment.replace(tzinfo=None)
    if isinstance(column, JSON):
        loaded = json.loads(current) if isinstance(current, str) else current
        return [*loaded, f"nieuw{step}"] if isinstance(loaded, list) else {**loaded, "x": step}
    if column._meta.choices is not None:
        choices = [choice.value for choice in column._meta.choices]  # type: ignore[attr-defined]
        return next(choice for choice in choices if choice != current)
    if name == "language":
        return "en" if current == "nl" else "nl"
    if name == "timezone":
        return "Europe/London" if current != "Europe/London" else "Europe/Amsterdam"
    if isinstance(column, Varchar | Text):
        text = current or ""
        if isinstance(column, Varchar):
            text = text[: column.length - 3]
        return f"{text}-x{step}"
    raise AssertionError(f"no other value known for {column._meta.table._meta.tablename}.{name}")


async def _refer_elsewhere(
    table: type[Table], column: ForeignKey[Any], row_id: int, current: object
) -> None:
    """Point a reference at another row: the first one no unique index refuses."""
    for other in await _others(column, current):
        try:
            await table.update({column: other}).where(table._meta.primary_key == row_id)
            return
        except Exception as exc:
            if not db.is_unique_violation(exc):
                raise
    raise AssertionError(f"no other row for {table._meta.tablename}.{column._meta.name}")


async def test_every_column_a_feed_shows_changes_its_version() -> None:
    """A column's new values go into every row in scope at once (a trigger lists columns, not
    rows), later rows moved less than earlier ones, so that an order among them (a waiting
    list's) changes too; a reference is moved one row at a time (unique indexes)."""
    ids = await _setup()
    state = await _render(ids)
    assert all(body for _, body in state.values()), "every feed exists at the start"
    checked: list[str] = []
    stale: list[str] = []
    for table in FEED_TABLES:
        key = table._meta.primary_key
        for column in table._meta.columns:
            name = column._meta.name
            if name in NOT_CHANGED:
                continue
            rows = [
                row
                for row in await table.select(key, column).order_by(key)
                if row["id"] not in ids["spare"].get(table, ())
            ]
            changes = [[row] for row in rows] if isinstance(column, ForeignKey) else [rows]
            for change in changes:
                for step, row in enumerate(reversed(change), start=1):
                    if isinstance(column, ForeignKey):
                        await _refer_elsewhere(table, column, row["id"], row[name])
                    else:
                        new = _changed(column, row[name], step)
                        await table.update({column: new}).where(key == row["id"])
                changed = await _render(ids)
                stale += [f"{table._meta.tablename}.{name}: {f}" for f in _stale(state, changed)]
                for row in change:
                    await table.update({column: row[name]}).where(key == row["id"])
                state = await _render(ids)
                stale += [
                    f"{table._meta.tablename}.{name} (back): {f}" for f in _stale(changed, state)
                ]
            checked.append(f"{table._meta.tablename}.{name}")
    assert not stale, f"feeds changed without a new version: {stale}"
    assert len(checked) > 80


async def test_rows_entering_and_leaving_a_feed_change_its_version() -> None:
    ids = await _setup()
    state = await _render(ids)

    async def step(*expected: str) -> None:
        nonlocal state
        new = await _render(ids)
        assert not _stale(state, new)
        for name in expected:
            assert new[name][1] != state[name][1], f"{name}: the bytes did not change"
            assert new[name][0] != state[name][0], f"{name}: the version did not change"
        state = new

    date = await make_feed_date(ids["series"], wall(2026, 10, 22, 15))
    await step("programme", "organisation", "series", "all", "host")
    await EventDate.delete().where(EventDate.id == date)
    await step("programme", "organisation", "series", "all", "host")
    # Another date in its place (on SQLite the same id): a different row all the same.
    await make_feed_date(ids["series"], wall(2026, 10, 29, 15))
    await step("programme", "organisation", "series", "all", "host")

    await make_speaker(ids["series"], "Nieuwe Spreker")
    await step("programme", "series", "host")
    newest = await Speaker.select(Speaker.id).order_by(Speaker.id, ascending=False).first()
    assert newest is not None
    await Speaker.delete().where(Speaker.id == newest["id"])
    await step("programme", "series", "host")

    later = await make_feed_date(ids["series"], wall(2026, 11, 5, 15))
    state = await _render(ids)
    registration = await register(later, ids["me"])
    await step("personal")
    await Registration.delete().where(Registration.id == registration)
    await step("personal")

    await make_host(ids["host"], ids["series"], later)
    await (
        SeriesHost.delete()
        .where(SeriesHost.series == ids["series"])
        .where(SeriesHost.event_date.is_null())
    )
    await step("host")
