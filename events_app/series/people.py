"""Speakers and hosts of a series or of one date.

Speakers are shown in calendars, so changing them raises the SEQUENCE of the dates concerned
(every future date for series-level speakers).  Hosts must be accounts of the organisation;
they see the sign-up lists of what they host.  A date's materials: :mod:`.materials`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from events_app import audit, db
from events_app.accounts import owned
from events_app.accounts.credentials import Actor
from events_app.domain.errors import DomainError
from events_app.series import details as series_details
from events_app.series import notify
from events_app.tables import Membership, SeriesHost, Speaker

__all__ = ["SpeakerInput", "set_hosts", "set_speakers"]


@dataclass(frozen=True, slots=True)
class SpeakerInput:
    name: str
    bio: str = ""
    url: str = ""
    role: str = Speaker.Role.speaker


async def _scope(
    actor: Actor, series_id: int | None, date_id: int | None, *, hosts: bool = False
) -> tuple[dict[str, Any], int | None]:
    """The series and, for one date, its id (exactly one of the two ids is given); with
    ``hosts``, a host of that date (or of its series) may change it too."""
    if date_id is not None:
        row, series = await owned.date_for(actor, date_id, lock=True, hosts=hosts)
        return series, int(row["id"])
    assert series_id is not None
    return await owned.series_for(actor, series_id, lock=True), None


def _scoped(column: Any, date_id: int | None) -> Any:
    return column.is_null() if date_id is None else column == date_id


async def set_speakers(
    actor: Actor,
    speakers: Sequence[SpeakerInput],
    *,
    series_id: int | None = None,
    date_id: int | None = None,
    hosts: bool = False,
) -> None:
    """Replace the speakers of a series (``series_id``) or of one date (``date_id``;
    with ``hosts``, its hosts may too)."""
    cleaned = []
    for n, speaker in enumerate(speakers):
        name = " ".join(speaker.name.split())
        if not name:
            raise DomainError("name_missing", "Every speaker needs a name.", field="name")
        url = series_details.check_url(speaker.url, "url")
        cleaned.append((name, speaker.bio.strip(), url, str(speaker.role), n))
    async with db.transaction():
        series, date_id = await _scope(actor, series_id, date_id, hosts=hosts)
        where = (Speaker.series == series["id"]) & _scoped(Speaker.event_date, date_id)
        before = (
            await Speaker.select(
                Speaker.name, Speaker.bio, Speaker.url, Speaker.role, Speaker.position
            )
            .where(where)
            .order_by(Speaker.position)
        )
        if [tuple(row.values()) for row in before] == cleaned:
            return
        await Speaker.delete().where(where)
        if cleaned:
            await Speaker.insert(
                *(
                    Speaker(
                        series=series["id"],
                        event_date=date_id,
                        name=name,
                        bio=bio,
                        url=url,
                        role=role,
                        position=position,
                    )
                    for name, bio, url, role, position in cleaned
                )
            )
        if date_id is None:
            dates = await series_details.future_dates(series["id"])
            await notify.bump([row["id"] for row in dates])
        else:
            await notify.bump([date_id])
        await audit.record(
            "speakers_set",
            "event_date" if date_id else "series",
            date_id or series["id"],
            organisation_id=series["organisation"],
            account_id=actor.account_id,
            detail={"names": [item[0] for item in cleaned]},
        )


async def set_hosts(
    actor: Actor,
    account_ids: Sequence[int],
    *,
    series_id: int | None = None,
    date_id: int | None = None,
) -> None:
    """Replace the hosts of a series or of one date; each must belong to the organisation."""
    wanted = list(dict.fromkeys(account_ids))
    async with db.transaction():
        series, date_id = await _scope(actor, series_id, date_id)
        members = await Membership.select(Membership.account).where(
            (Membership.organisation == series["organisation"])
            & Membership.account.is_in(wanted or [0])
        )
        unknown = set(wanted) - {row["account"] for row in members}
        if unknown:
            raise DomainError(
                "host_unknown",
                f"Account {min(unknown)} is not a member of this organisation.",
                field="account_ids",
            )
        where = (SeriesHost.series == series["id"]) & _scoped(SeriesHost.event_date, date_id)
        await SeriesHost.delete().where(where)
        if wanted:
            await SeriesHost.insert(
                *(
                    SeriesHost(account=account, series=series["id"], event_date=date_id)
                    for account in wanted
                )
            )
        await audit.record(
            "hosts_set",
            "event_date" if date_id else "series",
            date_id or series["id"],
            organisation_id=series["organisation"],
            account_id=actor.account_id,
            detail={"account_ids": wanted},
        )
