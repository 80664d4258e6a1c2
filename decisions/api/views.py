"""Decisions, text versions, written procedures and positions over the API.

Reads are scoped by the selectors (what the caller may not see is 404). Writes are POSTs to
actions, each calling one service, each honouring Idempotency-Key. A member-bound write token
answers procedures for its own member only.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.examples import request_examples
from core.api.views import ModelViewSet, ReadOnlyViewSet
from core.api.writes import post_write, write_action
from core.errors import NotFound
from decisions import selectors, services
from decisions.api.serializers import (
    AnswerSerializer,
    DecisionSerializer,
    DecisionVersionSerializer,
    PositionSerializer,
    ProcedureExtendSerializer,
    ProcedureOpenSerializer,
    ProcedureSerializer,
    ProcedureWithdrawSerializer,
    WithdrawObjectionSerializer,
)
from decisions.filters import DecisionFilter, PositionFilter, ProcedureFilter

DECISION_EXAMPLE = {
    "title": "Work plan 2027",
    "kind": "work_plan",
    "text": "The forum adopts the work plan annexed.\n\nIt asks the secretariat to report on it by June.",
    "confidentiality": "members",
}


@request_examples(
    create=DECISION_EXAMPLE,
    update=DECISION_EXAMPLE,
    partial_update={"text": "The forum adopts the work plan annexed, as amended."},
)
class DecisionViewSet(ModelViewSet):
    """Decisions the caller may see (drafts: the secretariat only). The secretariat drafts and
    edits them; a text change makes a new version (`/versions/`). The reference is given on
    adoption."""

    serializer_class = DecisionSerializer
    filterset_class = DecisionFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.decision_list(actor=self.actor).prefetch_related("restricted_to")

    def get_object(self):
        return selectors.decision_get(actor=self.actor, pk=self.kwargs["pk"])

    def representation(self, instance) -> dict:
        if not hasattr(instance, "procedure_status"):
            instance = self.get_queryset().get(pk=instance.pk)
        return DecisionSerializer(instance, context=self.get_serializer_context()).data

    def perform_create(self, serializer):
        return services.decision_create(actor=self.actor, **serializer.validated_data)

    def perform_update(self, serializer, instance):
        return services.decision_update(actor=self.actor, decision=instance, **serializer.validated_data)

    @extend_schema(responses=DecisionVersionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # a plain array, as answered
    def versions(self, request, pk=None):
        """Every version of the text, oldest first."""
        decision = self.get_object()
        return Response(
            DecisionVersionSerializer(selectors.decision_versions(decision=decision), many=True).data
        )


@request_examples(
    create={
        "decision": 1,
        "deadline_local": "2027-03-29T18:00",
        "time_zone": "Europe/Brussels",
        "all_members": True,
        "note": "Silence procedure on the work plan.",
    },
    answer={"member": "KR", "kind": "support"},
)
class ProcedureViewSet(ReadOnlyViewSet):
    """Written (silence) procedures the caller may see: its decision visible, and the caller's
    member concerned. POST to open (secretariat), answer, withdraw an objection, extend, withdraw."""

    serializer_class = ProcedureSerializer
    filterset_class = ProcedureFilter

    def get_queryset(self):
        return selectors.procedure_list(actor=self.actor)

    def get_object(self):
        pk = self.kwargs["pk"]
        return selectors.procedure_get(actor=self.actor, pk=int(pk))

    def representation(self, instance) -> dict:
        fresh = selectors.procedure_list(actor=self.actor).get(pk=instance.pk)
        return ProcedureSerializer(fresh, context=self.get_serializer_context()).data

    @extend_schema(request=ProcedureOpenSerializer, responses={201: ProcedureSerializer})
    @post_write(body=ProcedureOpenSerializer, status=status.HTTP_201_CREATED)
    def create(self, request, data):
        """Open a procedure on a decision: the deadline is a wall-clock time in `time_zone`."""
        decision = selectors.decision_get(actor=self.actor, pk=data.pop("decision"))
        return services.procedure_open(actor=self.actor, decision=decision, **data)

    @write_action(body=AnswerSerializer, status=status.HTTP_201_CREATED, response=PositionSerializer)
    def answer(self, request, data, pk=None):
        """Answer for a member: support, objection (a reason is required) or a statement for the
        record. Until the deadline; a later answer is refused (400, naming `kind`)."""
        return services.position_answer(actor=self.actor, procedure=self.get_object(), **data)

    @write_action(
        body=WithdrawObjectionSerializer, response=PositionSerializer, url_path="withdraw-objection"
    )
    def withdraw_objection(self, request, data, pk=None):
        """A member takes back its objection before the deadline."""
        return services.objection_withdraw(actor=self.actor, procedure=self.get_object(), **data)

    @write_action(body=ProcedureExtendSerializer)
    def extend(self, request, data, pk=None):
        """Move the deadline later (secretariat); the reminders move with it."""
        return services.procedure_extend(actor=self.actor, procedure=self.get_object(), **data)

    @write_action(body=ProcedureWithdrawSerializer)
    def withdraw(self, request, data, pk=None):
        """Withdraw the procedure before its deadline (secretariat); the decision returns to draft."""
        return services.procedure_withdraw(actor=self.actor, procedure=self.get_object(), **data)


class PositionViewSet(ReadOnlyViewSet):
    """Members' positions in procedures: a delegation sees its own, and the others' once the
    procedure is closed (or while open when the procedure shows them)."""

    serializer_class = PositionSerializer
    filterset_class = PositionFilter

    def get_queryset(self):
        return selectors.position_list(actor=self.actor)

    def get_object(self):
        position = self.get_queryset().filter(pk=int(self.kwargs["pk"])).first()
        if position is None:
            raise NotFound("No such position.")
        return position
