"""List pages built from `.values()` rows instead of model instances, with the serializer's bytes.

A list page of 500 objects through a ModelSerializer spends most of its time building model
instances, running prefetches one related manager at a time, and walking DRF's per-field
machinery. This module reads the serializer class (the one source of truth for the
representation) and derives from it (once per serializer class and queryset shape, see
core.api.fastcache):

- one `.values()` query on the view's own filtered, scoped queryset (so permissions, filters
  and keyset pagination are the same queryset the slow path would use), with foreign-key
  codes read through joins (`member__iso2`) and annotations by name;
- one extra query per to-many field (slugs or ids of an M2M, or a nested list serializer over
  a reverse foreign key), ordered as the prefetch or related manager would order it;
- per field, the field's own `to_representation` (None stays None, as in DRF), so dates,
  datetimes, decimals and choices come out exactly as DRF writes them.

Anything it does not understand (a nested single object, a custom `get_attribute` or
`to_representation` on a field, `source="*"`, an M2M with an unordered target or a filtered
prefetch) makes `plan_for` return None, and the view serializes instances as before.
A serializer that post-processes its output does it in `finish_representation` (see
`FinishRepresentationMixin`), which both paths call. tests/api/test_fast_lists.py checks the
two paths give the same bytes for every list endpoint.

Method fields (`SerializerMethodField`) and model properties read through `ReadOnlyField`
are given a light row object carrying every concrete column (foreign keys by their `_id`
name) and `pk`; model properties are copied onto its class, so a property that reads only
columns works unchanged.
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Prefetch, QuerySet
from rest_framework import ISO_8601, relations, serializers
from rest_framework import fields as drf_fields
from rest_framework.settings import api_settings

from core.api import fastcache
from core.lookups import id_in


class FinishRepresentationMixin:
    """For serializers that adjust their output after DRF builds it: put the adjustment in
    `finish_representation(data)`, and the fast list path applies it too."""

    def to_representation(self, instance):
        return self.finish_representation(super().to_representation(instance))

    def finish_representation(self, data: dict) -> dict:
        return data

    def blanked_fields(self) -> frozenset[str]:
        """Fields `finish_representation` overwrites for this reader whatever they hold: the
        fast list path does not read them (a hidden to-many list costs no query)."""
        return frozenset()


_PLAIN_TO_REPRESENTATION = {
    serializers.Serializer.to_representation,
    FinishRepresentationMixin.to_representation,
}


class Unsupported(Exception):
    """The serializer has a field shape the fast path does not build."""


@dataclass
class _Column:
    name: str
    key: str  # the .values() key
    convert: Any  # the field's to_representation, or None to pass the value through


@dataclass
class _Row:
    name: str
    convert: Any  # called with the light row object (None: the serializer's `method`)
    method: str | None = None  # a SerializerMethodField's method, looked up per request


@dataclass
class _Blank:
    name: str  # overwritten by finish_representation (FinishRepresentationMixin.blanked_fields)


@dataclass
class _ToMany:
    name: str
    fetch: Any  # (ids, the request's prefetches) -> {owner id: [representations]}


@dataclass
class Plan:
    model: type[models.Model]
    keys: list[str]
    entries: list[Any]
    row_class: type | None
    row_keys: list[str] = field(default_factory=list)
    finishes: bool = False  # the serializer's finish_representation applies to each row
    # False when a converter may read the request (see _context_free): planned per request.
    cacheable: bool = True
    # Set per request by plan_for: the serializer bound to the request's context, and the
    # queryset's prefetches (nested lists read their children's queryset from them).
    serializer: Any = None
    prefetches: dict = field(default_factory=dict)

    def columns(self, extra: list[str] = ()) -> tuple[str, ...]:
        """What `values` reads: the keys `represent` takes from each row."""
        return tuple(dict.fromkeys(["pk", *self.keys, *self.row_keys, *extra]))

    def values(self, queryset: QuerySet, extra: list[str] = ()) -> QuerySet:
        return queryset.values(*self.columns(extra))

    def represent(self, rows: list[dict]) -> list[dict]:
        ids = [row["pk"] for row in rows]
        many = {
            entry.name: entry.fetch(ids, self.prefetches)
            for entry in self.entries
            if isinstance(entry, _ToMany)
        }
        steps = [
            (entry.name, 0, entry.key, entry.convert)
            if isinstance(entry, _Column)
            else (entry.name, 1, None, entry.convert or getattr(self.serializer, entry.method))
            if isinstance(entry, _Row)
            else (entry.name, 2, many[entry.name], None)
            if isinstance(entry, _ToMany)
            else (entry.name, 3, None, None)
            for entry in self.entries
        ]
        row_class, row_keys = self.row_class, self.row_keys
        finish = self.serializer.finish_representation if self.finishes else None
        out = []
        for row in rows:
            if row_class is not None:
                light = row_class()
                light.__dict__.update({key: row[key] for key in row_keys})
            data = {}
            for name, kind, key, convert in steps:
                if kind == 0:
                    value = row[key]
                    data[name] = value if value is None or convert is None else convert(value)
                elif kind == 1:
                    data[name] = convert(light)
                elif kind == 2:
                    data[name] = key.get(row["pk"], [])
                else:
                    data[name] = None
            out.append(finish(data) if finish else data)
        return out


def enabled() -> bool:
    return getattr(settings, "FORGE_API_FAST_LISTS", True)


def plan_for(serializer: serializers.Serializer, queryset: QuerySet) -> Plan | None:
    """The fast plan for listing `queryset` with `serializer` (a child instance, bound to the
    request's context), or None when the serializer needs the instance path.

    Planning builds the serializer's fields, which costs about a millisecond a resource, so a
    plan is kept per serializer class and queryset shape and bound to each request's
    serializer (method fields, finish_representation) and prefetches. It holds no data and
    nothing of a request: a plan whose field converters might read the request is not kept
    (_context_free). A serializer's set of fields must depend on its class and on whether it
    has an instance, not on the request (its get_fields may not read the context)."""
    prefetches = _prefetches(queryset)
    blanked = _blanked(serializer)
    key = fastcache.plan_key(serializer, queryset, prefetches, blanked)
    if key in fastcache.plans:
        plan = fastcache.plans[key]
    else:
        try:
            plan = _plan(serializer, queryset.model, queryset)
        except Unsupported:
            plan = None
        if plan is None or plan.cacheable:
            fastcache.plans[key] = plan
    if plan is None:
        return None
    return replace(plan, serializer=serializer, prefetches=prefetches)


def _blanked(serializer) -> frozenset[str]:
    if isinstance(serializer, FinishRepresentationMixin):
        return serializer.blanked_fields()
    return frozenset()


def _plan(serializer, model, queryset: QuerySet | None) -> Plan:
    cls = type(serializer)
    if cls.to_representation not in _PLAIN_TO_REPRESENTATION:
        raise Unsupported(f"{cls.__name__} overrides to_representation")
    annotations = set(queryset.query.annotations) if queryset is not None else set()
    prefetches = _prefetches(queryset)
    keys, entries, needs_row, cacheable = [], [], False, True
    blanked = _blanked(serializer)
    for fld in serializer._readable_fields:
        attrs = list(fld.source_attrs)
        if fld.field_name in blanked:
            entries.append(_Blank(fld.field_name))
        elif isinstance(fld, drf_fields.SerializerMethodField):
            entries.append(_Row(fld.field_name, None, fld.method_name))
            needs_row = True
        elif not attrs:
            raise Unsupported(f"{fld.field_name}: source='*'")
        elif isinstance(fld, relations.ManyRelatedField):
            entries.append(_ToMany(fld.field_name, _many_related(model, attrs, fld, prefetches)))
        elif isinstance(fld, serializers.ListSerializer):
            fetch, child_cacheable = _nested_list(model, attrs, fld, prefetches)
            entries.append(_ToMany(fld.field_name, fetch))
            cacheable = cacheable and child_cacheable
        elif isinstance(fld, serializers.BaseSerializer):
            raise Unsupported(f"{fld.field_name}: a nested single object")
        elif getattr(fld, "visible_id_annotation", None):
            # A link shown only when the reader may see its target (core.api.fields.LinkedField).
            key = fld.visible_id_annotation
            if key not in annotations:
                raise Unsupported(f"{fld.field_name}: the queryset lacks {key}")
            keys.append(key)
            entries.append(_Column(fld.field_name, key, None))
        elif isinstance(fld, relations.RelatedField):
            key = _related_key(model, attrs, fld)
            keys.append(key)
            entries.append(_Column(fld.field_name, key, None))
        elif len(attrs) == 1 and attrs[0] in annotations:
            keys.append(attrs[0])
            column = fastcache.output_field(queryset.query.annotations[attrs[0]])
            entries.append(_Column(fld.field_name, attrs[0], _converter(fld, column)))
            cacheable = cacheable and fastcache.context_free(fld)
        elif len(attrs) == 1 and _is_property(model, attrs[0]):
            if type(fld).get_attribute is not drf_fields.Field.get_attribute:
                raise Unsupported(f"{fld.field_name}: custom get_attribute")
            entries.append(_Row(fld.field_name, _property_reader(attrs[0], fld)))
            needs_row = True
            cacheable = cacheable and fastcache.context_free(fld)
        else:
            if type(fld).get_attribute is not drf_fields.Field.get_attribute:
                raise Unsupported(f"{fld.field_name}: custom get_attribute")
            key, column = _column(model, attrs)
            keys.append(key)
            entries.append(_Column(fld.field_name, key, _converter(fld, column)))
            cacheable = cacheable and fastcache.context_free(fld)
    row_class, row_keys = None, []
    if needs_row:
        row_class, row_keys = _row_class(model)
        row_keys = [*row_keys, *sorted(annotations)]
    finishes = isinstance(serializer, FinishRepresentationMixin)
    return Plan(model, keys, entries, row_class, row_keys, finishes, cacheable)


def _converter(fld, column: models.Field | None):
    """What turns a non-null value of `column` (the model field or annotation read) into the
    field's output; None passes the value through. Serializer.to_representation skips the
    field for None, and so does Plan.represent."""
    if type(fld) is drf_fields.DateTimeField:
        return _datetime_converter(fld)
    if column is not None and _gives_back_its_value(fld, column):
        return None
    return fld.to_representation


_TEXT_COLUMNS = (models.CharField, models.TextField)


def _gives_back_its_value(fld, column: models.Field) -> bool:
    """Whether DRF's conversion returns every value the database gives for `column` unchanged
    (str() of a str, int() of an int, a plain-string choice looked up by itself): a call per
    cell saved, thousands on a page."""
    if hasattr(column, "from_db_value"):  # a custom column type may read as another type
        return False
    method = type(fld).to_representation
    if method is drf_fields.CharField.to_representation:
        return isinstance(column, _TEXT_COLUMNS)
    if method is drf_fields.ChoiceField.to_representation:
        keys = fld.choice_strings_to_values.values()
        return isinstance(column, _TEXT_COLUMNS) and all(type(key) is str for key in keys)
    if method is drf_fields.IntegerField.to_representation:
        return isinstance(column, models.IntegerField)
    if method is drf_fields.BigIntegerField.to_representation:
        coerce = getattr(fld, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING)
        return not coerce and isinstance(column, models.IntegerField)
    if method is drf_fields.BooleanField.to_representation:
        return isinstance(column, models.BooleanField)
    return False


def _datetime_converter(fld):
    """DateTimeField.to_representation with the time zone looked up once per page, not once
    per value (that lookup is most of a list's cost). Same steps: to the field's (or the
    current) time zone, isoformat, "+00:00" written "Z"; anything unusual goes to DRF."""
    output_format = getattr(fld, "format", api_settings.DATETIME_FORMAT)
    if not isinstance(output_format, str) or output_format.lower() != ISO_8601:
        return fld.to_representation
    zone = fld.timezone if hasattr(fld, "timezone") else fld.default_timezone()
    if zone is None:
        return fld.to_representation
    slow = fld.to_representation

    def convert(value):
        if not isinstance(value, datetime.datetime) or value.utcoffset() is None:
            return slow(value)
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return convert


def _is_property(model, name: str) -> bool:
    return isinstance(getattr(model, name, None), property)


def _property_reader(name: str, fld):
    def read(row):
        value = getattr(row, name)
        return None if value is None else fld.to_representation(value)

    return read


@functools.cache
def _row_class(model) -> tuple[type, list[str]]:
    """A class whose instances carry the model's columns and its plain properties."""
    keys = [f.attname for f in model._meta.concrete_fields]
    namespace = {
        name: attr
        for name in dir(model)
        if name != "pk" and isinstance(attr := getattr(model, name, None), property)
    }
    pk_name = model._meta.pk.attname
    namespace["pk"] = property(lambda self: self.__dict__[pk_name])
    return type(f"{model.__name__}Row", (), namespace), keys


def _field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        # A foreign key by its column name ("meeting_id").
        for f in model._meta.concrete_fields:
            if f.attname == name:
                return f
        raise Unsupported(f"{model.__name__}.{name} is not a field") from None


def _column(model, attrs: list[str]) -> tuple[str, models.Field]:
    """`a.b.c` -> ("a__b__c", the field c) when a and b are forward to-one relations and c a
    column."""
    current = model
    for name in attrs[:-1]:
        f = _field(current, name)
        if not (f.is_relation and (f.many_to_one or f.one_to_one) and f.concrete):
            raise Unsupported(f"{name} is not a forward to-one relation")
        current = f.related_model
    last = _field(current, attrs[-1])
    if last.is_relation and last.name == attrs[-1]:
        raise Unsupported(f"{attrs[-1]} is a relation read as a plain field")
    if not last.concrete:
        raise Unsupported(f"{attrs[-1]} is not a column")
    return "__".join(attrs), last


def _related_key(model, attrs: list[str], fld) -> str:
    """The column a to-one related field shows: the target's slug, or the foreign key's id."""
    if type(fld).get_attribute is not relations.RelatedField.get_attribute:
        raise Unsupported(f"{fld.field_name}: custom get_attribute")
    if type(fld).to_representation is relations.SlugRelatedField.to_representation:
        return _column(model, [*attrs, *fld.slug_field.split("__")])[0]
    if type(fld).to_representation is relations.PrimaryKeyRelatedField.to_representation:
        if fld.pk_field is not None:
            raise Unsupported(f"{fld.field_name}: pk_field")
        *path, last = attrs
        current = model
        for name in path:
            current = _field(current, name).related_model
        f = _field(current, last)
        if not (f.is_relation and (f.many_to_one or f.one_to_one) and f.concrete):
            raise Unsupported(f"{fld.field_name}: not a forward foreign key")
        return "__".join([*path, f.attname])
    raise Unsupported(f"{fld.field_name}: {type(fld).__name__}")


def _prefetches(queryset: QuerySet | None) -> dict[str, Prefetch | str]:
    found = {}
    for lookup in getattr(queryset, "_prefetch_related_lookups", ()) if queryset is not None else ():
        name = lookup.prefetch_through if isinstance(lookup, Prefetch) else lookup
        found[name] = lookup
    return found


def _ordering(model) -> list[str]:
    ordering = list(model._meta.ordering)
    if not ordering or not all(isinstance(o, str) for o in ordering):
        # Without a stable order the instance path's order is the database's whim.
        raise Unsupported(f"{model.__name__} has no plain default ordering")
    return ordering


def _prefixed(prefix: str, ordering: list[str]) -> list[str]:
    return [f"-{prefix}__{o[1:]}" if o.startswith("-") else f"{prefix}__{o}" for o in ordering]


def _many_related(model, attrs: list[str], fld, prefetches):
    """An M2M shown as slugs or ids: one query on the through table."""
    if len(attrs) != 1:
        raise Unsupported(f"{fld.field_name}: dotted source")
    f = _field(model, attrs[0])
    if not (f.many_to_many and f.concrete):
        raise Unsupported(f"{fld.field_name}: not a forward many-to-many")
    lookup = prefetches.get(attrs[0])
    if isinstance(lookup, Prefetch) and lookup.queryset is not None:
        raise Unsupported(f"{fld.field_name}: a prefetch with its own queryset")
    child = fld.child_relation
    through = f.remote_field.through
    source = f.m2m_field_name()
    target = f.m2m_reverse_field_name()
    if type(child).to_representation is relations.SlugRelatedField.to_representation:
        shown = f"{target}__{child.slug_field}"
    elif type(child).to_representation is relations.PrimaryKeyRelatedField.to_representation:
        if child.pk_field is not None:
            raise Unsupported(f"{fld.field_name}: pk_field")
        shown = f"{target}_id"
    else:
        raise Unsupported(f"{fld.field_name}: {type(child).__name__}")
    ordering = _prefixed(target, _ordering(f.related_model))
    owner = f"{source}_id"

    def fetch(ids: list, prefetches: dict) -> dict:
        grouped = defaultdict(list)
        rows = through.objects.filter(id_in(owner, ids)).order_by(*ordering).values_list(owner, shown)
        for owner_id, value in rows:
            grouped[owner_id].append(value)
        return grouped

    return fetch


def _nested_list(model, attrs: list[str], fld, prefetches):
    """A nested list serializer over a reverse foreign key: one query on the child model."""
    if len(attrs) != 1:
        raise Unsupported(f"{fld.field_name}: dotted source")
    try:
        rel = model._meta.get_field(attrs[0])
    except FieldDoesNotExist:
        raise Unsupported(f"{fld.field_name}: not a relation") from None
    if not (rel.one_to_many and not rel.concrete):
        raise Unsupported(f"{fld.field_name}: not a reverse foreign key")
    children = _children(rel, attrs[0], prefetches)
    if isinstance(prefetches.get(attrs[0]), Prefetch) and prefetches[attrs[0]].to_attr:
        raise Unsupported(f"{fld.field_name}: prefetch to_attr")
    if not children.ordered:
        raise Unsupported(f"{fld.field_name}: unordered children")
    child_plan = _plan(fld.child, rel.related_model, children)
    # A child's method fields and finish_representation read this request's child serializer:
    # a plan with either is not kept between requests, and one without holds no serializer
    # (nothing of a request stays in the cache).
    bound = child_plan.finishes or any(isinstance(e, _Row) and e.method for e in child_plan.entries)
    child_plan.serializer = fld.child if bound else None
    owner = rel.field.attname

    def fetch(ids: list, request_prefetches: dict) -> dict:
        # The children's queryset of this request (a prefetch's queryset may depend on it).
        children = _children(rel, attrs[0], request_prefetches)
        plan = replace(child_plan, prefetches=_prefetches(children))
        rows = list(plan.values(children.filter(id_in(rel.field.name, ids)), extra=[owner]))
        grouped = defaultdict(list)
        for row, data in zip(rows, plan.represent(rows), strict=True):
            grouped[row[owner]].append(data)
        return grouped

    return fetch, child_plan.cacheable and not bound


def _children(rel, name: str, prefetches: dict) -> QuerySet:
    lookup = prefetches.get(name)
    if isinstance(lookup, Prefetch) and lookup.queryset is not None:
        return lookup.queryset
    return rel.related_model._default_manager.all()
