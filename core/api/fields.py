"""Serializer pieces that apply the confidentiality rule (core.confidentiality) to what an API
representation shows of other records."""

from __future__ import annotations

from rest_framework import serializers

from core import confidentiality
from core.actors import actor_for_request
from core.choices import Channel


def context_actor(context: dict):
    """The actor a serializer writes for (None when there is no request, e.g. schema generation)."""
    request = context.get("request")
    return actor_for_request(request, Channel.API) if request is not None else None


class LinkedField(serializers.PrimaryKeyRelatedField):
    """A link to another record by id, shown only when the reader may see that record, and
    accepted on writes only for records the writer may see (others answer "does not exist").

    Subclasses give `get_queryset()`: the reader's scoped queryset of the linked model. A list selector annotates ``<link>_visible_id`` (see
    `confidentiality.link_visible`) so a page of rows costs no extra query; a row without the
    annotation (a write's response) is checked with one query.
    """

    @property
    def visible_id_annotation(self) -> str:
        """The selector's annotation holding the link's id when visible (the fast list path reads it)."""
        return f"{self.source_attrs[-1]}_visible_id"

    def get_attribute(self, instance):
        link = self.source_attrs[-1]
        if hasattr(instance, self.visible_id_annotation):
            shown = getattr(instance, self.visible_id_annotation) is not None
        else:
            linked_id = getattr(instance, f"{link}_id", None)
            shown = linked_id is not None and self.get_queryset().filter(pk=linked_id).exists()
        if not shown:
            return None
        return super().get_attribute(instance)


class AudienceMixin:
    """Hides a record's `restricted_to` list from everyone but the secretariat (it names which
    members were let in, a fact of its own). Put it before FinishRepresentationMixin's serializer
    base so both the instance path and the fast list path apply it."""

    audience_field = "restricted_to"

    def finish_representation(self, data: dict) -> dict:
        data = super().finish_representation(data)
        if self.audience_field in data and self._hides_audience():
            data[self.audience_field] = []
        return data

    def blanked_fields(self) -> frozenset[str]:
        blanked = super().blanked_fields()
        return blanked | {self.audience_field} if self._hides_audience() else blanked

    def _hides_audience(self) -> bool:
        actor = context_actor(self.context)
        return actor is None or not confidentiality.sees_audience(actor)


class ChoiceOnWriteField(serializers.ChoiceField):
    """A choice that is answered from the full set but accepted only from a subset on input.

    A meeting is created draft or announced, yet reads back in any status: the document says
    exactly that (a request enum and a response enum, core.api.schema), so a generated client
    accepts "held".
    """

    def __init__(self, *, choices, write_choices, **kwargs) -> None:
        super().__init__(choices=choices, **kwargs)
        self.write_choices = serializers.ChoiceField(choices=write_choices).choices

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value not in self.write_choices:
            self.fail("invalid_choice", input=data)
        return value
