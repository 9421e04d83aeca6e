"""E-mail addresses: what the forms accept is what the mail server can deliver."""

from __future__ import annotations

import pytest
from email_validator import validate_email

from events_app.domain.emails import NOT_ASCII_MESSAGE, normalise_email
from events_app.domain.errors import DomainError
from events_app.i18n import translate
from events_app.mail.headers import check_address
from events_app.web.pages.messages import message_for

# Internationalised domains, among them the IDNA 2003/2008 "deviation" letters (ß, ς), which
# the two standards encode differently: IDNA 2003 turns faß.de into fass.de.
DOMAINS = ["exämple.org", "faß.de", "ςόλος.gr", "пример.рф", "例え.jp", "xn--fa-hia.de",
           "bücher.example", "ı.com", "العربية.com"]  # fmt: skip


@pytest.mark.parametrize(
    "address",
    ["Alex@Example.org", " a.b+c@example.org ", "o'brien@example.org", "a{b}|c@example.org"]
    + [f"jan@{domain}" for domain in DOMAINS],
)
def test_accepted_addresses_can_be_delivered(address: str) -> None:
    stored = normalise_email(address)
    sent = check_address(stored)
    # Delivery sends the address the validator saw, in its ASCII form: not another domain.
    ascii_form = validate_email(stored, check_deliverability=False, allow_smtputf8=False)
    assert sent == ascii_form.ascii_email.lower()
    assert normalise_email(sent) == stored  # the ASCII form is the same person


def test_a_domain_with_sharp_s_is_sent_to_that_domain() -> None:
    assert check_address(normalise_email("jan@faß.de")) == "jan@xn--fa-hia.de"
    assert check_address(normalise_email("jan@ςόλος.gr")) == "jan@xn--wxaihc1c.gr"


@pytest.mark.parametrize(
    "address", ["jöran@example.org", "名前@example.org", "jösé@exämple.org", "ｊａｎ@example.org"]
)
def test_letters_outside_ascii_before_the_at_get_their_own_message(address: str) -> None:
    with pytest.raises(DomainError) as caught:
        normalise_email(address)
    assert (caught.value.code, caught.value.field) == ("email_not_ascii", "email")
    assert caught.value.message == NOT_ASCII_MESSAGE
    assert "cannot be used before the @" in caught.value.message


@pytest.mark.parametrize(
    "address",
    [
        "a@",
        "",
        "a" * 255,
        "a@b",
        "a@[127.0.0.1]",
        '"a b"@example.org',
        "Jan <a@example.org>",
        "a@ex\u200dample.org",
        "a@😀.com",
        "jö ran@example.org",
    ],
)
def test_addresses_delivery_would_refuse_are_refused_at_the_form(address: str) -> None:
    with pytest.raises(DomainError) as caught:
        normalise_email(address)
    assert caught.value.field == "email"
    with pytest.raises(ValueError):
        check_address(address)


def test_the_message_is_the_one_the_pages_translate() -> None:
    refused = DomainError("email_not_ascii", NOT_ASCII_MESSAGE, field="email")
    for context in (None, "settings", "team"):  # the pages with an address field
        assert message_for(refused, "en", context) == NOT_ASCII_MESSAGE, context
    dutch = translate("nl", NOT_ASCII_MESSAGE)
    assert dutch != NOT_ASCII_MESSAGE and "vóór de @" in dutch
