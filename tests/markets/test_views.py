"""Market pages: lists at a fixed number of queries, import through the page, who may write."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from markets import reference
from markets.models import PriceObservation
from tests.factories import JointProjectFactory, MineralFactory, PriceObservationFactory, ProductFactory


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def _grow(lithium, n: int) -> None:
    for _ in range(n):
        product = ProductFactory(mineral=lithium)
        for _ in range(3):
            PriceObservationFactory(product=product)


@pytest.mark.parametrize(
    "url", ["/markets/", "/markets/products/lithium-carbonate/", "/markets/concentration/"]
)
def test_market_pages_run_a_fixed_number_of_queries(
    korea_client, korea, system_actor, lithium, carbonate, url
):
    reference.load_production(actor=system_actor)
    _grow(lithium, 1)
    PriceObservationFactory(product=carbonate)
    JointProjectFactory(minerals=[lithium], host_country="AU", lead_member=korea)
    one = _count(korea_client, url)

    _grow(lithium, 6)
    for _ in range(20):
        PriceObservationFactory(product=carbonate)
    cobalt = MineralFactory(name="Cobalt", slug="cobalt")
    reference.load_production(actor=system_actor)
    JointProjectFactory(minerals=[lithium, cobalt], host_country="CL", lead_member=korea)
    JointProjectFactory(minerals=[cobalt], host_country="ZM", lead_member=korea)

    assert _count(korea_client, url) == one


def test_concentration_page_shows_chart_with_title_and_table(korea_client, system_actor, lithium):
    reference.load_production(actor=system_actor)

    html = korea_client.get("/markets/concentration/").content.decode()

    assert "<title" in html and "Lithium: mine production 2024, share of world total by country" in html
    assert "Share of world production (%)" in html
    assert '<b class="hhi">2211</b>' in html
    assert "Rest of world" in html


def test_coverage_page_links_to_concentration(korea_client, lithium):
    html = korea_client.get("/projects/coverage/").content.decode()

    assert 'href="/markets/concentration/"' in html


def test_import_page_with_bad_row_imports_nothing_and_lists_the_problem(secretariat_client, carbonate):
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv_text = (
        "product,observed_on,price,currency,unit,source_name\n"
        "lithium-carbonate,2026-01-05,10100,USD,t,Exchange A\n"
        "lithium-carbonate,2026-01-06,ten,USD,t,Exchange A\n"
    )
    upload = SimpleUploadedFile("prices.csv", csv_text.encode(), content_type="text/csv")

    response = secretariat_client.post("/markets/import/", {"file": upload})

    assert response.status_code == 200
    assert [(p.row, p.column) for p in response.context["report"].problems] == [(3, "price")]
    assert PriceObservation.objects.count() == 0


def test_record_price_form_in_other_currency_without_rate_shows_field_errors(secretariat_client, carbonate):
    response = secretariat_client.post(
        "/markets/products/lithium-carbonate/prices/new/",
        {"observed_on": "2026-02-02", "price": "9500", "currency": "EUR", "unit": "t", "source_name": "A"},
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {
        "exchange_rate",
        "exchange_rate_on",
        "exchange_rate_source",
    }


def test_record_price_form_saves(secretariat_client, carbonate):
    response = secretariat_client.post(
        "/markets/products/lithium-carbonate/prices/new/",
        {"observed_on": "2026-02-02", "price": "9500.5", "currency": "usd", "unit": "t", "source_name": "A"},
    )

    assert response.status_code == 302
    observation = PriceObservation.objects.get()
    assert (observation.observed_on, str(observation.price_in_basis)) == (
        datetime.date(2026, 2, 2),
        "9500.5000",
    )


def test_delegation_cannot_record_or_import(korea_client, carbonate):
    assert korea_client.get("/markets/products/lithium-carbonate/prices/new/").status_code == 403
    assert korea_client.get("/markets/import/").status_code == 403
    assert korea_client.get("/markets/products/new/").status_code == 403


def test_unknown_product_is_404(korea_client, db):
    assert korea_client.get("/markets/products/no-such-thing/").status_code == 404


def test_follow_and_unfollow(korea_client, korea_user, carbonate):
    korea_client.post("/markets/products/lithium-carbonate/follow/", {"margin_percent": "5"})
    assert list(carbonate.follows.values_list("user_id", "margin_percent")) == [(korea_user.pk, 5)]

    korea_client.post("/markets/products/lithium-carbonate/unfollow/")
    assert carbonate.follows.count() == 0
