"""Everything under /api/ answers as the API: the index, unknown paths and methods."""

import pytest
from django.test import override_settings

from members.choices import TokenScope

PROBLEM = "application/problem+json"
pytestmark = pytest.mark.django_db


def test_api_index_lists_every_collection(api_client_for):
    response = api_client_for(TokenScope.READ).get("/api/v1/")

    assert response.status_code == 200
    body = response.json()
    assert body["resources"]["meetings"] == "http://testserver/api/v1/meetings/"
    assert body["resources"]["changes/head"] == "http://testserver/api/v1/changes/head/"
    assert {"members", "delegates", "chair", "projects", "milestones", "webhooks", "changes"} <= set(
        body["resources"]
    )
    assert (body["schema"], body["docs"]) == ("http://testserver/api/schema/", "http://testserver/api/docs/")


def test_api_index_needs_a_token_like_the_rest(client):
    response = client.get("/api/v1/")

    assert (response.status_code, response["Content-Type"]) == (401, PROBLEM)


@override_settings(DEBUG=True)  # not even the debug page: the API's own answer
@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete", "options"])
@pytest.mark.parametrize(
    "path", ["/api/v1/nothing/", "/api/nothing", "/api/v2/meetings/", "/api/v1/meetings/x/"]
)
def test_api_unknown_path_is_a_problem_404_for_any_method(api_client_for, method, path):
    response = getattr(api_client_for(TokenScope.WRITE), method)(path)

    assert (response.status_code, response["Content-Type"]) == (404, PROBLEM)
    assert response.json()["title"] == "Not found"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("delete", "/api/v1/meetings/1/"),
        ("put", "/api/v1/chair/"),
        ("post", "/api/v1/changes/"),
        ("delete", "/api/v1/"),
    ],
)
def test_api_unknown_method_is_a_problem_405(api_client_for, method, path):
    response = getattr(api_client_for(TokenScope.WRITE), method)(path)

    assert (response.status_code, response["Content-Type"]) == (405, PROBLEM)
    assert response.json()["title"] == "Method not allowed"


def test_api_path_without_its_slash_redirects_keeping_the_method(api_client_for):
    response = api_client_for(TokenScope.WRITE).post("/api/v1/delegates?member=KR", {}, format="json")

    assert (response.status_code, response["Location"]) == (308, "/api/v1/delegates/?member=KR")
