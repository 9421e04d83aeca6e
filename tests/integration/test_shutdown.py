"""SIGTERM lets a worker finish the mail it is sending, then it exits; nothing is sent twice."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

from events_app.registration import registrations
from events_app.tables import OutboxMail
from tests.factories import make_date, make_organisation
from tests.smtp import SmtpServer


async def test_sigterm_lets_the_worker_finish_the_mail_in_hand() -> None:
    org = await make_organisation()
    [date] = await make_date(org)
    await registrations.register([date], name="Alex", email="alex@example.org")
    server = SmtpServer()
    server.handler.slow_accept = 3.0
    server.start()
    env = {
        **os.environ,
        "EVENTS_SMTP_HOST": "127.0.0.1",
        "EVENTS_SMTP_PORT": str(server.port),
        "EVENTS_SMTP_SECURITY": "none",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "events_app.cli", "worker"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        assert await asyncio.to_thread(server.handler.data_started.wait, 30), "no mail started"
        worker.send_signal(signal.SIGTERM)  # while the SMTP server is still receiving it
        stopped = time.monotonic()
        code = await asyncio.to_thread(worker.wait, 30)
        output = worker.stdout.read().decode() if worker.stdout else ""
        assert code == 0, output
        assert time.monotonic() - stopped >= 1.5  # it waited for the mail instead of dropping it
        assert len(server.received) == 1
        [row] = await OutboxMail.select(OutboxMail.status, OutboxMail.attempts)
        assert row == {"status": "sent", "attempts": 1}
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        if worker.stdout:
            worker.stdout.close()
        server.stop()
