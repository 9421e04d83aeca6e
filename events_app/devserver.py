"""``events-app dev``: everything a newcomer needs in one process.

Migrates the embedded SQLite database, loads the demo data once, starts a mail catcher
(aiosmtpd; every mail is printed and kept under ``var/mail/``), and serves the app with its
worker on http://127.0.0.1:8000.  Ctrl-C stops all of it.
"""

from __future__ import annotations

import asyncio
import errno
import sys

import uvicorn
from aiosmtpd.controller import Controller

from events_app import db
from events_app.settings import ROOT, Settings, get_settings

__all__ = ["run_dev"]


def run_dev(*, demo: bool = True) -> int:
    settings = get_settings()
    try:
        asyncio.run(_dev(settings, demo=demo))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            print(
                f"events-app: a port is already in use ({exc}). Stop the other program or set "
                "EVENTS_PORT / EVENTS_SMTP_PORT.",
                file=sys.stderr,
            )
            return 1
        raise
    return 0


async def _dev(settings: Settings, *, demo: bool) -> None:
    from events_app.app import create_app
    from events_app.demo.load import load_demo
    from events_app.mail.catcher import MailCatcher
    from events_app.observability.logs import configure_logging

    await db.migrate()
    if demo:
        await db.start()
        try:
            created = await load_demo()
        finally:
            await db.stop()
        print("events-app: demo data loaded" if created else "events-app: demo data present")
    configure_logging(settings.log_format)  # also quiets aiosmtpd's per-command chatter
    mail_dir = ROOT / "var" / "mail"
    catcher = Controller(
        MailCatcher(mail_dir), hostname=settings.smtp_host, port=settings.smtp_port
    )
    catcher.start()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings),
            host=settings.host,
            port=settings.port,
            log_config=None,
            access_log=False,  # the app logs one line per request itself
        )
    )
    print(
        "\n"
        f"  events_app is running on {settings.base_url}\n"
        f"    agenda            {settings.base_url}/\n"
        f"    health            {settings.base_url}/health\n"
        f"    API documentation {settings.base_url}/schema\n"
        f"    all dates (feed)  {settings.base_url}/feeds/all.ics\n"
        f"  mail catcher on {settings.smtp_host}:{settings.smtp_port}\n"
        f"    every mail is printed here and kept in {mail_dir}\n"
        "  Press Ctrl-C to stop.\n",
        flush=True,
    )
    try:
        await server.serve()
    finally:
        catcher.stop()
