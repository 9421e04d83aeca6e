"""The extra questions asked at registration: an organisation's (on every form) and a
series' own (on its form only; for a series that takes applications, what the application
asks, such as the motivation or a training done before)."""

from __future__ import annotations

from typing import Any

from events_app import audit, db
from events_app.accounts.credentials import Actor
from events_app.accounts.owned import series_for
from events_app.domain.errors import DomainError, NotFound
from events_app.tables import Question

__all__ = [
    "add_question",
    "add_series_question",
    "delete_question",
    "delete_series_question",
    "list_questions",
    "series_questions",
]

MAX_CHOICES = 20


async def list_questions(actor: Actor, organisation_id: int) -> list[dict[str, Any]]:
    actor.require_organiser(organisation_id)
    rows = (
        await Question.select()
        .where((Question.organisation == organisation_id) & Question.series.is_null())
        .order_by(Question.position)
        .order_by(Question.id)
        .output(load_json=True)
    )
    return list(rows)


def _checked(label: str, kind: str, choices: list[str]) -> tuple[str, list[str]]:
    label = " ".join(label.split())
    if not label or len(label) > 300:
        raise DomainError(
            "label_invalid", "Write a question of 1 to 300 characters.", field="label"
        )
    if kind not in {k.value for k in Question.Kind}:
        raise DomainError("kind_unknown", "Choose the kind of answer.", field="kind")
    options = list(dict.fromkeys(" ".join(c.split()) for c in choices if c.strip()))
    if kind == Question.Kind.choice:
        if not 2 <= len(options) <= MAX_CHOICES or any(len(o) > 100 for o in options):
            raise DomainError(
                "choices_invalid",
                "Give 2 to 20 options of at most 100 characters, one per line.",
                field="choices",
            )
    else:
        options = []
    return label, options


async def add_question(
    actor: Actor,
    organisation_id: int,
    *,
    label: str,
    kind: str,
    choices: list[str],
    required: bool,
) -> int:
    actor.require_organiser(organisation_id)
    return await _add(actor, organisation_id, None, label, kind, choices, required)


async def delete_question(actor: Actor, organisation_id: int, question_id: int) -> None:
    """Stop asking a question (answers already given stay with their registrations)."""
    actor.require_organiser(organisation_id)
    await _delete(actor, organisation_id, question_id, Question.organisation == organisation_id)


async def series_questions(actor: Actor, series_id: int) -> tuple[int, list[dict[str, Any]]]:
    """The series' organisation and the series' own questions (organisers only)."""
    series = await series_for(actor, series_id)
    rows = (
        await Question.select()
        .where(Question.series == series_id)
        .order_by(Question.position)
        .order_by(Question.id)
        .output(load_json=True)
    )
    return int(series["organisation"]), list(rows)


async def add_series_question(
    actor: Actor, series_id: int, *, label: str, kind: str, choices: list[str], required: bool
) -> int:
    series = await series_for(actor, series_id)
    return await _add(actor, int(series["organisation"]), series_id, label, kind, choices, required)


async def delete_series_question(actor: Actor, series_id: int, question_id: int) -> None:
    """Stop asking a series' question (answers already given stay with their people)."""
    series = await series_for(actor, series_id)
    await _delete(actor, int(series["organisation"]), question_id, Question.series == series_id)


async def _add(
    actor: Actor,
    organisation_id: int,
    series_id: int | None,
    label: str,
    kind: str,
    choices: list[str],
    required: bool,
) -> int:
    """A new question of the organisation (or of one of its series), asked last."""
    label, options = _checked(label, kind, choices)
    async with db.transaction():
        last = (
            await Question.select(Question.position)
            .where(Question.organisation == organisation_id)
            .order_by(Question.position, ascending=False)
            .first()
        )
        rows = await Question.insert(
            Question(
                organisation=organisation_id,
                series=series_id,
                label=label,
                kind=kind,
                choices=options,
                required=required,
                position=(last["position"] + 1) if last else 0,
            )
        ).returning(Question.id)
        question_id = int(rows[0]["id"])
        await audit.record(
            "question_added",
            "question",
            question_id,
            organisation_id=organisation_id,
            account_id=actor.account_id,
        )
    return question_id


async def _delete(actor: Actor, organisation_id: int, question_id: int, scope: Any) -> None:
    async with db.transaction():
        gone = (
            await Question.delete()
            .where((Question.id == question_id) & scope)
            .returning(Question.id)
        )
        if not gone:
            raise NotFound("not_found", "This does not exist or is not yours to see.")
        await audit.record(
            "question_removed",
            "question",
            question_id,
            organisation_id=organisation_id,
            account_id=actor.account_id,
        )
