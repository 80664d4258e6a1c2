"""One FilterSet per listed model, shared by the web lists and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import TrackedFilterSet
from markets.models import PriceObservation, Product, ProductionFigure, ReferencePrice


class ProductFilter(TrackedFilterSet):
    mineral = django_filters.CharFilter(field_name="mineral__slug", label=_("Mineral (slug)"))
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Name contains"))

    class Meta:
        model = Product
        fields = ["mineral", "currency", "unit", "is_example"]


class ObservationFilter(TrackedFilterSet):
    product = django_filters.CharFilter(field_name="product__slug", label=_("Product (slug)"))
    observed_from = django_filters.DateFilter(
        field_name="observed_on", lookup_expr="gte", label=_("From (date)")
    )
    observed_to = django_filters.DateFilter(field_name="observed_on", lookup_expr="lte", label=_("To (date)"))

    class Meta:
        model = PriceObservation
        fields = ["product", "currency", "source_name"]


class ProductionFigureFilter(TrackedFilterSet):
    mineral = django_filters.CharFilter(field_name="mineral__slug", label=_("Mineral (slug)"))

    class Meta:
        model = ProductionFigure
        fields = ["mineral", "stage", "country", "year", "edition"]


class ReferencePriceFilter(TrackedFilterSet):
    product = django_filters.CharFilter(field_name="product__slug", label=_("Product (slug)"))
    in_force_on = django_filters.DateFilter(method="filter_in_force_on", label=_("In force on (date)"))

    class Meta:
        model = ReferencePrice
        fields = ["product", "adopted_by"]

    def filter_in_force_on(self, queryset, name, value):
        return queryset.filter(valid_from__lte=value).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=value)
        )
