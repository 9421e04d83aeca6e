"""A host's own calendar address: GET shows it (made on first use), POST replaces it."""

from __future__ import annotations

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.status_codes import HTTP_200_OK

from events_app import urls
from events_app.accounts.credentials import Actor
from events_app.hosting import feed_address as host_feeds
from events_app.web.auth import provide_actor

__all__ = ["HostFeedController"]


class HostFeed(msgspec.Struct):
    feed_url: str
    webcal_url: str


def _out(token: str) -> HostFeed:
    url = urls.host_feed(token)
    return HostFeed(feed_url=url, webcal_url=urls.webcal(url))


class HostFeedController(Controller):
    path = "/api/v1/me/host-feed"
    tags = ["feeds"]
    dependencies = {"actor": provide_actor}

    @get("/", summary="My host calendar address (made on first use)")
    async def show(self, actor: NamedDependency[Actor]) -> HostFeed:
        return _out(await host_feeds.host_feed_token(actor))

    @post(
        "/",
        summary="A new host calendar address; the old one stops working",
        status_code=HTTP_200_OK,
    )
    async def reissue(self, actor: NamedDependency[Actor]) -> HostFeed:
        return _out(await host_feeds.reissue_host_feed_token(actor))
