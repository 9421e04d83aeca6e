"""Where the site's own CSS (and any progressive-enhancement script) lives."""

from __future__ import annotations

from pathlib import Path

__all__ = ["STATIC_DIR"]

STATIC_DIR = Path(__file__).resolve().parent.parent.parent / "static"
