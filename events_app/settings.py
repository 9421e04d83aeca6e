"""Settings, read once from the environment.

Only this module and ``piccolo_conf.py`` read environment variables.  Every setting is
documented in the README's configuration table; keep the two in step.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

__all__ = ["ROOT", "Settings", "database_url", "get_settings"]

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'var' / 'events.sqlite3'}"

SmtpSecurity = Literal["none", "starttls", "tls"]


def database_url() -> str:
    """The database to use: ``DATABASE_URL`` or the embedded SQLite file under ``var/``."""
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    base_url: str
    secret_key: str
    production: bool
    host: str
    port: int
    smtp_host: str
    smtp_port: int
    smtp_security: SmtpSecurity
    smtp_username: str | None
    smtp_password: str | None
    mail_from: str
    horizon_days: int
    feed_past_days: int
    run_worker_in_app: bool
    registration_rate_limit: int
    # Mails that unauthenticated requests (registering, "send me my link") may cause to one
    # address within an hour; more are recorded as held back, never sent later.
    mails_per_address_per_hour: int = 5
    confirm_hold_minutes: int = 30  # "confirm first": how long a seat waits for the click
    # Processes beside a worker that build its mails while it sends (0: build in the worker).
    mail_build_processes: int = 1
    log_format: str = "text"  # "json" in production: one JSON object per line
    forwarded_allow_ips: str = "127.0.0.1"  # proxies whose X-Forwarded-For is believed
    metrics_token: str = ""  # when set, /metrics wants it as "Authorization: Bearer …"
    # The largest file an organiser may add to a date's materials (kept in the database).
    max_upload_bytes: int = 10 * 1024 * 1024

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _secret_key(env: dict[str, str], production: bool) -> str:
    """In production the key must be given; in development one is made once and kept in var/."""
    key = env.get("EVENTS_SECRET_KEY")
    if key:
        if len(key) < 32:
            raise RuntimeError("EVENTS_SECRET_KEY must be at least 32 characters long")
        return key
    if production:
        raise RuntimeError("EVENTS_SECRET_KEY must be set when EVENTS_ENV=production")
    path = ROOT / "var" / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise RuntimeError(f"{name} must be a whole number, not {raw!r}") from None


def load_settings(env: dict[str, str]) -> Settings:
    production = env.get("EVENTS_ENV", "development") == "production"
    security = env.get("EVENTS_SMTP_SECURITY", "none")
    if security not in ("none", "starttls", "tls"):
        raise RuntimeError("EVENTS_SMTP_SECURITY must be none, starttls or tls")
    host = env.get("EVENTS_HOST", "127.0.0.1")
    port = _int(env, "EVENTS_PORT", 8000)
    return Settings(
        database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        base_url=env.get("EVENTS_BASE_URL", f"http://{host}:{port}").rstrip("/"),
        secret_key=_secret_key(env, production),
        production=production,
        host=host,
        port=port,
        smtp_host=env.get("EVENTS_SMTP_HOST", "127.0.0.1"),
        smtp_port=_int(env, "EVENTS_SMTP_PORT", 8025),
        smtp_security=security,  # type: ignore[arg-type]
        smtp_username=env.get("EVENTS_SMTP_USERNAME") or None,
        smtp_password=env.get("EVENTS_SMTP_PASSWORD") or None,
        mail_from=env.get("EVENTS_MAIL_FROM", "events@example.org"),
        horizon_days=_int(env, "EVENTS_HORIZON_DAYS", 365),
        feed_past_days=_int(env, "EVENTS_FEED_PAST_DAYS", 90),
        run_worker_in_app=env.get("EVENTS_RUN_WORKER", "1") == "1",
        registration_rate_limit=_int(env, "EVENTS_REGISTRATION_RATE_LIMIT", 20),
        mails_per_address_per_hour=_int(env, "EVENTS_MAILS_PER_ADDRESS_PER_HOUR", 5),
        confirm_hold_minutes=_int(env, "EVENTS_CONFIRM_HOLD_MINUTES", 30),
        mail_build_processes=max(0, _int(env, "EVENTS_MAIL_BUILD_PROCESSES", 1)),
        log_format=_log_format(env.get("EVENTS_LOG_FORMAT"), production),
        forwarded_allow_ips=env.get("EVENTS_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        metrics_token=env.get("EVENTS_METRICS_TOKEN", ""),
        max_upload_bytes=max(1, _int(env, "EVENTS_MAX_UPLOAD_MB", 10)) * 1024 * 1024,
    )


def _log_format(value: str | None, production: bool) -> str:
    chosen = value or ("json" if production else "text")
    if chosen not in ("json", "text"):
        raise RuntimeError("EVENTS_LOG_FORMAT must be json or text")
    return chosen


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings(dict(os.environ))
