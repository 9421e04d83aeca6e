"""Screenshots of the main pages (Dutch) for the README: ``python scripts/screenshots.py``.

Starts ``events-app dev`` on a fresh demo database (free ports, a temporary SQLite file),
drives Debian's Chromium with Playwright, and writes PNGs to ``docs/screenshots/``.
``--base-url URL`` uses a server that is already running instead (then without the manage
page: its private link reaches people only by mail).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.async_api import Page, async_playwright

ROOT = Path(__file__).resolve().parent.parent
# The demo's series that takes applications.
LEARNING_PATH = "leerlijn-ervaringskennis-in-het-buurtteam"
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _manage_token(database: Path, email: str) -> str:
    """The person's private link reaches them by mail; here it is read from the demo file."""
    with sqlite3.connect(database) as conn:
        row = conn.execute("SELECT manage_token FROM attendee WHERE email = ?", (email,)).fetchone()
    if row is None:
        raise SystemExit(f"no registration for {email}")
    return str(row[0])


def _request_link(database: Path, email: str) -> str:
    """The requester's private link reaches them by mail; here it is made again from the demo
    file's salt with the server's key (the one this script gave it)."""
    from events_app.requests.links import token_for

    with sqlite3.connect(database) as conn:
        row = conn.execute(
            "SELECT salt FROM expert_request WHERE contact_email = ?", (email,)
        ).fetchone()
    if row is None:
        raise SystemExit(f"no request from {email}")
    return "/request/" + token_for("request", str(row[0]))


def _start_dev() -> tuple[subprocess.Popen[bytes], str, Path]:
    port, smtp = _free_port(), _free_port()
    tmp = Path(tempfile.mkdtemp(prefix="events-shots-"))
    # The server and this script share one key, so the script can open a requester's page.
    os.environ.setdefault("EVENTS_SECRET_KEY", secrets.token_urlsafe(48))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'demo.sqlite3'}",
        "EVENTS_PORT": str(port),
        "EVENTS_SMTP_PORT": str(smtp),
    }
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "events-app"), "dev"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            with urllib.request.urlopen(base + "/health", timeout=1):
                return process, base, tmp / "demo.sqlite3"
        except OSError:
            time.sleep(0.5)
    os.killpg(process.pid, signal.SIGTERM)
    raise SystemExit("the dev server did not start")


async def _shot(page: Page, name: str, *, full: bool = True) -> None:
    path = OUT / f"{name}.png"
    await page.screenshot(path=str(path), full_page=full)
    print(f"wrote {path.relative_to(ROOT)}")


async def _log_in(page: Page, base: str, email: str) -> None:
    await page.goto(base + "/login")
    await page.fill("#field-email", email)
    await page.fill("#field-password", "demo-wachtwoord")
    await page.click("form.narrow-form button[type=submit]")
    await page.wait_for_url(re.compile(r".*/host$"))


async def take(base: str, width: int, database: Path | None) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(
            viewport={"width": width, "height": 900}, locale="nl-NL"
        )
        page = await context.new_page()
        await page.goto(base + "/")
        await _shot(page, "agenda")
        await page.goto(base + "/events/ontmoeting-op-donderdag")
        await _shot(page, "series")
        await page.goto(base + "/programmes/week-van-de-ervaringskennis")
        await _shot(page, "workshop-week")
        await page.goto(base + "/events/ontmoeting-op-donderdag/register")
        await page.check("input[name=dates] >> nth=0")
        await page.fill("#field-name", "Alex de Vries")
        await page.fill("#field-email", "alex@example")
        await page.click("button[type=submit]")
        await _shot(page, "register-error")
        await page.fill("#field-email", "alex@example.org")
        if await page.locator("#field-consent").count():
            await page.check("#field-consent")
        await page.click("button[type=submit]")
        await page.wait_for_url(re.compile(r".*/registered\?.*"))
        await _shot(page, "registered")
        if database is not None:
            token = _manage_token(database, "alex@example.org")
            await page.goto(f"{base}/manage/{token}")
            await _shot(page, "manage")
        await page.goto(base + "/manage")
        await _shot(page, "link-request")
        await page.goto(base + "/events/inleefsessie-twee-dagen-afhankelijk-van-zorg/register")
        await _shot(page, "training-register")
        await page.goto(base + "/events/in-gesprek-over-zorgen/register")
        await _shot(page, "content-note")
        await page.goto(base + f"/events/{LEARNING_PATH}/register")
        await _shot(page, "application-form")
        await page.goto(base + "/organisations/netwerk-ervaringskennis/request")
        await _shot(page, "request-form")
        await context.close()
        phone = await browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL")
        page = await phone.new_page()
        await page.goto(base + "/")
        await _shot(page, "agenda-phone", full=False)
        await _log_in(page, base, "gastheer@netwerk.example.org")
        await page.locator("a[href^='/host/dates/']").first.click()
        await page.goto(page.url + "/attendance")
        await _shot(page, "attendance-phone", full=False)
        await phone.close()
        staff = await browser.new_context(viewport={"width": width, "height": 900}, locale="nl-NL")
        page = await staff.new_page()
        await _log_in(page, base, "gastheer@netwerk.example.org")
        await _shot(page, "host-sessions")
        await page.locator("a[href^='/host/dates/']").first.click()
        await _shot(page, "signup-list")
        await staff.close()
        organiser = await browser.new_context(
            viewport={"width": width, "height": 900}, locale="nl-NL"
        )
        page = await organiser.new_page()
        await _log_in(page, base, "organisator@netwerk.example.org")
        await page.goto(base + "/organise")
        await page.locator("a[href$='/series/new']").first.click()
        await page.fill("#field-start_date", "2027-03-02")
        await page.fill("#field-start_time", "19:30")
        await page.fill("#field-end_time", "21:00")
        await page.check("#repeat-weekly")
        await page.fill("#field-interval", "2")
        await page.check("#weekday-1")
        await page.fill("#field-skip", "30-03-2027")
        await page.fill("#field-title", "Herstelcafé op dinsdag")
        await page.click("button[value=preview]")
        await _shot(page, "series-builder")
        await page.goto(base + "/organise")
        await page.get_by_role("link", name="Ontmoeting op donderdag").first.click()
        await _shot(page, "series-admin")
        today = datetime.now(ZoneInfo("Europe/Amsterdam")).date()
        first_off = today + timedelta(days=14)
        last_off = today + timedelta(days=34)
        resume = last_off + timedelta(days=(3 - last_off.weekday()) % 7 or 7)  # a Thursday
        await page.locator("#pause summary").click()
        await page.fill("#field-first_off", first_off.isoformat())
        await page.fill("#field-last_off", last_off.isoformat())
        await page.fill("#field-resume_on", resume.isoformat())
        await page.fill("#field-weeks", "2")
        await page.locator("#pause button[value=preview]").click()
        await page.locator("#pause").screenshot(path=str(OUT / "pause-preview.png"))
        print("wrote docs/screenshots/pause-preview.png")
        materials = await page.locator("a[href$='/materials']").first.get_attribute("href")
        await page.goto(base + str(materials))
        await _shot(page, "materials")
        await page.goto(base + "/organise")
        await page.locator("a[href^='/organise/programmes/']").first.click()
        await _shot(page, "programme-sessions")
        await page.goto(base + "/organise")
        await page.locator("a[href$='/followers']").first.click()
        await _shot(page, "followers")
        await page.goto(base + "/organise")
        await page.locator("a[href$='/requests']").first.click()
        inbox = page.url.split("?")[0]
        await _shot(page, "requests-inbox")
        await page.get_by_role("link", name="Herstel na een psychose").first.click()
        detail = page.url.split("?")[0].split("#")[0]
        await _shot(page, "request-detail")
        await page.goto(detail + "/experts")
        await _shot(page, "request-asks")
        await page.goto(inbox)
        await page.get_by_role("link", name="Afhankelijk zijn van zorg").click()
        await page.goto(page.url.split("?")[0].split("#")[0] + "/proposal")
        await _shot(page, "request-proposal")
        await page.goto(inbox.rsplit("/requests", 1)[0] + "/experts")
        await _shot(page, "experts")
        await page.goto(inbox + "/fees")
        await _shot(page, "request-fees")
        await page.goto(inbox + "/overview")
        await _shot(page, "request-overview")
        if database is not None:
            requester = await browser.new_context(
                viewport={"width": width, "height": 900}, locale="nl-NL"
            )
            own = await requester.new_page()
            await own.goto(base + _request_link(database, "noor.bakker@hogeschool.example.org"))
            await _shot(own, "request-page")
            await requester.close()
        await page.goto(base + f"/events/{LEARNING_PATH}")
        links = page.locator(f"a[href^='/events/{LEARNING_PATH}/']")
        hrefs = [str(await links.nth(n).get_attribute("href")) for n in range(await links.count())]
        day = next(h.rsplit("/", 1)[1] for h in hrefs if h.rsplit("/", 1)[1].isdigit())
        await page.goto(f"{base}/host/dates/{day}/applications")
        await page.locator("article.application summary").first.click()
        await _shot(page, "applications")
        await organiser.close()
        course = await browser.new_context(viewport={"width": width, "height": 900}, locale="nl-NL")
        page = await course.new_page()
        await _log_in(page, base, "cursus@zuid.example.org")
        await page.goto(base + "/organise")
        await page.get_by_role("link", name="Basiscursus eigen verhaal").first.click()
        await page.goto(page.url.split("?")[0].split("#")[0] + "/certificates")
        await _shot(page, "certificates")
        await browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", help="use a running server instead of starting one")
    parser.add_argument("--width", type=int, default=1100)
    args = parser.parse_args()
    process = None
    base = args.base_url
    database = None
    if base is None:
        process, base, database = _start_dev()
    try:
        asyncio.run(take(base.rstrip("/"), args.width, database))
    finally:
        if process is not None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
