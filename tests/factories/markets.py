import datetime
from decimal import Decimal

import factory

from decisions import services as decision_services
from decisions.choices import DecisionKind, DecisionStatus
from markets.models import PriceObservation, Product
from tests.factories.meetings import MeetingFactory
from tests.factories.projects import MineralFactory

__all__ = ["PriceObservationFactory", "ProductFactory", "adopt"]


class ProductFactory(factory.django.DjangoModelFactory):
    """A USD per tonne product of lithium."""

    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    mineral = factory.SubFactory(MineralFactory, name="Lithium", slug="lithium")
    unit = "t"
    currency = "USD"


class PriceObservationFactory(factory.django.DjangoModelFactory):
    """A price in the product's own currency and unit (price_in_basis = price)."""

    class Meta:
        model = PriceObservation

    product = factory.SubFactory(ProductFactory)
    observed_on = factory.Sequence(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=n))
    price = Decimal("10000.0000")
    currency = factory.LazyAttribute(lambda o: o.product.currency)
    unit = factory.LazyAttribute(lambda o: o.product.unit)
    price_in_basis = factory.LazyAttribute(lambda o: o.price)
    source_name = "Test source"


AT = datetime.datetime(2026, 2, 4, 15, 0, tzinfo=datetime.UTC)


def adopt(actor, title: str = "Reference prices for lithium products", **fields):
    """An adopted decision (created, tabled at a meeting, adopted) through the services."""
    decision = decision_services.decision_create(
        actor=actor,
        now=AT,
        title=title,
        kind=DecisionKind.DECISION,
        text="The forum adopts reference prices.",
        **fields,
    )
    decision = decision_services.decision_move(
        actor=actor, decision=decision, to_status=DecisionStatus.TABLED, meeting=MeetingFactory(), now=AT
    )
    return decision_services.decision_adopt(actor=actor, decision=decision, at=AT)
