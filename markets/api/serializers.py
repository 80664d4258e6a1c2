"""API shapes of products, price observations and production figures. Products and minerals
are named by slug; a price travels with its currency and unit, and the quoted price is parsed
by markets.pricing (the parser of the web form and the CSV import), in the service."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.actors import actor_for_request
from core.choices import Channel
from decisions.models import Decision
from decisions.permissions import decision_visible_q
from markets.models import PriceObservation, Product, ProductionFigure, ReferencePrice
from markets.services import FIGURE_FIELDS
from markets.tariff import Tariff, observation_tariff
from projects.models import Mineral


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^\d{1,14}(\.\d{1,4})?$",
        "example": "10250.5000",
        "description": "Decimal, at most four decimals (a JSON number is accepted on input).",
    }
)
class QuotedDecimalField(serializers.Field):
    """Passed through as given: the service parses it and names the field when it is bad."""

    context_free_representation = True  # core.api.fastcache

    def __init__(self, *, places: int = 4, **kwargs):
        self.places = places
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int | float):
            raise serializers.ValidationError('Give a number as a string, e.g. "10250.50".')
        return data

    def to_representation(self, value):
        return f"{value:.{self.places}f}"


class TariffSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text="The rule's code and version, e.g. FORGE-T1 v1.")
    gap = serializers.CharField()
    rate_percent = serializers.CharField()
    capped = serializers.BooleanField()
    per_unit = serializers.CharField(help_text="Tariff per unit, in the product's currency, to the cent.")


def tariff_representation(tariff: Tariff) -> dict:
    return {
        "rule": f"{tariff.rule.code} v{tariff.rule.version}",
        "gap": f"{tariff.gap:.4f}",
        "rate_percent": f"{tariff.rate_percent:.2f}",
        "capped": tariff.capped,
        "per_unit": f"{tariff.per_unit:.2f}",
    }


class VisibleDecisionField(serializers.PrimaryKeyRelatedField):
    """A decision by id among those the caller may see; another id reads as missing."""

    def get_queryset(self):
        actor = actor_for_request(self.context["request"], Channel.API)
        return Decision.objects.filter(decision_visible_q(actor))


class ProductSerializer(serializers.ModelSerializer):
    mineral = serializers.SlugRelatedField(slug_field="slug", queryset=Mineral.objects.all())

    class Meta:
        model = Product
        fields = [
            "id",
            "slug",
            "name",
            "mineral",
            "specification",
            "unit",
            "currency",
            "price_basis",
            "is_example",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class ObservationSerializer(serializers.ModelSerializer):
    product = serializers.SlugRelatedField(slug_field="slug", queryset=Product.objects.all())
    price = QuotedDecimalField(help_text="The price as quoted, per `unit`, in `currency`.")
    currency = serializers.CharField(max_length=10, help_text="ISO 4217 code of the quoted price.")
    exchange_rate = QuotedDecimalField(
        places=10,
        required=False,
        allow_null=True,
        help_text="For a price in another currency than the product's: units of the product's "
        "currency per unit of `currency`; needs `exchange_rate_on` and `exchange_rate_source`.",
    )
    unit_factor = serializers.DecimalField(max_digits=24, decimal_places=12, read_only=True)
    price_in_basis = serializers.DecimalField(
        max_digits=18,
        decimal_places=4,
        read_only=True,
        help_text="The price in the product's currency and unit.",
    )
    reference_price = serializers.DecimalField(
        source="reference_amount",
        max_digits=18,
        decimal_places=4,
        read_only=True,
        allow_null=True,
        help_text="The reference price in force on the date (product's currency and unit), if any.",
    )
    tariff = serializers.SerializerMethodField(
        help_text="The tariff the gap implies (markets.tariff), or null."
    )

    class Meta:
        model = PriceObservation
        fields = [
            "id",
            "product",
            "observed_on",
            "price",
            "currency",
            "unit",
            "exchange_rate",
            "exchange_rate_on",
            "exchange_rate_source",
            "unit_factor",
            "price_in_basis",
            "reference_price",
            "tariff",
            "source_name",
            "source_url",
            "note",
            "is_example",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "unit_factor",
            "price_in_basis",
            "reference_price",
            "tariff",
            "created_at",
            "updated_at",
        ]
        # Uniqueness is the service's to check (with a message naming the field).
        validators = []

    @extend_schema_field(TariffSerializer(allow_null=True))
    def get_tariff(self, row) -> dict | None:
        tariff = observation_tariff(
            price=row.price_in_basis, reference=getattr(row, "reference_amount", None), day=row.observed_on
        )
        return None if tariff is None else tariff_representation(tariff)


class ReferencePriceSerializer(serializers.ModelSerializer):
    product = serializers.SlugRelatedField(slug_field="slug", queryset=Product.objects.all())
    amount = QuotedDecimalField(help_text="Per the product's unit, in its currency.")
    adopted_by = VisibleDecisionField(help_text="The adopted decision (id) that set this price.")

    class Meta:
        model = ReferencePrice
        fields = [
            "id",
            "product",
            "amount",
            "currency",
            "valid_from",
            "valid_until",
            "adopted_by",
            "note",
            "is_example",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "currency", "created_at", "updated_at"]
        validators = []


class ProductionFigureSerializer(serializers.ModelSerializer):
    mineral = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = ProductionFigure
        fields = ["id", *FIGURE_FIELDS, "created_at", "updated_at"]
        read_only_fields = fields
