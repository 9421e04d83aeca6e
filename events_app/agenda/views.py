"""Read models of series and dates for organisers: rows plus what is derived from them.

A series' rule in Dutch and English words; a date is a
:class:`~events_app.agenda.dates.DateView` (the same type the public pages read, built by
:mod:`events_app.agenda.build`) filled with what organisers see too: its own overrides, link,
hosts, counts and materials.  A series' view comes from ``build.series_view``.  The API turns
these into its response types; the organiser pages read them as they are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from events_app import clock
from events_app.agenda.build import date_view, hosts_of, person, speakers_of
from events_app.agenda.dates import DateView, HostView, MaterialView, PersonView
from events_app.agenda.dates import rule_text as words
from events_app.tables import Material, Organisation, Registration

__all__ = [
    "SERIES_FIELDS",
    "date_views",
    "rule_text",
    "waiting_position",
]

# The series columns a list of series sends (the API's SeriesSummary).
SERIES_FIELDS = (
    "id", "slug", "title", "kind", "summary", "description", "format", "location",
    "meeting_url", "meeting_details", "link_visibility", "registration_mode", "capacity",
    "waitlist", "together", "admission", "registration_opens_at", "registration_closes_at",
    "timezone",
    "first_start", "duration_minutes", "materialised_until", "language", "tags", "contact_email",
    "reminder_hours", "confirm_first", "published", "status", "created_at", "updated_at",
    "content_note", "aftercare_text", "aftercare_hours",
)  # fmt: skip


def rule_text(series: dict[str, Any]) -> dict[str, str]:
    return words(series["rrule"], series["first_start"], series["duration_minutes"])


async def date_views(
    rows: Sequence[dict[str, Any]], series: dict[str, Any], *, warnings: Sequence[str] = ()
) -> list[DateView]:
    """Dates of one series (their rows, every column; the series' row), with their speakers,
    hosts and materials (5 queries in all), built by :func:`~events_app.agenda.build.date_view`."""
    ids = [row["id"] for row in rows]
    speakers: dict[int | None, list[PersonView]] = defaultdict(list)
    hosts: dict[int, list[HostView]] = defaultdict(list)
    materials: dict[int, list[MaterialView]] = defaultdict(list)
    for found in await speakers_of(series["id"], ids) + await speakers_of(series["id"], None):
        speakers[found["event_date"]].append(person(found))
    for host in await hosts_of(series["id"], ids):
        hosts[host["event_date"]].append(HostView(host["account_id"], host["name"], host["email"]))
    if ids:
        for material in await (
            Material.select(*MaterialView.columns())
            .where(Material.event_date.is_in(ids))
            .order_by(Material.id)
        ):
            materials[material["event_date"]].append(MaterialView.of(material))
    organisation = await Organisation.select(Organisation.name, Organisation.slug).where(
        Organisation.id == series["organisation"]
    ).first() or {"name": "", "slug": ""}
    # the row as date_view reads it: the series' columns as series_*, the organisation's names
    around = {f"series_{name}": value for name, value in series.items()}
    around["organisation_name"] = organisation["name"]
    around["organisation_slug"] = organisation["slug"]
    now = clock.now()
    return [
        date_view(
            {**around, **row},
            now,
            public=False,
            speakers=speakers[row["id"]] or speakers[None],
            materials=materials[row["id"]],
            own_speakers=speakers[row["id"]],
            hosts=hosts[row["id"]],
            warnings=warnings,
        )
        for row in rows
    ]


async def waiting_position(registration_id: int) -> int | None:
    """1-based place on the waiting list, derived from the order of joining (so never gaps)."""
    row = (
        await Registration.select(
            Registration.event_date, Registration.status, Registration.waiting_since
        )
        .where(Registration.id == registration_id)
        .first()
    )
    if row is None or row["status"] != Registration.Status.waiting:
        return None
    ahead = await Registration.count().where(
        (Registration.event_date == row["event_date"])
        & (Registration.status == Registration.Status.waiting)
        & (
            (Registration.waiting_since < row["waiting_since"])
            | (
                (Registration.waiting_since == row["waiting_since"])
                & (Registration.id < registration_id)
            )
        )
    )
    return int(ahead) + 1
