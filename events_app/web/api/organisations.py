"""The organisations I work for, and their settings (organisers only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, get, patch
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from msgspec import UNSET, Meta, UnsetType

from events_app.accounts import organisations
from events_app.accounts.credentials import Actor
from events_app.web.api.schemas import given, out
from events_app.web.auth import provide_actor

__all__ = ["OrganisationController"]


class OrganisationOut(msgspec.Struct):
    id: int
    slug: str
    name: str
    contact_email: str
    timezone: str
    language: str
    retention_days: int
    needs_days: int  # needs written at registration are deleted this many days after the date
    consent_text: str  # in the organisation's language; empty: no tick box
    consent_text_en: str  # its English wording for English forms (empty: the text above)
    confirm_first: bool  # new addresses confirm by mail before their registrations count
    role: str
    created_at: datetime
    updated_at: datetime


class OrganisationUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, Meta(min_length=1, max_length=200)] | UnsetType = UNSET
    contact_email: Annotated[str, Meta(max_length=254)] | UnsetType = UNSET
    language: Annotated[str, Meta(pattern="^(nl|en)$")] | UnsetType = UNSET
    retention_days: Annotated[int, Meta(ge=1, le=3650)] | UnsetType = UNSET
    needs_days: Annotated[int, Meta(ge=0, le=3650)] | UnsetType = UNSET
    consent_text: Annotated[str, Meta(max_length=5000)] | UnsetType = UNSET
    consent_text_en: Annotated[str, Meta(max_length=5000)] | UnsetType = UNSET
    confirm_first: bool | UnsetType = UNSET
    timezone: Annotated[str, Meta(max_length=64)] | UnsetType = UNSET


class OrganisationController(Controller):
    path = "/api/v1/organisations"
    tags = ["organisations"]
    dependencies = {"actor": provide_actor}

    @get("/", summary="The organisations I belong to, with my role")
    async def list_organisations(self, actor: NamedDependency[Actor]) -> list[OrganisationOut]:
        return out(await organisations.list_organisations(actor), list[OrganisationOut])

    @patch("/{organisation_id:int}", summary="Change an organisation's settings")
    async def update(
        self,
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
        data: JSONBody[OrganisationUpdate],
    ) -> OrganisationOut:
        row = await organisations.update_organisation(actor, organisation_id, given(data))
        return out(row, OrganisationOut)
