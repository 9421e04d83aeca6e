"""Follower mail built without a database: one-click unsubscribe on everything but the
confirmation, the "why you get this" line, and rows that cannot become a mail."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy
from typing import Any

import pytest

from events_app.mail.facts import Facts, Job, Unsendable
from events_app.mail.render import Outgoing, build_safely

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
ORG = {"name": "Stadsnetwerk", "contact_email": "info@example.org", "language": "nl"}
LINKS = {
    "unfollow": "http://events.test/unfollow/abc",
    "manage": "http://events.test/follow/abc",
}


def _job(kind: str, context: dict[str, Any], language: str = "en") -> Job:
    return Job(1, "<x@example.org>", kind, 1, None, None, "volger@example.org", "", language,
               context, 0)  # fmt: skip


def _built(kind: str, context: dict[str, Any], language: str = "en") -> Any:
    found = build_safely(
        _job(kind, context, language), Facts(organisation=ORG), mail_from="events@example.org",
        now=NOW,
    )  # fmt: skip
    assert isinstance(found, Outgoing), found
    return message_from_bytes(found.data, policy=policy.default)


def test_an_announcement_has_one_click_unsubscribe_and_says_why() -> None:
    dates = [{"title": "Ontmoeting", "start": "2026-12-10T15:00", "url": "http://events.test/e"}]
    message = _built(
        "announcement", {"subject": "Nieuws", "body": "Tekst", "dates": dates, **LINKS}
    )
    assert message["Subject"] == "Nieuws"
    assert message["List-Unsubscribe"] == "<http://events.test/unfollow/abc>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    assert "because you follow Stadsnetwerk" in text and LINKS["unfollow"] in text
    assert "Ontmoeting" in text and "15:00" in text


def test_the_digest_is_in_dutch_for_a_dutch_follower() -> None:
    message = _built("follow_digest", {"what": "Herstel", "dates": [], **LINKS}, "nl")
    assert message["Subject"] == "Nieuwe datums: Herstel"
    assert "omdat je met dit adres Herstel volgt" in message.get_body(("plain",)).get_content()


def test_the_confirmation_has_the_link_and_no_list_headers() -> None:
    message = _built("follow_confirm", {"link": "http://events.test/follow/abc", "what": "X"})
    assert "List-Unsubscribe" not in message
    assert "http://events.test/follow/abc" in message.get_body(("plain",)).get_content()


@pytest.mark.parametrize(
    ("kind", "context"),
    [
        ("announcement", {"subject": "x", "body": "y", "manage": LINKS["manage"]}),
        ("follow_digest", {"unfollow": "javascript:x", "manage": LINKS["manage"]}),
        ("follow_confirm", {"link": "ftp://x"}),
        ("announcement", {"subject": "x", "unfollow": "http://a b", "manage": LINKS["manage"]}),
    ],
)
def test_rows_without_usable_links_are_not_sent(kind: str, context: dict[str, Any]) -> None:
    found = build_safely(
        _job(kind, context), Facts(organisation=ORG), mail_from="events@example.org", now=NOW
    )
    assert isinstance(found, Unsendable)
