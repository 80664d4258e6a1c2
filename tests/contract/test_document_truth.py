"""The OpenAPI document says what the API really answers: regressions of the mismatches a
generated client crashed on, and the generic rules behind their fixes."""

from __future__ import annotations

import re

import pytest
from rest_framework.test import APIClient

from meetings.choices import MeetingStatus
from members.choices import TokenScope
from tests.factories import (
    InvitationFactory,
    JointProjectFactory,
    MeetingFactory,
    ParticipantFactory,
    ProjectUpdateFactory,
    RegistrationFactory,
)


def _component(document: dict, name: str) -> dict:
    return document["components"]["schemas"][name]


def _enum(document: dict, schema: dict) -> list:
    """The enum of a property, following `$ref` and `allOf` as drf-spectacular writes them."""
    if "$ref" in schema:
        return _enum(document, _component(document, schema["$ref"].rsplit("/", 1)[1]))
    if "allOf" in schema:
        return _enum(document, schema["allOf"][0])
    return schema["enum"]


def test_meeting_status_response_enum_is_every_status(openapi_document):
    status = _component(openapi_document, "Meeting")["properties"]["status"]

    assert _enum(openapi_document, status) == ["draft", "announced", "confirmed", "held", "cancelled"]


def test_meeting_status_request_enum_is_the_statuses_a_meeting_is_created_in(openapi_document):
    status = _component(openapi_document, "MeetingRequest")["properties"]["status"]

    assert _enum(openapi_document, status) == ["draft", "announced"]


def test_meeting_created_as_held_is_refused_naming_status(secretariat_user):
    client = APIClient()
    client.force_authenticate(secretariat_user)

    response = client.post(
        "/api/v1/meetings/",
        {
            "kind": "som",
            "title": "Held at once",
            "starts_at": "2027-03-10T09:00:00Z",
            "ends_at": "2027-03-10T12:00:00Z",
            "venue_time_zone": "UTC",
            "status": "held",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == {"status": ['"held" is not a valid choice.']}


@pytest.mark.parametrize("status", [MeetingStatus.HELD, MeetingStatus.CONFIRMED, MeetingStatus.CANCELLED])
def test_meeting_in_a_later_status_conforms_to_the_document(korea, api_client_for, conforms, status):
    meeting = MeetingFactory(status=status)
    InvitationFactory(meeting=meeting, member=korea)

    response = api_client_for(TokenScope.READ, korea).get(f"/api/v1/meetings/{meeting.pk}/")

    assert response.status_code == 200
    assert response.json()["status"] == status
    conforms("/api/v1/meetings/{id}/", "GET", response)


def test_project_update_without_author_member_conforms_to_the_document(korea, api_client_for, conforms):
    project = JointProjectFactory(lead_member=korea)
    ParticipantFactory(project=project, member=korea)
    update = ProjectUpdateFactory(project=project, author_member=None)

    response = api_client_for(TokenScope.READ, korea).get(f"/api/v1/project-updates/{update.pk}/")

    assert response.status_code == 200
    assert response.json()["author_member"] is None
    conforms("/api/v1/project-updates/{id}/", "GET", response)


def test_registration_not_replaced_conforms_to_the_document(korea, api_client_for, conforms):
    registration = RegistrationFactory(invitation=InvitationFactory(member=korea))

    response = api_client_for(TokenScope.READ, korea).get(f"/api/v1/registrations/{registration.pk}/")

    assert response.status_code == 200
    assert response.json()["replaced_by"] is None
    conforms("/api/v1/registrations/{id}/", "GET", response)


def test_every_read_only_field_on_a_nullable_column_is_nullable(openapi_document):
    """The generic rule (core.api.schema): a field reading a nullable model column says nullable."""
    update = _component(openapi_document, "ProjectUpdate")["properties"]
    registration = _component(openapi_document, "Registration")["properties"]

    assert update["author_member"]["nullable"] is True
    assert registration["replaced_by"]["nullable"] is True
    assert "nullable" not in registration["delegate"]  # not null in the database


def _operations(document: dict):
    for path, item in document["paths"].items():
        for method in ("get", "put", "patch", "post", "delete"):
            if method in item:
                yield path, method


def test_every_operation_with_an_empty_path_parameter_is_a_problem_404(openapi_document, secretariat_user):
    client = APIClient()
    client.force_authenticate(secretariat_user)
    checked = 0
    for path, method in _operations(openapi_document):
        if "{" not in path:
            continue
        emptied = re.sub(r"\{[^}]+\}", "", path)

        response = getattr(client, method)(emptied)

        assert response.status_code == 404, (method, emptied, response.status_code)
        assert response["Content-Type"] == "application/problem+json", (method, emptied)
        assert response.json()["status"] == 404
        checked += 1
    assert checked >= 60, checked


def test_unknown_api_path_is_a_problem_404(secretariat_user):
    client = APIClient()
    client.force_authenticate(secretariat_user)

    for path in ("/api/v1/action-items//", "/api/v2/meetings/", "/api/v1/nothing/1/"):
        response = client.get(path)

        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/problem+json", path
        assert response.json() == {
            "type": "about:blank",
            "title": "Not found",
            "status": 404,
            "detail": "No such API endpoint.",
        }


def _links(document: dict, path: str, method: str, code: str) -> dict:
    return document["paths"][path][method]["responses"][code]["links"]


def test_created_meeting_links_to_its_status_invite_and_detail(openapi_document):
    links = _links(openapi_document, "/api/v1/meetings/", "post", "201")

    for operation_id in ("meetings_retrieve", "meetings_status_create", "meetings_invite_create"):
        assert links[operation_id] == {
            "operationId": operation_id,
            "parameters": {"path.id": "$response.body#/id"},
            "description": "`id` of the Meeting in this response.",
        }


def test_invitations_from_an_invite_link_to_their_credentials(openapi_document):
    response = openapi_document["paths"]["/api/v1/meetings/{id}/invite/"]["post"]["responses"]["201"]

    assert response["content"]["application/json"]["schema"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/Invitation"},
    }
    assert response["links"]["invitations_credentials_create"]["parameters"] == {
        "path.id": "$response.body#/0/id"
    }
    assert response["links"]["invitations_partial_update"]["parameters"] == {
        "path.id": "$response.body#/0/id"
    }


def test_a_child_links_to_its_parent_by_the_field_naming_it(openapi_document):
    links = _links(openapi_document, "/api/v1/action-items/{id}/", "get", "200")

    assert links["meetings_retrieve_via_meeting"]["parameters"] == {"path.id": "$response.body#/meeting"}
    assert links["outcomes_retrieve_via_outcome"]["parameters"] == {"path.id": "$response.body#/outcome"}
    assert links["action_items_destroy"]["parameters"] == {"path.id": "$response.body#/id"}


def test_every_link_names_an_operation_of_the_document(openapi_document):
    operation_ids = {
        operation["operationId"]
        for item in openapi_document["paths"].values()
        for method, operation in item.items()
        if method in ("get", "put", "patch", "post", "delete")
    }
    links = [
        link
        for item in openapi_document["paths"].values()
        for method, operation in item.items()
        if method in ("get", "put", "patch", "post", "delete")
        for response in operation["responses"].values()
        for link in response.get("links", {}).values()
    ]

    assert len(links) > 100
    assert {link["operationId"] for link in links} <= operation_ids
