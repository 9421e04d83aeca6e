"""The app served by a real server (uvicorn in a subprocess) for tests that need one: a browser,
or a contract tester that speaks HTTP over a socket."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.smtp import free_port

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def served_app(env: dict[str, str], *, log_level: str = "warning") -> Iterator[str]:
    """Start the app on a free port with ``env`` added to this process's environment; yield
    its base URL once ``/health`` answers, and stop it afterwards."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "events_app.app:create_served_app",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", log_level],
        cwd=ROOT,
        env={**os.environ, "EVENTS_PORT": str(port), "EVENTS_BASE_URL": base, **env},
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(base + "/health", timeout=1):
                    break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError("the app did not start") from None
                time.sleep(0.2)
        else:
            raise RuntimeError("the app did not answer /health")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
