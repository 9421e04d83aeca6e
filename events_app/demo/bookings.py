"""The demo's requests going somewhere: the school's guest lesson is asked of two experts, one
says yes, the organiser proposes a date with her, the school accepts and it becomes an event;
and a year of earlier requests, so the overview and the fee list have something to show."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from events_app import clock
from events_app.accounts.credentials import Actor
from events_app.demo.common import CITY
from events_app.domain.expert_requests import RequestForm
from events_app.domain.proposals import ProposalForm
from events_app.requests import asks, expert_links, inbox, intake, links, proposals
from events_app.tables import Expert, ExpertAsk, ExpertRequest

__all__ = ["bookings"]

LESSON_ADDRESS = "noor.bakker@hogeschool.example.org"

# Earlier requests: (months ago, kind, topic, requester, days until answered or None, status)
EARLIER = (
    (11, "guest_lesson", "Herstel en werk", "ROC Voorbeeld, Zorg en Welzijn", 2, "done"),
    (9, "speaker", "Herstel en werk", "Gemeente Voorbeeld, afdeling Werk", 3, "done"),
    (8, "empathy_session", "Leven met stemmen", "GGZ-team Noord", 9, "declined"),
    (6, "guest_lesson", "Naasten", "Hogeschool Voorbeeld, Social Work", 1, "done"),
    (5, "workshop", "Herstel en werk", "Buurtteam Centrum", 4, "done"),
    (3, "guest_lesson", "Naasten", "ROC Voorbeeld, Zorg en Welzijn", 12, "withdrawn"),
    (2, "other", "Ervaringskennis in het team", "Wijkverpleging West", None, "withdrawn"),
    (1, "guest_lesson", "Herstel na een psychose", "Hogeschool Voorbeeld, Verpleegkunde", 2,
     "done"),
)  # fmt: skip


def _token(kind: links.LinkKind, salt: str) -> str:
    return links.token_for(kind, salt)


async def bookings(actor: Actor, organisation_id: int, today: date) -> None:
    """The guest lesson's way from request to event, through the services a person uses."""
    lesson = (
        await ExpertRequest.select()
        .where(ExpertRequest.contact_email == LESSON_ADDRESS)
        .output(load_json=True)
        .first()
    )
    assert lesson is not None
    pool = {
        row["name"]: row["id"]
        for row in await Expert.select(Expert.id, Expert.name).where(
            Expert.organisation == organisation_id
        )
    }
    await asks.ask_experts(
        actor,
        lesson["id"],
        [pool["Noor Vermeulen"], pool["Karim El Idrissi"]],
        "Een hogeschool vraagt een gastles over herstel. Kun jij op een van de dinsdagen?",
    )
    for ask in await ExpertAsk.select().where(ExpertAsk.request == lesson["id"]):
        token = _token("expert", ask["salt"])
        if ask["expert"] == pool["Noor Vermeulen"]:
            await expert_links.answer(token, "accept", "De eerste dinsdag kan ik, 's middags.")
        else:
            await expert_links.answer(token, "decline", "Die weken ben ik op vakantie.")
    day = date.fromisoformat(lesson["preferred_days"][0])
    proposal_id = await proposals.propose(
        actor,
        lesson["id"],
        ProposalForm(
            day=day.isoformat(),
            start_time="13:30",
            duration_minutes=90,
            format="in_person",
            title="Gastles: herstel na een psychose",
            location=lesson["address"],
            note="Noor vertelt over haar herstel en over wat naasten voor haar betekenden.",
        ),
        expert_id=pool["Noor Vermeulen"],
    )
    await proposals.accept(_token("request", lesson["salt"]), proposal_id)
    await _earlier(actor, pool, today)


async def _earlier(actor: Actor, pool: dict[str, int], today: date) -> None:
    """Requests of the past year, made as they happened (the clock set back for each step):
    answered, proposed to with an expert, accepted and given — or declined, or withdrawn."""
    experts = list(pool.values())[:3]
    for n, (months, kind, topic, requester, answered, status) in enumerate(EARLIER):
        address = f"aanvraag{n}@school.example.org"
        sent = datetime.combine(today, time(9), UTC) - timedelta(days=30 * months + 3 * n)
        with clock.frozen(sent):
            await intake.submit(
                CITY,
                RequestForm(
                    kind=kind,
                    topic=topic,
                    contact_name=f"Contactpersoon {n + 1}",
                    contact_email=address,
                    period="In overleg",
                    format="online",
                    requester_organisation=requester,
                ),
            )
        row = (
            await ExpertRequest.select()
            .where(ExpertRequest.contact_email == address)
            .output(load_json=True)
            .first()
        )
        assert row is not None
        token = _token("request", row["salt"])
        if answered is None:
            with clock.frozen(sent + timedelta(days=20)):
                await intake.withdraw(token)
            continue
        with clock.frozen(sent + timedelta(days=answered)):
            if status == "declined":
                await inbox.set_status(
                    actor, row["id"], "declined", "Helaas hebben we in die periode niemand."
                )
                continue
            await inbox.send_message(actor, row["id"], "Dank voor je aanvraag, we zoeken iemand.")
        if status == "withdrawn":
            with clock.frozen(sent + timedelta(days=answered + 5)):
                await intake.withdraw(token)
            continue
        with clock.frozen(sent + timedelta(days=answered + 1)):
            given = (sent + timedelta(days=21)).date()
            proposal_id = await proposals.propose(
                actor,
                row["id"],
                ProposalForm(
                    day=given.isoformat(),
                    start_time="10:00",
                    duration_minutes=120,
                    format="online",
                    title=topic,
                    meeting_url="https://meet.example.org/aanvraag",
                ),
                expert_id=experts[n % len(experts)],
            )
            await proposals.accept(token, proposal_id)
        with clock.frozen(sent + timedelta(days=30)):
            await inbox.set_status(actor, row["id"], "done")
