from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.actors import Actor, actor_for_request
from core.api.views import ModelViewSet, ReadOnlyViewSet
from core.choices import Channel
from core.errors import NotFound
from markets import concentration, references, selectors, services
from markets.api.serializers import (
    ObservationSerializer,
    ProductionFigureSerializer,
    ProductSerializer,
    ReferencePriceSerializer,
)
from markets.filters import ObservationFilter, ProductFilter, ProductionFigureFilter, ReferencePriceFilter
from members.choices import PRICE_DATA
from projects import selectors as project_selectors


class ProductViewSet(ModelViewSet):
    """Traded products of critical minerals, with the unit and currency their prices are kept
    in. The secretariat adds and edits them; products with prices are not deleted."""

    data_area = PRICE_DATA  # open to tokens limited to price data
    serializer_class = ProductSerializer
    filterset_class = ProductFilter
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.product_list(actor=self.actor)

    def get_object(self):
        return selectors.product_get(actor=self.actor, slug=self.kwargs["slug"])

    def perform_create(self, serializer):
        return services.product_create(actor=self.actor, **serializer.validated_data)

    def perform_update(self, serializer, instance):
        return services.product_update(actor=self.actor, product=instance, **serializer.validated_data)


class ObservationViewSet(ModelViewSet):
    """Observed prices, as quoted and in the product's currency and unit. The secretariat and
    partner systems with a write token record them; a price in another currency needs an
    exchange rate with its date and source (400 naming the field otherwise)."""

    data_area = PRICE_DATA  # open to tokens limited to price data
    serializer_class = ObservationSerializer
    filterset_class = ObservationFilter

    def get_queryset(self):
        return selectors.observation_list(actor=self.actor)

    def get_object(self):
        return selectors.observation_get(actor=self.actor, pk=self.kwargs["pk"])

    def perform_create(self, serializer):
        return services.observation_create(actor=self.actor, **serializer.validated_data)

    def perform_update(self, serializer, instance):
        data = dict(serializer.validated_data)
        if data.get("product", instance.product) != instance.product:
            raise drf_serializers.ValidationError({"product": ["This cannot change after creation."]})
        data.pop("product", None)
        return services.observation_update(actor=self.actor, observation=instance, **data)

    def perform_destroy(self, instance):
        services.observation_delete(actor=self.actor, observation=instance)


class ReferencePriceViewSet(ModelViewSet):
    """Reference (minimum) prices per product, each adopted by a decision, valid from a date
    until replaced. Periods of one product never overlap: an overlap is 400 naming the clash;
    a new open-ended price closes the one it replaces. Shown to those who may see the decision."""

    data_area = PRICE_DATA  # open to tokens limited to price data
    serializer_class = ReferencePriceSerializer
    filterset_class = ReferencePriceFilter

    def get_queryset(self):
        return selectors.reference_price_list(actor=self.actor)

    def get_object(self):
        return selectors.reference_price_get(actor=self.actor, pk=self.kwargs["pk"])

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        return references.reference_price_create(actor=self.actor, product=data.pop("product"), **data)

    def perform_update(self, serializer, instance):
        data = dict(serializer.validated_data)
        if data.pop("product", instance.product) != instance.product:
            raise drf_serializers.ValidationError({"product": ["This cannot change after creation."]})
        return references.reference_price_update(actor=self.actor, reference=instance, **data)

    def perform_destroy(self, instance):
        references.reference_price_delete(actor=self.actor, reference=instance)


class ProductionFigureViewSet(ReadOnlyViewSet):
    """World production by country (USGS Mineral Commodity Summaries 2025), one row per
    mineral, stage, year and country; rare-earth elements carry the group's figures."""

    serializer_class = ProductionFigureSerializer
    filterset_class = ProductionFigureFilter

    def get_queryset(self):
        return selectors.production_figure_list(actor=self.actor)

    def get_object(self):
        pk = self.kwargs["pk"]
        found = self.get_queryset().filter(pk=pk).first() if str(pk).isdigit() else None
        if found is None:
            raise NotFound("No such production figure.")
        return found


class ShareSerializer(drf_serializers.Serializer):
    country = drf_serializers.CharField()
    name = drf_serializers.CharField()
    quantity = drf_serializers.DecimalField(max_digits=20, decimal_places=3)
    percent = drf_serializers.DecimalField(max_digits=6, decimal_places=1, source="percent_shown")


class SeriesSerializer(drf_serializers.Serializer):
    stage = drf_serializers.CharField()
    commodity = drf_serializers.CharField(
        help_text="The source's series; differs from the mineral for a group figure."
    )
    year = drf_serializers.IntegerField()
    unit = drf_serializers.CharField()
    edition = drf_serializers.CharField()
    source_url = drf_serializers.CharField()
    world_total = drf_serializers.DecimalField(max_digits=20, decimal_places=3)
    rest_of_world = drf_serializers.DecimalField(max_digits=20, decimal_places=3)
    leader = drf_serializers.CharField(source="leader.country", allow_null=True)
    hhi = drf_serializers.IntegerField(help_text="Over the listed producers (lower bound), 0-10,000.")
    hhi_upper = drf_serializers.IntegerField(help_text="Counting the rest of the world as one producer.")
    shares = ShareSerializer(many=True)


class ConcentrationSerializer(drf_serializers.Serializer):
    mineral = drf_serializers.CharField(source="mineral.slug")
    series = SeriesSerializer(many=True)
    active_projects = drf_serializers.IntegerField(source="projects_total")
    projects_outside_leader = drf_serializers.IntegerField()


class ConcentrationPageSerializer(drf_serializers.Serializer):
    next = drf_serializers.URLField(allow_null=True, help_text="Always null: every mineral fits on one page.")
    results = ConcentrationSerializer(many=True)


def _actor(request):
    return actor_for_request(request, Channel.API) or Actor(channel=Channel.API, label="schema")


class ConcentrationListView(APIView):
    """Supply concentration of every mineral with production figures: shares, leading producer
    and HHI, with the number of the forum's active projects (that the caller may see) outside
    the leading producer. Computed from production-figures (which are on the change feed)."""

    @extend_schema(responses=ConcentrationPageSerializer, operation_id="concentration_list")
    def get(self, request):
        items = concentration.concentration_for(actor=_actor(request))
        return Response({"next": None, "results": ConcentrationSerializer(items, many=True).data})


class ConcentrationDetailView(APIView):
    """Supply concentration of one mineral (by slug)."""

    @extend_schema(responses=ConcentrationSerializer, operation_id="concentration_retrieve")
    def get(self, request, slug: str):
        actor = _actor(request)
        mineral = project_selectors.mineral_get(actor=actor, slug=slug)
        items = concentration.concentration_for(actor=actor, mineral=mineral)
        if not items:
            raise NotFound("No production figures for this mineral.")
        return Response(ConcentrationSerializer(items[0]).data)
