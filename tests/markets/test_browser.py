"""In a real browser: the secretariat imports a CSV of prices and sees the chart with the
reference band and the tariff; a user who follows the product sees the alert."""

import datetime

import pytest
from django.utils import timezone

from core.reminders import services as engine
from markets import references
from markets.models import ProductFollow
from members.choices import Role
from members.permissions import actor_for_user
from tests.factories import ProductFactory, adopt, user_with_role

CSV = (
    "product,observed_on,price,currency,unit,source_name\n"
    "lithium-carbonate,2026-03-02,12100,USD,t,Exchange A\n"
    "lithium-carbonate,2026-03-03,11400,USD,t,Exchange A\n"
    "lithium-carbonate,2026-03-04,5.00,USD,lb,Exchange A\n"
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_secretariat_imports_prices_sees_band_and_tariff_and_follower_sees_alert(
    live_server, signed_in, korea
):
    from playwright.sync_api import expect

    staff = user_with_role(Role.SECRETARIAT_ADMIN, username="staff")
    follower = user_with_role(Role.DELEGATION, korea, username="korea")
    product = ProductFactory(name="Lithium carbonate", slug="lithium-carbonate")
    references.reference_price_create(
        actor=actor_for_user(staff),
        product=product,
        amount="12000",
        valid_from=datetime.date(2026, 1, 1),
        adopted_by=adopt(actor_for_user(staff)),
    )
    ProductFollow.objects.create(product=product, user=follower)
    base = live_server.url

    secretariat = signed_in("staff")
    secretariat.goto(f"{base}/markets/import/")
    secretariat.set_input_files(
        "input[name=file]", files=[{"name": "prices.csv", "mimeType": "text/csv", "buffer": CSV.encode()}]
    )
    secretariat.get_by_role("button", name="Check and import").click()
    expect(secretariat.locator(".messages")).to_contain_text("Imported 3 prices.")

    secretariat.goto(f"{base}/markets/products/lithium-carbonate/?start=2026-03-01&end=2026-03-31")
    chart = secretariat.locator("svg.price-chart")
    expect(chart.locator("title")).to_have_text(
        "Lithium carbonate: observed prices against the reference band, and the tariff"
    )
    expect(chart.locator("rect.chart-band")).to_have_count(1)
    expect(chart.locator("rect.chart-tariff")).to_have_count(2)  # 11,400 and 11,023.11 are below
    rows = secretariat.locator("#price-table tbody tr")
    # Newest first: 5.00 USD/lb = 11,023.11 USD/t: (12,000 − 11,023.1131) / 11,023.1131 = 8.86 %
    expect(rows.nth(0)).to_contain_text("8.86 %")
    expect(rows.nth(1)).to_contain_text("5.26 %")
    expect(rows.nth(2)).to_contain_text("0.00 %")  # above the reference: no tariff

    engine.reminder_dispatch(
        now=timezone.now() + datetime.timedelta(minutes=1),
        enqueue=lambda ids: [engine.reminder_send(reminder_id=pk) for pk in ids],
    )
    member = signed_in("korea")
    member.goto(f"{base}/reminders/notifications/")
    expect(member.get_by_text("Below the reference price: Lithium carbonate on 3 March 2026")).to_have_count(
        1
    )
    expect(member.get_by_text("Below the reference price: Lithium carbonate on 4 March 2026")).to_have_count(
        1
    )
