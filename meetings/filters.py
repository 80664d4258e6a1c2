"""One FilterSet per listed model, shared by the web lists and the API."""

import django_filters
from django.db.models import Exists, OuterRef, Q

from core.actors import actor_for_request
from core.choices import Confidentiality
from core.filters import TrackedFilterSet
from meetings.choices import ActionItemStatus, InvitationStatus, MeetingKind, MeetingStatus, OutcomeKind
from meetings.models import ActionItem, AgendaItem, Document, Invitation, Meeting, Outcome, Registration
from members.filters import MemberCodeFilter


class MeetingFilter(TrackedFilterSet):
    q = django_filters.CharFilter(method="search", label="Search", max_length=100)
    kind = django_filters.ChoiceFilter(choices=MeetingKind.choices)
    status = django_filters.ChoiceFilter(choices=MeetingStatus.choices)
    confidentiality = django_filters.ChoiceFilter(choices=Confidentiality.choices)
    # Dates are whole UTC days: from = starting on or after, to = starting on or before.
    starts_from = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__gte", label="From")
    starts_to = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte", label="To")
    member = django_filters.CharFilter(method="invited", label="Invited member (ISO code)", max_length=2)

    class Meta:
        model = Meeting
        fields = [
            "q",
            "kind",
            "status",
            "confidentiality",
            "starts_from",
            "starts_to",
            "member",
            "updated_since",
        ]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(venue_name__icontains=value) | Q(margins_of__icontains=value)
        )

    def invited(self, queryset, name, value):
        # Who else is invited is the secretariat's business: a delegation filtering by another
        # member learns nothing (an empty list, as for a member invited nowhere).
        invited = Invitation.objects.filter(meeting_id=OuterRef("pk"), member__iso2=value.upper())
        actor = actor_for_request(self.request) if self.request is not None else None
        if actor is None or not actor.is_secretariat:
            invited = invited.filter(member_id=actor.member_id if actor is not None else None)
        return queryset.filter(Exists(invited))


class InvitationFilter(TrackedFilterSet):
    meeting = django_filters.NumberFilter(field_name="meeting_id")
    member = MemberCodeFilter()
    status = django_filters.ChoiceFilter(choices=InvitationStatus.choices)

    class Meta:
        model = Invitation
        fields = ["meeting", "member", "status", "updated_since"]


class RegistrationFilter(TrackedFilterSet):
    meeting = django_filters.NumberFilter(field_name="invitation__meeting_id")
    invitation = django_filters.NumberFilter(field_name="invitation_id")
    member = MemberCodeFilter(field_name="invitation__member")
    status = django_filters.ChoiceFilter(choices=Registration._meta.get_field("status").choices)

    class Meta:
        model = Registration
        fields = ["meeting", "invitation", "member", "status", "updated_since"]


class AgendaItemFilter(TrackedFilterSet):
    meeting = django_filters.NumberFilter(field_name="meeting_id")
    member = MemberCodeFilter(field_name="presenter")

    class Meta:
        model = AgendaItem
        fields = ["meeting", "member", "updated_since"]


class DocumentFilter(TrackedFilterSet):
    meeting = django_filters.NumberFilter(field_name="meeting_id")
    confidentiality = django_filters.ChoiceFilter(choices=Confidentiality.choices)
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", max_length=100)

    class Meta:
        model = Document
        fields = ["meeting", "confidentiality", "q", "updated_since"]


class OutcomeFilter(TrackedFilterSet):
    meeting = django_filters.NumberFilter(field_name="meeting_id")
    kind = django_filters.ChoiceFilter(choices=OutcomeKind.choices)

    class Meta:
        model = Outcome
        fields = ["meeting", "kind", "updated_since"]


class ActionItemFilter(TrackedFilterSet):
    meeting = django_filters.NumberFilter(field_name="meeting_id")
    member = MemberCodeFilter(field_name="owner")
    status = django_filters.ChoiceFilter(choices=ActionItemStatus.choices)
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")

    class Meta:
        model = ActionItem
        fields = ["meeting", "member", "status", "due_before", "updated_since"]
