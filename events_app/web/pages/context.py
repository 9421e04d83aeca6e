"""The shared page context: language, the Jinja environment for pages, and the HTML answer.

Pages are rendered here (not through the app's template engine) so that they get the same
gettext catalogues as mail, with autoescape always on.  The language comes from ``?lang=``
(which also sets the ``lang`` cookie), else the cookie, else Dutch.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from litestar import Request, Response
from litestar.datastructures import Cookie
from markupsafe import Markup, escape

from events_app import i18n
from events_app.calendar.describe import kind_label, people_by_role
from events_app.domain.person import ROLE_CHOICES, ROLE_LABELS
from events_app.domain.team import TEAM_ROLE_LABELS
from events_app.i18n import LANGUAGE_NAMES, SITE_NAME
from events_app.settings import ROOT, get_settings
from events_app.web import csrf

__all__ = ["language_of", "page", "page_environment", "when"]

LANG_COOKIE = "lang"
YEAR = 365 * 24 * 3600
# No third-party anything: every resource comes from this site; no inline scripts.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",  # manage links carry a secret in the path
    "X-Content-Type-Options": "nosniff",
}


def language_of(request: Request[Any, Any, Any]) -> str:
    return i18n.choose_language(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))


def when(d: Any, language: str) -> str:
    """ "donderdag 3 december 2026, 15:00–16:00" (the date's own wall-clock time).

    ``d`` is a date as a dict (public pages) or an object (the manage page's rows)."""
    start: datetime = d["local_start"] if isinstance(d, dict) else d.local_start
    end: datetime = d["local_end"] if isinstance(d, dict) else d.local_end
    if start.date() == end.date():
        return (
            f"{i18n.format_date(start, language)}, "
            f"{i18n.format_time(start, language)}–{i18n.format_time(end, language)}"
        )
    return f"{i18n.format_datetime(start, language)} – {i18n.format_datetime(end, language)}"


SHOWN_ZONE = ZoneInfo("Europe/Amsterdam")


def _shown(value: Any) -> Any:
    """Instants (aware, stored in UTC) in Dutch time; wall-clock times (naive) as they are."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(SHOWN_ZONE)
    return value


def _paragraphs(value: str) -> Markup:
    blocks = [b.strip() for b in str(value).replace("\r\n", "\n").split("\n\n") if b.strip()]
    return Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in b.split("\n")))
        for b in blocks
    )


@functools.cache
def page_environment(language: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(ROOT / "templates"),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(  # type: ignore[attr-defined]
        i18n.translations(language), newstyle=True
    )
    env.filters["paragraphs"] = _paragraphs
    env.filters["lines"] = i18n.keep_lines
    env.filters["one_line"] = i18n.one_line
    env.filters["people"] = lambda speakers: people_by_role(speakers, language)
    env.filters["when"] = lambda d: when(d, language)
    env.filters["day"] = lambda value: i18n.format_date(_shown(value), language)
    env.filters["clock"] = lambda value: i18n.format_time(_shown(value), language)
    env.filters["kind"] = lambda value: kind_label(value, language)
    env.filters["role_choice"] = lambda role: (
        i18n.translate(language, ROLE_CHOICES[role]) if role in ROLE_CHOICES else role
    )
    env.filters["team_role"] = lambda role: (
        i18n.translate(language, TEAM_ROLE_LABELS[role]) if role in TEAM_ROLE_LABELS else role
    )
    env.filters["pairs"] = lambda values: [(v, v) for v in values]
    env.filters["number"] = lambda value: format_decimal(
        value, format="#,##0.#", locale=i18n.locale_for(language)
    )
    env.globals["language"] = language
    env.globals["site_name"] = SITE_NAME[language]
    env.globals["role_label"] = lambda role: (  # a registrant's role, as hosts' lists show it
        i18n.translate(language, ROLE_LABELS[role]) if role in ROLE_LABELS else ""
    )
    env.globals["team_roles"] = tuple(TEAM_ROLE_LABELS)
    env.globals["language_names"] = LANGUAGE_NAMES
    return env


def _switch_url(request: Request[Any, Any, Any], other: str) -> str:
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    query.append(("lang", other))
    return f"{request.url.path}?{urlencode(query)}"


def page(
    request: Request[Any, Any, Any],
    template: str,
    *,
    status: int = 200,
    private: bool = False,
    **context: Any,
) -> Response[str]:
    """Render ``templates/pages/<template>`` in the visitor's language as an HTML answer."""
    language = language_of(request)
    other = "en" if language == "nl" else "nl"
    body = (
        page_environment(language)
        .get_template(f"pages/{template}")
        .render(
            path=request.url.path,
            switch_url=_switch_url(request, other),
            other_language=other,
            csrf_field=csrf.FIELD,
            csrf_token=csrf.form_token(request),
            **context,
        )
    )
    secure = get_settings().production
    cookies = []
    chosen = request.query_params.get("lang")
    if chosen in i18n.LANGUAGES and chosen != request.cookies.get(LANG_COOKIE):
        cookies.append(
            Cookie(
                key=LANG_COOKIE,
                value=chosen,
                max_age=YEAR,
                samesite="lax",
                secure=secure,
                path="/",
            )
        )
    headers = dict(SECURITY_HEADERS)
    headers["Cache-Control"] = "no-store" if private else "no-cache"
    headers["Content-Language"] = language
    return Response(
        body,
        status_code=status,
        media_type="text/html; charset=utf-8",
        headers=headers,
        cookies=cookies,
    )
