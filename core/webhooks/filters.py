"""One FilterSet per list, shared by the secretariat's pages and the API."""

import django_filters
from django.db.models import Q

from core.filters import StrictBooleanFilter, StrictFilterSet
from core.webhooks.choices import DeliveryStatus
from core.webhooks.models import WebhookDelivery, WebhookSubscription


class SubscriptionFilter(StrictFilterSet):
    is_active = StrictBooleanFilter(label="Active")
    q = django_filters.CharFilter(method="search", label="Search URL or token", max_length=200)

    class Meta:
        model = WebhookSubscription
        fields = ["is_active", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(url__icontains=value) | Q(token__name__icontains=value))


class DeliveryFilter(StrictFilterSet):
    status = django_filters.ChoiceFilter(choices=DeliveryStatus.choices)
    event_type = django_filters.CharFilter(max_length=80)

    class Meta:
        model = WebhookDelivery
        fields = ["status", "event_type"]
