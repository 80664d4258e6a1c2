import datetime
from decimal import Decimal

import factory

from core.choices import Confidentiality
from projects.choices import FundingStatus, ParticipantRole, Segment, Stage
from projects.models import (
    FundingCommitment,
    JointProject,
    Milestone,
    Mineral,
    ProjectParticipant,
    ProjectUpdate,
)
from tests.factories.members import MemberFactory

__all__ = [
    "FundingCommitmentFactory",
    "JointProjectFactory",
    "MilestoneFactory",
    "MineralFactory",
    "ParticipantFactory",
    "ProjectUpdateFactory",
]


class MineralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mineral
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Mineral {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    usgs_2025 = True


class JointProjectFactory(factory.django.DjangoModelFactory):
    """A members-level project with one mineral; pass minerals=[...] to choose them."""

    class Meta:
        model = JointProject
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Project {n}")
    segment = Segment.EXTRACTION
    host_country = "ZM"
    lead_member = factory.SubFactory(MemberFactory)
    stage = Stage.FEASIBILITY
    confidentiality = Confidentiality.MEMBERS

    @factory.post_generation
    def minerals(obj, create, extracted, **kwargs):
        if create:
            obj.minerals.set(
                extracted if extracted is not None else [MineralFactory(name="Lithium", slug="lithium")]
            )

    @factory.post_generation
    def restricted_to(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.restricted_to.set(extracted)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectParticipant

    project = factory.SubFactory(JointProjectFactory)
    member = factory.SubFactory(MemberFactory)
    role = ParticipantRole.PARTICIPANT


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(JointProjectFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_on = datetime.date(2026, 12, 31)


class FundingCommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingCommitment

    project = factory.SubFactory(JointProjectFactory)
    member = factory.LazyAttribute(lambda o: o.project.lead_member)
    amount = Decimal("1000000.00")
    currency = "USD"
    status = FundingStatus.PLEDGED
    pledged_on = datetime.date(2026, 3, 1)


class ProjectUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectUpdate

    project = factory.SubFactory(JointProjectFactory)
    author_label = "someone"
    text = "Progress."
