import datetime

import factory

from core.choices import Confidentiality
from meetings.choices import MeetingKind, MeetingStatus
from meetings.models import ActionItem, Invitation, Meeting
from tests.factories.members import MemberFactory

__all__ = ["ActionItemFactory", "InvitationFactory", "MeetingFactory"]


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


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    meeting = factory.SubFactory(MeetingFactory)
    owner = factory.SubFactory(MemberFactory)
    description = factory.Sequence(lambda n: f"Action {n}")
