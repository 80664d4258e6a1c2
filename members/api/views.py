import datetime

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from core.api.views import ModelViewSet
from members import permissions, selectors, services
from members.api.serializers import (
    ChairTermSerializer,
    DelegateSerializer,
    MemberSerializer,
    RotationSerializer,
)
from members.filters import ChairTermFilter, DelegateFilter, MemberFilter


class MemberViewSet(ModelViewSet):
    """Member states and organisations. Look one up by its ISO code: `/members/KR/`.

    Only the secretariat adds or edits members; members are never deleted (set a status).
    """

    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    serializer_class = MemberSerializer
    filterset_class = MemberFilter
    lookup_field = "iso2"
    lookup_value_regex = "[A-Za-z]{2}"

    def get_queryset(self):
        return selectors.member_list(actor=self.actor)

    def get_object(self):
        return selectors.member_get(actor=self.actor, iso2=self.kwargs["iso2"])

    def perform_create(self, serializer):
        return services.member_create(actor=self.actor, **serializer.validated_data)

    def guard_change(self, instance) -> None:
        permissions.require_manage_members(self.actor)

    def perform_update(self, serializer, instance):
        return services.member_update(actor=self.actor, member=instance, **serializer.validated_data)


class DelegateViewSet(ModelViewSet):
    """People in delegations. A member-bound write token manages its own delegation only."""

    serializer_class = DelegateSerializer
    filterset_class = DelegateFilter

    def get_queryset(self):
        return selectors.delegate_list(actor=self.actor)

    def get_object(self):
        return selectors.delegate_get(actor=self.actor, pk=self.kwargs["pk"])

    def perform_create(self, serializer):
        return services.delegate_create(actor=self.actor, **serializer.validated_data)

    def guard_change(self, instance) -> None:
        permissions.require_edit_delegation(self.actor, instance.member)

    def perform_update(self, serializer, instance):
        return services.delegate_update(actor=self.actor, delegate=instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.delegate_delete(actor=self.actor, delegate=instance)


class ChairTermViewSet(ModelViewSet):
    """The chair rotation. Only the secretariat changes it."""

    serializer_class = ChairTermSerializer
    filterset_class = ChairTermFilter

    def get_queryset(self):
        return selectors.chair_term_list(actor=self.actor)

    def get_object(self):
        return selectors.chair_term_get(actor=self.actor, pk=self.kwargs["pk"])

    def perform_create(self, serializer):
        return services.chair_term_create(actor=self.actor, **serializer.validated_data)

    def guard_change(self, instance) -> None:
        permissions.require_manage_chair_terms(self.actor)

    def perform_update(self, serializer, instance):
        return services.chair_term_update(actor=self.actor, term=instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.chair_term_delete(actor=self.actor, term=instance)


class RotationQuery(serializers.Serializer):
    on = serializers.DateField(required=False, help_text="The day to look at (default: today, UTC).")


@extend_schema(
    parameters=[
        OpenApiParameter("on", datetime.date, description="The day to look at (default: today, UTC).")
    ],
    responses=RotationSerializer,
)
@api_view(["GET"])
def chair_rotation(request):
    """The chair on a day, the troika (previous, current, next), the days to handover and any gap."""
    query = RotationQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    day = query.validated_data.get("on") or timezone.localdate()
    rotation = selectors.rotation_on(day)
    return Response(RotationSerializer(rotation).data)


# A blank `?on=` counts as not given (DRF reads blank query values so): today.
chair_rotation.cls.blank_query_parameters = ("on",)
