"""Guesses sent all at once cannot beat the login limit: each attempt is counted before the
password is checked, so a burst runs at most ADDRESS_LIMIT password checks."""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest
from argon2 import PasswordHasher

from events_app.accounts import logins
from events_app.tables import LoginSession
from tests.factories import PASSWORD, make_organiser
from tests.helpers.pages import EMAIL, csrf_token, page_login

BURST = 100


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every argon2 verification that actually runs, by the password tried."""
    seen: list[str] = []
    lock = threading.Lock()
    original = PasswordHasher.verify

    def counting(self: PasswordHasher, hash: str | bytes, password: str | bytes) -> bool:
        with lock:
            seen.append(password if isinstance(password, str) else password.decode())
        return original(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    return seen


def _check_answers(answers: list[httpx.Response]) -> None:
    statuses = [a.status_code for a in answers]
    assert set(statuses) <= {401, 429}, statuses
    assert statuses.count(401) <= logins.ADDRESS_LIMIT
    for answer in answers:
        if answer.status_code == 429:
            assert int(answer.headers["retry-after"]) > 0
            assert "Wait 15 minutes" in answer.json()["detail"]


async def test_a_burst_of_wrong_guesses_runs_at_most_five_password_checks(
    client: httpx.AsyncClient, verifications: list[str]
) -> None:
    await make_organiser()
    answers = await asyncio.gather(
        *(
            client.post("/api/v1/session", json={"email": EMAIL, "password": f"guess {n:03d}"})
            for n in range(BURST)
        )
    )
    assert len(verifications) <= logins.ADDRESS_LIMIT, len(verifications)
    _check_answers(list(answers))
    # The address stays blocked, also for the right password, which is not even checked.
    late = await client.post("/api/v1/session", json={"email": EMAIL, "password": PASSWORD})
    assert late.status_code == 429 and len(verifications) <= logins.ADDRESS_LIMIT
    assert await LoginSession.count() == 0


async def test_a_burst_through_the_login_form_is_held_the_same_way(
    client: httpx.AsyncClient, verifications: list[str]
) -> None:
    await make_organiser()
    token = await csrf_token(client, "/login?lang=en")
    answers = await asyncio.gather(
        *(
            client.post(
                "/login",
                data={"_csrf_token": token, "email": EMAIL, "password": f"guess {n:03d}"},
            )
            for n in range(BURST // 2)
        )
    )
    assert len(verifications) <= logins.ADDRESS_LIMIT, len(verifications)
    statuses = [a.status_code for a in answers]
    assert set(statuses) <= {400, 429}, statuses
    blocked = [a for a in answers if a.status_code == 429]
    assert blocked and all("Wait 15 minutes" in a.text for a in blocked)
    assert all(int(a.headers["retry-after"]) > 0 for a in blocked)


async def test_successful_logins_do_not_use_up_the_client_limit(
    client: httpx.AsyncClient, verifications: list[str]
) -> None:
    await make_organiser()
    for _ in range(logins.CLIENT_LIMIT + 5):
        assert (await page_login(client)).status_code == 303
    assert len(verifications) == logins.CLIENT_LIMIT + 5
