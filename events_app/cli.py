"""The ``events-app`` console command: serve, migrate, worker, demo, accounts, and ``dev``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import os
import sys
import tempfile
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar

from events_app.settings import get_settings

__all__ = ["main"]

T = TypeVar("T")


# The production server (chosen by measurement, see the README's "Measured"): uvicorn on
# uvloop with the httptools parser.  benchmarks/_common.py serves with the same settings.
UVICORN_LOOP = "uvloop"
UVICORN_HTTP = "httptools"


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = get_settings()
    if args.workers > 1 and settings.is_sqlite:
        print(
            "events-app: several app processes need PostgreSQL; SQLite allows one process. "
            "Set DATABASE_URL=postgresql://… or use --workers 1.",
            file=sys.stderr,
        )
        return 2
    from events_app.observability.logs import LOGGING_FLAG, configure_logging

    configure_logging(settings.log_format)
    # Not a setting: the environment of the app processes uvicorn starts (they configure their
    # logging too; prometheus_client reads its directory on import, before settings exist).
    os.environ[LOGGING_FLAG] = "1"
    if args.workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # One /metrics scrape must see every process: they share a directory of counters.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="events-metrics-")
    uvicorn.run(
        "events_app.app:create_served_app",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers,
        loop=UVICORN_LOOP,
        http=UVICORN_HTTP,
        log_config=None,  # ours (configure_logging); one line per request comes from the app
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        timeout_graceful_shutdown=30,
    )
    return 0


def _migrate(_: argparse.Namespace) -> int:
    from events_app import db

    asyncio.run(db.migrate())
    print("events-app: migrations are current")
    return 0


def _worker(_: argparse.Namespace) -> int:
    from events_app.observability.logs import configure_logging
    from events_app.worker import run_worker

    configure_logging(get_settings().log_format)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_worker())
    return 0


def _demo(_: argparse.Namespace) -> int:
    from events_app.demo.load import load_demo

    created = asyncio.run(_with_db(load_demo()))
    print("events-app: demo data loaded" if created else "events-app: demo data already present")
    return 0


def _create_organisation(args: argparse.Namespace) -> int:
    from events_app.accounts.tenants import create_organisation
    from events_app.domain.errors import DomainError

    try:
        asyncio.run(_with_db(create_organisation(args.slug, args.name, args.contact_email)))
    except DomainError as exc:
        print(f"events-app: {exc.message}", file=sys.stderr)
        return 2
    print(f"events-app: organisation '{args.slug}' created")
    return 0


def _create_organiser(args: argparse.Namespace) -> int:
    from events_app.accounts.credentials import create_organiser
    from events_app.domain.errors import DomainError

    password = args.password or getpass.getpass("Password (at least 10 characters): ")
    try:
        asyncio.run(_with_db(create_organiser(args.email, args.name, password, args.organisation)))
    except DomainError as exc:
        print(f"events-app: {exc.message}", file=sys.stderr)
        return 2
    print(f"events-app: organiser {args.email} can now log in")
    return 0


def _backup(args: argparse.Namespace) -> int:
    """A consistent copy of the SQLite database while the app runs (SQLite's backup API)."""
    import sqlite3

    from events_app import db

    settings = get_settings()
    if not settings.is_sqlite:
        print("events-app: on PostgreSQL use pg_dump -Fc (see docs/production.md)", file=sys.stderr)
        return 2
    source_path = str(db.engine().path)  # type: ignore[attr-defined]
    target = Path(args.to)
    if target.exists():
        print(f"events-app: {target} exists already; choose a new file", file=sys.stderr)
        return 2
    with sqlite3.connect(source_path) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    print(f"events-app: database copied to {target}")
    return 0


def _copy_database(args: argparse.Namespace) -> int:
    from events_app.copy_database import CopyError, copy_database

    try:
        report = asyncio.run(copy_database(args.source, args.target))
    except CopyError as exc:
        print(f"events-app: nothing was copied. {exc}", file=sys.stderr)
        return 2
    width = max(len(t.name) for t in report)
    for table in report:
        print(f"  {table.name:<{width}}  {table.rows:>8} rows  sha256 {table.checksum[:16]}…")
    print(f"events-app: {sum(t.rows for t in report)} rows copied and checked, table by table")
    return 0


def _dev(args: argparse.Namespace) -> int:
    from events_app.devserver import run_dev

    return run_dev(demo=not args.no_demo)


async def _with_db(work: Coroutine[Any, Any, T]) -> T:
    """Run one piece of work with a migrated, open database."""
    from events_app import db

    await db.migrate()
    await db.start()
    try:
        return await work
    finally:
        await db.stop()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="events-app", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the app with uvicorn")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--workers", type=int, default=1, help="app processes (PostgreSQL only)")
    serve.set_defaults(func=_serve)

    sub.add_parser("migrate", help="apply pending migrations").set_defaults(func=_migrate)
    sub.add_parser("worker", help="run the background worker").set_defaults(func=_worker)
    sub.add_parser("demo", help="load the demo data (once)").set_defaults(func=_demo)

    organisation = sub.add_parser("create-organisation", help="create an organisation")
    organisation.add_argument("--slug", required=True, help="short name used in addresses")
    organisation.add_argument("--name", required=True)
    organisation.add_argument("--contact-email", required=True)
    organisation.set_defaults(func=_create_organisation)

    organiser = sub.add_parser("create-organiser", help="create an organiser account")
    organiser.add_argument("--email", required=True)
    organiser.add_argument("--name", required=True)
    organiser.add_argument("--organisation", required=True, help="the organisation's slug")
    organiser.add_argument("--password", default=None, help="asked for when left out")
    organiser.set_defaults(func=_create_organiser)

    backup = sub.add_parser("backup", help="copy the SQLite database safely while it runs")
    backup.add_argument("--to", required=True, help="the new file to write")
    backup.set_defaults(func=_backup)

    copy = sub.add_parser(
        "copy-database", help="move everything from SQLite to an empty PostgreSQL, checked"
    )
    copy.add_argument("--from", dest="source", required=True, help="sqlite:///path")
    copy.add_argument("--to", dest="target", required=True, help="postgresql://…")
    copy.set_defaults(func=_copy_database)

    dev = sub.add_parser(
        "dev", help="migrate, load demo data, start a mail catcher, serve on 127.0.0.1:8000"
    )
    dev.add_argument("--no-demo", action="store_true")
    dev.set_defaults(func=_dev)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
