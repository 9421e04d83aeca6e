"""One enumeration per concept: tables, labels, pages and feeds read the same one.

Team roles (``domain/team.py``), a registrant's roles (``domain/person.py``), the languages
(``i18n``) and the format filter (``agenda/public.py``) are each listed once; the tables'
choices are those enumerations, every value has its label, and no page template lists the
values again by hand.
"""

from __future__ import annotations

import re

from events_app import i18n
from events_app.agenda import public
from events_app.domain.person import ROLE_CHOICES, ROLE_LABELS, PersonRole
from events_app.domain.team import TEAM_ROLE_LABELS, TeamRole
from events_app.settings import ROOT
from events_app.tables import Invitation, Membership, Registration, Series, SeriesSubscription
from events_app.web import feeds

PAGES = ROOT / "templates" / "pages"


def test_the_tables_choices_are_the_domains_enumerations() -> None:
    assert Membership.role._meta.choices is TeamRole
    assert Invitation.role._meta.choices is TeamRole
    assert Registration.role._meta.choices is PersonRole
    assert SeriesSubscription.role._meta.choices is PersonRole


def test_every_value_has_its_label_and_nothing_more() -> None:
    assert list(TEAM_ROLE_LABELS) == [TeamRole.host, TeamRole.organiser]  # default first
    assert set(ROLE_LABELS) == set(PersonRole) == set(ROLE_CHOICES)
    assert tuple(i18n.LANGUAGE_NAMES) == i18n.LANGUAGES


def test_feeds_and_the_agenda_page_filter_formats_alike() -> None:
    assert feeds.FORMATS is public.FORMATS
    assert set(public.FORMATS) == set(Series.Format)
    for chosen, shown in public.FORMATS.items():
        assert chosen in shown and set(shown) <= set(Series.Format)
    assert set(Series.Kind) == feeds.KINDS


def test_no_page_template_lists_team_roles_or_languages_by_hand() -> None:
    by_hand = re.compile(
        r'value="(organiser|host|nl|en)"|>(Nederlands|English)<|_\("(organiser|host)"\)'
    )
    found = [
        f"{path.relative_to(PAGES)}: {match.group(0)}"
        for path in sorted(PAGES.rglob("*.html"))
        for match in by_hand.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
