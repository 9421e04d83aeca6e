"""A date's materials in the API, as on the organiser's pages: add a link or a written text
(JSON), add a file (a multipart form: ``title`` and ``file``), download or remove one, and send
them all in one mail per person once the date is over."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import Controller, Response, delete, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from events_app import clock
from events_app.accounts.credentials import Actor
from events_app.domain.errors import DomainError
from events_app.series import materials
from events_app.settings import get_settings
from events_app.web.api.schemas import out
from events_app.web.api.schemas_dates import (
    MaterialIn,
    MaterialOut,
    MaterialsSend,
    MaterialsSending,
    MaterialsSent,
)
from events_app.web.auth import provide_actor
from events_app.web.material_files import file_response

__all__ = ["MaterialController", "MaterialFileIn", "UPLOAD_BODY_LIMIT"]

# A file at the limit fits, with room for the form around it; larger bodies answer 413.
UPLOAD_BODY_LIMIT = get_settings().max_upload_bytes + 256 * 1024


@dataclass
class MaterialFileIn:
    """A file for the date's materials; without a title its (cleaned) name is the title."""

    file: UploadFile
    title: str = ""


class MaterialController(Controller):
    path = "/api/v1/dates/{date_id:int}/materials"
    tags = ["dates"]
    dependencies = {"actor": provide_actor}

    @post("/", summary="Add a link or a written text to this date's materials (no mail)")
    async def add(
        self,
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
        data: JSONBody[MaterialIn],
    ) -> MaterialOut:
        if data.kind == "text":
            found = await materials.add_text(actor, date_id, data.title, data.body)
        else:
            found = await materials.add_link(actor, date_id, data.title, data.url)
        return out(found, MaterialOut)

    @post(
        "/files",
        summary="Add a file (PDF, slides, an image, an office document) to the materials",
        description="A multipart form with `file` and an optional `title`. The type is read "
        "from the name and checked against the contents; see EVENTS_MAX_UPLOAD_MB for the size.",
        request_max_body_size=UPLOAD_BODY_LIMIT,
    )
    async def add_file(
        self,
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
        data: Annotated[MaterialFileIn, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> MaterialOut:
        if not isinstance(data.file, UploadFile):
            raise DomainError("file_missing", "Choose a file.", field="file")
        content = await data.file.read()
        found = await materials.add_file(
            actor, date_id, data.title, data.file.filename or "", content
        )
        return out(found, MaterialOut)

    @get(
        "/{material_id:int}/file",
        summary="Download a file of the materials",
        media_type="application/octet-stream",
    )
    async def download(
        self,
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
        material_id: FromPath[int],
    ) -> Response[bytes]:
        return file_response(await materials.file_for_organiser(actor, date_id, material_id))

    @delete(
        "/{material_id:int}",
        summary="Remove material from this date",
        status_code=HTTP_204_NO_CONTENT,
    )
    async def remove(
        self,
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
        material_id: FromPath[int],
    ) -> None:
        await materials.delete_material(actor, date_id, material_id)

    @get("/send", summary="When the materials were last sent, and whom each choice reaches")
    async def sending(
        self, actor: NamedDependency[Actor], date_id: FromPath[int]
    ) -> MaterialsSending:
        await materials.check_access(actor, date_id)
        counts = await materials.audience_counts(date_id)
        return MaterialsSending(last_sent_at=await materials.last_sent(date_id), **counts)

    @post(
        "/send",
        summary="Mail all materials, one mail per person, once the date is over",
        description="`attended`: the people marked present; `registered`: everyone with a "
        "place. Refused (409) before the date ended, without materials, within 10 minutes of "
        "the last sending, and a second time without `again: true`.",
        status_code=HTTP_200_OK,
    )
    async def send(
        self,
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
        data: JSONBody[MaterialsSend],
    ) -> MaterialsSent:
        queued = await materials.send_materials(actor, date_id, data.audience, again=data.again)
        return MaterialsSent(queued=queued, sent_at=clock.now())
