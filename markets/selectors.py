"""Every read of products, price observations, follows and production figures.

Market data is shared by everyone signed in (markets.permissions), so the selectors take the
actor for the same signature as every app's and to scope what depends on it (follows, the
projects beside the concentration figures). Lists run a fixed number of queries.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import Actor
from core.selectors import get_visible
from decisions.permissions import decision_visible_q
from markets.models import PriceObservation, Product, ProductFollow, ProductionFigure, ReferencePrice
from markets.price_table import ROW_FIELDS


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
    return get_visible(product_list(actor=actor), slug, _("No such product."), field="slug")


def reference_price_list(*, actor: Actor) -> QuerySet[ReferencePrice]:
    """Reference prices whose adopting decision the actor may see."""
    return ReferencePrice.objects.filter(decision_visible_q(actor, prefix="adopted_by__")).select_related(
        "product", "adopted_by"
    )


def reference_price_get(*, actor: Actor, pk) -> ReferencePrice:
    return get_visible(reference_price_list(actor=actor), pk, _("No such reference price."))


def reference_in_force(actor: Actor, product=None, day=None) -> QuerySet:
    """The visible reference price of `product` in force on `day` (one row at most: periods
    never overlap); by default those of the outer query's observation, as a subquery."""
    product = OuterRef("product_id") if product is None else product
    day = OuterRef("observed_on") if day is None else day
    return (
        ReferencePrice.objects.filter(decision_visible_q(actor, prefix="adopted_by__"))
        .filter(product=product, valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .order_by("-valid_from")
    )


def observation_list(*, actor: Actor) -> QuerySet[PriceObservation]:
    """Observations with the reference price in force on their date (`reference_amount`, None
    where there is none the actor may see), from which `tariff` is computed."""
    return PriceObservation.objects.select_related("product").annotate(
        reference_amount=Subquery(reference_in_force(actor).values("amount")[:1])
    )


def observation_get(*, actor: Actor, pk) -> PriceObservation:
    return get_visible(observation_list(actor=actor), pk, _("No such price observation."))


def follow_for(*, actor: Actor, product: Product) -> ProductFollow | None:
    if actor.user_id is None:
        return None
    return ProductFollow.objects.filter(product=product, user_id=actor.user_id).first()


def production_figure_list(*, actor: Actor) -> QuerySet[ProductionFigure]:
    return ProductionFigure.objects.select_related("mineral")


def chart_window(*, actor: Actor, product: Product, start=None, end=None) -> tuple:
    """The days a product's chart shows: the given ones, else the year up to its latest price."""
    if end is None:
        end = product.latest_on if getattr(product, "latest_on", None) else timezone.localdate()
    if start is None:
        start = end - datetime.timedelta(days=365)
    return start, end


def price_series(*, actor: Actor, product: Product, start, end) -> tuple[list[dict], list[ReferencePrice]]:
    """A product's observations between two days, oldest first, as plain rows (the fields of
    `markets.price_table`, with `reference_amount`), and the visible reference periods that
    touch those days: two queries."""
    observations = list(
        observation_list(actor=actor)
        .filter(product=product, observed_on__gte=start, observed_on__lte=end)
        .order_by("observed_on", "id")
        .values(*ROW_FIELDS)
    )
    periods = list(
        reference_price_list(actor=actor)
        .filter(product=product, valid_from__lte=end)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start))
        .order_by("valid_from")
    )
    return observations, periods
