"""The organiser's certificates page of a series or programme
(``/organise/series/{id}/certificates``, ``/organise/programmes/{id}/certificates``): set the
attendance needed, see who meets it and who does not yet, issue certificates, download them
(one or all in one PDF), mail them (one click: one mail per person, once), re-send one on
purpose, withdraw one.  A refused form is shown again with the problem at its field."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, ClassVar, TypeVar

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from events_app import clock
from events_app.accounts.credentials import Actor
from events_app.certificates import issuing
from events_app.certificates.scope import scope_for, threshold_of
from events_app.certificates.standings import standings
from events_app.documents.certificate_pdf import hours_text
from events_app.domain.errors import DomainError, NotFound, Refusals
from events_app.web.api.types import id_from_text
from events_app.web.material_files import FILE_HEADERS
from events_app.web.pages.context import language_of
from events_app.web.pages.form_input import FormRejected, Line, decode_to_show
from events_app.web.pages.messages import message_for
from events_app.web.pages.staff import provide_staff_actor, staff_page

__all__ = ["ProgrammeCertificatesController", "SeriesCertificatesController"]

FormT = TypeVar("FormT", bound=msgspec.Struct)
DONE = ("threshold", "issued", "sent", "resent", "revoked")


class ThresholdFields(msgspec.Struct):
    measure: Line = ""
    value: Line = ""


class PersonFields(msgspec.Struct):
    person: Line = ""


class CertificateFields(msgspec.Struct):
    certificate: Line = ""


class NoFields(msgspec.Struct):
    pass


def _messages(exc: DomainError, form: str, language: str) -> dict[str, str]:
    if isinstance(exc, FormRejected):
        return {f"{form}-{k}": v for k, v in exc.messages(language).items()}
    result: dict[str, str] = {}
    for refusal in exc.refusals if isinstance(exc, Refusals) else [exc]:
        key = f"{form}-{refusal.field}" if refusal.field else "form"
        result.setdefault(key, message_for(refusal, language, "organise"))
    return result


def _id(text: str) -> int:
    found = id_from_text(text)
    if found is None:
        raise NotFound("not_found", "This does not exist or is not yours to see.")
    return found


class _CertificatesController(Controller):
    include_in_schema = False
    dependencies = {"actor": provide_staff_actor}
    kind: ClassVar[str] = "series"
    segment: ClassVar[str] = "series"

    async def _show(
        self,
        request: Request[Any, Any, Any],
        actor: Actor,
        scope_id: int,
        *,
        status: int = 200,
        errors: dict[str, str] | None = None,
        values: dict[str, dict[str, str]] | None = None,
    ) -> Response[str]:
        scope = await scope_for(actor, self.kind, scope_id)
        threshold, _ = await threshold_of(scope)
        held, people = await standings(scope, threshold, clock.now())
        language = language_of(request)
        done = request.query_params.get("done", "")
        return staff_page(
            request,
            actor,
            "certificates.html",
            status=status,
            scope=scope,
            base=f"/organise/{self.segment}/{scope_id}/certificates",
            back=f"/organise/{self.segment}/{scope_id}",
            threshold=threshold,
            held=held,
            people=people,
            meets=[p for p in people if p.standing.meets],
            not_yet=[p for p in people if not p.standing.meets],
            any_issued=any(p.certificate and p.certificate.active for p in people),
            hours=lambda minutes: hours_text(minutes, language),
            errors=errors or {},
            values=values or {},
            done=done if done in DONE else "",
            count=request.query_params.get("count", ""),
        )

    async def _act(
        self,
        request: Request[Any, Any, Any],
        actor: Actor,
        scope_id: int,
        form: str,
        kind: type[FormT],
        act: Callable[[FormT], Awaitable[str]],
    ) -> Response[Any]:
        sent, rejected = await decode_to_show(request, kind)
        try:
            if rejected:
                raise rejected
            done = await act(sent)
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return await self._show(
                request,
                actor,
                scope_id,
                status=409 if exc.status_code == 409 else 400,
                errors=_messages(exc, form, language_of(request)),
                values={form: msgspec.structs.asdict(sent)},
            )
        base = f"/organise/{self.segment}/{scope_id}/certificates"
        return Redirect(f"{base}?done={done}", status_code=303)

    @get("/certificates")
    async def page(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        scope_id: FromPath[int],
    ) -> Response[str]:
        return await self._show(request, actor, scope_id)

    @post("/certificates/threshold")
    async def threshold(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        scope_id: FromPath[int],
    ) -> Response[Any]:
        async def act(sent: ThresholdFields) -> str:
            await issuing.set_threshold(actor, self.kind, scope_id, sent.measure, sent.value)
            return "threshold"

        return await self._act(request, actor, scope_id, "threshold", ThresholdFields, act)

    @post("/certificates/issue")
    async def issue(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        scope_id: FromPath[int],
    ) -> Response[Any]:
        async def act(sent: PersonFields) -> str:
            only = _id(sent.person) if sent.person else None
            count = await issuing.issue(actor, self.kind, scope_id, only=only)
            return f"issued&count={count}"

        return await self._act(request, actor, scope_id, "issue", PersonFields, act)

    @post("/certificates/send")
    async def send(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        scope_id: FromPath[int],
    ) -> Response[Any]:
        async def act(_: NoFields) -> str:
            count = await issuing.send_all(actor, self.kind, scope_id)
            return f"sent&count={count}"

        return await self._act(request, actor, scope_id, "send", NoFields, act)

    @post("/certificates/resend")
    async def resend(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        scope_id: FromPath[int],
    ) -> Response[Any]:
        async def act(sent: CertificateFields) -> str:
            await issuing.resend(actor, self.kind, scope_id, _id(sent.certificate))
            return "resent"

        return await self._act(request, actor, scope_id, "resend", CertificateFields, act)

    @post("/certificates/revoke")
    async def revoke(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        scope_id: FromPath[int],
    ) -> Response[Any]:
        async def act(sent: CertificateFields) -> str:
            await issuing.revoke(actor, self.kind, scope_id, _id(sent.certificate))
            return "revoked"

        return await self._act(request, actor, scope_id, "revoke", CertificateFields, act)

    @get("/certificates.pdf")
    async def all_pdf(
        self, actor: NamedDependency[Actor], scope_id: FromPath[int]
    ) -> Response[bytes]:
        return _pdf(*await issuing.pdf_for(actor, self.kind, scope_id))

    @get("/certificates/{certificate_id:int}/pdf")
    async def one_pdf(
        self, actor: NamedDependency[Actor], scope_id: FromPath[int], certificate_id: FromPath[int]
    ) -> Response[bytes]:
        return _pdf(*await issuing.pdf_for(actor, self.kind, scope_id, certificate_id))


def _pdf(name: str, data: bytes) -> Response[bytes]:
    return Response(
        data,
        media_type="application/pdf",
        headers={**FILE_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'},
    )


class SeriesCertificatesController(_CertificatesController):
    path = "/organise/series/{scope_id:int}"
    kind = "series"
    segment = "series"


class ProgrammeCertificatesController(_CertificatesController):
    path = "/organise/programmes/{scope_id:int}"
    kind = "programme"
    segment = "programmes"
