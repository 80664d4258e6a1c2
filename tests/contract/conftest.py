"""Helpers to hold API responses against the OpenAPI document the app serves, and the app
under gunicorn with some of everything in its database for tests that talk HTTP to it."""

from __future__ import annotations

import datetime

import pytest
import requests
import schemathesis
from django.test import Client

from core.choices import Confidentiality
from meetings.choices import MeetingStatus
from members.choices import Role, TokenScope
from members.services import partner_token_create
from tests.contract.live import LiveServer
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


@pytest.fixture(scope="module")
def openapi_document(django_db_setup, django_db_blocker) -> dict:
    # Generating the document takes seconds; every test of a module reads the same one.
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def conforms(openapi_document):
    """conforms(path_template, method, response): fails unless the document describes the
    response exactly (status code, content type, headers and body)."""
    schema = schemathesis.openapi.from_dict(openapi_document)

    def check(path: str, method: str, response) -> None:
        operation = schema[path][method.upper()]
        request = requests.Request(
            method.upper(), f"http://testserver{response.wsgi_request.get_full_path()}"
        )
        checked = schemathesis.Response(
            status_code=response.status_code,
            headers={name: [value] for name, value in response.headers.items()},
            content=response.content,
            request=request.prepare(),
            elapsed=0.0,
            verify=True,
        )
        operation.validate_response(checked)

    return check


@pytest.fixture(scope="module")
def gunicorn_server(django_db_setup, django_db_blocker, tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("live-server"))
    yield server
    with django_db_blocker.unblock():  # stop() ends the server's sessions on the test database
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
