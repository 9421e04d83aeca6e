"""Browser tests' helpers: axe-core's serious findings on a page, and the mail the app sent."""

from __future__ import annotations

import asyncio
from typing import Any

from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page

from tests.smtp import SmtpServer

__all__ = ["SERIOUS", "mail_to", "text_of", "violations"]

SERIOUS = ("serious", "critical")


async def violations(page: Page, path: str) -> list[str]:
    await page.goto(path)
    results = await Axe().run(page)
    found = results.response["violations"]
    return [
        f"{path}: {v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in SERIOUS
    ]


async def mail_to(smtp: SmtpServer, address: str, count: int = 1) -> list[Any]:
    for _ in range(150):  # the app's worker delivers within a few seconds
        found = [m for m in smtp.messages if address in str(m["To"])]
        if len(found) >= count:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"no mail to {address}")


def text_of(message: Any) -> str:
    return str(message.get_body(preferencelist=("plain",)).get_content())
