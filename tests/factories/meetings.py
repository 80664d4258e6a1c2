import datetime

import factory

from core.choices import Confidentiality
from meetings.choices import MeetingKind, MeetingStatus, OutcomeKind
from meetings.models import ActionItem, AgendaItem, Invitation, Meeting, Outcome, Registration
from tests.factories.members import DelegateFactory, MemberFactory

__all__ = [
    "ActionItemFactory",
    "AgendaItemFactory",
    "InvitationFactory",
    "MeetingFactory",
    "OutcomeFactory",
    "RegistrationFactory",
]


class MeetingFactory(factory.django.DjangoModelFactory):
    """A meeting written straight to the database (tests of services build theirs through them)."""

    class Meta:
        model = Meeting

    kind = MeetingKind.SOM
    title = factory.Sequence(lambda n: f"Meeting {n}")
    starts_at = datetime.datetime(2027, 3, 10, 9, 0, tzinfo=datetime.UTC)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=3))
    venue_name = "Venue"
    venue_time_zone = "UTC"
    status = MeetingStatus.ANNOUNCED
    confidentiality = Confidentiality.MEMBERS


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    meeting = factory.SubFactory(MeetingFactory)
    member = factory.SubFactory(MemberFactory)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    invitation = factory.SubFactory(InvitationFactory)
    delegate = factory.SubFactory(DelegateFactory, member=factory.SelfAttribute("..invitation.member"))


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Agenda item {n}")


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    meeting = factory.SubFactory(MeetingFactory)
    kind = OutcomeKind.CHAIR_SUMMARY
    title = factory.Sequence(lambda n: f"Outcome {n}")


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    meeting = factory.SubFactory(MeetingFactory)
    owner = factory.SubFactory(MemberFactory)
    description = factory.Sequence(lambda n: f"Action {n}")
