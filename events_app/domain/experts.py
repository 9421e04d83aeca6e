"""Rules of the pool of experts and of asking them, without a database.

An expert is kept in an organisation's pool only with their consent (when and how it was
given).  Their usual fee is typed in euros ("85" or "85,50") and kept in cents, never below
zero.  For a request, the pool's active experts whose topics or languages match come first; at
most :data:`MAX_OPEN_ASKS` asks of one request wait for an answer or were accepted at once.
What an asked expert reads says what is asked and where (online, or the town), never who asked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from events_app.domain.emails import normalise_email
from events_app.domain.errors import DomainError, gather
from events_app.i18n import N_

__all__ = [
    "ANSWERS",
    "FORMAT_LABELS",
    "KIND_LABELS",
    "LANGUAGES",
    "MAX_FEE_CENTS",
    "MAX_OPEN_ASKS",
    "CheckedExpert",
    "ExpertForm",
    "check_expert",
    "euros",
    "match_score",
    "parse_fee",
    "split_topics",
    "town_of",
]

MAX_OPEN_ASKS = 3  # asks of one request that are open (asked or accepted) at once
MAX_FEE_CENTS = 100_000_00  # a fee of a hundred thousand euros is a typing mistake
MAX_TOPICS = 20
LANGUAGES = ("nl", "en", "de", "fr", "ar", "tr", "pap", "ber", "pl", "es", "ngt")
ANSWERS = ("accept", "decline")
# What is asked, in words (msgids; the pages and mails translate them).
KIND_LABELS = {
    "guest_lesson": N_("Guest lesson"),
    "empathy_session": N_("Empathy session"),
    "workshop": N_("Workshop"),
    "speaker": N_("Speaker for a meeting"),
    "other": N_("Something else"),
}
FORMAT_LABELS = {
    "online": N_("Online"),
    "in_person": N_("In person"),
    "hybrid": N_("Online or in person"),
}
_FEE = re.compile(r"^(\d{1,7})(?:[.,](\d{1,2}))?$")
_POSTCODE = re.compile(r"\b\d{4}\s?[A-Za-z]{2}\b")


def parse_fee(text: str) -> int:
    """Euros as a person types them ("85", "85,50", "85.5", "€ 85") in cents; a refusal at
    the ``fee`` field for anything else (a negative amount, letters, three decimals)."""
    value = text.strip().removeprefix("€").strip()
    if not value:
        return 0
    found = _FEE.match(value)
    if found is None:
        raise DomainError(
            "fee_invalid", "Write the fee in euros, such as 85 or 85,50.", field="fee"
        )
    cents = int(found.group(1)) * 100 + int((found.group(2) or "0").ljust(2, "0"))
    if cents > MAX_FEE_CENTS:
        raise DomainError(
            "fee_invalid", "Write the fee in euros, such as 85 or 85,50.", field="fee"
        )
    return cents


def euros(cents: int) -> str:
    """Cents as euros with a dot and two decimals ("85.50"), as the payment export has them."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole}.{rest:02d}"


def split_topics(text: str) -> tuple[str, ...]:
    """Topics typed on one line, separated by commas or semicolons; each once (case ignored)."""
    found: list[str] = []
    for part in re.split(r"[,;\n]", text):
        topic = " ".join(part.split())
        if topic and topic.casefold() not in {t.casefold() for t in found}:
            found.append(topic)
    return tuple(found)


@dataclass(frozen=True, slots=True)
class ExpertForm:
    """What an organiser typed (the page and the API)."""

    name: str
    email: str
    topics: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("nl",)
    region: str = ""
    availability: str = ""
    fee_cents: int = 0
    consent: bool = False  # "this person agreed to be in our pool"
    consent_note: str = ""
    consent_at: datetime | None = None
    active: bool = True


@dataclass(frozen=True, slots=True)
class CheckedExpert:
    name: str
    email: str
    topics: tuple[str, ...]
    languages: tuple[str, ...]
    region: str
    availability: str
    fee_cents: int
    consent_note: str
    consent_at: datetime | None
    active: bool


def _text(value: str, limit: int, field: str, refusals: list[DomainError]) -> str:
    value = value.strip()
    if len(value) > limit:
        refusals.append(
            DomainError("too_long", f"Please keep this under {limit} characters.", field=field)
        )
    return value


def check_expert(form: ExpertForm, *, new: bool, now: datetime) -> CheckedExpert:
    """Every problem at its field, or the pool entry as it is kept.  A new entry needs consent
    (the box ticked); the moment of consent is never in the future."""
    refusals: list[DomainError] = []
    name = _text(form.name, 200, "name", refusals)
    if not name:
        refusals.append(DomainError("expert_name_missing", "Fill in the name.", field="name"))
    email = ""
    try:
        email = normalise_email(form.email)
    except DomainError as exc:
        refusals.append(DomainError(exc.code, exc.message, field="email"))
    topics = tuple(" ".join(t.split()) for t in form.topics if t.strip())
    if len(topics) > MAX_TOPICS or any(len(t) > 100 for t in topics):
        refusals.append(
            DomainError(
                "topics_invalid", "Give at most 20 topics of at most 100 characters.",
                field="topics",
            )
        )  # fmt: skip
    languages = tuple(dict.fromkeys(form.languages))
    if not languages or any(language not in LANGUAGES for language in languages):
        refusals.append(
            DomainError("languages_invalid", "Choose the languages they speak.", field="languages")
        )
    region = _text(form.region, 120, "region", refusals)
    availability = _text(form.availability, 2000, "availability", refusals)
    if not 0 <= form.fee_cents <= MAX_FEE_CENTS:
        refusals.append(
            DomainError("fee_invalid", "Write the fee in euros, such as 85 or 85,50.", field="fee")
        )
    note = _text(form.consent_note, 300, "consent_note", refusals)
    if new and not form.consent:
        refusals.append(
            DomainError(
                "consent_needed",
                "Only add someone who agreed to be in the pool: tick the box.",
                field="consent",
            )
        )
    if form.consent_at is not None and form.consent_at > now:
        refusals.append(
            DomainError(
                "consent_in_future", "Consent cannot be given in the future.", field="consent_at"
            )
        )
    gather(refusals)
    return CheckedExpert(
        name=name,
        email=email,
        topics=topics,
        languages=languages,
        region=region,
        availability=availability,
        fee_cents=form.fee_cents,
        consent_note=note,
        consent_at=form.consent_at,
        active=form.active,
    )


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.casefold()) if len(w) > 2}


def match_score(
    topics: Sequence[str], languages: Sequence[str], request_topic: str, request_language: str
) -> int:
    """How well an expert fits a request: 2 for a topic that shares a word with the request's
    topic, 1 for speaking the request's language.  The page lists the best fits first."""
    wanted = _words(request_topic)
    score = 2 if any(_words(topic) & wanted for topic in topics) else 0
    return score + (1 if request_language in languages else 0)


def town_of(address: str) -> str:
    """The town of an address, to tell an expert where without saying who or at which door:
    the last part after a comma without its postcode, or "" when that still looks like a
    street (it has a digit)."""
    parts = [p.strip() for p in address.replace("\n", ",").split(",") if p.strip()]
    if not parts:
        return ""
    last = parts[-1]
    postcode = _POSTCODE.search(last)
    if postcode is not None:
        last = last[postcode.end() :]
    last = " ".join(last.split())
    return "" if any(c.isdigit() for c in last) else last[:120]
