"""The code, its tests, templates and deploy files stand on their own: no comment or docstring
points at something a reader of this repository cannot open (a notes file kept elsewhere, a
shared folder, an issue tracker's number)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ["events_app", "tests", "templates", "scripts", "deploy", "piccolo_conf.py"]
NOT_OURS = [ROOT / "events_app" / "static" / "vendor", ROOT / "events_app" / "locale"]
TEXT = {".py", ".html", ".txt", ".css", ".js", ".conf", ".env", ".service", ""}
OUTSIDE = re.compile(r"STACK-NOTES|STYLE\.md|\.\./shared\b|\bshared/|\bseeds?/|issue #\d|/work/")
DOCUMENT = re.compile(r"[\w./-]*[\w-]\.md\b")


def _files() -> list[Path]:
    found = []
    for name in SCANNED:
        top = ROOT / name
        for path in [top] if top.is_file() else sorted(top.rglob("*")):
            if not path.is_file() or path.suffix not in TEXT or path == Path(__file__):
                continue
            if any(path.is_relative_to(other) for other in NOT_OURS) or "__pycache__" in path.parts:
                continue
            found.append(path)
    return found


def test_nothing_points_outside_the_repository() -> None:
    found = [*ROOT.glob("*.md"), *(ROOT / "docs").rglob("*.md")]
    documents = {p.relative_to(ROOT).as_posix() for p in found}
    assert "docs/production.md" in documents  # the documents the code may cite
    cited = []
    for path in _files():
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            where = f"{path.relative_to(ROOT)}:{number}"
            cited += [(where, m.group()) for m in OUTSIDE.finditer(line)]
            cited += [
                (where, m.group())
                for m in DOCUMENT.finditer(line)
                if not any(d == m.group() or d.endswith("/" + m.group()) for d in documents)
            ]
    assert cited == []
