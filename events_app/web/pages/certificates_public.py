"""Anyone can check a certificate: ``/certificates/verify`` (a form for the code) and
``/certificates/{code}`` (what the certificate says, or that it was withdrawn).  Nothing else
about the person is shown.  An unknown code is a plain 404 "no certificate with this code";
a client that keeps asking for unknown codes gets 429 with how long to wait
(:mod:`events_app.certificates.verify`)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath
from litestar.response import Redirect

from events_app.certificates.verify import TooManyGuesses, Verified, look_up
from events_app.documents.certificate_pdf import hours_text
from events_app.i18n import N_, translate
from events_app.web.pages.context import language_of, page
from events_app.web.rate_limit import rate_limited

__all__ = ["CertificateCheckController"]

NO_SUCH = N_("There is no certificate with this code.")
NO_CODE = N_("Fill in the code from the certificate.")
TOO_LONG = 64


def _client(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


async def _found(request: Request[Any, Any, Any], code: str) -> Verified | None:
    try:
        return await look_up(code, _client(request))
    except TooManyGuesses as exc:
        raise rate_limited(exc.retry_after) from exc


class CertificateCheckController(Controller):
    path = "/certificates"
    include_in_schema = False

    @get("/verify")
    async def verify(self, request: Request[Any, Any, Any]) -> Response[Any]:
        typed = request.query_params.get("code")
        if typed is None:
            return page(request, "certificate_verify.html", code="", errors={})
        language = language_of(request)
        if not typed.strip() or len(typed) > TOO_LONG:
            errors = {"code": translate(language, NO_CODE if not typed.strip() else NO_SUCH)}
            return page(
                request, "certificate_verify.html", status=400, code=typed[:TOO_LONG],
                errors=errors,
            )  # fmt: skip
        found = await _found(request, typed)
        if found is None:
            return page(
                request, "certificate_verify.html", status=404, code=typed,
                errors={"code": translate(language, NO_SUCH)},
            )  # fmt: skip
        return Redirect(f"/certificates/{found.code}", status_code=303)

    @get("/{code:str}")
    async def show(self, request: Request[Any, Any, Any], code: FromPath[str]) -> Response[str]:
        found = await _found(request, code)
        if found is None:
            return page(request, "certificate.html", status=404, private=True, cert=None)
        language = language_of(request)
        return page(
            request,
            "certificate.html",
            private=True,
            cert=found,
            hours=hours_text(found.minutes, language),
        )
