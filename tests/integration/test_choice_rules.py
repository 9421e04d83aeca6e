"""Status, kind and role columns hold only their enumeration's values, on both engines.

``tables.choice_rules`` declares one CHECK rule per column with ``choices``; the migration made
them (PostgreSQL: CHECK constraints, SQLite: triggers).  The attacker's view: a bare UPDATE or
INSERT, written past the ORM and every service, with a value outside the enumeration is
refused, a NULL too where the column does not allow it; every listed value is still taken.  And
the values the database checks are the enumeration's, so a value added in ``tables.py`` without
a migration fails here.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
from piccolo.columns import Column
from piccolo.table import Table

import events_app.tables as tables
from events_app import clock, db
from events_app.registration import registrations
from events_app.tables import (
    Application,
    CertificateRule,
    Expert,
    ExpertAsk,
    ExpertRequest,
    Follower,
    Invitation,
    Material,
    Programme,
    Proposal,
    Question,
    RequestEntry,
    SeriesSubscription,
    Speaker,
)
from tests.factories import make_date, make_organiser, series_of

TABLES: list[type[Table]] = [getattr(tables, name) for name in tables.__all__]
CHOICE_COLUMNS: list[tuple[type[Table], Column]] = [
    (table, column)
    for table in TABLES
    for column in table._meta.columns
    if column._meta.choices is not None
]


def _values(column: Column) -> set[str]:
    choices = column._meta.choices
    assert choices is not None
    return {str(choice.value) for choice in choices}


def _rule(table: type[Table], column: Column) -> str:
    return f"{table._meta.tablename}_{column._meta.db_column_name}_choice"


async def _one_row_in_every_table() -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    [date] = await make_date(org)
    series = await series_of(date)
    now = clock.now()
    await registrations.register([date], name="Anna", email="anna@example.org", role="expert")
    attendee = (await db.execute("SELECT id FROM attendee"))[0]["id"]
    await Programme.insert(
        Programme(organisation=org, slug="week", title="Week", created_at=now, updated_at=now)
    )
    await Speaker.insert(Speaker(series=series, name="Sam Spreker"))
    await Material.insert(
        Material(event_date=date, title="Dia's", url="https://example.org/d", created_at=now)
    )
    await Question.insert(Question(organisation=org, series=series, label="Waarom?"))
    await Application.insert(
        Application(
            event_date=date,
            attendee=attendee,
            name="Anna",
            email="anna@example.org",
            role="expert",
            attendance="online",
            created_at=now,
            updated_at=now,
        )
    )
    await SeriesSubscription.insert(
        SeriesSubscription(series=series, attendee=attendee, name="Anna", created_at=now)
    )
    await CertificateRule.insert(
        CertificateRule(organisation=org, series=series, threshold=80, updated_at=now)
    )
    await Invitation.insert(
        Invitation(
            organisation=org,
            email="nieuw@example.org",
            token_hash="0" * 64,
            created_at=now,
            expires_at=now,
        )
    )
    await Follower.insert(
        Follower(
            organisation=org,
            target="organisation",
            email="volger@example.org",
            salt="0" * 32,
            token_hash="1" * 64,
            created_at=now,
        )
    )
    request = await ExpertRequest.insert(
        ExpertRequest(
            organisation=org,
            topic="Herstel",
            contact_name="Bo",
            contact_email="bo@example.org",
            salt="0" * 32,
            token_hash="2" * 64,
            created_at=now,
            updated_at=now,
        )
    )
    request_id = request[0]["id"]
    await RequestEntry.insert(
        RequestEntry(request=request_id, at=now, actor="requester", action="created", status="new")
    )
    expert = await Expert.insert(
        Expert(
            organisation=org,
            name="Kim",
            email="kim@example.org",
            consent_at=now,
            created_at=now,
            updated_at=now,
        )
    )
    await ExpertAsk.insert(
        ExpertAsk(
            request=request_id,
            expert=expert[0]["id"],
            salt="0" * 32,
            token_hash="3" * 64,
            asked_at=now,
        )
    )
    await Proposal.insert(
        Proposal(
            request=request_id,
            local_start=datetime(2027, 3, 1, 14, 0),  # noqa: DTZ001 - wall-clock time
            title="Gastles",
            created_at=now,
        )
    )


def test_every_choice_column_has_its_rule_declared() -> None:
    declared = {
        (table._meta.tablename, rule.name, rule.columns)
        for table in TABLES
        for rule in getattr(table, "database_rules", ())
        if rule.kind == "check"
    }
    for table, column in CHOICE_COLUMNS:
        name = column._meta.db_column_name
        assert (table._meta.tablename, _rule(table, column), (name,)) in declared
    # the columns the issue names are among them
    names = {
        f"{table._meta.tablename}.{column._meta.db_column_name}" for table, column in CHOICE_COLUMNS
    }
    assert {
        "series.status",
        "series.kind",
        "series.format",
        "series.link_visibility",
        "series.registration_mode",
        "event_date.status",
        "registration.status",
        "registration.role",
        "outbox_mail.status",
        "membership.role",
        "question.kind",
        "programme.selection",
        "speaker.role",
    } <= names


async def _live_values(table: type[Table], column: Column) -> set[str]:
    """The values the database's own rule lists, read from its definition."""
    name = _rule(table, column)
    if db.is_postgres():
        rows = await db.execute(
            "SELECT pg_get_constraintdef(oid) AS sql FROM pg_constraint WHERE conname = {}", name
        )
        assert len(rows) == 1, name
        condition = rows[0]["sql"]
    else:
        rows = await db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        found = {row["name"]: row["sql"] for row in rows}
        update, insert = found[name], found[f"{name}_new"]
        conditions = [re.search(r"WHEN (.*) BEGIN", sql, re.S) for sql in (update, insert)]
        assert conditions[0] and conditions[1], name
        assert conditions[0].group(1) == conditions[1].group(1), name
        condition = conditions[0].group(1)
    return set(re.findall(r"'([^']*)'", condition))


async def test_the_database_checks_exactly_the_enumerations_values() -> None:
    for table, column in CHOICE_COLUMNS:
        assert await _live_values(table, column) == _values(column), _rule(table, column)


async def _refused(sql: str, *values: Any) -> str:
    with pytest.raises(Exception) as refused:
        await db.execute(sql, *values)
    return str(refused.value)


async def test_a_bare_update_with_an_unlisted_value_is_refused() -> None:
    await _one_row_in_every_table()
    for table, column in CHOICE_COLUMNS:
        tablename, name = table._meta.tablename, column._meta.db_column_name
        [row] = await db.execute(f"SELECT id, {name} AS value FROM {tablename}")
        update = f"UPDATE {tablename} SET {name} = {{}} WHERE id = {{}}"
        for bad in ("bogus", "", row["value"].upper() if row["value"] else "EXPERT"):
            assert _rule(table, column) in await _refused(update, bad, row["id"]), (table, bad)
        if not column._meta.null:
            await _refused(update, None, row["id"])  # NOT NULL or the rule: either way
        [after] = await db.execute(f"SELECT {name} AS value FROM {tablename}")
        assert after["value"] == row["value"]
        # every listed value (and NULL where allowed) is still taken
        for good in sorted(_values(column)) + ([None] if column._meta.null else []):
            await db.execute(update, good, row["id"])
        await db.execute(update, row["value"], row["id"])


async def test_a_bare_insert_with_an_unlisted_value_is_refused() -> None:
    await _one_row_in_every_table()
    for table, column in CHOICE_COLUMNS:
        tablename, name = table._meta.tablename, column._meta.db_column_name
        [row] = await table.select().output(nested=False)
        row.pop("id")
        copy = table(**{**row, name: "bogus"})
        with pytest.raises(Exception) as refused:
            await table.insert(copy)
        assert _rule(table, column) in str(refused.value), (tablename, refused.value)
        assert await table.count() == 1
