"""The markets API: products, price observations (write tokens), production figures, concentration."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from markets import reference
from markets.models import PriceObservation
from members.choices import TokenScope
from tests.factories import PriceObservationFactory, ProductFactory

OBSERVATION = {
    "product": "lithium-carbonate",
    "observed_on": "2026-03-02",
    "price": "10250.50",
    "currency": "USD",
    "unit": "t",
    "source_name": "Partner feed",
}


def test_write_token_posts_an_observation(api_client_for, carbonate):
    client = api_client_for(TokenScope.WRITE)

    response = client.post("/api/v1/price-observations/", OBSERVATION, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["price_in_basis"] == "10250.5000"
    assert response.json()["price"] == "10250.5000"
    assert PriceObservation.objects.get().source_name == "Partner feed"


def test_price_in_other_currency_without_rate_is_400_naming_the_field(api_client_for, carbonate):
    client = api_client_for(TokenScope.WRITE)

    response = client.post("/api/v1/price-observations/", {**OBSERVATION, "currency": "EUR"}, format="json")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert set(response.json()["errors"]) == {"exchange_rate", "exchange_rate_on", "exchange_rate_source"}
    assert PriceObservation.objects.count() == 0


def test_read_token_cannot_post(api_client_for, carbonate):
    response = api_client_for(TokenScope.READ).post("/api/v1/price-observations/", OBSERVATION, format="json")

    assert response.status_code == 403
    assert PriceObservation.objects.count() == 0


def test_observation_list_filters_by_product_and_dates(api_client_for, carbonate, lithium):
    import datetime

    other = ProductFactory(mineral=lithium)
    for day in (1, 2, 3):
        PriceObservationFactory(product=carbonate, observed_on=datetime.date(2026, 1, day))
    PriceObservationFactory(product=other, observed_on=datetime.date(2026, 1, 2))

    response = api_client_for().get(
        "/api/v1/price-observations/?product=lithium-carbonate&observed_from=2026-01-02&observed_to=2026-01-03"
    )

    assert [row["observed_on"] for row in response.json()["results"]] == ["2026-01-02", "2026-01-03"]


def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url", ["/api/v1/products/", "/api/v1/price-observations/", "/api/v1/production-figures/"]
)
def test_market_lists_run_a_fixed_number_of_queries(api_client_for, system_actor, lithium, carbonate, url):
    client = api_client_for()
    PriceObservationFactory(product=carbonate)
    client.get(url)  # the token's first use is recorded once
    one = _count(client, url)

    for _ in range(5):
        PriceObservationFactory(product=ProductFactory(mineral=lithium))
    reference.load_production(actor=system_actor)

    assert _count(client, url) == one


def test_concentration_endpoint_gives_hhi_and_shares(api_client_for, system_actor, lithium):
    reference.load_production(actor=system_actor)

    body = api_client_for().get("/api/v1/concentration/lithium/").json()

    assert body["mineral"] == "lithium"
    assert (body["series"][0]["leader"], body["series"][0]["hhi"], body["series"][0]["hhi_upper"]) == (
        "AU",
        2211,
        2236,
    )
    assert body["series"][0]["shares"][0] == {
        "country": "AU",
        "name": "Australia",
        "quantity": "88000.000",
        "percent": "36.7",
    }
