import datetime

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField


class UtcIsoDateTimeField(IsoDateTimeField):
    """ISO 8601 date-time, converted to UTC here: an offset PostgreSQL cannot take (beyond
    ±15:59) or a time that leaves years 1-9999 in UTC is a 400 naming the field, not a 500."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(datetime.UTC)
        except OverflowError as exc:
            raise ValidationError(
                _("Give a date-time between the years 1 and 9999."), code="invalid"
            ) from exc


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class TrackedFilterSet(django_filters.FilterSet):
    """Base FilterSet for every synced list: adds `updated_since`, used by partner syncs."""

    updated_since = UtcIsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("Changed at or after (ISO 8601)")
    )
