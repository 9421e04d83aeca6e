from __future__ import annotations

from datetime import timedelta

from events_app import clock
from events_app.registration import registrations, retention
from events_app.tables import Attendee, Organisation, Registration
from tests.factories import make_date, make_organisation


async def test_personal_data_is_wiped_after_the_retention_period() -> None:
    org = await make_organisation()
    await Organisation.update({Organisation.retention_days: 30}).where(Organisation.id == org)
    [old] = await make_date(org, slug="oud", starts_in=timedelta(days=1))
    [new] = await make_date(org, slug="nieuw", starts_in=timedelta(days=60))
    await registrations.register([old], name="Anna", email="anna@example.org", needs="rolstoel")
    await registrations.register([new], name="Bram", email="bram@example.org")
    await Registration.update({Registration.attended: True}).where(Registration.event_date == old)

    with clock.frozen(clock.now() + timedelta(days=20)):
        assert await retention.anonymise_expired() == 0
    with clock.frozen(clock.now() + timedelta(days=32)):
        assert await retention.anonymise_expired() == 1
        assert await retention.anonymise_expired() == 0  # once only

    rows = await Registration.select(
        Registration.name,
        Registration.email,
        Registration.needs,
        Registration.status,
        Registration.attended,
    ).order_by(Registration.id)
    assert rows[0] == {
        "name": "",
        "email": "",
        "needs": "",
        "status": "confirmed",
        "attended": True,
    }
    assert rows[1]["name"] == "Bram"
    emails = [a["email"] for a in await Attendee.select(Attendee.email)]
    assert emails == ["bram@example.org"]


async def test_old_sent_mails_are_removed_with_the_personal_data() -> None:
    from events_app.tables import OutboxMail

    org = await make_organisation()
    await Organisation.update({Organisation.retention_days: 30}).where(Organisation.id == org)
    [date] = await make_date(org, starts_in=timedelta(days=1))
    await registrations.register([date], name="Anna", email="anna@example.org")
    await OutboxMail.update({OutboxMail.status: "sent"}).where(OutboxMail.id > 0)
    with clock.frozen(clock.now() + timedelta(days=29)):
        await retention.anonymise_expired()
    assert await OutboxMail.count() == 1
    with clock.frozen(clock.now() + timedelta(days=31)):
        await retention.anonymise_expired()
    assert await OutboxMail.count() == 0
