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
from tests.factories import make_date, make_organisation

# What one registration for one date costs (a new address, then the same address again).
NEW_PERSON = [
    "INSERT throttle",  # the client address's rate limit (middleware, its own transaction)
    "SELECT throttle",
    "UPDATE throttle",
    "SELECT occurrence",  # the dates with their series' and organisation's rules
    "SELECT question",  # the questions to check the answers against
    "SELECT occurrence",  # the dates, locked in id order
    "SELECT series",  # seats and waiting list read again under the locks (a raise meanwhile)
    "SELECT attendee",  # is the address known?
    "INSERT attendee",
    "UPDATE occurrence",  # the seat, taken with a conditional update
    "INSERT registration",
    "INSERT throttle",  # the address's hourly mail limit
    "SELECT throttle",
    "UPDATE throttle",
    "INSERT outbox_mail",  # the one mail of this request
]
KNOWN_PERSON = [
    "INSERT throttle",
    "SELECT throttle",
    "UPDATE throttle",
    "SELECT occurrence",
    "SELECT question",
    "SELECT occurrence",
    "SELECT series",
    "SELECT attendee",
    "SELECT registration",  # what this address has on these dates already
    "INSERT throttle",
    "SELECT throttle",
    "UPDATE throttle",
    "INSERT outbox_mail",
]
_VERB = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
_TABLE = re.compile(r'\b(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', re.IGNORECASE)


def _label(sql: str) -> str | None:
    verb = _VERB.match(sql)
    if verb is None:  # BEGIN, COMMIT, PRAGMA …: the transactions are counted separately
        return None
    table = _TABLE.search(sql)
    return f"{verb.group(1).upper()} {table.group(1) if table else '?'}"


@contextmanager
def recorded(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[list[str], list[int]]]:
    """Record each statement's label, and how many transactions were opened."""
    engine = db.engine()
    statements: list[str] = []
    transactions = [0]
    engine_class = type(engine)
    run = engine_class.run_querystring
    transaction = db.transaction

    async def counting_run(self: Any, querystring: Any, in_pool: bool = True) -> Any:
        sql = querystring.compile_string(engine_type=self.engine_type)[0]
        label = _label(sql)
        if label is not None:
            statements.append(label)
        return await run(self, querystring, in_pool)

    def counting_transaction() -> Any:
        if not db.in_transaction():
            transactions[0] += 1
        return transaction()

    monkeypatch.setattr(engine_class, "run_querystring", counting_run)
    monkeypatch.setattr(db, "transaction", counting_transaction)
    yield statements, transactions


async def test_one_registration_runs_only_what_it_needs(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = await make_organisation()
    [date] = await make_date(org)
    payload = {"name": "Alex", "email": "alex@example.org", "occurrence_ids": [date]}
    with recorded(monkeypatch) as (statements, transactions):
        response = await client.post("/api/v1/registrations", json=payload)
    assert response.status_code == 202, response.text
    assert statements == NEW_PERSON
    # The rate limit's counter, then the registration itself with its mail: one each.
    assert transactions == [2]
    with recorded(monkeypatch) as (statements, transactions):
        again = await client.post("/api/v1/registrations", json=payload)
    assert again.status_code == 202
    assert statements == KNOWN_PERSON
    assert transactions == [2]
