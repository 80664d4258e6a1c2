"""The contract test: schemathesis, run as a partner would run it, against the app under
gunicorn over HTTP, with every phase (examples, coverage, fuzzing, stateful) and every check,
as three actors: a secretariat system, a delegation's write token and a forum-wide read token.

Zero failures: every answer (status, content type, headers, body) is one the document
describes, no 5xx, schema-invalid input refused, deleted objects gone, auth enforced.
Bounded: two examples per operation, short stateful scenarios, a time budget per phase and
actor (every phase runs on its own, so each one runs). The operations reached and the cases
generated per phase are recorded as test properties and printed.
"""

from __future__ import annotations

import datetime
import json
import subprocess
import urllib.request
from pathlib import Path

import pytest

from core.choices import Confidentiality
from meetings.choices import MeetingStatus
from members.choices import Role, TokenScope
from members.services import partner_token_create
from tests.contract.live import BIN, LiveServer
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    ChairTermFactory,
    DelegateFactory,
    FundingCommitmentFactory,
    InvitationFactory,
    JointProjectFactory,
    MeetingFactory,
    MilestoneFactory,
    OutcomeFactory,
    ParticipantFactory,
    ProjectUpdateFactory,
    RegistrationFactory,
    user_with_role,
)

pytestmark = pytest.mark.postgres_only  # one run is enough, on the PostgreSQL pass

CONFIG = Path(__file__).with_name("schemathesis.toml")
EXAMPLES_PER_OPERATION = 2
# Seconds per actor and phase, each phase run on its own so that every one of them runs.
# Phases stop at their budget: on a busy machine they reach fewer operations, never fail for it.
PHASE_BUDGETS = {"examples": 10, "coverage": 15, "fuzzing": 15, "stateful": 15}


@pytest.fixture(scope="module")
def gunicorn_server(django_db_setup, tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("live-server"))
    yield server
    server.stop()


@pytest.fixture
def world(transactional_db, korea, japan, system_actor):
    """Some of everything, for two delegations, so links and ids lead to real objects."""
    for member in (korea, japan):
        DelegateFactory.create_batch(2, member=member)
    ChairTermFactory(member=korea, starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 6, 30))
    held = MeetingFactory(status=MeetingStatus.HELD)
    public = MeetingFactory(confidentiality=Confidentiality.PUBLIC)
    for meeting in (held, public):
        for member in (korea, japan):
            InvitationFactory(meeting=meeting, member=member)
    RegistrationFactory(invitation=held.invitations.get(member=korea))
    AgendaItemFactory(meeting=held)
    outcome = OutcomeFactory(meeting=held)
    ActionItemFactory(meeting=held, owner=korea, outcome=outcome)
    project = JointProjectFactory(lead_member=korea, confidentiality=Confidentiality.PUBLIC)
    ParticipantFactory(project=project, member=korea)
    MilestoneFactory(project=project)
    FundingCommitmentFactory(project=project)
    ProjectUpdateFactory(project=project, author_member=None)
    secretariat = user_with_role(Role.SECRETARIAT_ADMIN, username="secretariat-system")

    def token(name: str, **kwargs) -> str:
        return partner_token_create(actor=system_actor, name=name, **kwargs)[1]

    return {
        "secretariat": token("secretariat system", scope=TokenScope.WRITE, user=secretariat),
        "delegation": token("korea write", scope=TokenScope.WRITE, member=korea),
        "forum": token("forum read", scope=TokenScope.READ),
    }


def _schemathesis(
    gunicorn_server, schema_file: Path, token: str, phases: str, budget: int, report: Path
) -> dict:
    command = [
        str(BIN / "schemathesis"),
        "--config-file",
        str(CONFIG),
        "run",
        str(schema_file),
        "--url",
        gunicorn_server.url,
        "--header",
        f"Authorization: Bearer {token}",
        "--phases",
        phases,
        "--checks",
        "all",
        "--max-examples",
        str(EXAMPLES_PER_OPERATION),
        "--max-time",
        str(budget),
        "--seed",
        "20261130",
        "--workers",
        "1",
        "--no-shrink",
        "--suppress-health-check",
        "all",
        "--request-timeout",
        "30",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=budget + 120, check=False)  # noqa: S603
    assert report.exists(), f"schemathesis wrote no report:\n{run.stdout[-4000:]}\n{run.stderr[-2000:]}"
    result = json.loads(report.read_text())
    assert run.returncode == 0 and not result["failures"] and not result["errors"], (
        f"{phases}: schemathesis found problems:\n{run.stdout[-12000:]}"
    )
    return result


@pytest.mark.parametrize("actor", ["secretariat", "delegation", "forum"])
def test_api_conforms_to_its_document_over_http(gunicorn_server, world, actor, tmp_path, record_property):
    schema_file = tmp_path / "openapi.json"
    schema_url = f"{gunicorn_server.url}/api/schema/?format=json"
    with urllib.request.urlopen(schema_url, timeout=120) as response:  # noqa: S310 - loopback
        schema_file.write_bytes(response.read())
    token = world[actor]

    tested, cases = {}, {}
    for phase, budget in PHASE_BUDGETS.items():
        result = _schemathesis(gunicorn_server, schema_file, token, phase, budget, tmp_path / f"{phase}.json")
        assert result["phases"][phase]["status"] == "success", (phase, result["phases"])
        assert result["operations"]["selected"] == result["operations"]["total"] >= 100, result["operations"]
        assert result["operations"]["tested"] >= 1 and result["test_cases"]["generated"] >= 1, (phase, result)
        tested[phase] = result["operations"]["tested"]
        cases[phase] = result["test_cases"]["generated"]

    record_property("operations_tested", tested)
    record_property("generated_cases", cases)
    print(f"{actor}: operations tested {tested}, generated cases {cases}")  # noqa: T201
