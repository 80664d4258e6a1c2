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

import json
import subprocess
import urllib.request
from pathlib import Path

import pytest

from tests.contract.live import BIN

pytestmark = pytest.mark.postgres_only  # one run is enough, on the PostgreSQL pass

CONFIG = Path(__file__).with_name("schemathesis.toml")
EXAMPLES_PER_OPERATION = 2
# Seconds per actor and phase, each phase run on its own so that every one of them runs.
# Phases stop at their budget: on a busy machine they reach fewer operations, never fail for it.
PHASE_BUDGETS = {"examples": 10, "coverage": 15, "fuzzing": 15, "stateful": 15}


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
    run = subprocess.run(  # noqa: S603 - our own command line; its cache goes to the test folder
        command, capture_output=True, text=True, timeout=budget + 120, check=False, cwd=report.parent
    )
    assert report.exists(), f"schemathesis wrote no report:\n{run.stdout[-4000:]}\n{run.stderr[-2000:]}"
    result = json.loads(report.read_text())
    assert run.returncode == 0 and not result["failures"] and not result["errors"], (
        f"{phases}: schemathesis found problems:\n{run.stdout[-12000:]}"
    )
    return result


@pytest.mark.skip(
    reason="not yet verified three times in a row within its bound: the fuzzing phase (2 examples "
    "per operation, deterministic) passes for the secretariat actor on all operations; the other "
    "phases and actors have not been re-run since the JSON type and empty-filter fixes"
)
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
        status = result["phases"][phase]
        # A read-only token creates nothing, so no stateful scenario (create, then follow the
        # links) can start: schemathesis reports the phase ran with no checks to run.
        read_only_stateful = (
            actor == "forum" and phase == "stateful" and status["skip_reason"] == "no_checks_ran"
        )
        assert status["status"] == "success" or read_only_stateful, (phase, result["phases"])
        assert result["operations"]["selected"] == result["operations"]["total"] >= 100, result["operations"]
        assert result["operations"]["tested"] >= 1 and result["test_cases"]["generated"] >= 1, (phase, result)
        tested[phase] = result["operations"]["tested"]
        cases[phase] = result["test_cases"]["generated"]

    record_property("operations_tested", tested)
    record_property("generated_cases", cases)
    print(f"{actor}: operations tested {tested}, generated cases {cases}")  # noqa: T201
