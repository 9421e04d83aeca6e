"""Settings are read once, in one place: ``settings.py`` (and the database URL in
``piccolo_conf.py``).  Elsewhere the environment is only touched where it is not a setting,
and the line says why."""

from __future__ import annotations

import re
from pathlib import Path

from events_app.settings import load_settings

PACKAGE = Path(__file__).resolve().parents[2] / "events_app"
ENVIRONMENT = re.compile(r"\bos\.(?:environ|getenv)\b|\bgetenv\(|from os import .*environ")
REASON = "Not a setting"


def test_the_metrics_token_is_a_setting() -> None:
    base = {"EVENTS_SECRET_KEY": "x" * 40}
    assert load_settings(base).metrics_token == ""
    given = load_settings({**base, "EVENTS_METRICS_TOKEN": "geheim"})
    assert given.metrics_token == "geheim"


def test_only_settings_read_the_environment() -> None:
    unexplained = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "settings.py":
            continue
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines):
            if not ENVIRONMENT.search(line) or line.lstrip().startswith("#"):
                continue
            comment = "\n".join(lines[max(0, number - 5) : number + 1])  # the line or above
            if REASON not in comment:
                unexplained.append(f"{path.relative_to(PACKAGE)}:{number + 1}: {line.strip()}")
    assert unexplained == []
