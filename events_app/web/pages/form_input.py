"""One decoder for every page form: the submitted fields into a msgspec Struct per form.

Each form is a :class:`msgspec.Struct` whose fields are typed by what they hold (:data:`Name`,
:data:`Title`, :data:`Email`, :data:`Url`, … :data:`Line` for anything else on one line,
:data:`Text` for a text area), or lists and ``<name>_<key>`` maps of those.  Their lengths
come from the one table :data:`LIMITS` (the columns' and the JSON API's), so the same kind of
field has the same limit on every page; a service may still refuse less with its own message.

A field over its limit or with a NUL character is refused, never cut: :class:`FormRejected`
names every such field, and the page shows the form again with a message at each.  (A NUL
in a form body is already refused by :mod:`events_app.web.input_guard`; the decoder does not
rely on it.)
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

import msgspec
import msgspec.inspect as mi
from babel.numbers import format_decimal
from litestar import Request

from events_app.domain.errors import DomainError
from events_app.i18n import N_, locale_for, translate

__all__ = [
    "LIMITS",
    "Details",
    "Email",
    "FormRejected",
    "Line",
    "Location",
    "Name",
    "Slug",
    "NoFields",
    "Summary",
    "Text",
    "Title",
    "Topic",
    "Url",
    "decode_form",
    "decode_to_show",
    "read_fields",
]

# The one table of lengths (characters) for page forms, as the columns and the JSON API have
# them; "line" and "text" bound everything else (choices, times, passwords; text areas).
LIMITS = {
    "name": 200,
    "title": 200,
    "email": 254,
    "topic": 300,
    "summary": 500,
    "slug": 120,
    "tag": 40,  # one topic of a series
    "tags": 20,  # topics of a series (a count, not characters)
    "details": 2_000,
    "url": 500,
    "location": 1_000,
    "line": 1_000,
    "text": 20_000,
}
Name = Annotated[str, msgspec.Meta(max_length=LIMITS["name"])]
Title = Annotated[str, msgspec.Meta(max_length=LIMITS["title"])]
Email = Annotated[str, msgspec.Meta(max_length=LIMITS["email"])]
Topic = Annotated[str, msgspec.Meta(max_length=LIMITS["topic"])]
Summary = Annotated[str, msgspec.Meta(max_length=LIMITS["summary"])]
Url = Annotated[str, msgspec.Meta(max_length=LIMITS["url"])]
Location = Annotated[str, msgspec.Meta(max_length=LIMITS["location"])]
Line = Annotated[str, msgspec.Meta(max_length=LIMITS["line"])]
Details = Annotated[str, msgspec.Meta(max_length=LIMITS["details"])]
Slug = Annotated[str, msgspec.Meta(max_length=LIMITS["slug"])]
Text = Annotated[str, msgspec.Meta(max_length=LIMITS["text"])]
MAX_ITEMS = 500  # values of one list field (checkbox groups): more is not a browser's form
MESSAGES = {
    "too_long": N_("Use at most %(max)s characters."),
    "nul_character": N_("Remove the invisible control character from this field."),
}

FormT = TypeVar("FormT", bound=msgspec.Struct)


class NoFields(msgspec.Struct):
    """A button: nothing to read but the CSRF token."""


class FormRejected(DomainError):
    """Fields no service should see: ``problems`` maps each to ``(code, limit)``; ``form`` is
    the rest of the form (the refused fields cut and cleaned) to show it again."""

    def __init__(self, problems: dict[str, tuple[str, int]], form: Any) -> None:
        field, (code, _) = next(iter(problems.items()))
        super().__init__(code, "This form contains a field that cannot be accepted.", field=field)
        self.problems = problems
        self.form = form

    def messages(self, language: str) -> dict[str, str]:
        """A message for every refused field, in the page's language."""
        return {
            field: translate(
                language, MESSAGES[code], max=format_decimal(limit, locale=locale_for(language))
            )
            for field, (code, limit) in self.problems.items()
        }


def _limit(kind: mi.Type) -> int:
    return kind.max_length if isinstance(kind, mi.StrType) and kind.max_length else 0


def _check(name: str, value: str, limit: int, problems: dict[str, tuple[str, int]]) -> str:
    """``value``, or (noted in ``problems``) what is left of it to show again."""
    if "\x00" in value:
        problems.setdefault(name, ("nul_character", limit))
        value = value.replace("\x00", "")
    if limit and len(value) > limit:
        problems.setdefault(name, ("too_long", limit))
        value = value[:limit]
    return value


def read_fields(form: Any, kind: type[FormT]) -> FormT:
    """The Struct for a submitted form (a multi-dict); :class:`FormRejected` lists bad fields.

    A field missing from the form keeps its default; a list takes every value of its name; a
    map field ``answer`` takes the inputs ``answer_<key>``; values that are not text (uploaded
    files) are ignored."""
    info = mi.type_info(kind)
    assert isinstance(info, mi.StructType)
    raw: dict[str, Any] = {}
    problems: dict[str, tuple[str, int]] = {}
    for field in info.fields:
        name = field.encode_name
        if isinstance(field.type, mi.ListType):
            limit = _limit(field.type.item_type)
            items = [v for v in form.getall(name, []) if isinstance(v, str)][:MAX_ITEMS]
            items = [_check(name, item, limit, problems) for item in items]
            if items:
                raw[name] = items
        elif isinstance(field.type, mi.DictType):
            limit = _limit(field.type.value_type)
            prefix = f"{name}_"
            found = {}
            for key in form:
                value = form.get(key)
                if isinstance(key, str) and key.startswith(prefix) and isinstance(value, str):
                    found[key[len(prefix) :]] = _check(key, value, limit, problems)
            raw[name] = found
        else:
            value = form.get(name)
            if isinstance(value, str):
                raw[name] = _check(name, value, _limit(field.type), problems)
    if problems:
        raise FormRejected(problems, msgspec.convert(raw, kind))
    return msgspec.convert(raw, kind)


async def decode_form(request: Request[Any, Any, Any], kind: type[FormT]) -> FormT:
    """The submitted page form as ``kind`` (its CSRF token was checked before the handler)."""
    return read_fields(await request.form(), kind)


async def decode_to_show(
    request: Request[Any, Any, Any], kind: type[FormT]
) -> tuple[FormT, FormRejected | None]:
    """For a form shown again on errors: the decoded form, and what was refused (if anything)
    to raise where the page turns errors into messages at their fields."""
    try:
        return await decode_form(request, kind), None
    except FormRejected as exc:
        return exc.form, exc
