"""Helpers to hold API responses against the OpenAPI document the app serves."""

from __future__ import annotations

import pytest
import requests
import schemathesis
from django.test import Client


@pytest.fixture
def openapi_document(db) -> dict:
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
