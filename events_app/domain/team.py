"""The roles in an organisation's team, and their names in words.

``Membership.Role`` and ``Invitation.Role`` are this enumeration (see ``tables.py``); the staff
pages offer and show the roles from :data:`TEAM_ROLE_LABELS`, so a role is listed once.
"""

from __future__ import annotations

from enum import StrEnum

from events_app.i18n import N_

__all__ = ["TEAM_ROLE_LABELS", "TeamRole"]


class TeamRole(StrEnum):
    """What an account may do in an organisation: an organiser plans, a host hosts."""

    organiser = "organiser"
    host = "host"


# In the order the team page offers them: the role with fewer rights (the default) first.
TEAM_ROLE_LABELS: dict[str, str] = {
    TeamRole.host: N_("host"),
    TeamRole.organiser: N_("organiser"),
}
