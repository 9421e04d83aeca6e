"""What the request log and the Prometheus counters say about a request."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from events_app.observability.logs import JsonFormatter

__all__ = ["access_lines", "counted"]


def access_lines(caplog: pytest.LogCaptureFixture, path: str) -> list[dict[str, object]]:
    lines = [
        json.loads(JsonFormatter().format(r))
        for r in caplog.records
        if r.name == "events_app.access"
    ]
    return [line for line in lines if line["path"] == path]


async def counted(client: httpx.AsyncClient, method: str, route: str, status: str) -> float:
    text = (await client.get("/metrics")).text
    found = re.search(
        rf'^events_http_requests_total\{{method="{method}",route="{re.escape(route)}",'
        rf'status="{status}"\}} ([0-9.e+]+)$',
        text,
        re.MULTILINE,
    )
    return float(found.group(1)) if found else 0.0
