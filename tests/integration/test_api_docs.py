"""The API documentation at /schema comes entirely from this app: Scalar's script is vendored
in static/vendor (with its version and licence), nothing points at another host, and static
files are sent with a Cache-Control and without a session."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx

from events_app.web.api_docs import SCALAR_JS, SCALAR_OPTIONS, SCALAR_VERSION
from events_app.web.pages.static import STATIC_DIR, VENDOR_DIR

YEAR = 365 * 24 * 3600


class _Addresses(HTMLParser):
    """Every address an HTML page makes the browser load (src, href of links)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (name == "src" or (tag == "link" and name == "href")):
                self.found.append(value)


def _addresses(html: str) -> list[str]:
    parser = _Addresses()
    parser.feed(html)
    return parser.found


def _cache_seconds(response: httpx.Response) -> int:
    found = re.search(r"max-age=(\d+)", response.headers.get("cache-control", ""))
    assert found, response.headers
    return int(found.group(1))


async def test_the_schema_page_loads_only_our_own_files(client: httpx.AsyncClient) -> None:
    page = await client.get("/schema")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    addresses = _addresses(page.text)
    assert SCALAR_JS in addresses and "/static/schema.css" in addresses
    assert not re.search(r"https?://|//[a-z]", page.text, re.IGNORECASE), page.text
    for address in addresses:
        if address.startswith("data:"):
            continue
        assert address.startswith("/static/"), address
        answer = await client.get(address)
        assert answer.status_code == 200, address
        assert "public" in answer.headers["cache-control"]
    # Scalar is told to fetch no fonts, send no telemetry and use no outside proxy.
    assert '"withDefaultFonts":false' in page.text and '"telemetry":false' in page.text
    assert SCALAR_OPTIONS["proxyUrl"] == ""


def test_the_stylesheet_of_the_schema_page_needs_no_other_site() -> None:
    css = (STATIC_DIR / "schema.css").read_text()
    assert "@import" not in css and "url(" not in css and "@font-face" not in css


def test_the_vendored_script_says_its_version_and_licence() -> None:
    folder = VENDOR_DIR / f"scalar-api-reference-{SCALAR_VERSION}"
    assert (folder / "standalone.js").stat().st_size > 1_000_000
    notice = (folder / "NOTICE").read_text()
    assert f"version {SCALAR_VERSION}" in notice and "MIT" in notice
    assert [p.name for p in VENDOR_DIR.iterdir()] == [folder.name]  # no stale versions


async def test_static_files_are_cached_and_get_no_session(client: httpx.AsyncClient) -> None:
    vendored = await client.get(SCALAR_JS)
    assert vendored.status_code == 200
    assert vendored.headers["content-type"].startswith("text/javascript")
    assert _cache_seconds(vendored) == YEAR and "immutable" in vendored.headers["cache-control"]
    own = await client.get("/static/site.css")
    assert own.status_code == 200 and _cache_seconds(own) == 3600
    assert "immutable" not in own.headers["cache-control"]
    # The session middleware answers a stale session cookie on other addresses (it clears
    # it), but never runs for static files.
    client.cookies.set("events_session", "not-a-real-session")
    assert "events_session=" in (await client.get("/schema")).headers.get("set-cookie", "")
    client.cookies.set("events_session", "not-a-real-session")
    for response in (await client.get(SCALAR_JS), await client.get("/static/site.css")):
        assert "set-cookie" not in response.headers
