"""Organisation settings for organisers: name, contact, language, retention, consent text, and
the questions asked at registration."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from events_app.accounts.credentials import Actor
from events_app.accounts.organisations import list_organisations, update_organisation
from events_app.domain.errors import DomainError
from events_app.i18n import LANGUAGES, N_, translate
from events_app.registration import questions
from events_app.web.pages.context import language_of
from events_app.web.pages.csrf import FIELD, check_csrf
from events_app.web.pages.staff import provide_staff_actor, staff_page

__all__ = ["SettingsController"]

MESSAGES = {
    "name_missing": N_("Give the organisation a name."),
    "email_missing": N_("Fill in an e-mail address."),
    "email_invalid": N_("This is not a valid e-mail address. Check it for typing errors."),
    "email_not_ascii": N_(
        "Letters with accents (such as é or ö) and other special letters cannot be used before "
        "the @: mail to such an address cannot be delivered."
    ),
    "retention_invalid": N_("Fill in a number of days from 1 to 3650."),
    "language_unknown": N_("Choose Dutch or English."),
    "consent_too_long": N_("Use at most 5000 characters."),
    "label_invalid": N_("Write a question of 1 to 300 characters."),
    "kind_unknown": N_("Choose the kind of answer."),
    "choices_invalid": N_("Give 2 to 20 options of at most 100 characters, one per line."),
}
DONE = ("saved", "question_added", "question_removed")


def _message(exc: DomainError, language: str) -> str:
    text = MESSAGES.get(exc.code)
    return translate(language, text) if text else exc.message


async def _form(request: Request[Any, Any, Any]) -> dict[str, str]:
    form = await request.form()
    values = {k: v[:6000] for k, v in form.items() if isinstance(k, str) and isinstance(v, str)}
    check_csrf(request, values.get(FIELD))
    return values


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
                "consent_text": organisation["consent_text"],
                "confirm_first": "yes" if organisation["confirm_first"] else "",
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
        values = await _form(request)
        actor.require_organiser(organisation_id)
        try:
            days = values.get("retention_days", "").strip()
            if not days.isdigit() or not 1 <= int(days) <= 3650:
                raise DomainError("retention_invalid", "", field="retention_days")
            if values.get("language") not in LANGUAGES:
                raise DomainError("language_unknown", "", field="language")
            consent = values.get("consent_text", "").strip()
            if len(consent) > 5000:
                raise DomainError("consent_too_long", "", field="consent_text")
            await update_organisation(
                actor,
                organisation_id,
                {
                    "name": values.get("name", ""),
                    "contact_email": values.get("contact_email", ""),
                    "language": values["language"],
                    "retention_days": int(days),
                    "consent_text": consent,
                    "confirm_first": values.get("confirm_first") == "yes",
                },
            )
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return await self._show(
                request,
                actor,
                organisation_id,
                status=400,
                errors={exc.field or "form": _message(exc, language_of(request))},
                values=values,
            )
        return Redirect(f"/organise/{organisation_id}/settings?done=saved", status_code=303)

    @post("/questions")
    async def add_question(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
    ) -> Response[Any]:
        values = await _form(request)
        try:
            await questions.add_question(
                actor,
                organisation_id,
                label=values.get("label", ""),
                kind=values.get("kind", ""),
                choices=values.get("choices", "").splitlines(),
                required=values.get("required") == "yes",
            )
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return await self._show(
                request,
                actor,
                organisation_id,
                status=400,
                errors={"q_" + (exc.field or "label"): _message(exc, language_of(request))},
                question={k: values.get(k, "") for k in ("label", "kind", "choices", "required")},
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
        await _form(request)
        await questions.delete_question(actor, organisation_id, question_id)
        return Redirect(
            f"/organise/{organisation_id}/settings?done=question_removed#questions",
            status_code=303,
        )
