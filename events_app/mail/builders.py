"""Building mails in a process beside the worker, while the worker sends.

Building a message (the templates, a calendar invitation per date, the MIME parts) is pure
CPU and costs about as much as sending it; in the worker's one thread the two can only take
turns.  With ``EVENTS_MAIL_BUILD_PROCESSES`` (default 1) the worker hands each claimed row and
its facts to a separate process and sends what comes back, so building and sending run on two
cores at once.  The worker runners turn it on (:func:`configure`); anything that calls
:func:`events_app.mail.delivery.deliver_due` without that (tests, scripts) builds in its own
process, with the same :func:`events_app.mail.render.build_safely`.

The builder needs no database: everything it needs travels with the job (the row, the facts
read in one go for the batch, the sender address and the instant to write into the mail).  A
builder that dies leaves the batch unsent (its lease runs out and another round sends it);
the next batch starts a new one.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime

from events_app.mail.facts import Facts, Job, Unsendable
from events_app.mail.render import Outgoing, build_safely

__all__ = ["configure", "configured", "discard", "submit"]

ORPHAN_CHECK = 1.0  # seconds between a builder's checks that its worker still lives
_processes = 0
_pool: ProcessPoolExecutor | None = None


def configure(processes: int) -> None:
    """How many builder processes this process's deliveries use (0: none); they start now,
    with the worker, not when the first mail is due."""
    global _processes
    if processes != _processes:
        discard()
    _processes = max(0, processes)
    if _processes:
        _executor().submit(_warm_up)


def configured() -> bool:
    return _processes > 0


def _start_builder(parent: int) -> None:
    """In the builder: leave with the worker (a worker killed with SIGKILL cannot stop it),
    and load the mail code before the first mail is asked for."""
    threading.Thread(target=_follow, args=(parent,), daemon=True, name="follow-worker").start()
    _warm_up()


def _follow(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(ORPHAN_CHECK)
    os._exit(0)  # the worker is gone: its batch's rows go out again after their lease


def _warm_up() -> None:
    """Load the templates, catalogues and calendar code."""
    import events_app.mail.bundle  # noqa: F401


def _executor() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ProcessPoolExecutor(
            max_workers=_processes,
            # A fresh interpreter: a fork would copy the worker's event loop and connections.
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_builder,
            initargs=(os.getpid(),),
        )
    return _pool


def submit(
    job: Job, facts: Facts | Unsendable, *, mail_from: str, now: datetime
) -> asyncio.Future[Outgoing | Unsendable]:
    """Start building one mail in a builder process (see :func:`configure`)."""
    build = functools.partial(build_safely, job, facts, mail_from=mail_from, now=now)
    try:
        work: Future[Outgoing | Unsendable] = _executor().submit(build)
    except BrokenProcessPool:  # it died since the last batch: start a new one
        discard()
        work = _executor().submit(build)
    return asyncio.wrap_future(work)


def discard() -> None:
    """Stop the builder processes (after one broke, or when the worker stops)."""
    global _pool
    pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)
