"""What a date shows when it has its own value and when it has none: the one rule."""

from __future__ import annotations

__all__ = ["own_or_series"]


def own_or_series(own: str | None, inherited: str | None) -> str:
    """A date's own location, link or details win when set, also when set to nothing (an
    in-person edition of an online series has no link); None means "as the series".

    Pages, mail texts, invitations and feeds all use this, so they always show the same place
    and link.
    """
    return (inherited or "") if own is None else own
