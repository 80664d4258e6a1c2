"""The examples in the OpenAPI document are true: each one validates against the schema of its
own operation, and each request example of a write is accepted by the real endpoint."""

from __future__ import annotations

import copy
import datetime

import jsonschema
import pytest
import time_machine
from rest_framework.test import APIClient

from decisions.models import Decision
from tests.factories import (
    InvitationFactory,
    JointProjectFactory,
    MeetingFactory,
    MemberFactory,
    MineralFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2027, 1, 15, 9, 0, tzinfo=datetime.UTC)
# The main operations: each must carry a request example (or, for the feed, a response one).
MAIN_WRITES = {
    "meetings_create",
    "meetings_update",
    "meetings_partial_update",
    "invitations_partial_update",
    "projects_create",
    "projects_update",
    "projects_partial_update",
    "decisions_create",
    "decisions_update",
    "decisions_partial_update",
    "procedures_create",
    "procedures_answer_create",
}


def _openapi30_to_jsonschema(node):
    """`nullable: true` (OpenAPI 3.0) as JSON Schema's null type."""
    if isinstance(node, list):
        return [_openapi30_to_jsonschema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _openapi30_to_jsonschema(value) for key, value in node.items()}
    if converted.pop("nullable", False):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def _validator(document: dict, schema: dict) -> jsonschema.Draft7Validator:
    root = _openapi30_to_jsonschema({**schema, "components": document["components"]})
    return jsonschema.Draft7Validator(root, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def _operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                yield path, method, operation


def _request_examples(document: dict) -> dict:
    """{operationId: (path, method, example value, request schema)} for JSON request examples."""
    found = {}
    for path, method, operation in _operations(document):
        media = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        for example in media.get("examples", {}).values():
            found[operation["operationId"]] = (path, method, example["value"], media["schema"])
    return found


def test_main_operations_carry_examples(openapi_document):
    examples = _request_examples(openapi_document)
    feed = openapi_document["paths"]["/api/v1/changes/"]["get"]["responses"]["200"]["content"]

    assert sorted(MAIN_WRITES - set(examples)) == []
    assert list(feed["application/json"]["examples"]) == ["APage"]


def test_every_example_validates_against_its_own_schema(openapi_document):
    checked = 0
    for _path, _method, operation in _operations(openapi_document):
        media = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        bodies = [(media, "request")]
        for code, response in operation["responses"].items():
            bodies.append((response.get("content", {}).get("application/json", {}), code))
        for content, where in bodies:
            for name, example in content.get("examples", {}).items():
                errors = list(_validator(openapi_document, content["schema"]).iter_errors(example["value"]))
                assert errors == [], (operation["operationId"], where, name, [e.message for e in errors])
                checked += 1
    assert checked >= len(MAIN_WRITES) + 1


@pytest.fixture
def world(korea, system_actor):
    MemberFactory(iso2="AU", name="Australia")
    MineralFactory(slug="lithium", name="Lithium")
    meeting = MeetingFactory(starts_at=NOW + datetime.timedelta(days=30))
    return {
        "meetings": meeting,
        "invitations": InvitationFactory(meeting=meeting, member=korea),
        "projects": JointProjectFactory(lead_member=korea),
    }


@time_machine.travel(NOW, tick=False)
def test_every_write_example_is_accepted_by_its_endpoint(openapi_document, world, secretariat_user):
    client = APIClient()
    client.force_authenticate(secretariat_user)
    examples = _request_examples(openapi_document)
    # Creates first, so that the operations on one object find it; procedures last (an open
    # procedure freezes its decision's text), opened before they are answered.
    order = sorted(
        examples,
        key=lambda op: (op.startswith("procedures_"), "answer" in op, not op.endswith("_create"), op),
    )
    for operation_id in order:
        path, method, body, _schema = examples[operation_id]
        body = copy.deepcopy(body)
        if "decision" in body:  # the example names decision 1: this world's decision
            body["decision"] = world["decisions"].pk
        url = path.replace("{id}", str(_object_for(path, world).pk)) if "{id}" in path else path
        response = getattr(client, method)(url, body, format="json")

        assert response.status_code in (200, 201), (operation_id, response.json())
        if operation_id == "decisions_create":
            world["decisions"] = Decision.objects.get(pk=response.json()["id"])
        if operation_id == "procedures_create":
            world["procedures"] = world["decisions"].procedures.get(pk=response.json()["id"])
    assert len(order) >= len(MAIN_WRITES)


def _object_for(path: str, world: dict):
    resource = path.removeprefix("/api/v1/").split("/")[0]
    return world[resource]
