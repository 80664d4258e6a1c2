import datetime
from decimal import Decimal

import factory

from markets.models import PriceObservation, Product
from tests.factories.projects import MineralFactory

__all__ = ["PriceObservationFactory", "ProductFactory"]


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
