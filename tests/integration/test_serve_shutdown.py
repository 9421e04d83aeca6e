"""SIGTERM to `events-app serve`: a request in flight is answered, then the process exits."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from events_app.tables import Registration
from tests.factories import make_date, make_organisation
from tests.smtp import free_port


def _wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(150):
        try:
            with urllib.request.urlopen(base + "/health", timeout=1):
                return
        except OSError:
            if process.poll() is not None:
                raise AssertionError("serve did not start") from None
            time.sleep(0.2)
    raise AssertionError("serve did not answer")


async def test_a_registration_in_flight_is_answered_after_sigterm() -> None:
    org = await make_organisation()
    [date] = await make_date(org)
    port = free_port()
    env = {**os.environ, "EVENTS_RUN_WORKER": "0", "EVENTS_PORT": str(port)}
    serve = subprocess.Popen(
        [sys.executable, "-m", "events_app.cli", "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        await asyncio.to_thread(_wait_ready, f"http://127.0.0.1:{port}", serve)
        body = json.dumps(
            {"name": "Alex", "email": "alex@example.org", "date_ids": [date]}
        ).encode()
        conn = socket.create_connection(("127.0.0.1", port), timeout=20)
        head = (
            "POST /api/v1/registrations HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode()
        conn.sendall(head + body[:10])  # the request has started; its body is still coming
        await asyncio.sleep(1)
        serve.send_signal(signal.SIGTERM)
        await asyncio.sleep(1)
        conn.sendall(body[10:])
        answer = b""
        while chunk := await asyncio.to_thread(conn.recv, 65536):
            answer += chunk
        conn.close()
        assert answer.startswith(b"HTTP/1.1 202"), answer[:200]
        # uvicorn stops cleanly and then ends by the signal it was sent (as systemd expects).
        assert await asyncio.to_thread(serve.wait, 30) in (0, -signal.SIGTERM)
        assert await Registration.count() == 1
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()
