"""Shared helpers for the benchmark scripts: a fresh PostgreSQL database and a served app."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("EVENTS_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def database_url(name: str) -> str:
    return urlunsplit(urlsplit(ADMIN_URL)._replace(path=f"/{name}"))


async def fresh_database(name: str) -> str:
    conn = await asyncpg.connect(ADMIN_URL)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    url = database_url(name)
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "-m", "events_app.cli", "migrate"],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    return url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# How the app is served: "production" is what ``events-app serve`` runs (events_app.cli);
# the others are there to compare servers.  Every side of a ratio uses the same one.
SERVERS = ("production", "uvicorn-h11", "uvicorn-uvloop", "granian")
SERVER = os.environ.get("EVENTS_BENCH_SERVER", "production")


def server_command(app: str, port: int, workers: int, server: str | None = None) -> list[str]:
    """The command that serves the ASGI factory ``app`` on ``port`` with ``workers``."""
    from events_app.cli import UVICORN_HTTP, UVICORN_LOOP

    server = server or SERVER
    if server == "granian":
        return [
            str(Path(sys.executable).with_name("granian")),
            "--interface", "asgi", "--factory", "--workers", str(workers), "--loop", "uvloop",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", app,
        ]  # fmt: skip
    loop, http = {
        "production": (UVICORN_LOOP, UVICORN_HTTP),
        "uvicorn-h11": ("asyncio", "h11"),
        "uvicorn-uvloop": ("uvloop", "httptools"),
    }[server]
    return [
        sys.executable, "-m", "uvicorn", app, "--factory", "--workers", str(workers),
        "--loop", loop, "--http", http, "--host", "127.0.0.1", "--port", str(port),
        "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip


@contextmanager
def served(app: str, port: int, env: dict[str, str], workers: int = 2) -> Iterator[str]:
    """Serve the ASGI factory ``app`` with ``workers`` processes (see SERVER) until the block
    ends."""
    proc = subprocess.Popen(server_command(app, port, workers), env={**os.environ, **env}, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(base + "/health", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"{app} did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class LeanClient:
    """A minimal HTTP/1.1 keep-alive client for load generation: one connection, one request
    at a time, the request bytes built by the caller.

    The load generator shares the two cores with the server, and a full client library spends
    about a millisecond of CPU per request (more than the ceilings it is compared with spend
    in all), so the figures would measure the client.  This one parses only the status line,
    ``Content-Length`` and ``Transfer-Encoding: chunked``.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    @classmethod
    def for_base(cls, base: str) -> LeanClient:
        parts = urlsplit(base)
        return cls(parts.hostname or "127.0.0.1", parts.port or 80)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None

    async def send(self, request: bytes) -> tuple[int, bytes]:
        """Send one complete request; returns the status and the body."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        if b"content-length" in headers:
            body = await self.reader.readexactly(int(headers[b"content-length"]))
        elif headers.get(b"transfer-encoding", b"").lower() == b"chunked":
            chunks = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                chunks.append(chunk[:-2])
            body = b"".join(chunks)
        else:
            body = b""
        if headers.get(b"connection", b"").lower() == b"close":
            await self.close()
        return status, body


def http_request(
    method: str, path: str, *, body: bytes = b"", headers: dict[str, str] | None = None
) -> bytes:
    """The bytes of one HTTP/1.1 request for :class:`LeanClient`."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body
