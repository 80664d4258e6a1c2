import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
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


class StrictBooleanField(forms.NullBooleanField):
    """true, false, or empty (no filter). Django's NullBooleanField reads any other value as
    "no filter", so `?overdue=yes` would list everything; here it is a 400 naming the field."""

    widget = forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))])
    VALUES = {"true": True, "false": False}

    def to_python(self, value):
        if value is None or isinstance(value, bool):
            return value
        if value == "":
            return None
        try:
            return self.VALUES[value]
        except KeyError:
            raise ValidationError(_("Give true or false."), code="invalid") from None


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class StrictIntegerFilter(django_filters.NumberFilter):
    """A whole number: `?year=0.5` is a 400, not an empty list (NumberFilter takes decimals)."""

    field_class = forms.IntegerField


class StrictFilterSet(django_filters.FilterSet):
    """Filters generated from model fields read their values as strictly as the API document
    describes them (booleans as true/false, integers as whole numbers)."""

    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
        models.IntegerField: {"filter_class": StrictIntegerFilter},
        models.SmallIntegerField: {"filter_class": StrictIntegerFilter},
        models.PositiveIntegerField: {"filter_class": StrictIntegerFilter},
        models.PositiveSmallIntegerField: {"filter_class": StrictIntegerFilter},
        models.BigIntegerField: {"filter_class": StrictIntegerFilter},
    }


class TrackedFilterSet(StrictFilterSet):
    """Base FilterSet for every synced list: adds `updated_since`, used by partner syncs."""

    updated_since = UtcIsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("Changed at or after (ISO 8601)")
    )
