"""E-mail addresses: what the forms accept is what the mail server can deliver."""

from __future__ import annotations

import pytest

from events_app.domain.emails import normalise_email
from events_app.domain.errors import DomainError
from events_app.mail.headers import check_address


@pytest.mark.parametrize("address", ["Alex@Example.org", " a.b+c@example.org ", "a@exämple.org"])
def test_accepted_addresses_can_be_delivered(address: str) -> None:
    assert check_address(normalise_email(address))


@pytest.mark.parametrize("address", ["jöran@example.org", "名前@example.org", "a@", "", "a" * 255])
def test_addresses_delivery_would_refuse_are_refused_at_the_form(address: str) -> None:
    with pytest.raises(DomainError) as caught:
        normalise_email(address)
    assert caught.value.field == "email"
