from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from core.choices import ChangeOp
from core.sync import registry
from core.sync.selectors import DELETED, LOST_ACCESS


class FeedObjectField(serializers.JSONField):
    """The object of an upsert, exactly as GET /api/v1/<resource>/<id>/ returns it."""


class FeedObjectFieldSchema(OpenApiSerializerFieldExtension):
    """In the OpenAPI document, the object is one of the registered resources' schemas."""

    target_class = "core.sync.api.serializers.FeedObjectField"

    def map_serializer_field(self, auto_schema, direction):
        refs = [
            auto_schema.resolve_serializer(entry.serializer_class, direction).ref
            for entry in registry.resources()
        ]
        return {
            "anyOf": refs,
            "description": "Upserts only: the object as this token's list of the resource shows it, which is "
            "also what `GET /api/v1/{resource}/{id}/` returns (for `members` the path uses `iso2`, for "
            "`minerals` the `slug`; a project's detail adds its `stage_changes` history).",
        }


class ChangeSerializer(serializers.Serializer):
    seq = serializers.IntegerField(help_text="Position in the feed; increases in commit order.")
    resource = serializers.ChoiceField(
        choices=[], help_text="The API resource, the path segment under /api/v1/ (e.g. `delegates`)."
    )
    id = serializers.IntegerField(help_text="The object's id (its `id` field).")
    op = serializers.ChoiceField(
        choices=ChangeOp.choices,
        help_text="`upsert`: store `object`. `delete`: remove the object from your copy (a tombstone).",
    )
    reason = serializers.ChoiceField(
        choices=[(DELETED, "Deleted"), (LOST_ACCESS, "No longer visible to this token")],
        required=False,
        help_text="Tombstones only: why the object left this token's view.",
    )
    object = FeedObjectField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].choices = [entry.resource for entry in registry.resources()]


class ChangesPageSerializer(serializers.Serializer):
    changes = ChangeSerializer(many=True, help_text="In feed order; at most one entry per object per page.")
    next_cursor = serializers.CharField(help_text="Pass as `cursor` for the next page or the next poll.")
    has_more = serializers.BooleanField(help_text="True: fetch the next page now. False: you are up to date.")


class HeadSerializer(serializers.Serializer):
    cursor = serializers.CharField(help_text="The feed's current head: changes after now start here.")
