"""The fast lane: a poll of an address whose last answer is still current is answered without
the handler (PostgreSQL: the database snapshot has not moved), with the very same answer; a
committed change is seen by the next poll."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from events_app import clock, db
from events_app.feeds import cache, versions
from events_app.web import fast_lane
from events_app.web import feeds as web_feeds
from tests.factories import make_organisation
from tests.feed_factories import (
    make_attendee,
    make_feed_date,
    make_series,
    register,
    touch_date,
    wall,
)

NOW = datetime(2026, 9, 15, 10, 0, tzinfo=UTC)
pytestmark = pytest.mark.skipif(not db.is_postgres(), reason="the snapshot check is PostgreSQL's")


@pytest.fixture(autouse=True)
def frozen_now() -> Iterator[datetime]:
    cache.clear()
    with clock.frozen(NOW) as now:
        yield now


@pytest.fixture
def handled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The feeds the handlers were asked for (the fast lane does not ask them)."""
    calls: list[str] = []
    for name in ("public_feed", "personal_feed", "host_feed"):
        original = getattr(web_feeds, name)

        def counting(*args: Any, _original: Any = original, _name: str = name) -> Any:
            calls.append(_name)
            return _original(*args)

        monkeypatch.setattr(web_feeds, name, counting)
    return calls


@pytest.fixture
def quiet_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing commits anywhere in the cluster meanwhile (the server may be shared with other
    databases, whose commits move the snapshot too and would send polls to the handler)."""

    async def unchanged() -> str:
        return "quiet"

    monkeypatch.setattr(versions, "snapshot", unchanged)


def same(a: httpx.Response, b: httpx.Response) -> None:
    assert a.status_code == b.status_code
    assert a.content == b.content
    drop = {"x-request-id"}
    assert {k: v for k, v in a.headers.items() if k not in drop} == {
        k: v for k, v in b.headers.items() if k not in drop
    }


async def test_a_current_answer_comes_from_the_fast_lane_unchanged(
    client: httpx.AsyncClient, handled: list[str], quiet_database: None
) -> None:
    org = await make_organisation()
    series = await make_series(org, "ontmoeting", title="Ontmoeting")
    dates = [
        await make_feed_date(series, wall(2026, 10, 1, 15) + timedelta(weeks=n)) for n in range(3)
    ]
    person = await make_attendee()
    await register(dates[0], person)
    for path in (
        "/feeds/all.ics?lang=en",
        "/feeds/series/ontmoeting.ics",
        f"/feeds/dates/{dates[1]}.ics",
        f"/feeds/me/{person.feed_token}.ics",
    ):
        first = await client.get(path, headers={"Accept-Encoding": "identity"})
        assert first.status_code == 200
        etag = first.headers["etag"]
        del handled[:]
        for headers in (
            {"Accept-Encoding": "identity"},
            {"Accept-Encoding": "gzip"},
            {"Accept-Encoding": "identity", "If-None-Match": etag},
            {"If-Modified-Since": first.headers["last-modified"]},
        ):
            fast = await client.get(path, headers=headers)
            fast_head = await client.head(path, headers=headers)
            assert handled == [], (path, headers)
            cache.served_cache.clear()  # the same requests through the handler
            slow = await client.get(path, headers=headers)
            cache.served_cache.clear()
            slow_head = await client.head(path, headers=headers)
            assert len(handled) == 2
            del handled[:]
            same(fast, slow)
            same(fast_head, slow_head)


async def test_a_committed_change_is_seen_by_the_next_poll(
    client: httpx.AsyncClient, handled: list[str]
) -> None:
    org = await make_organisation()
    series = await make_series(org, "ontmoeting", title="Ontmoeting")
    date = await make_feed_date(series, wall(2026, 10, 1, 15))
    first = await client.get("/feeds/series/ontmoeting.ics")
    etag = first.headers["etag"]
    assert (
        await client.get("/feeds/series/ontmoeting.ics", headers={"If-None-Match": etag})
    ).status_code == 304
    with clock.frozen(NOW + timedelta(minutes=1)):
        await touch_date(date, topic="Nieuw thema")
        after = await client.get("/feeds/series/ontmoeting.ics", headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert b"Nieuw thema" in after.content


async def test_the_next_day_is_not_answered_from_yesterday(client: httpx.AsyncClient) -> None:
    """The cutoff (which past dates stay in the feed) moves once a day, with no commit."""
    org = await make_organisation()
    series = await make_series(org, "ontmoeting", title="Ontmoeting")
    await make_feed_date(series, wall(2026, 9, 1, 15))  # 14 days before NOW
    before = await client.get("/feeds/series/ontmoeting.ics")
    assert before.content.count(b"BEGIN:VEVENT") == 1
    with clock.frozen(NOW + timedelta(days=90)):
        later = await client.get("/feeds/series/ontmoeting.ics")
    assert later.content.count(b"BEGIN:VEVENT") == 0


async def test_the_fast_lane_is_logged_and_never_skips_the_input_guard(
    client: httpx.AsyncClient, handled: list[str], quiet_database: None
) -> None:
    org = await make_organisation()
    series = await make_series(org, "ontmoeting", title="Ontmoeting")
    await make_feed_date(series, wall(2026, 10, 1, 15))
    assert (await client.get("/feeds/series/ontmoeting.ics")).status_code == 200
    del handled[:]
    counted = await answered_200()
    fast = await client.get("/feeds/series/ontmoeting.ics", headers={"X-Request-ID": "poll-1"})
    assert fast.status_code == 200 and handled == []
    assert fast.headers["x-request-id"] == "poll-1"
    # Other addresses of the same feed were never let through: the guard answers them.
    assert (await client.get("/feeds/series/ontmoeting.ics?lang=%00")).status_code == 400
    assert (await client.get("/feeds/series/ontmoeting%00.ics")).status_code == 404
    assert await answered_200() == counted + 1  # the metrics count fast answers too


async def answered_200() -> float:
    from events_app.observability.metrics import REQUESTS

    return REQUESTS.labels("GET", "/feeds/series/{filename}", "200")._value.get()


@pytest.fixture
async def front_door(app: Any, database: None) -> AsyncIterator[httpx.AsyncClient]:
    """The app as ``events-app serve`` runs it: behind the feeds' front door."""
    transport = httpx.ASGITransport(app=fast_lane.FrontDoor(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://events.test") as client:
        yield client


async def test_the_front_door_answers_current_polls_before_routing(
    front_door: httpx.AsyncClient,
    client: httpx.AsyncClient,
    handled: list[str],
    quiet_database: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from events_app.observability.metrics import REQUESTS

    org = await make_organisation()
    series = await make_series(org, "ontmoeting", title="Ontmoeting")
    await make_feed_date(series, wall(2026, 10, 1, 15))
    path = "/feeds/series/ontmoeting.ics"
    first = await front_door.get(path)  # not yet served: the app and its handler answer
    assert first.status_code == 200 and handled == ["public_feed"]
    del handled[:]
    routed: list[str] = []
    app_call = fast_lane.FastLane.__call__

    async def counting(self: Any, scope: Any, receive: Any, send: Any) -> None:
        routed.append(scope["path"])
        await app_call(self, scope, receive, send)

    monkeypatch.setattr(fast_lane.FastLane, "__call__", counting)
    fast_answers = REQUESTS.labels("GET", fast_lane.FRONT_DOOR_ROUTE, "304")
    before = fast_answers._value.get()
    headers = {"If-None-Match": first.headers["etag"], "X-Request-ID": "poll-2"}
    fast = await front_door.get(path, headers=headers)
    assert fast.status_code == 304 and fast.headers["x-request-id"] == "poll-2"
    assert routed == [] and handled == []  # answered before routing
    assert fast_answers._value.get() == before + 1  # logged and counted like any answer
    cache.served_cache.clear()
    same(fast, await client.get(path, headers=headers))  # the app's own answer is the same
    del routed[:]
    # An address that was never let through goes to the app, whose input guard answers it.
    assert (await front_door.get(f"{path}?lang=%00")).status_code == 400
    assert (await front_door.get("/feeds/series/ontmoeting%00.ics")).status_code == 404
    assert len(routed) == 2
