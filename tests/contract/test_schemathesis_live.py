"""The contract test: schemathesis, run as a partner would run it, against the app under
gunicorn over HTTP, with every phase (examples, coverage, fuzzing, stateful) and every check,
as three actors: a secretariat system, a delegation's write token and a forum-wide read token.

Zero failures: every answer (status, content type, headers, body) is one the document
describes, no 5xx, schema-invalid input refused, deleted objects gone, auth enforced.

Deterministic and bounded by cases, not by time: a fixed seed, derandomised generation, two
examples per operation in the fuzzing phase, short stateful scenarios, so every run sends the
same requests whatever the machine's speed. What each actor runs:
- the secretariat system: every phase on every operation, the coverage phase on the list reads
  (see schemathesis.toml for why);
- the delegation's write token and the forum-wide read token: examples, fuzzing and stateful
  on every operation (the read token's writes must be refused, its reads answered).
The operations reached and the cases generated per phase are recorded as test properties and
printed.
"""

from __future__ import annotations

import collections
import json
import subprocess
import urllib.request
from pathlib import Path

import pytest

from tests.contract.live import BIN

pytestmark = pytest.mark.postgres_only  # one run is enough, on the PostgreSQL pass

CONFIG = Path(__file__).with_name("schemathesis.toml")
EXAMPLES_PER_OPERATION = 2
PHASES = {
    "secretariat": ["examples", "coverage", "fuzzing", "stateful"],
    "delegation": ["examples", "fuzzing", "stateful"],
    "forum": ["examples", "fuzzing", "stateful"],
}


@pytest.fixture(scope="module")
def schema_file(gunicorn_server, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("schema") / "openapi.json"
    with urllib.request.urlopen(f"{gunicorn_server.url}/api/schema/?format=json", timeout=120) as response:  # noqa: S310 - loopback
        path.write_bytes(response.read())
    return path


def _schemathesis(
    url: str, schema_file: Path, token: str, phases: list[str], folder: Path
) -> tuple[dict, Path]:
    report, events = folder / "report.json", folder / "events.ndjson"
    command = [
        str(BIN / "schemathesis"),
        "--config-file",
        str(CONFIG),
        "run",
        str(schema_file),
        "--url",
        url,
        "--header",
        f"Authorization: Bearer {token}",
        "--phases",
        ",".join(phases),
        "--checks",
        "all",
        "--max-examples",
        str(EXAMPLES_PER_OPERATION),
        "--seed",
        "20261130",
        "--workers",
        "1",
        "--no-shrink",
        "--suppress-health-check",
        "all",
        "--request-timeout",
        "30",
        "--no-color",
        "--report",
        "json,ndjson",
        "--report-json-path",
        str(report),
        "--report-ndjson-path",
        str(events),
    ]
    run = subprocess.run(  # noqa: S603 - our own command line; its cache goes to the test folder
        command, capture_output=True, text=True, timeout=900, check=False, cwd=folder
    )
    assert report.exists(), f"schemathesis wrote no report:\n{run.stdout[-4000:]}\n{run.stderr[-2000:]}"
    result = json.loads(report.read_text())
    assert run.returncode == 0 and not result["failures"] and not result["errors"], (
        f"schemathesis found problems:\n{run.stdout[-12000:]}"
    )
    return result, events


def _cases_per_phase(events: Path) -> dict[str, int]:
    cases = collections.Counter()
    for line in events.read_text().splitlines():
        event = json.loads(line)
        finished = event.get("ScenarioFinished")
        if finished:
            cases[finished["phase"]] += len(finished["recorder"].get("cases", {}))
    return dict(cases)


@pytest.mark.parametrize("actor", list(PHASES))
def test_api_conforms_to_its_document_over_http(
    gunicorn_server, schema_file, world, actor, tmp_path, record_property
):
    result, events = _schemathesis(gunicorn_server.url, schema_file, world[actor], PHASES[actor], tmp_path)

    for phase in PHASES[actor]:
        status = result["phases"][phase]
        # A read-only token creates nothing, so no stateful scenario (create, then follow the
        # links) gets past its first step: schemathesis reports the phase ran no checks.
        read_only_stateful = (
            actor == "forum" and phase == "stateful" and status["skip_reason"] == "no_checks_ran"
        )
        assert status["status"] == "success" or read_only_stateful, (phase, result["phases"])
    operations = result["operations"]
    assert operations["selected"] == operations["total"] == operations["tested"] >= 130, operations
    cases = _cases_per_phase(events)
    assert set(cases) >= {"examples", "fuzzing"} and min(cases.values()) >= 1, cases

    record_property("operations_tested", operations["tested"])
    record_property("generated_cases", cases)
    print(f"{actor}: {operations['tested']} operations, cases per phase {cases}")  # noqa: T201
