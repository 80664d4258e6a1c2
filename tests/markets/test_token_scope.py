"""A partner token limited to price data (scope "prices"): a ministry's system reads products,
price observations and reference prices and records prices, and uses nothing else of the API."""

import datetime
import io

import pytest
from django.core.management import call_command

from core.webhooks.models import WebhookSubscription
from markets import references
from markets.models import PriceObservation
from members.choices import TokenScope
from members.models import PartnerToken
from projects.models import JointProject
from tests.factories import MeetingFactory, PriceObservationFactory, adopt

OBSERVATION = {
    "product": "lithium-carbonate",
    "observed_on": "2026-03-02",
    "price": "10250.50",
    "currency": "USD",
    "unit": "t",
    "source_name": "Ministry feed",
}


@pytest.fixture
def prices_token(api_client_for, korea):
    return api_client_for(TokenScope.PRICES, korea)


@pytest.fixture
def priced(system_actor, carbonate, decision):
    references.reference_price_create(
        actor=system_actor,
        product=carbonate,
        amount="11000",
        valid_from=datetime.date(2026, 1, 1),
        adopted_by=decision,
    )
    return PriceObservationFactory(product=carbonate, observed_on=datetime.date(2026, 3, 1))


@pytest.mark.parametrize(
    ("url", "count"),
    [("/api/v1/products/", 1), ("/api/v1/price-observations/", 1), ("/api/v1/reference-prices/", 1)],
)
def test_prices_token_reads_price_data(prices_token, priced, url, count):
    response = prices_token.get(url)

    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == count


def test_prices_token_reads_one_observation_with_its_tariff(prices_token, priced):
    response = prices_token.get(f"/api/v1/price-observations/{priced.pk}/")

    assert response.status_code == 200
    assert response.json()["reference_price"] == "11000.0000"


def test_prices_token_records_a_price(prices_token, priced):
    response = prices_token.post("/api/v1/price-observations/", OBSERVATION, format="json")

    assert response.status_code == 201, response.content
    assert PriceObservation.objects.filter(source_name="Ministry feed").count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/",
        "/api/v1/members/",
        "/api/v1/members/KR/",
        "/api/v1/meetings/",
        "/api/v1/projects/",
        "/api/v1/decisions/",
        "/api/v1/production-figures/",
        "/api/v1/concentration/",
        "/api/v1/changes/",
        "/api/v1/webhooks/",
    ],
)
def test_prices_token_is_refused_outside_price_data(prices_token, priced, url):
    MeetingFactory()

    response = prices_token.get(url)

    assert response.status_code == 403, (url, response.content)
    assert response.json()["detail"] == "This token is limited to other data than this endpoint's."


def test_prices_token_cannot_write_outside_price_data(prices_token, lithium):
    project = {"title": "Hub", "minerals": ["lithium"], "segment": "recycling", "host_country": "DE"}
    subscription = {"url": "http://127.0.0.1:8999/ministry", "event_types": ["*"]}

    assert prices_token.post("/api/v1/projects/", project, format="json").status_code == 403
    assert prices_token.post("/api/v1/webhooks/", subscription, format="json").status_code == 403
    assert (JointProject.objects.count(), WebhookSubscription.objects.count()) == (0, 0)


def test_prices_token_of_another_delegation_sees_no_hidden_reference(prices_token, carbonate, system_actor):
    """The area opens the endpoints; what is in them still follows the token's delegation."""
    hidden = adopt(system_actor, title="Secretariat only", confidentiality="secretariat")
    references.reference_price_create(
        actor=system_actor,
        product=carbonate,
        amount="9000",
        valid_from=datetime.date(2026, 1, 1),
        adopted_by=hidden,
    )

    assert prices_token.get("/api/v1/reference-prices/").json()["results"] == []


def test_create_partner_token_command_issues_a_prices_token(korea):
    out, said = io.StringIO(), io.StringIO()

    call_command(
        "create_partner_token",
        "--name",
        "ministry",
        "--member",
        "KR",
        "--scope",
        "prices",
        stdout=out,
        stderr=said,
    )

    token = PartnerToken.objects.get(name="ministry")
    assert token.scope == TokenScope.PRICES
    assert out.getvalue().startswith("forge_")
    assert "'ministry' (Price data only (read, and record prices)) created" in said.getvalue()


def test_token_admin_shows_and_filters_the_prices_scope(secretariat_client, make_token, korea):
    make_token(TokenScope.PRICES, korea, name="ministry")
    make_token(TokenScope.READ, korea, name="reader")

    page = secretariat_client.get("/admin/members/partnertoken/?scope=prices").content.decode()

    assert "Price data only (read, and record prices)" in page
    assert "ministry" in page
    assert "reader" not in page
