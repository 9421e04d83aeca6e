"""Contract test: schemathesis generates requests for every operation of the OpenAPI schema
(``/schema/openapi.json``) and sends them to the real app served by uvicorn, as an organiser
with an API token and as nobody, with valid and with invalid input.

Every answer must be no 5xx, a status code the schema documents, the content type it documents,
and a body that matches the documented schema; invalid input must be refused.  Every operation
is tried a bounded number of times (:data:`EXAMPLES`), deterministically, so the run is
repeatable and takes about a minute.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from events_app.tables import ApiToken
from tests.factories import Organiser, make_date, make_organiser
from tests.serving import served_app

EXAMPLES = 12  # per operation, per mode, per caller
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Operations whose handlers are being rewritten elsewhere; each entry says what fails.
EXCLUDED: dict[str, str] = {}


@pytest.fixture(scope="module")
def server(database: None) -> Iterator[str]:
    """The app in uvicorn on a free port (no worker: no mail goes out)."""
    with served_app({"EVENTS_RUN_WORKER": "0"}, log_level="critical") as base:
        yield base


@pytest.fixture
async def organiser() -> Organiser:
    """An organiser with a token, and a published series with a few dates to find."""
    organiser = await make_organiser()
    await make_date(organiser.organisation_id, slug="ontmoeting", dates=3)
    # DELETE /api/v1/tokens/{token_id} is tried with small ids: keep ours out of its way.
    await ApiToken.update({ApiToken.id: 1_987_654_321}).where(
        ApiToken.account == organiser.actor.account_id
    )
    return organiser


class Survey:
    """Sends the generated cases and counts requests and failures (nothing stops the run)."""

    def __init__(self, base: str, headers: dict[str, str], mode: GenerationMode) -> None:
        self.base, self.headers = base, headers
        negative = mode is GenerationMode.NEGATIVE
        self.checks = [*CHECKS, negative_data_rejection] if negative else CHECKS
        self.session = requests.Session()
        self.sent = 0
        self.failures: Counter[str] = Counter()
        self.samples: dict[str, str] = {}

    def check(self, case: schemathesis.Case) -> None:
        self.sent += 1
        response = case.call(base_url=self.base, session=self.session, headers=self.headers)
        try:
            case.validate_response(response, checks=self.checks, headers=self.headers)
        except (Failure, FailureGroup) as exc:
            for failure in exc.exceptions if isinstance(exc, FailureGroup) else [exc]:
                key = f"{case.operation.label} → {response.status_code}: {failure.title}"
                self.failures[key] += 1
                self.samples.setdefault(key, " ".join(failure.message.split())[:300])

    def report(self) -> str:
        lines = [f"{self.sent} requests, {sum(self.failures.values())} failures"]
        for what, count in sorted(self.failures.items()):
            lines += [f"  {count:4} × {what}", f"         {self.samples[what]}"]
        return "\n".join(lines)


def _survey(base: str, headers: dict[str, str], mode: GenerationMode) -> Survey:
    """Every operation, EXAMPLES cases each, deterministically."""
    schema = schemathesis.openapi.from_url(f"{base}/schema/openapi.json")
    survey = Survey(base, headers, mode)
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label in EXCLUDED:
            continue
        explore: Callable[[], None] = settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )(given(case=operation.as_strategy(generation_mode=mode))(survey.check))
        try:
            explore()
        except Unsatisfiable:  # nothing in this operation can be made invalid
            assert mode is GenerationMode.NEGATIVE
    return survey


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_keeps_its_contract_for_an_organiser(
    server: str, organiser: Organiser, mode: GenerationMode
) -> None:
    survey = _survey(server, organiser.headers, mode)
    print(survey.report())
    assert survey.sent > 0 and not survey.failures, survey.report()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_keeps_its_contract_for_nobody(
    server: str, organiser: Organiser, mode: GenerationMode
) -> None:
    survey = _survey(server, {}, mode)
    print(survey.report())
    assert survey.sent > 0 and not survey.failures, survey.report()
