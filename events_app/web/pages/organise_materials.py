"""A date's materials for its organisers (``/organise/dates/{id}/materials``): add a link, a
written text or a file, remove one, download a file, and send them all in one mail per person
once the date is over.  Adding mails nobody; a refused form is shown again with each problem
at its field.  The public download (``/events/{slug}/{id}/materials/{id}``) is here too: it
follows the date page (anyone, for a published series)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import msgspec
from babel.numbers import format_decimal
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from events_app.accounts.credentials import Actor
from events_app.domain import materials as rules
from events_app.domain.errors import DomainError, NotFound, Refusals
from events_app.i18n import N_, locale_for, translate
from events_app.series import dates as event_dates
from events_app.series import materials
from events_app.settings import get_settings
from events_app.web.api.materials import UPLOAD_BODY_LIMIT
from events_app.web.api.types import id_from_text
from events_app.web.material_files import file_response
from events_app.web.pages.context import language_of
from events_app.web.pages.form_input import (
    FormRejected,
    Line,
    Text,
    Title,
    Url,
    decode_to_show,
)
from events_app.web.pages.messages import message_for
from events_app.web.pages.staff import provide_staff_actor, staff_page

__all__ = ["MaterialFilesController", "MaterialsAdminController"]

FormT = TypeVar("FormT", bound=msgspec.Struct)
DONE = ("link", "text", "file", "removed", "sent")
# Refusals whose words need the page's numbers, or differ from the service's plain message.
MESSAGES = {
    "title_missing": N_("Give the material a title."),
    "file_missing": N_("Choose a file (it was empty or missing)."),
    "file_too_large": N_("The file is too large: at most %(max)s MB."),
    "file_type": N_("This type of file is not taken. Allowed: %(allowed)s."),
    "title_too_long": N_("Use at most %(max)s characters."),
    "text_missing": N_("Write the text."),
    "text_too_long": N_("Use at most %(max)s characters."),
    "materials_too_early": N_("The materials can be sent once the date has ended."),
    "materials_just_sent": N_(
        "The materials were sent a few minutes ago. Wait a while before sending again."
    ),
    "materials_sent_before": N_("The materials were sent before. Confirm to send them again."),
    "materials_none": N_("Add the materials first."),
    "materials_not_held": N_("This date did not take place."),
    "audience_invalid": N_("Choose who gets the materials."),
}
MISMATCH = N_("The file's contents do not match its name.")


class LinkFields(msgspec.Struct):
    title: Title = ""
    url: Url = ""


class TextFields(msgspec.Struct):
    title: Title = ""
    body: Text = ""


class FileFields(msgspec.Struct):
    title: Title = ""


class RemoveFields(msgspec.Struct):
    material: Line = ""


class SendFields(msgspec.Struct):
    audience: Line = ""
    again: Line = ""


def _messages(exc: DomainError, form: str, language: str) -> dict[str, str]:
    """Each refused field of ``form`` (its inputs are ``<form>-<field>``) with its words."""
    if isinstance(exc, FormRejected):
        return {f"{form}-{k}": v for k, v in exc.messages(language).items()}
    result: dict[str, str] = {}
    for refusal in exc.refusals if isinstance(exc, Refusals) else [exc]:
        code = refusal.code
        if code == "file_type" and "match" in refusal.message:
            message = translate(language, MISMATCH)
        elif code in MESSAGES:
            limit = {
                "file_too_large": get_settings().max_upload_bytes // (1024 * 1024),
                "title_too_long": materials.TITLE_LIMIT,
            }.get(code, rules.TEXT_LIMIT)
            message = translate(
                language,
                MESSAGES[code],
                max=format_decimal(limit, locale=locale_for(language)),
                allowed=rules.ALLOWED,
            )
        else:
            message = message_for(refusal, language, "organise")
        key = f"{form}-{refusal.field}" if refusal.field else "form"
        result.setdefault(key, message)
    return result


async def show_materials(
    request: Request[Any, Any, Any],
    actor: Actor,
    date_id: int,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, dict[str, str]] | None = None,
    confirm_again: bool = False,
) -> Response[str]:
    date = await event_dates.get_date(actor, date_id)
    done = request.query_params.get("done", "")
    return staff_page(
        request,
        actor,
        "date_materials.html",
        status=status,
        d=date,
        counts=await materials.audience_counts(date_id),
        last_sent=await materials.last_sent(date_id),
        errors=errors or {},
        values=values or {},
        confirm_again=confirm_again,
        done=done if done in DONE else "",
        sent=request.query_params.get("count", ""),
        max_mb=get_settings().max_upload_bytes // (1024 * 1024),
        allowed=rules.ALLOWED,
        accept=",".join(f".{ext}" for ext in rules.FILE_TYPES),
    )


class MaterialsAdminController(Controller):
    path = "/organise/dates/{date_id:int}"
    include_in_schema = False
    dependencies = {"actor": provide_staff_actor}

    async def _act(
        self,
        request: Request[Any, Any, Any],
        actor: Actor,
        date_id: int,
        form: str,
        kind: type[FormT],
        act: Callable[[FormT], Awaitable[str]],
    ) -> Response[Any]:
        """Run one action; its refusals are shown at the form's fields (the page again)."""
        sent, rejected = await decode_to_show(request, kind)
        language = language_of(request)
        try:
            if rejected:
                raise rejected
            done = await act(sent)
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return await show_materials(
                request,
                actor,
                date_id,
                status=409 if exc.status_code == 409 else 400,
                errors=_messages(exc, form, language),
                values={form: msgspec.structs.asdict(sent)},
                confirm_again=exc.code == "materials_sent_before",
            )
        return Redirect(f"/organise/dates/{date_id}/materials?done={done}", status_code=303)

    @get("/materials")
    async def page(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
    ) -> Response[str]:
        return await show_materials(request, actor, date_id)

    @post("/material")
    async def add_link(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
    ) -> Response[Any]:
        async def act(sent: LinkFields) -> str:
            await materials.add_link(actor, date_id, sent.title, sent.url)
            return "link"

        return await self._act(request, actor, date_id, "link", LinkFields, act)

    @post("/material-text")
    async def add_text(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
    ) -> Response[Any]:
        async def act(sent: TextFields) -> str:
            await materials.add_text(actor, date_id, sent.title, sent.body)
            return "text"

        return await self._act(request, actor, date_id, "text", TextFields, act)

    @post("/material-file", request_max_body_size=UPLOAD_BODY_LIMIT)
    async def add_file(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
    ) -> Response[Any]:
        form = await request.form()
        upload = form.get("file")

        async def act(sent: FileFields) -> str:
            if isinstance(upload, UploadFile):
                name, data = upload.filename or "", await upload.read()
            else:
                name, data = "", b""
            await materials.add_file(actor, date_id, sent.title, name, data)
            return "file"

        return await self._act(request, actor, date_id, "file", FileFields, act)

    @post("/material-remove")
    async def remove(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
    ) -> Response[Any]:
        async def act(sent: RemoveFields) -> str:
            material = id_from_text(sent.material)
            if material is None:
                raise NotFound("not_found", "This does not exist or is not yours to see.")
            await materials.delete_material(actor, date_id, material)
            return "removed"

        return await self._act(request, actor, date_id, "remove", RemoveFields, act)

    @post("/materials-send")
    async def send(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
    ) -> Response[Any]:
        async def act(sent: SendFields) -> str:
            count = await materials.send_materials(
                actor, date_id, sent.audience, again=sent.again == "yes"
            )
            return f"sent&count={count}"

        return await self._act(request, actor, date_id, "send", SendFields, act)

    @get("/materials/{material_id:int}")
    async def download(
        self,
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
        material_id: FromPath[int],
    ) -> Response[bytes]:
        return file_response(await materials.file_for_organiser(actor, date_id, material_id))


class MaterialFilesController(Controller):
    """A file of a date's materials, for whoever may see the date's page."""

    path = "/events/{series_slug:str}/{date_id:int}/materials"
    include_in_schema = False

    @get("/{material_id:int}")
    async def download(
        self,
        series_slug: FromPath[str],
        date_id: FromPath[int],
        material_id: FromPath[int],
    ) -> Response[bytes]:
        found = await materials.public_file(series_slug, date_id, material_id)
        return file_response(found)
