import django_filters


class TrackedFilterSet(django_filters.FilterSet):
    """Base FilterSet for every synced list: adds `updated_since`, used by partner syncs."""

    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label="Changed at or after (ISO 8601)"
    )
