"""The asked expert's own page, from the private link in their mail: what is asked (never who
asked), accept or decline with a note, and leaving the pool.  Unknown tokens are one 404."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from events_app.domain.errors import DomainError
from events_app.requests import expert_links
from events_app.web.pages.context import language_of, page
from events_app.web.pages.experts_words import form_errors, labels
from events_app.web.pages.form_input import Line, NoFields, Text, decode_to_show

__all__ = ["ExpertLinkPageController"]


class AnswerFields(msgspec.Struct):
    answer: Line = ""
    note: Text = ""


class ExpertLinkPageController(Controller):
    path = "/expert"
    include_in_schema = False

    async def _show(
        self,
        request: Request[Any, Any, Any],
        token: str,
        *,
        status: int = 200,
        form: dict[str, Any] | None = None,
        errors: dict[str, str] | None = None,
    ) -> Response[str]:
        found = await expert_links.expert_page(token)
        return page(
            request,
            "expert_ask.html",
            status=status,
            **labels(request),
            private=True,
            token=token,
            ask=found,
            form=form or {"answer": "", "note": found.answer},
            errors=errors or {},
            done=request.query_params.get("done", "") == "answered",
        )

    @get("/{token:str}")
    async def show(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[str]:
        return await self._show(request, token)

    @post("/{token:str}")
    async def answer(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[Any]:
        await expert_links.expert_page(token)  # an unknown token: 404 before anything else
        sent, rejected = await decode_to_show(request, AnswerFields)
        try:
            if rejected:
                raise rejected
            await expert_links.answer(token, sent.answer, sent.note)
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return await self._show(
                request, token, status=400, form=msgspec.structs.asdict(sent),
                errors=form_errors(exc, language_of(request)),
            )  # fmt: skip
        return Redirect(f"/expert/{token}?done=answered", status_code=303)

    @get("/{token:str}/leave")
    async def ask_leave(
        self, request: Request[Any, Any, Any], token: FromPath[str]
    ) -> Response[str]:
        found = await expert_links.expert_page(token)
        return page(
            request, "expert_leave.html", private=True, token=token, ask=found, left=False,
            organisation_name=found.organisation_name,
        )  # fmt: skip

    @post("/{token:str}/leave", status_code=200)
    async def leave(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[str]:
        await expert_links.expert_page(token)
        await decode_to_show(request, NoFields)
        name = await expert_links.leave_pool(token)
        return page(
            request, "expert_leave.html", private=True, token="", ask=None, left=True,
            organisation_name=name,
        )  # fmt: skip
