"""Certificates of participation in the API, as on the organiser's page: the threshold of a
series or programme, who meets it, issuing, mailing (once; one certificate again on purpose),
withdrawing, and the PDF (one certificate, or all valid ones with a page each)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar, Literal

import msgspec
from litestar import Controller, Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from events_app import clock
from events_app.accounts.credentials import Actor
from events_app.certificates import issuing
from events_app.certificates.scope import scope_for, threshold_of
from events_app.certificates.standings import IssuedView, certificates_of, standings
from events_app.domain.certificates import MAX_HOURS, Measure
from events_app.domain.errors import NotFound
from events_app.web.auth import provide_actor
from events_app.web.material_files import FILE_HEADERS

__all__ = ["ProgrammeCertificateController", "SeriesCertificateController"]


class ThresholdIn(msgspec.Struct, forbid_unknown_fields=True):
    """``percent``: a share of the held dates (1-100); ``hours``: attended hours (1-10000)."""

    measure: Literal["percent", "hours"]
    value: Annotated[int, msgspec.Meta(ge=1, le=MAX_HOURS)]


class ThresholdOut(msgspec.Struct):
    measure: Literal["percent", "hours"]
    value: int
    updated_at: datetime


class CertificateOut(msgspec.Struct):
    id: int
    code: str
    name: str
    dates: int
    minutes: int
    issued_at: datetime
    revoked_at: datetime | None
    sent_count: int


class PersonOut(msgspec.Struct):
    """Someone registered: the dates and minutes attended, and whether they meet the threshold."""

    person_id: int
    name: str
    attended: int
    minutes: int
    meets: bool
    certificate: CertificateOut | None


class StandingsOut(msgspec.Struct):
    held: int
    threshold: ThresholdOut | None
    people: list[PersonOut]


class IssueIn(msgspec.Struct, forbid_unknown_fields=True):
    """Without ``person_id``: everyone who meets the threshold and has no valid certificate."""

    person_id: Annotated[int, msgspec.Meta(ge=1, le=2_147_483_647)] | None = None


class Counted(msgspec.Struct):
    count: int


class Queued(msgspec.Struct):
    queued: bool


def _certificate(c: IssuedView | None) -> CertificateOut | None:
    if c is None:
        return None
    return CertificateOut(
        c.id, c.code, c.name, c.dates, c.minutes, c.issued_at, c.revoked_at, c.sent_count
    )


class _Certificates(Controller):
    dependencies = {"actor": provide_actor}
    kind: ClassVar[str] = "series"

    async def _rule(self, actor: Actor, scope_id: int) -> ThresholdOut | None:
        threshold, updated = await threshold_of(await scope_for(actor, self.kind, scope_id))
        if threshold is None or updated is None:
            return None
        measure: Literal["percent", "hours"] = (
            "hours" if threshold.measure == Measure.hours else "percent"
        )
        return ThresholdOut(measure, threshold.value, updated)

    @get("/certificate-rule", summary="The attendance needed for a certificate")
    async def rule(self, actor: NamedDependency[Actor], scope_id: FromPath[int]) -> ThresholdOut:
        found = await self._rule(actor, scope_id)
        if found is None:
            raise NotFound("threshold_missing", "No attendance needed is set yet.")
        return found

    @put("/certificate-rule", summary="Set the attendance needed for a certificate")
    async def set_rule(
        self, actor: NamedDependency[Actor], scope_id: FromPath[int], data: JSONBody[ThresholdIn]
    ) -> ThresholdOut:
        await issuing.set_threshold(actor, self.kind, scope_id, data.measure, data.value)
        found = await self._rule(actor, scope_id)
        assert found is not None
        return found

    @get("/certificates", summary="Everyone registered, who meets the threshold, certificates")
    async def people(self, actor: NamedDependency[Actor], scope_id: FromPath[int]) -> StandingsOut:
        scope = await scope_for(actor, self.kind, scope_id)
        threshold, _ = await threshold_of(scope)
        held, people = await standings(scope, threshold, clock.now())
        return StandingsOut(
            held,
            await self._rule(actor, scope_id),
            [
                PersonOut(
                    p.attendee_id,
                    p.name,
                    len(p.standing.attended),
                    p.standing.minutes,
                    p.standing.meets,
                    _certificate(p.certificate),
                )
                for p in people
            ],
        )

    @post(
        "/certificates",
        summary="Issue certificates (no mail)",
        description="409 when no threshold is set, or when the one person asked for does not "
        "meet it or has a valid certificate already.",
        status_code=HTTP_200_OK,
    )
    async def issue(
        self, actor: NamedDependency[Actor], scope_id: FromPath[int], data: JSONBody[IssueIn]
    ) -> Counted:
        return Counted(await issuing.issue(actor, self.kind, scope_id, only=data.person_id))

    @post(
        "/certificates/send",
        summary="Mail every valid certificate never sent, one mail each with its PDF",
        status_code=HTTP_200_OK,
    )
    async def send(self, actor: NamedDependency[Actor], scope_id: FromPath[int]) -> Counted:
        return Counted(await issuing.send_all(actor, self.kind, scope_id))

    @post(
        "/certificates/{certificate_id:int}/send",
        summary="Mail one certificate again, on purpose",
        status_code=HTTP_200_OK,
    )
    async def resend(
        self,
        actor: NamedDependency[Actor],
        scope_id: FromPath[int],
        certificate_id: FromPath[int],
    ) -> Queued:
        await issuing.resend(actor, self.kind, scope_id, certificate_id)
        return Queued(True)

    @post(
        "/certificates/{certificate_id:int}/revoke",
        summary="Withdraw a certificate (its check page says so; an unsent mail is not sent)",
        status_code=HTTP_200_OK,
    )
    async def revoke(
        self,
        actor: NamedDependency[Actor],
        scope_id: FromPath[int],
        certificate_id: FromPath[int],
    ) -> CertificateOut:
        await issuing.revoke(actor, self.kind, scope_id, certificate_id)
        scope = await scope_for(actor, self.kind, scope_id)
        [found] = await certificates_of(scope, [certificate_id])
        result = _certificate(found)
        assert result is not None
        return result

    @get(
        "/certificates/pdf",
        summary="All valid certificates as one PDF, a page each",
        media_type="application/pdf",
    )
    async def all_pdf(
        self, actor: NamedDependency[Actor], scope_id: FromPath[int]
    ) -> Response[bytes]:
        return _pdf(*await issuing.pdf_for(actor, self.kind, scope_id))

    @get(
        "/certificates/{certificate_id:int}/pdf",
        summary="One certificate as PDF",
        media_type="application/pdf",
    )
    async def one_pdf(
        self,
        actor: NamedDependency[Actor],
        scope_id: FromPath[int],
        certificate_id: FromPath[int],
    ) -> Response[bytes]:
        return _pdf(*await issuing.pdf_for(actor, self.kind, scope_id, certificate_id))


def _pdf(name: str, data: bytes) -> Response[bytes]:
    return Response(
        data,
        media_type="application/pdf",
        headers={**FILE_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'},
    )


class SeriesCertificateController(_Certificates):
    path = "/api/v1/series/{scope_id:int}"
    tags = ["series"]
    kind = "series"


class ProgrammeCertificateController(_Certificates):
    path = "/api/v1/programmes/{scope_id:int}"
    tags = ["programmes"]
    kind = "programme"
