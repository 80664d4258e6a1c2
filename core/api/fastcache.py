"""Fast list plans kept between requests (core.api.fastlist.plan_for).

A plan is derived from a serializer class and the shape of a queryset; building it means
building the serializer's fields, about a millisecond a resource on every list page and every
feed page. A kept plan holds no data and nothing of a request: plan_for binds it to each
request's serializer (method fields, finish_representation) and prefetches. A plan whose
field converters might read the request (`context_free` says no) is never kept.
"""

from __future__ import annotations

from django.core.exceptions import FieldError
from django.core.signals import setting_changed
from django.db.models import Prefetch, QuerySet
from django.dispatch import receiver
from django.utils import timezone
from rest_framework import fields as drf_fields

plans: dict[tuple, object] = {}

# Field classes whose to_representation reads nothing but the value and the field's own
# arguments (not the request): a plan made of them can serve every request.
_CONTEXT_FREE_FIELDS = (
    drf_fields.BigIntegerField,
    drf_fields.BooleanField,
    drf_fields.CharField,
    drf_fields.ChoiceField,
    drf_fields.DateField,
    drf_fields.DateTimeField,
    drf_fields.DecimalField,
    drf_fields.DurationField,
    drf_fields.FloatField,
    drf_fields.IntegerField,
    drf_fields.JSONField,
    drf_fields.ReadOnlyField,
    drf_fields.TimeField,
    drf_fields.UUIDField,
)


def context_free(fld) -> bool:
    """Whether the field's to_representation ignores the request; a project field says so
    with `context_free_representation = True`."""
    if getattr(type(fld), "context_free_representation", False):
        return True
    method = type(fld).to_representation
    return any(method is base.to_representation for base in _CONTEXT_FREE_FIELDS)


def plan_key(serializer, queryset: QuerySet, prefetches: dict, blanked) -> tuple:
    """What a plan depends on. A serializer's set of fields must depend on its class and on
    whether it has an instance, not on the request (its get_fields may not read the context);
    what a reader may see of a field goes through finish_representation and blanked_fields."""
    return (
        type(serializer),
        serializer.instance is None,
        queryset.model,
        _annotation_shape(queryset),
        _prefetch_shape(prefetches),
        frozenset(blanked),
        timezone.get_current_timezone_name(),  # datetimes are written in it
    )


def _annotation_shape(queryset: QuerySet) -> frozenset:
    """Annotation names with their output types (a plan's converters depend on them)."""
    return frozenset(
        (name, type(output_field(expression))) for name, expression in queryset.query.annotations.items()
    )


def output_field(expression):
    """The model field an annotation reads as, or None for an expression with no single
    output type (its values are then converted as DRF converts them)."""
    try:
        return expression.output_field
    except FieldError:
        return None


def _prefetch_shape(prefetches: dict) -> tuple:
    shape = []
    for name, lookup in sorted(prefetches.items()):
        children = lookup.queryset if isinstance(lookup, Prefetch) else None
        if children is None:
            shape.append((name,))
        else:
            annotations = frozenset(children.query.annotations)
            shape.append((name, lookup.to_attr, children.model, children.ordered, annotations))
    return tuple(shape)


@receiver(setting_changed)
def _forget_plans(**kwargs) -> None:
    # Fields read DRF's settings and the time zone when they are built (tests change them).
    plans.clear()
