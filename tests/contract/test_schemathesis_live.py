"""The contract test: schemathesis, run as a partner would run it, against the app under
gunicorn over HTTP, with every phase (examples, coverage, fuzzing, stateful) and every check,
as three actors: a secretariat system, a delegation's write token and a forum-wide read token.

Zero failures: every answer (status, content type, headers, body) is one the document
describes, no 5xx, schema-invalid input refused, deleted objects gone, auth enforced.

Deterministic and bounded by cases, not by time: a fixed seed, derandomised generation, two
examples per operation in the fuzzing phase, short stateful scenarios, so every run sends the
same requests whatever the machine's speed. Every actor runs every phase on every operation
(the read token's writes must be refused with 403, its reads answered; the delegation's token
gets 404 for what is not its own). The coverage phase sends the first case of each kind per
operation (tests/contract/schemathesis_hooks.py says why and which), per parameter for the
secretariat. The operations reached and the cases generated per phase are recorded as test
properties and printed.
"""

from __future__ import annotations

import collections
import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.contract.live import BIN, LiveServer

pytestmark = pytest.mark.postgres_only  # one run is enough, on the PostgreSQL pass

CONFIG = Path(__file__).with_name("schemathesis.toml")
HOOKS = Path(__file__).with_name("schemathesis_hooks.py")
EXAMPLES_PER_OPERATION = 2
PHASES = ["examples", "coverage", "fuzzing", "stateful"]
ACTORS = ["secretariat", "delegation", "forum"]


@pytest.fixture(scope="module")
def schema_file(openapi_document, tmp_path_factory) -> Path:
    # What the server answers at /api/schema/ (the same view, asked once per module in-process).
    path = tmp_path_factory.mktemp("schema") / "openapi.json"
    path.write_text(json.dumps(openapi_document))
    return path


@pytest.fixture
def server(world, django_db_blocker, tmp_path) -> LiveServer:
    """A server for each test: the test database is flushed after each test, which recreates
    the content types under new ids, and a server process keeps the old ones in its cache."""
    server = LiveServer(tmp_path)
    yield server
    with django_db_blocker.unblock():
        server.stop()


def _schemathesis(url: str, schema_file: Path, token: str, folder: Path, env: dict) -> tuple[dict, Path]:
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
        ",".join(PHASES),
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
        command, capture_output=True, text=True, timeout=900, check=False, cwd=folder, env=env
    )
    assert report.exists(), f"schemathesis wrote no report:\n{run.stdout[-4000:]}\n{run.stderr[-2000:]}"
    result = json.loads(report.read_text())
    assert run.returncode == 0 and not result["failures"] and not result["errors"], (
        f"schemathesis found problems:\n{run.stdout[-12000:]}"
    )
    return result, events


def _finished_scenarios(events: Path):
    for line in events.read_text().splitlines():
        finished = json.loads(line).get("ScenarioFinished")
        if finished:
            yield finished


def _cases_per_phase(events: Path) -> dict[str, int]:
    cases = collections.Counter()
    for finished in _finished_scenarios(events):
        cases[finished["phase"]] += len(finished["recorder"].get("cases", {}))
    return dict(cases)


def _operations_with_coverage_cases(events: Path) -> int:
    return len(
        {
            finished["recorder"]["label"]
            for finished in _finished_scenarios(events)
            if finished["phase"] == "coverage" and finished["recorder"].get("cases")
        }
    )


def _environment(actor: str) -> dict:
    env = {**os.environ, "SCHEMATHESIS_HOOKS": str(HOOKS)}
    env.pop("FORGE_COVERAGE_PER_PARAMETER", None)
    if actor == "secretariat":
        env["FORGE_COVERAGE_PER_PARAMETER"] = "1"
    return env


@pytest.mark.parametrize("actor", ACTORS)
def test_api_conforms_to_its_document_over_http(server, schema_file, world, actor, tmp_path, record_property):
    result, events = _schemathesis(server.url, schema_file, world[actor], tmp_path, _environment(actor))

    for phase in PHASES:
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
    assert set(cases) >= {"examples", "coverage", "fuzzing"} and min(cases.values()) >= 1, cases
    covered = _operations_with_coverage_cases(events)
    assert covered == operations["total"], f"coverage cases on {covered} of {operations['total']} operations"

    record_property("operations_tested", operations["tested"])
    record_property("operations_with_coverage_cases", covered)
    record_property("generated_cases", cases)
    print(f"{actor}: {operations['tested']} operations, cases per phase {cases}")  # noqa: T201
