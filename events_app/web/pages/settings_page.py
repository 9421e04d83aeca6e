"""Organisation settings for organisers: name, contact, language, retention, consent text, and
the questions asked at registration."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from events_app.accounts.credentials import Actor
from events_app.accounts.organisations import list_organisations, update_organisation
from events_app.domain.errors import DomainError, Refusals, gather
from events_app.domain.needs import check_needs_days
from events_app.i18n import LANGUAGES
from events_app.registration import questions
from events_app.web.pages.context import language_of
from events_app.web.pages.form_input import (
    Email,
    Line,
    Name,
    NoFields,
    Text,
    decode_form,
    decode_to_show,
)
from events_app.web.pages.forms import field_messages
from events_app.web.pages.messages import message_for
from events_app.web.pages.staff import provide_staff_actor, staff_page

__all__ = ["SettingsController"]

DONE = ("saved", "question_added", "question_removed")


def _days(text: str, least: int) -> int | None:
    """A number of days from ``least`` to 3650 as typed, or None."""
    text = text.strip()
    if text.isascii() and text.isdecimal() and len(text) <= 4 and least <= int(text) <= 3650:
        return int(text)
    return None


def _message(exc: DomainError, language: str) -> str:
    return message_for(exc, language, "settings")


class SettingsFields(msgspec.Struct):
    """The organisation's settings."""

    name: Name = ""
    contact_email: Email = ""
    language: Line = ""
    retention_days: Line = ""
    needs_days: Line = ""  # empty (or not sent): unchanged
    consent_text: Text = ""
    consent_text_en: Text = ""
    confirm_first: Line = ""
    timezone: Line = ""  # empty (or not sent): unchanged


class QuestionFields(msgspec.Struct):
    """A new question on the registration form (choices one per line)."""

    label: Line = ""
    kind: Line = ""
    choices: Text = ""
    required: Line = ""


class SettingsController(Controller):
    path = "/organise/{organisation_id:int}/settings"
    include_in_schema = False
    dependencies = {"actor": provide_staff_actor}

    async def _show(
        self,
        request: Request[Any, Any, Any],
        actor: Actor,
        organisation_id: int,
        *,
        status: int = 200,
        errors: dict[str, str] | None = None,
        values: dict[str, str] | None = None,
        question: dict[str, str] | None = None,
    ) -> Response[str]:
        actor.require_organiser(organisation_id)
        organisation = next(
            o for o in await list_organisations(actor) if o["id"] == organisation_id
        )
        done = request.query_params.get("done", "")
        return staff_page(
            request,
            actor,
            "settings.html",
            status=status,
            organisation=organisation,
            values=values
            or {
                "name": organisation["name"],
                "contact_email": organisation["contact_email"],
                "language": organisation["language"],
                "retention_days": str(organisation["retention_days"]),
                "needs_days": str(organisation["needs_days"]),
                "consent_text": organisation["consent_text"],
                "consent_text_en": organisation["consent_text_en"],
                "confirm_first": "yes" if organisation["confirm_first"] else "",
                "timezone": organisation["timezone"],
            },
            question=question or {"label": "", "kind": "text", "choices": "", "required": ""},
            questions=await questions.list_questions(actor, organisation_id),
            errors=errors or {},
            done=done if done in DONE else "",
        )

    @get("/")
    async def show(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
    ) -> Response[str]:
        return await self._show(request, actor, organisation_id)

    @post("/")
    async def save(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
    ) -> Response[Any]:
        sent, rejected = await decode_to_show(request, SettingsFields)
        actor.require_organiser(organisation_id)
        try:
            if rejected:
                raise rejected
            days = _days(sent.retention_days, 1)
            # Empty (or not sent): the needs keep their number of days, checked against the
            # new retention by the service.
            needs_days = _days(sent.needs_days, 0) if sent.needs_days.strip() else None
            found = []
            if days is None:
                found.append(DomainError("retention_invalid", "", field="retention_days"))
            if sent.needs_days.strip() and needs_days is None:
                found.append(DomainError("needs_days_invalid", "", field="needs_days"))
            elif days is not None and needs_days is not None:
                try:
                    check_needs_days(needs_days, days)
                except DomainError as exc:
                    found.append(exc)
            gather(found)
            assert days is not None
            needs = {} if needs_days is None else {"needs_days": needs_days}
            if sent.language not in LANGUAGES:
                raise DomainError("language_unknown", "", field="language")
            consent = sent.consent_text.strip()
            if len(consent) > 5000:
                raise DomainError("consent_too_long", "", field="consent_text")
            consent_en = sent.consent_text_en.strip()
            if len(consent_en) > 5000:
                raise DomainError("consent_too_long", "", field="consent_text_en")
            zone = {"timezone": sent.timezone.strip()} if sent.timezone.strip() else {}
            await update_organisation(
                actor,
                organisation_id,
                {
                    **zone,
                    "name": sent.name,
                    "contact_email": sent.contact_email,
                    "language": sent.language,
                    **needs,
                    "retention_days": days,
                    "consent_text": consent,
                    "consent_text_en": consent_en,
                    "confirm_first": sent.confirm_first == "yes",
                },
            )
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            language = language_of(request)
            return await self._show(
                request,
                actor,
                organisation_id,
                status=400,
                errors=field_messages(exc, language)
                if isinstance(exc, Refusals)
                else field_messages(exc, language, _message(exc, language)),
                values=msgspec.structs.asdict(sent),
            )
        return Redirect(f"/organise/{organisation_id}/settings?done=saved", status_code=303)

    @post("/questions")
    async def add_question(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
    ) -> Response[Any]:
        sent, rejected = await decode_to_show(request, QuestionFields)
        try:
            if rejected:
                raise rejected
            await questions.add_question(
                actor,
                organisation_id,
                label=sent.label,
                kind=sent.kind,
                choices=sent.choices.splitlines(),
                required=sent.required == "yes",
            )
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            language = language_of(request)
            return await self._show(
                request,
                actor,
                organisation_id,
                status=400,
                errors={
                    "q_" + field: message
                    for field, message in field_messages(
                        exc, language, _message(exc, language), field=exc.field or "label"
                    ).items()
                },
                question=msgspec.structs.asdict(sent),
            )
        return Redirect(
            f"/organise/{organisation_id}/settings?done=question_added#questions", status_code=303
        )

    @post("/questions/{question_id:int}/remove")
    async def remove_question(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
        question_id: FromPath[int],
    ) -> Redirect:
        await decode_form(request, NoFields)
        await questions.delete_question(actor, organisation_id, question_id)
        return Redirect(
            f"/organise/{organisation_id}/settings?done=question_removed#questions",
            status_code=303,
        )
