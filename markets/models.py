"""Traded products, the prices observed for them, who follows them, and world production.

Every write goes through markets.services.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.models import TrackedModel
from decisions.models import Decision
from markets.choices import Confidence, ProductionStage, Unit
from projects.codes import validate_country, validate_currency
from projects.models import Mineral

PRICE_DIGITS = {"max_digits": 18, "decimal_places": 4}


class Product(TrackedModel):
    """A traded form of a mineral (lithium carbonate, battery grade), with the unit and the
    currency its prices and reference prices are kept in, and the price basis (delivery terms,
    market) they refer to."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    mineral = models.ForeignKey(Mineral, on_delete=models.PROTECT, related_name="products")
    specification = models.CharField(
        _("specification"), max_length=300, blank=True, help_text=_("Grade or purity, e.g. ≥ 99.5 % Li2CO3.")
    )
    unit = models.CharField(_("unit"), max_length=5, choices=Unit.choices, default=Unit.TONNE)
    currency = models.CharField(_("currency"), max_length=3, default="USD", validators=[validate_currency])
    price_basis = models.CharField(
        _("price basis"), max_length=200, blank=True, help_text=_("Delivery terms and market, e.g. CIF Asia.")
    )
    is_example = models.BooleanField(default=False, help_text=_("Invented demo data, shown labelled."))

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("markets:product", args=[self.slug])

    @property
    def quote(self) -> str:
        """ "USD per t": how every price of the product is expressed."""
        return f"{self.currency}/{self.unit}"


class PriceObservation(TrackedModel):
    """A price seen on a date, as quoted (currency and unit), with how it was brought to the
    product's currency and unit: a unit factor from markets.units and, for another currency,
    an exchange rate with its date and source. `price_in_basis` is the result, kept so that
    lists, charts and the tariff read one column."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="observations")
    observed_on = models.DateField(_("date observed"))
    price = models.DecimalField(_("price"), **PRICE_DIGITS, validators=[MinValueValidator(0)])
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    unit = models.CharField(_("unit"), max_length=5, choices=Unit.choices)
    unit_factor = models.DecimalField(max_digits=24, decimal_places=12, default=1)
    exchange_rate = models.DecimalField(
        _("exchange rate"),
        max_digits=20,
        decimal_places=10,
        null=True,
        blank=True,
        help_text=_("Units of the product's currency for one unit of the quoted currency."),
    )
    exchange_rate_on = models.DateField(_("exchange rate date"), null=True, blank=True)
    exchange_rate_source = models.CharField(_("exchange rate source"), max_length=200, blank=True)
    price_in_basis = models.DecimalField(**PRICE_DIGITS)
    source_name = models.CharField(_("source"), max_length=200)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    is_example = models.BooleanField(default=False)
    # Bumped whenever the price or date changes: an alert is planned once per revision in
    # which the observation crosses a follower's line (markets.alerts).
    revision = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["product_id", "-observed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "observed_on", "source_name"],
                name="observation_once_per_source_day",
                violation_error_message=_("This source already has a price for this product on this date."),
            ),
            models.CheckConstraint(
                condition=Q(price__gt=0) & Q(price_in_basis__gt=0),
                name="observation_price_positive",
                violation_error_message=_("The price must be more than zero."),
            ),
            models.CheckConstraint(
                condition=(Q(exchange_rate__isnull=True) & Q(exchange_rate_on__isnull=True))
                | (Q(exchange_rate__gt=0) & Q(exchange_rate_on__isnull=False) & ~Q(exchange_rate_source="")),
                name="observation_rate_complete",
                violation_error_message=_("An exchange rate needs its date and its source."),
            ),
        ]
        indexes = [
            # The product page, the chart and the API's date filter read a product's series.
            models.Index(fields=["product", "observed_on"], name="observation_product_day_idx"),
            models.Index(fields=["observed_on", "id"], name="observation_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.product}: {self.currency} {self.price}/{self.unit} on {self.observed_on.isoformat()}"

    @cached_property
    def tariff(self):
        """The tariff per unit under the rule in force on its date, against the reference price
        annotated by markets.selectors.observation_list; None without a reference."""
        from markets.tariff import observation_tariff

        return observation_tariff(
            price=self.price_in_basis, reference=getattr(self, "reference_amount", None), day=self.observed_on
        )

    def clean(self) -> None:
        if self.exchange_rate is not None and self.product_id and self.currency == self.product.currency:
            raise ValidationError(
                {"exchange_rate": _("The price is already in the product's currency: give no exchange rate.")}
            )


class ProductFollow(models.Model):
    """A user who wants to hear when a product's price falls below its reference price, or
    comes within `margin_percent` of it."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    margin_percent = models.DecimalField(
        _("alert margin (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("Also alert when the price is within this percentage above the reference."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["product_id", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "user"], name="follow_once_per_user"),
            models.CheckConstraint(
                condition=Q(margin_percent__gte=0) & Q(margin_percent__lte=100), name="follow_margin_range"
            ),
        ]
        indexes = [models.Index(fields=["user", "product"], name="follow_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.product_id}"


class ProductionFigure(TrackedModel):
    """One country's production of a mineral in a year, from a named edition of a source.

    Only the leading producers are listed; the rest of the world is `world_total` minus their
    sum. A group figure (USGS reports rare earths as one group) is stored for each mineral of
    the group, with `commodity` naming the group.
    """

    mineral = models.ForeignKey(Mineral, on_delete=models.PROTECT, related_name="production_figures")
    commodity = models.CharField(max_length=100, help_text=_("The source's name for the series."))
    stage = models.CharField(max_length=10, choices=ProductionStage.choices)
    country = models.CharField(max_length=2, validators=[validate_country])
    country_label = models.CharField(max_length=100, help_text=_("The country as the source names it."))
    year = models.PositiveSmallIntegerField()
    quantity = models.DecimalField(max_digits=20, decimal_places=3, validators=[MinValueValidator(0)])
    unit = models.CharField(max_length=40)
    world_total = models.DecimalField(max_digits=20, decimal_places=3, validators=[MinValueValidator(0)])
    confidence = models.CharField(max_length=10, choices=Confidence.choices)
    edition = models.CharField(max_length=40)
    source_url = models.URLField(max_length=300)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["mineral_id", "stage", "-quantity", "country"]
        constraints = [
            models.UniqueConstraint(
                fields=["mineral", "stage", "year", "edition", "country"], name="production_figure_once"
            ),
            models.CheckConstraint(
                condition=Q(quantity__lte=models.F("world_total")), name="production_within_world_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commodity} {self.stage} {self.country} {self.year}: {self.quantity} {self.unit}"

    @property
    def is_group_figure(self) -> bool:
        return self.commodity != self.mineral.name


class ReferencePrice(TrackedModel):
    """The minimum (reference) price of a product that the forum adopted, in the product's
    currency per its unit, valid from a date until the day before the next one starts (or
    until `valid_until`). A product's periods never overlap: the service checks it on every
    database and names the clash; on PostgreSQL an exclusion constraint has the last word
    (migration 0002, as for chair terms)."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="reference_prices")
    amount = models.DecimalField(_("reference price"), **PRICE_DIGITS, validators=[MinValueValidator(0)])
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("Empty: until a new reference price replaces it."),
    )
    adopted_by = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("adopted by"),
        help_text=_("The forum's decision that adopted this reference price."),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    is_example = models.BooleanField(default=False)

    class Meta:
        ordering = ["product_id", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="reference_price_positive",
                violation_error_message=_("The reference price must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="reference_period_ends_after_start",
                violation_error_message=_("A period cannot end before it starts."),
            ),
        ]
        indexes = [models.Index(fields=["product", "valid_from"], name="reference_product_from_idx")]

    def __str__(self) -> str:
        end = self.valid_until.isoformat() if self.valid_until else _("until replaced")
        return f"{self.currency} {self.amount} from {self.valid_from.isoformat()} to {end}"

    def covers(self, day) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)
