"""Every write to products, price observations, follows and production figures.

Each service checks who may act (markets.permissions), validates, writes through
core.tracking (audit and change feed in the caller's transaction) and returns the saved object.
Quoted prices are parsed and converted in one place (markets.pricing).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.actors import Actor
from core.services import require_settable
from core.tracking import tracked_create, tracked_delete, tracked_update
from markets import permissions, reminders
from markets.models import PriceObservation, Product, ProductFollow, ProductionFigure
from markets.pricing import Quote, quote_for

PRODUCT_FIELDS = {"name", "slug", "mineral", "specification", "unit", "currency", "price_basis", "is_example"}
QUOTE_FIELDS = {"price", "currency", "unit", "exchange_rate", "exchange_rate_on", "exchange_rate_source"}
OBSERVATION_FIELDS = {"observed_on", "source_name", "source_url", "note", "is_example"} | QUOTE_FIELDS
# In the order the API shows them.
FIGURE_FIELDS = (
    "mineral",
    "commodity",
    "stage",
    "country",
    "country_label",
    "year",
    "quantity",
    "unit",
    "world_total",
    "confidence",
    "edition",
    "source_url",
    "note",
)


# Products ------------------------------------------------------------------------------


@transaction.atomic
def product_create(*, actor: Actor, **fields: Any) -> Product:
    permissions.require_manage(actor)
    return tracked_create(Product(**require_settable(fields, PRODUCT_FIELDS)), actor=actor)


@transaction.atomic
def product_update(*, actor: Actor, product: Product, **fields: Any) -> Product:
    """Edit a product. Its unit and currency are fixed once it has prices: every stored price
    and reference price is expressed in them."""
    permissions.require_manage(actor)
    fields = require_settable(fields, PRODUCT_FIELDS)
    for name in ("unit", "currency"):
        if name in fields and fields[name] != getattr(product, name) and product.observations.exists():
            raise ValidationError(
                {name: _("The product has prices in this %(field)s already.") % {"field": name}}
            )
    return tracked_update(product, actor=actor, fields=fields)


# Price observations --------------------------------------------------------------------


def observation_quote(product: Product, fields: dict[str, Any]) -> Quote:
    return quote_for(
        product_currency=product.currency,
        product_unit=product.unit,
        price=fields.get("price"),
        currency=fields.get("currency"),
        unit=fields.get("unit"),
        exchange_rate=fields.get("exchange_rate"),
        exchange_rate_on=fields.get("exchange_rate_on"),
        exchange_rate_source=fields.get("exchange_rate_source") or "",
    )


def _check_date(observed_on) -> None:
    if not isinstance(observed_on, datetime.date):
        raise ValidationError({"observed_on": _("Give the date the price was observed (YYYY-MM-DD).")})


def _check_unique(
    product: Product, observed_on: datetime.date, source_name: str, exclude: int | None
) -> None:
    clash = PriceObservation.objects.filter(product=product, observed_on=observed_on, source_name=source_name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ValidationError(
            {
                "observed_on": _("%(source)s already has a price for %(product)s on %(day)s.")
                % {"source": source_name, "product": product.name, "day": observed_on.isoformat()}
            }
        )


@transaction.atomic
def observation_create(*, actor: Actor, product: Product, **fields: Any) -> PriceObservation:
    permissions.require_record(actor)
    fields = require_settable(fields, OBSERVATION_FIELDS)
    quote = observation_quote(product, fields)
    _check_date(fields.get("observed_on"))
    _check_unique(product, fields["observed_on"], fields.get("source_name", ""), None)
    other = {name: value for name, value in fields.items() if name not in QUOTE_FIELDS}
    observation = tracked_create(PriceObservation(product=product, **other, **quote.fields()), actor=actor)
    reminders.alerts_plan(observation=observation, before=None)
    return observation


@transaction.atomic
def observation_update(*, actor: Actor, observation: PriceObservation, **fields: Any) -> PriceObservation:
    """Correct an observation; a change to any part of the quote re-reads the whole quote."""
    permissions.require_record(actor)
    fields = require_settable(fields, OBSERVATION_FIELDS)
    changes = {name: value for name, value in fields.items() if name not in QUOTE_FIELDS}
    if QUOTE_FIELDS & set(fields):
        current = {name: getattr(observation, name) for name in QUOTE_FIELDS}
        current.update({name: fields[name] for name in QUOTE_FIELDS & set(fields)})
        changes.update(observation_quote(observation.product, current).fields())
    observed_on = changes.get("observed_on", observation.observed_on)
    _check_date(observed_on)
    _check_unique(
        observation.product, observed_on, changes.get("source_name", observation.source_name), observation.pk
    )
    before = reminders.position_of(observation)
    moved = changes.get("price_in_basis", observation.price_in_basis) != observation.price_in_basis
    if moved or observed_on != observation.observed_on:
        changes["revision"] = observation.revision + 1
    saved = tracked_update(observation, actor=actor, fields=changes)
    reminders.alerts_plan(observation=saved, before=before)
    return saved


@transaction.atomic
def observation_delete(*, actor: Actor, observation: PriceObservation) -> None:
    permissions.require_record(actor)
    tracked_delete(observation, actor=actor)


# Follows -------------------------------------------------------------------------------


@transaction.atomic
def follow_set(*, actor: Actor, product: Product, margin_percent: Decimal = Decimal("0")) -> ProductFollow:
    """Follow a product (or change the margin of an existing follow)."""
    permissions.require_follow(actor)
    if margin_percent is None or not (Decimal("0") <= margin_percent <= Decimal("100")):
        raise ValidationError({"margin_percent": _("Give a margin between 0 and 100 %.")})
    follow, _created = ProductFollow.objects.update_or_create(
        product=product, user_id=actor.user_id, defaults={"margin_percent": margin_percent}
    )
    return follow


@transaction.atomic
def follow_remove(*, actor: Actor, product: Product) -> int:
    if actor.user_id is None:
        return 0
    deleted, _rows = ProductFollow.objects.filter(product=product, user_id=actor.user_id).delete()
    return deleted


# World production ----------------------------------------------------------------------


@transaction.atomic
def production_figure_create(*, actor: Actor, **fields: Any) -> ProductionFigure:
    permissions.require_manage(actor)
    return tracked_create(ProductionFigure(**require_settable(fields, FIGURE_FIELDS)), actor=actor)


@transaction.atomic
def production_figure_update(*, actor: Actor, figure: ProductionFigure, **fields: Any) -> ProductionFigure:
    permissions.require_manage(actor)
    return tracked_update(figure, actor=actor, fields=require_settable(fields, FIGURE_FIELDS))
