"""The rules the database keeps are the ones ``events_app/tables.py`` declares, on each engine.

A freshly migrated database (the run's own, on SQLite or PostgreSQL) is read back: every unique
constraint, index, CHECK rule and trigger on the tables must be declared in ``tables.py`` — by a
column (``unique=True``, ``index=True``) or in its table's ``database_rules`` — and everything
declared must exist.  Then the attacker's view: bare statements that break a unique pair or
take a counter below zero, written past every service, are refused.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from piccolo.table import Table

import events_app.tables as tables
from events_app import clock, db
from events_app.registration import registrations
from events_app.tables import (
    DatabaseRule,
    EventDate,
    Membership,
    Registration,
    SeriesSubscription,
)
from tests.factories import make_date, make_organisation, make_organiser

# (kind, table, columns, name): single-column indexes are named by each engine its own way
# (PostgreSQL ``…_key``, SQLite ``sqlite_autoindex_…``), so they are compared without a name.
Index = tuple[str, str, tuple[str, ...], str]
# (kind, table, name) of a CHECK rule or a trigger as the engine holds it
Named = tuple[str, str, str]

TABLES: list[type[Table]] = [getattr(tables, name) for name in tables.__all__]
NAMES = {table._meta.tablename for table in TABLES}


def _rules(table: type[Table]) -> tuple[DatabaseRule, ...]:
    rules: tuple[DatabaseRule, ...] = getattr(table, "database_rules", ())
    return rules


def declared(postgres: bool) -> tuple[set[Index], set[Named]]:
    """What tables.py says the migrated database holds, on this engine."""
    indexes: set[Index] = set()
    named: set[Named] = set()
    for table in TABLES:
        name = table._meta.tablename
        for column in table._meta.columns:
            if column._meta.primary_key:
                continue
            if column._meta.unique:
                indexes.add(("unique", name, (column._meta.db_column_name,), ""))
            if column._meta.index:
                indexes.add(("index", name, (column._meta.db_column_name,), ""))
        for rule in _rules(table):
            if rule.kind in ("unique", "index"):
                indexes.add((rule.kind, name, rule.columns, rule.name))
            elif postgres:
                named.add((rule.kind, name, rule.name))
            else:  # SQLite: a row trigger on update and one on insert (see DatabaseRule)
                named.add(("trigger", name, rule.name))
                named.add(("trigger", name, f"{rule.name}_new"))
    return indexes, named


_PG_INDEXES = """
SELECT t.relname AS tbl, i.relname AS name, ix.indisunique AS is_unique,
       array_to_string(ARRAY(
           SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, n)
           JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n
       ), ',') AS columns,
       ix.indpred IS NOT NULL AS partial
FROM pg_index ix
JOIN pg_class i ON i.oid = ix.indexrelid
JOIN pg_class t ON t.oid = ix.indrelid
WHERE t.relnamespace = 'public'::regnamespace AND NOT ix.indisprimary
"""
_PG_CHECKS = """
SELECT conrelid::regclass::text AS tbl, conname AS name FROM pg_constraint
WHERE connamespace = 'public'::regnamespace AND contype IN ('c', 'x')
"""
_PG_TRIGGERS = """
SELECT c.relname AS tbl, tg.tgname AS name FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid
WHERE c.relnamespace = 'public'::regnamespace AND NOT tg.tgisinternal
"""


def _index(table: str, name: str, unique: bool, columns: tuple[str, ...]) -> Index:
    return ("unique" if unique else "index", table, columns, name if len(columns) > 1 else "")


async def live() -> tuple[set[Index], set[Named], list[str]]:
    """What the migrated database holds on the tables (and any partial index, which no
    declaration here can describe)."""
    indexes: set[Index] = set()
    named: set[Named] = set()
    partial: list[str] = []
    if db.is_postgres():
        for row in await db.execute(_PG_INDEXES):
            if row["tbl"] in NAMES:
                columns = tuple(row["columns"].split(","))
                indexes.add(_index(row["tbl"], row["name"], row["is_unique"], columns))
                if row["partial"]:
                    partial.append(row["name"])
        for row in await db.execute(_PG_CHECKS):
            if row["tbl"] in NAMES:
                named.add(("check", row["tbl"], row["name"]))
        for row in await db.execute(_PG_TRIGGERS):
            if row["tbl"] in NAMES:
                named.add(("trigger", row["tbl"], row["name"]))
        return indexes, named, partial
    for name in sorted(NAMES):
        for row in await db.execute(f'PRAGMA index_list("{name}")'):
            if row["origin"] == "pk":
                continue
            info = await db.execute(f'PRAGMA index_info("{row["name"]}")')
            columns = tuple(r["name"] for r in sorted(info, key=lambda r: r["seqno"]))
            indexes.add(_index(name, row["name"], bool(row["unique"]), columns))
            if row["partial"]:
                partial.append(row["name"])
    for row in await db.execute("SELECT tbl_name, name, sql FROM sqlite_master"):
        if row["tbl_name"] not in NAMES:
            continue
        if row["name"] and row["sql"] and row["sql"].startswith("CREATE TRIGGER"):
            named.add(("trigger", row["tbl_name"], row["name"]))
        elif row["sql"] and row["sql"].startswith("CREATE TABLE") and "CHECK" in row["sql"]:
            named.add(("check", row["tbl_name"], "(inside CREATE TABLE)"))
    return indexes, named, partial


async def test_the_migrated_database_holds_exactly_what_tables_py_declares() -> None:
    expected_indexes, expected_named = declared(db.is_postgres())
    indexes, named, partial = await live()
    assert sorted(indexes - expected_indexes) == [], "in the database, not declared in tables.py"
    assert sorted(expected_indexes - indexes) == [], "declared in tables.py, not in the database"
    assert sorted(named - expected_named) == [], "in the database, not declared in tables.py"
    assert sorted(expected_named - named) == [], "declared in tables.py, not in the database"
    assert partial == []


def test_every_rule_is_named_once_and_says_what_it_is_for() -> None:
    rules = [rule for table in TABLES for rule in _rules(table)]
    assert len({rule.name for rule in rules}) == len(rules)
    for table in TABLES:
        columns = {column._meta.db_column_name for column in table._meta.columns}
        for rule in _rules(table):
            assert rule.meaning.strip() and set(rule.columns) <= columns, rule


# The attacker's view: statements written past every service.


async def _refused(sql: str, *values: Any) -> str:
    with pytest.raises(Exception) as refused:
        await db.execute(sql, *values)
    return str(refused.value)


async def test_a_dates_counters_never_go_below_zero() -> None:
    [date] = await make_date(await make_organisation(), capacity=3)
    for sql in (
        "UPDATE event_date SET confirmed_count = -1 WHERE id = {}",
        "UPDATE event_date SET waiting_count = waiting_count - 1 WHERE id = {}",
        "UPDATE event_date SET confirmed_count = 2, waiting_count = -5 WHERE id = {}",
    ):
        assert "event_date_counts_non_negative" in await _refused(sql, date)
    row = await EventDate.select(EventDate.confirmed_count, EventDate.waiting_count).first()
    assert row == {"confirmed_count": 0, "waiting_count": 0}
    # a counter of zero or more still changes as before
    await db.execute("UPDATE event_date SET confirmed_count = 2 WHERE id = {}", date)
    assert await EventDate.count().where(EventDate.confirmed_count == 2) == 1


async def test_a_new_date_cannot_start_with_a_negative_counter() -> None:
    [date] = await make_date(await make_organisation())
    row = await EventDate.select().where(EventDate.id == date).first()
    assert row is not None
    row.pop("id")
    for counter in ("confirmed_count", "waiting_count"):
        copy = {**row, "uid": uuid.uuid4().hex, "rule_start": None, counter: -1}
        with pytest.raises(Exception) as refused:
            await EventDate.insert(EventDate(**copy))
        assert "event_date_counts_non_negative" in str(refused.value)
    assert await EventDate.count() == 1


async def _unique_refused(row: Table) -> None:
    with pytest.raises(Exception) as refused:
        await type(row).insert(row)
    assert db.is_unique_violation(refused.value), refused.value


async def test_unique_pairs_are_refused_by_the_database() -> None:
    organiser = await make_organiser()
    [date] = await make_date(organiser.organisation_id)
    now = clock.now()
    membership = await Membership.select().where(Membership.account == organiser.actor.account_id)
    assert len(membership) == 1
    await _unique_refused(
        Membership(
            account=organiser.actor.account_id,
            organisation=organiser.organisation_id,
            role=Membership.Role.host,
            created_at=now,
        )
    )

    receipt = await registrations.register([date], name="Anna", email="anna@example.org")
    first = await Registration.select().where(
        Registration.id == receipt.outcomes[0].registration_id
    )
    attendee = first[0]["attendee"]
    await _unique_refused(
        Registration(
            event_date=date,
            attendee=attendee,
            name="Anna",
            email="anna@example.org",
            status=Registration.Status.confirmed,
            created_at=now,
            updated_at=now,
        )
    )

    series = (await EventDate.select(EventDate.series, EventDate.rule_start).first()) or {}
    await SeriesSubscription.insert(
        SeriesSubscription(series=series["series"], attendee=attendee, name="Anna", created_at=now)
    )
    await _unique_refused(
        SeriesSubscription(series=series["series"], attendee=attendee, name="Anna", created_at=now)
    )

    start = series["rule_start"]
    await _unique_refused(
        EventDate(
            series=series["series"],
            uid=uuid.uuid4().hex,
            rule_start=start,
            local_start=start,
            local_end=start + timedelta(hours=1),
            timezone="Europe/Amsterdam",
            starts_at=now,
            ends_at=now + timedelta(hours=1),
            created_at=now,
            updated_at=now,
        )
    )
    # Anonymised registrations (no attendee) of one date are not a pair: they may be many.
    for _ in range(2):
        await Registration.insert(
            Registration(
                event_date=date,
                attendee=None,
                name="",
                email="",
                status=Registration.Status.cancelled,
                created_at=now,
                updated_at=now,
            )
        )
    assert await Registration.count().where(Registration.attendee.is_null()) == 2
