"""One table of refusal messages for all pages: context where a code depends on the form."""

from __future__ import annotations

from events_app.domain.errors import DomainError
from events_app.web.pages.messages import IN_CONTEXT, MESSAGES, message_for


def test_a_code_reads_the_same_on_every_form_without_its_own_words() -> None:
    refused = DomainError("email_invalid", "bad address", field="email")
    assert message_for(refused, "en") == message_for(refused, "en", "team")
    assert (
        message_for(refused, "nl", "settings")
        == "Dit e-mailadres klopt niet. Kijk of er een typfout in zit."
    )


def test_a_code_that_depends_on_the_form_says_what_it_is_about() -> None:
    missing = DomainError("name_missing", "name missing", field="name")
    assert message_for(missing, "en") == "Fill in your name."
    assert message_for(missing, "en", "organise") == "Every speaker needs a name."
    assert message_for(missing, "en", "settings") == "Give the organisation a name."


def test_a_rule_refusal_is_about_its_field() -> None:
    refused = DomainError("invalid_rrule", "bad rule", field="interval")
    assert message_for(refused, "en", "organise") == "Repeat every 1 to 52 days, weeks or months."


def test_an_unknown_code_shows_the_services_own_message() -> None:
    refused = DomainError("something_new", "Something went differently.")
    assert message_for(refused, "en") == "Something went differently."


def test_contexts_only_differ_from_the_shared_words() -> None:
    for context, texts in IN_CONTEXT.items():
        for code, text in texts.items():
            assert MESSAGES.get(code) != text, (context, code)
