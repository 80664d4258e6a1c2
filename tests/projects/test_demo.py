"""Demo data: the five invented example projects, labelled, loaded once."""

import io

from core.models import AuditEntry
from members import reference as members_reference
from projects import demo, reference
from projects.models import FundingCommitment, JointProject, Milestone
from projects.selectors import milestone_list


def test_demo_projects_load_once_labelled_as_examples(system_actor, db):
    out = io.StringIO()
    members_reference.load(actor=system_actor, stdout=out)
    reference.load(actor=system_actor, stdout=out)
    demo.load(actor=system_actor, stdout=out)
    projects = list(JointProject.objects.order_by("title"))
    assert [p.title for p in projects] == [
        "Altiplano Lithium Brine (example)",
        "Baltic Magnet Recycling (example)",
        "Cerrado Rare Earth Exploration (example)",
        "Copperbelt Cobalt Refinery (example)",
        "Nordic Anode Graphite Plant (example)",
    ]
    assert all(p.is_example for p in projects)
    copperbelt = JointProject.objects.get(title__startswith="Copperbelt")
    assert (copperbelt.host_country, copperbelt.stage, copperbelt.segment, copperbelt.lead_member.iso2) == (
        "ZM",
        "construction",
        "processing",
        "US",
    )
    assert sorted(copperbelt.minerals.values_list("slug", flat=True)) == ["cobalt", "copper"]
    assert sorted(copperbelt.participants.values_list("member__iso2", "role")) == [("EU", "financier")]
    statuses = sorted(set(milestone_list(actor=system_actor).values_list("status", flat=True)))
    assert statuses == ["done", "overdue", "upcoming"]
    assert sorted(set(FundingCommitment.objects.values_list("currency", flat=True))) == ["EUR", "JPY", "USD"]

    entries = AuditEntry.objects.count()
    demo.load(actor=system_actor, stdout=out)
    assert (JointProject.objects.count(), Milestone.objects.count(), AuditEntry.objects.count()) == (
        5,
        14,
        entries,
    )
