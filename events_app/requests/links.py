"""Private links of requesters and asked experts, made as a follow's link is.

The token is never stored: it is an HMAC of the row's random ``salt`` with the secret key (with a
purpose, so one kind of link never opens another), and the row is found by the token's SHA-256.
A mail written later can make the same link again from the salt.  Links reach people only by
mail; no answer of the app contains one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Literal

from events_app.settings import get_settings

__all__ = ["LinkKind", "find_hash", "new_salt", "token_for", "usable"]

LinkKind = Literal["request", "expert"]


def new_salt() -> str:
    return secrets.token_hex(16)


def token_for(kind: LinkKind, salt: str) -> str:
    key = get_settings().secret_key.encode()
    digest = hmac.new(key, f"{kind}:{salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def find_hash(token: str) -> str:
    """What the row keeps (``token_hash``) for a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def usable(token: str) -> bool:
    """A token of a plausible shape (anything else is not looked up at all)."""
    return 20 <= len(token) <= 100 and token.isascii()
