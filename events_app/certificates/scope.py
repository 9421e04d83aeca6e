"""What a certificate is for — a series or a programme of the organiser's own organisation —
and its threshold.

Only organisers of the organisation reach either; anyone else, and any id that does not
exist, is told it does not exist (:func:`events_app.accounts.owned.not_found`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from piccolo.columns.combination import Where

from events_app import audit, clock, db
from events_app.accounts import owned
from events_app.accounts.credentials import Actor
from events_app.domain.certificates import Measure, Threshold, check_threshold
from events_app.tables import CertificateRule, Organisation, Programme, Series

__all__ = ["Kind", "Scope", "scope_for", "set_threshold", "threshold_of"]

Kind = Literal["series", "programme"]


@dataclass(frozen=True, slots=True)
class Scope:
    kind: Kind
    id: int
    organisation_id: int
    organisation_name: str
    title: str
    language: str
    series_ids: tuple[int, ...]


async def scope_for(actor: Actor, kind: str, scope_id: int, *, lock: bool = False) -> Scope:
    """The actor's own series or programme (``lock``: its row, inside a transaction)."""
    if kind == "series":
        row = await owned.series_for(actor, scope_id, lock=lock)
        series_ids: tuple[int, ...] = (scope_id,)
        scope_kind: Kind = "series"
    elif kind == "programme":
        row = await owned.programme_for(actor, scope_id)
        if lock and db.is_postgres():
            await (
                Programme.select(Programme.id)
                .where(Programme.id == scope_id)
                .lock_rows("NO KEY UPDATE")
            )
        found = await Series.select(Series.id).where(Series.programme == scope_id)
        series_ids = tuple(r["id"] for r in found)
        scope_kind = "programme"
    else:
        raise owned.not_found()
    org = await Organisation.select(Organisation.name).where(Organisation.id == row["organisation"])
    return Scope(
        scope_kind,
        scope_id,
        row["organisation"],
        org[0]["name"] if org else "",
        row["title"],
        row["language"],
        series_ids,
    )


def _where(scope: Scope) -> Where:
    if scope.kind == "series":
        return CertificateRule.series == scope.id
    return CertificateRule.programme == scope.id


async def threshold_of(scope: Scope) -> tuple[Threshold | None, datetime | None]:
    """The scope's threshold (None until the organiser sets one) and when it was set."""
    row = await CertificateRule.select().where(_where(scope)).first()
    if row is None:
        return None, None
    return Threshold(Measure(row["measure"]), row["threshold"]), row["updated_at"]


async def set_threshold(
    actor: Actor, kind: str, scope_id: int, measure: str, value: object
) -> Threshold:
    """Set (or change) the threshold; issued certificates stay as they are."""
    threshold = check_threshold(measure, value)
    now = clock.now()
    async with db.transaction():
        scope = await scope_for(actor, kind, scope_id, lock=True)
        values = {
            CertificateRule.measure: threshold.measure.value,
            CertificateRule.threshold: threshold.value,
            CertificateRule.updated_at: now,
        }
        changed = (
            await CertificateRule.update(values)  # type: ignore[arg-type]
            .where(_where(scope))
            .returning(CertificateRule.id)
        )
        if not changed:
            await CertificateRule.insert(
                CertificateRule(
                    organisation=scope.organisation_id,
                    series=scope.id if scope.kind == "series" else None,
                    programme=scope.id if scope.kind == "programme" else None,
                    measure=threshold.measure.value,
                    threshold=threshold.value,
                    updated_at=now,
                )
            )
        await audit.record(
            "certificate_threshold_set",
            scope.kind,
            scope.id,
            organisation_id=scope.organisation_id,
            account_id=actor.account_id,
            detail={"measure": threshold.measure.value, "value": threshold.value},
        )
    return threshold
