"""The decisions app's resources on the change feed (core.sync.registry).

Each queryset and serializer is the one the resource's list uses, so a feed object is exactly
what listing the resource gives the same token. Procedures and positions follow their
decision's visibility; positions also follow the procedure's (who may see them while open).
"""

from core.sync.registry import register
from decisions import selectors
from decisions.api import serializers
from decisions.models import Decision, Position, WrittenProcedure

register(
    resource="decisions",
    model=Decision,
    serializer_class=serializers.DecisionSerializer,
    queryset=lambda actor: selectors.decision_list(actor=actor).prefetch_related("restricted_to"),
    audience_fields={"confidentiality", "status"},
)
register(
    resource="procedures",
    model=WrittenProcedure,
    serializer_class=serializers.ProcedureSerializer,
    queryset=lambda actor: selectors.procedure_list(actor=actor),
    follows="decision",
    audience_fields={"status", "all_members"},
)
register(
    resource="positions",
    model=Position,
    serializer_class=serializers.PositionSerializer,
    queryset=lambda actor: selectors.position_list(actor=actor),
    follows="procedure",
)
