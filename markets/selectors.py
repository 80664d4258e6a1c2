"""Every read of products, price observations, follows and production figures.

Market data is shared by everyone signed in (markets.permissions), so the selectors take the
actor for the same signature as every app's and to scope what depends on it (follows, the
projects beside the concentration figures). Lists run a fixed number of queries.
"""

from __future__ import annotations

from django.db.models import Count, OuterRef, QuerySet, Subquery

from core.actors import Actor
from core.errors import NotFound
from markets.models import PriceObservation, Product, ProductFollow, ProductionFigure


def _latest(field: str) -> Subquery:
    newest = PriceObservation.objects.filter(product=OuterRef("pk")).order_by("-observed_on", "-id")
    return Subquery(newest.values(field)[:1])


def product_list(*, actor: Actor) -> QuerySet[Product]:
    """Products with their mineral, latest price and its date, and how many prices they have."""
    return Product.objects.select_related("mineral").annotate(
        latest_price=_latest("price_in_basis"),
        latest_on=_latest("observed_on"),
        observation_count=Subquery(
            PriceObservation.objects.filter(product=OuterRef("pk"))
            .order_by()
            .values("product")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
    )


def product_get(*, actor: Actor, slug: str) -> Product:
    product = product_list(actor=actor).filter(slug=slug).first()
    if product is None:
        raise NotFound("No such product.")
    return product


def observation_list(*, actor: Actor) -> QuerySet[PriceObservation]:
    return PriceObservation.objects.select_related("product")


def observation_get(*, actor: Actor, pk) -> PriceObservation:
    found = observation_list(actor=actor).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound("No such price observation.")
    return found


def follow_for(*, actor: Actor, product: Product) -> ProductFollow | None:
    if actor.user_id is None:
        return None
    return ProductFollow.objects.filter(product=product, user_id=actor.user_id).first()


def production_figure_list(*, actor: Actor) -> QuerySet[ProductionFigure]:
    return ProductionFigure.objects.select_related("mineral")
