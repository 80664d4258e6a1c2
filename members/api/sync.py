"""The members app's resources on the change feed (core.sync.registry)."""

from core.sync.registry import register
from members import selectors
from members.api.serializers import ChairTermSerializer, DelegateSerializer, MemberSerializer
from members.models import ChairTerm, Delegate, Member

register(
    resource="members",
    model=Member,
    serializer_class=MemberSerializer,
    queryset=lambda actor: selectors.member_list(actor=actor),
)
register(
    resource="delegates",
    model=Delegate,
    serializer_class=DelegateSerializer,
    queryset=lambda actor: selectors.delegate_list(actor=actor),
)
register(
    resource="chair-terms",
    model=ChairTerm,
    serializer_class=ChairTermSerializer,
    queryset=lambda actor: selectors.chair_term_list(actor=actor),
)
