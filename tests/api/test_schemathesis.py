"""Every operation of /api/schema/, fuzzed in-process: no 5xx, and every response (status code,
content type, headers, body) is one the schema describes."""

import datetime

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from members.choices import TokenScope
from tests.factories import ChairTermFactory, DelegateFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def fuzz_token(db, korea, japan, make_token):
    """A delegation's write token, with objects of its own and of another delegation around."""
    # Django's test client detaches these for the length of a request; a raw WSGI call must too,
    # or the end of each request would close the connection holding the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    for member in (korea, japan):
        DelegateFactory.create_batch(2, member=member)
    ChairTermFactory(member=korea, starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 6, 30))
    yield make_token(TokenScope.WRITE, korea)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Loaded in-process from the WSGI app (no server); schemathesis' fixture-based loader does not
# run on pytest 9, so the schema is read when the tests are collected.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.mark.postgres_only  # one run is enough; it takes minutes
@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_operation_conforms_to_the_schema(case, fuzz_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {fuzz_token}"}, checks=CHECKS)
