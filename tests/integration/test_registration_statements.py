"""The registration request does only the work a registration needs.

Every SQL statement of one ``POST /api/v1/registrations`` is recorded and compared with the
list below, so the request cannot silently grow back (a throttle write, display data that is
never shown, questions or dates read twice).  When a change needs another statement, add it
here with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from events_app import db
from events_app.tables import Question
from tests.factories import make_date, make_organisation

# What one registration for one date costs (a new address, then the same address again).
# PostgreSQL reads the dates and writes the person's rows in one statement, and sends the writes
# decided under the date locks as another; SQLite (one writer, no data-modifying WITH) runs them
# one by one.  A request is checked (and questions read, where asked) after the person's rows.
_PERSON_AND_DATES = "WITH [SELECT event_date, INSERT throttle, INSERT attendee] SELECT hit"
_POSTGRES = {
    "new": [
        "INSERT throttle",  # the client address's rate limit (middleware; a statement of its own)
        # first in the transaction: the dates with their series' and organisation's rules,
        # and the person's rows (the hourly mail limit, the address)
        _PERSON_AND_DATES,
        "SELECT event_date",  # the dates locked in id order, with seats and registrations
        "WITH [UPDATE event_date, INSERT registration] INSERT outbox_mail",  # seat, row, mail
    ],
    "known": [
        "INSERT throttle",
        _PERSON_AND_DATES,  # the address found: read in the same statement
        "SELECT event_date",  # … and its registration for the date with the lock
        "INSERT outbox_mail",  # registered already: nothing changes, the mail says so
    ],
}
_SQLITE = {
    "new": [
        "INSERT throttle",
        "SELECT event_date",
        "INSERT throttle",
        "INSERT attendee",
        "SELECT event_date",
        "UPDATE event_date",
        "INSERT registration",
        "INSERT outbox_mail",
    ],
    "known": [
        "INSERT throttle",
        "SELECT event_date",
        "INSERT throttle",
        "INSERT attendee",  # found: nothing inserted …
        "SELECT attendee",  # … so it is read
        "SELECT event_date",
        "INSERT outbox_mail",
    ],
}
# Where the questions are read when the organisation asks some: after the person's rows.
_QUESTIONS_AT = {"postgres": 2, "sqlite": 4}


def expected(kind: str) -> list[str]:
    return (_POSTGRES if db.is_postgres() else _SQLITE)[kind]


_VERB = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
_TABLE = re.compile(r'\b(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', re.IGNORECASE)
_SUBQUERY = re.compile(r"\([^()]*\)")
_PART = re.compile(r"^\s*(?:WITH|,)\s*\w+\s+AS\s*\(", re.IGNORECASE)


def _label(sql: str) -> str | None:
    parts = []
    while match := _PART.match(sql):  # WITH a AS (…), b AS (…) main: label each part
        depth, end = 1, match.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(sql[end], 0)
            end += 1
        parts.append(_label(sql[match.end() : end - 1]))
        sql = sql[end:]
    while _SUBQUERY.search(sql):  # a subquery's FROM does not name the statement
        sql = _SUBQUERY.sub("", sql)
    verb = _VERB.match(sql)
    if verb is None:  # BEGIN, COMMIT, PRAGMA …: the transactions are counted separately
        return None
    table = _TABLE.search(sql)
    label = f"{verb.group(1).upper()} {table.group(1) if table else '?'}"
    return f"WITH [{', '.join(map(str, parts))}] {label}" if parts else label


@contextmanager
def recorded(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[list[str], list[int]]]:
    """Record each statement's label, and how many transactions were opened.

    Recorded where every statement reaches the driver: asyncpg's ``fetch`` on PostgreSQL (the
    ORM's statements and the raw ones alike; BEGIN and COMMIT take another way), Piccolo's
    ``run_querystring`` on SQLite.
    """
    statements: list[str] = []
    transactions = [0]
    transaction = db.transaction

    def record(sql: str) -> None:
        label = _label(sql)
        if label is not None:
            statements.append(label)

    if db.is_postgres():
        import asyncpg

        fetch = asyncpg.Connection.fetch

        async def counting_fetch(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
            record(query)
            return await fetch(self, query, *args, **kwargs)

        monkeypatch.setattr(asyncpg.Connection, "fetch", counting_fetch)
    else:
        engine_class = type(db.engine())
        run = engine_class.run_querystring

        async def counting_run(self: Any, querystring: Any, in_pool: bool = True) -> Any:
            record(querystring.compile_string(engine_type=self.engine_type)[0])
            return await run(self, querystring, in_pool)

        monkeypatch.setattr(engine_class, "run_querystring", counting_run)

    def counting_transaction() -> Any:
        if not db.in_transaction():
            transactions[0] += 1
        return transaction()

    monkeypatch.setattr(db, "transaction", counting_transaction)
    yield statements, transactions


async def test_one_registration_runs_only_what_it_needs(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = await make_organisation()
    [date] = await make_date(org)
    payload = {"name": "Alex", "email": "alex@example.org", "date_ids": [date]}
    with recorded(monkeypatch) as (statements, transactions):
        response = await client.post("/api/v1/registrations", json=payload)
    assert response.status_code == 202, response.text
    assert statements == expected("new")
    # The rate limit's counter is one statement of its own; the registration with its mail
    # is the one transaction.
    assert transactions == [1]
    with recorded(monkeypatch) as (statements, transactions):
        again = await client.post("/api/v1/registrations", json=payload)
    assert again.status_code == 202
    assert statements == expected("known")
    assert transactions == [1]


async def test_questions_are_read_only_where_they_are_asked(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = await make_organisation()
    [date] = await make_date(org)
    await Question.insert(Question(organisation=org, label="Dieet?", kind="text", required=False))
    payload = {"name": "Sam", "email": "sam@example.org", "date_ids": [date]}
    with recorded(monkeypatch) as (statements, _):
        response = await client.post("/api/v1/registrations", json=payload)
    assert response.status_code == 202, response.text
    new = expected("new")
    at = _QUESTIONS_AT["postgres" if db.is_postgres() else "sqlite"]
    assert statements == [*new[:at], "SELECT question", *new[at:]]
