"""``HEAD`` on every feed answers like ``GET`` without the body (was 405)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from events_app import clock
from events_app.feeds import cache
from events_app.tables import EventDate
from tests.factories import make_organisation
from tests.feed_factories import (
    make_attendee,
    make_feed_date,
    make_host,
    make_host_account,
    make_programme,
    make_series,
    register,
    touch_date,
    wall,
)

NOW = datetime(2026, 9, 15, 10, 0, tzinfo=UTC)
SAME = ("etag", "last-modified", "cache-control", "content-type", "vary", "content-length")
HOST_TOKEN = "host-token-" + "h" * 30


@pytest.fixture(autouse=True)
def frozen_now() -> Iterator[datetime]:
    cache.clear()
    with clock.frozen(NOW) as now:
        yield now


async def feed_paths() -> list[str]:
    """One address of every feed route, with dates in it."""
    org = await make_organisation(slug="netwerk")
    programme = await make_programme(org, "week")
    series = await make_series(org, "ontmoeting", title="Ontmoeting", programme=programme)
    dates = [
        await make_feed_date(series, wall(2026, 10, 1, 15) + timedelta(weeks=n)) for n in range(3)
    ]
    person = await make_attendee()
    await register(dates[0], person)
    host = await make_host_account(token=HOST_TOKEN)
    await make_host(host, series)
    return [
        "/feeds/all.ics",
        "/feeds/all.ics?kind=meetup&lang=en",
        "/feeds/organisations/netwerk.ics",
        "/feeds/series/ontmoeting.ics",
        "/feeds/programmes/week.ics",
        f"/feeds/dates/{dates[1]}.ics",
        f"/feeds/me/{person.feed_token}.ics",
        f"/feeds/hosts/{HOST_TOKEN}.ics",
    ]


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
async def test_head_answers_like_get_without_a_body(
    client: httpx.AsyncClient, encoding: str
) -> None:
    for path in await feed_paths():
        headers = {"Accept-Encoding": encoding}
        got = await client.get(path, headers=headers)
        head = await client.head(path, headers=headers)
        assert got.status_code == 200, (path, got.text)
        assert head.status_code == 200, path
        assert head.content == b"", path
        for name in SAME:
            assert head.headers.get(name) == got.headers.get(name), (path, name)
        # the bytes on the wire (httpx decodes gzip in .content)
        assert int(head.headers["content-length"]) == got.num_bytes_downloaded > 0, path
        assert head.headers.get("content-encoding") == got.headers.get("content-encoding")
        assert head.headers.get("content-disposition") == got.headers.get("content-disposition")
        assert "set-cookie" not in head.headers

        cached = await client.head(path, headers={**headers, "If-None-Match": got.headers["etag"]})
        assert cached.status_code == 304, path
        assert cached.content == b""
        assert cached.headers["etag"] == got.headers["etag"]
        assert cached.headers["cache-control"] == got.headers["cache-control"]
        stale = await client.head(path, headers={**headers, "If-None-Match": '"other"'})
        assert stale.status_code == 200, path


async def test_head_of_a_missing_feed_is_404(client: httpx.AsyncClient) -> None:
    await feed_paths()
    for path in (
        "/feeds/series/nergens.ics",
        "/feeds/me/onbekend.ics",
        "/feeds/hosts/onbekend.ics",
        "/feeds/dates/999999.ics",
    ):
        got = await client.get(path)
        head = await client.head(path)
        assert got.status_code == head.status_code == 404, path
        assert head.content == b""


async def test_head_sees_a_change_at_once(client: httpx.AsyncClient) -> None:
    paths = await feed_paths()
    before = await client.head(paths[3])
    [first, *_] = await EventDate.select(EventDate.id).order_by(EventDate.id)
    with clock.frozen(NOW + timedelta(minutes=1)):
        await touch_date(first["id"], topic="Nieuw thema")
        after = await client.head(paths[3], headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
