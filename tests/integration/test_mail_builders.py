"""The builder process beside a worker goes when the worker goes, even when it is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORKER = """
import time
from events_app.mail import builders

builders.configure(1)
pool = builders._executor()
pool.submit(int).result(timeout=60)
print(*pool._processes, flush=True)
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone too (not yet reaped by its new parent).
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split()[2] != "Z"


def test_a_builder_leaves_when_its_worker_is_killed() -> None:
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert worker.stdout is not None
        [builder] = [int(pid) for pid in worker.stdout.readline().split()]
        assert _alive(builder)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        deadline = time.monotonic() + 10
        while _alive(builder) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(builder)
    finally:
        worker.kill()
        worker.wait()
        if worker.stdout is not None:
            worker.stdout.close()
