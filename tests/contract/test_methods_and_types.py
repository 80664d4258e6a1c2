"""What the document forbids, the API refuses: a JSON value of another type than the document
gives (400 naming the field), a method the document does not list on a path (405 problem+json
with `Allow`), and any unsafe method on the document itself.

OpenAPI describes responses of operations only, so a 405 cannot be documented for a method a
path does not have (the OpenAPI specification has no path-level responses): the test below
holds every path of the document to it instead.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from rest_framework.test import APIClient

from decisions.models import Decision
from markets.models import Product
from meetings.models import Invitation
from members.choices import TokenScope
from tests.factories import InvitationFactory, MeetingFactory, ProductFactory

pytestmark = pytest.mark.django_db

HTTP_METHODS = ["get", "put", "patch", "post", "delete"]
DECISION = {"title": "On supply chains", "kind": "decision", "text": "The forum decides."}


@pytest.fixture
def secretariat_api(secretariat_user) -> APIClient:
    client = APIClient()
    client.force_authenticate(secretariat_user)
    return client


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", 123, "Expected a JSON string."),
        ("meeting", "1", "Expected a JSON integer."),
        ("meeting", 1.0, "Expected a JSON integer."),
        ("meeting", True, "Expected a JSON integer."),
        ("restricted_to", {"KR": 1}, "Expected a JSON array."),
        ("restricted_to", "KR", "Expected a JSON array."),
        ("kind", 1, '"1" is not a valid choice.'),
        ("title", " " * 300 + "x", "Ensure this field has no more than 300 characters."),
    ],
)
def test_decision_create_with_a_value_of_another_json_type_is_refused_naming_the_field(
    secretariat_api, field, value, message
):
    meeting = MeetingFactory()
    response = secretariat_api.post("/api/v1/decisions/", {**DECISION, field: value}, format="json")

    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == {field: [message]}
    assert Decision.objects.count() == 0
    assert meeting.pk  # the meeting exists: "1" was refused for its type, not as unknown


def test_list_item_of_another_json_type_is_named_by_its_index(secretariat_api):
    response = secretariat_api.post(
        "/api/v1/decisions/", {**DECISION, "restricted_to": ["KR", 7]}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"restricted_to.1": ["Expected a JSON string."]}


def test_decision_patch_with_a_number_for_a_string_is_refused(secretariat_api):
    created = secretariat_api.post("/api/v1/decisions/", DECISION, format="json").json()

    response = secretariat_api.patch(f"/api/v1/decisions/{created['id']}/", {"text": 5}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"text": ["Expected a JSON string."]}
    assert Decision.objects.get(pk=created["id"]).text == DECISION["text"]


def test_action_body_with_a_string_for_a_boolean_is_refused(secretariat_api):
    decision = secretariat_api.post("/api/v1/decisions/", DECISION, format="json").json()

    response = secretariat_api.post(
        "/api/v1/procedures/",
        {
            "decision": decision["id"],
            "deadline_local": "2027-03-29T18:00",
            "time_zone": "Europe/Brussels",
            "all_members": "yes",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"all_members": ["Expected a JSON boolean."]}


def test_form_bodies_keep_their_string_values(secretariat_api):
    response = secretariat_api.post("/api/v1/decisions/", {**DECISION, "confidentiality": "members"})

    assert response.status_code == 201, response.content
    assert response.json()["title"] == DECISION["title"]


def _product_body(product) -> dict:
    return {"slug": product.slug, "name": product.name, "mineral": "lithium", "unit": "t", "currency": ""}


@pytest.mark.parametrize("media_type", ["json", "multipart", "form"])
@pytest.mark.parametrize("method", ["put", "patch"])
def test_blank_optional_text_is_refused_in_every_media_type(secretariat_api, method, media_type):
    # A product's currency is optional (USD by default) and may not be blank. DRF reads a blank
    # form value of an optional field as not given, which kept the currency and answered 200.
    product = ProductFactory(currency="EUR")
    body = _product_body(product)
    url = f"/api/v1/products/{product.slug}/"
    if media_type == "form":
        response = getattr(secretariat_api, method)(
            url, urlencode(body), content_type="application/x-www-form-urlencoded"
        )
    else:
        response = getattr(secretariat_api, method)(url, body, format=media_type)

    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {"currency": ["This field may not be blank."]}
    assert Product.objects.get(pk=product.pk).currency == "EUR"


def test_form_body_without_an_optional_text_keeps_its_default(secretariat_api):
    ProductFactory()  # and its mineral, lithium
    body = {"slug": "lithium-hydroxide", "name": "Lithium hydroxide", "mineral": "lithium", "unit": "t"}

    response = secretariat_api.post("/api/v1/products/", body)

    assert response.status_code == 201, response.content
    assert response.json()["currency"] == "USD"


def _allowed(operations: dict) -> list[str]:
    """The methods `Allow` must list: the documented ones and OPTIONS (HEAD, which OpenAPI
    does not describe, is left out of the comparison)."""
    return sorted({method.upper() for method in operations if method in HTTP_METHODS} | {"OPTIONS"})


PATH_VALUES = {"iso2": "KR", "slug": "lithium"}  # any value the parameter's pattern accepts


def _concrete(path: str) -> str:
    return re.sub(r"\{([^}]+)\}", lambda match: PATH_VALUES.get(match[1], "1"), path)


def test_every_method_a_path_does_not_document_answers_problem_405_with_allow(
    openapi_document, api_client_for
):
    client = api_client_for(TokenScope.READ)  # may not write, yet told 405: the path never takes it
    refused = []
    for path, operations in openapi_document["paths"].items():
        allowed = _allowed(operations)
        for method in HTTP_METHODS:
            if method in operations:
                continue
            response = getattr(client, method)(_concrete(path), {}, format="json")
            refused.append(method)
            assert response.status_code == 405, (method, path, response.status_code)
            assert response["Content-Type"] == "application/problem+json", (method, path)
            assert response.json()["status"] == 405
            assert sorted(set(response["Allow"].split(", ")) - {"HEAD"}) == allowed, (method, path)
    assert len(refused) > 200  # most paths refuse several methods


def test_invitations_are_not_created_by_post_on_the_collection(openapi_document, api_client_for, korea):
    InvitationFactory(member=korea)
    client = api_client_for(TokenScope.WRITE)

    response = client.post("/api/v1/invitations/", {"meeting": 1, "member": "KR"}, format="json")

    assert "post" not in openapi_document["paths"]["/api/v1/invitations/"]
    assert "post" in openapi_document["paths"]["/api/v1/meetings/{id}/invite/"]
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize("method", ["put", "post", "patch", "delete"])
@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/", "/api/redoc/"])
def test_unsafe_method_on_the_document_is_a_problem_405(client, method, path):
    response = getattr(client, method)(path)  # no Accept: the document would be YAML

    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Method not allowed",
        "status": 405,
        "detail": f'Method "{method.upper()}" not allowed.',
    }
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_every_empty_filter_filters_nothing_and_the_document_says_so(openapi_document, secretariat_api):
    # `?updated_since=` (a date-time) or `?stage=` (a choice) given empty is no filter at all,
    # as in the web filter forms; the document allows the empty value instead of promising a 400.
    MeetingFactory()
    InvitationFactory()
    checked = []
    for path, operations in openapi_document["paths"].items():
        if "{" in path or "get" not in operations:
            continue
        filters = [p for p in operations["get"].get("parameters", []) if p.get("allowEmptyValue")]
        unfiltered = secretariat_api.get(path)
        if unfiltered.status_code != 200:
            continue  # webhooks belong to tokens, not to accounts
        for parameter in filters:
            response = secretariat_api.get(f"{path}?{parameter['name']}=")
            assert (response.status_code, response.content) == (200, unfiltered.content), (path, parameter)
            checked.append((path, parameter["name"]))

    projects = openapi_document["paths"]["/api/v1/projects/"]["get"]["parameters"]
    assert {p["name"] for p in projects if p.get("allowEmptyValue")} >= {"stage", "updated_since", "q"}
    assert ("/api/v1/meetings/", "updated_since") in checked
    assert ("/api/v1/chair/", "on") in checked
    assert len(checked) >= 100
    assert secretariat_api.get("/api/v1/projects/?stage=nonsense").status_code == 400
    assert secretariat_api.get("/api/v1/projects/?updated_since=yesterday").status_code == 400


def _query_parameters(document: dict, schema_type: str):
    for path, operations in document["paths"].items():
        parameters = operations.get("get", {}).get("parameters", []) if "{" not in path else []
        for parameter in parameters:
            if parameter["in"] == "query" and parameter["schema"].get("type") == schema_type:
                yield path, parameter["name"]


def test_boolean_filter_takes_true_or_false_and_refuses_anything_else(openapi_document, secretariat_api):
    # Django's NullBooleanField read `?overdue=-1` as "any": the whole list for a value the
    # document forbids.
    checked = []
    for path, name in _query_parameters(openapi_document, "boolean"):
        if secretariat_api.get(path).status_code != 200:
            continue  # webhooks belong to tokens, not to accounts
        refused = secretariat_api.get(f"{path}?{name}=-58800")
        assert refused.status_code == 400, (path, name)
        assert refused["Content-Type"] == "application/problem+json"
        assert refused.json()["errors"] == {name: ["Give true or false."]}, (path, name)
        for value in ("true", "false"):
            assert secretariat_api.get(f"{path}?{name}={value}").status_code == 200, (path, name, value)
        checked.append((path, name))

    assert ("/api/v1/projects/", "overdue") in checked
    assert ("/api/v1/members/", "msp_partner") in checked
    assert ("/api/v1/products/", "is_example") in checked
    assert len(checked) >= 8


def test_integer_filter_refuses_a_fraction(openapi_document, secretariat_api):
    # NumberFilter reads decimals: `?year=0.5` on an integer column answered an empty list.
    checked = []
    for path, name in _query_parameters(openapi_document, "integer"):
        if name in ("page_size",) or secretariat_api.get(path).status_code != 200:
            continue
        response = secretariat_api.get(f"{path}?{name}=0.5")
        assert response.status_code == 400, (path, name)
        assert list(response.json()["errors"]) == [name], (path, name)
        checked.append((path, name))

    assert ("/api/v1/production-figures/", "year") in checked
