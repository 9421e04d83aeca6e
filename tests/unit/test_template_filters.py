"""Pages and mails are rendered by two Jinja environments; a filter name means one thing.

The pages' ``paragraphs`` makes ``<p>`` blocks of text separated by a blank line; ``lines``
keeps every line break as ``<br>`` (an address, in pages and mails).  A filter of ours defined
in both environments is the same function there (one name, one meaning), and every filter a
template uses exists in the environment that renders it.  That is checked by reading the
templates: Jinja reports a missing filter inside an ``{% if %}`` only when that branch runs.
"""

from __future__ import annotations

import pytest
from jinja2 import Environment, nodes
from jinja2.defaults import DEFAULT_FILTERS

from events_app.i18n import mail_environment
from events_app.settings import ROOT
from events_app.web.pages.context import page_environment

TEMPLATES = ROOT / "templates"


def _ours(env: Environment) -> set[str]:
    return {name for name in env.filters if name not in DEFAULT_FILTERS}


def test_no_filter_name_has_two_meanings() -> None:
    pages, mail = page_environment("nl"), mail_environment("nl")
    assert {"paragraphs", "when"} <= _ours(pages) and "lines" in _ours(mail)
    shared = _ours(pages) & _ours(mail)
    assert shared == {"lines"}
    assert all(pages.filters[name] is mail.filters[name] for name in shared)


@pytest.mark.parametrize("folder", ["pages", "mail"])
def test_every_filter_a_template_uses_is_defined_where_it_is_rendered(folder: str) -> None:
    env = page_environment("en") if folder == "pages" else mail_environment("en")
    assert env.loader is not None
    missing = []
    for path in sorted((TEMPLATES / folder).rglob("*")):
        if path.suffix not in (".html", ".txt"):
            continue
        name = path.relative_to(TEMPLATES).as_posix()
        source = env.loader.get_source(env, name)[0]
        missing += [
            (name, f.name)
            for f in env.parse(source).find_all(nodes.Filter)
            if f.name not in env.filters
        ]
    assert missing == []


def test_each_filter_keeps_its_output() -> None:
    text = "Eerste regel <b>\nTweede\n\nNieuwe alinea"
    paragraphs = page_environment("nl").filters["paragraphs"](text)
    assert paragraphs == "<p>Eerste regel &lt;b&gt;<br>Tweede</p>\n<p>Nieuwe alinea</p>"
    lines = mail_environment("nl").filters["lines"](text)
    assert lines == "Eerste regel &lt;b&gt;<br>\nTweede<br>\n<br>\nNieuwe alinea"
