"""Date-only changes (a milestone turning overdue) reach the feed through the daily job."""

import datetime

import pytest
import time_machine

from core.models import Change
from core.sync import registry, services
from core.sync.models import FeedDay
from members import services as member_services
from members.choices import TokenScope
from tests.factories import JointProjectFactory, MilestoneFactory

pytestmark = pytest.mark.django_db

DUE = datetime.date(2027, 1, 10)


def _feed_rows():
    return sorted(Change.objects.filter(seq__isnull=True).values_list("resource", "object_id"))


def test_date_changes_first_run_only_records_the_day():
    assert services.date_changes_record(today=DUE) == 0
    assert FeedDay.objects.get().day == DUE


def test_date_changes_put_a_milestone_turning_overdue_and_its_project_on_the_feed(korea):
    project = JointProjectFactory(lead_member=korea)
    turning = MilestoneFactory(project=project, due_on=DUE)
    MilestoneFactory(project=project, due_on=DUE + datetime.timedelta(days=30))  # still upcoming
    services.date_changes_record(today=DUE)
    Change.objects.all().delete()

    added = services.date_changes_record(today=DUE + datetime.timedelta(days=1))
    again = services.date_changes_record(today=DUE + datetime.timedelta(days=1))

    assert (added, again) == (2, 0)
    assert _feed_rows() == [("projects.jointproject", project.pk), ("projects.milestone", turning.pk)]


def test_date_changes_catch_up_on_missed_days_and_done_dates(korea):
    project = JointProjectFactory(lead_member=korea)
    late = MilestoneFactory(project=project, due_on=DUE + datetime.timedelta(days=2))
    done_later = MilestoneFactory(
        project=project, due_on=DUE - datetime.timedelta(days=9), done_on=DUE + datetime.timedelta(days=3)
    )
    services.date_changes_record(today=DUE)
    Change.objects.all().delete()

    assert services.date_changes_record(today=DUE + datetime.timedelta(days=5)) == 3

    assert _feed_rows() == [
        ("projects.jointproject", project.pk),
        ("projects.milestone", late.pk),
        ("projects.milestone", done_later.pk),
    ]


def test_date_changes_reach_a_replica_as_the_new_status(korea, api_client_for):
    client = api_client_for(TokenScope.READ, korea)
    milestone = MilestoneFactory(project=JointProjectFactory(lead_member=korea), due_on=DUE)
    with time_machine.travel(datetime.datetime(2027, 1, 10, 12, tzinfo=datetime.UTC), tick=False):
        services.date_changes_record()
        head = client.get("/api/v1/changes/head/").json()["cursor"]
    with time_machine.travel(datetime.datetime(2027, 1, 11, 0, 30, tzinfo=datetime.UTC), tick=False):
        services.date_changes_record()
        body = client.get("/api/v1/changes/", {"cursor": head}).json()

    shown = {(c["resource"], c["id"]): c["object"] for c in body["changes"]}
    assert shown[("milestones", milestone.pk)]["status"] == "overdue"
    assert shown[("projects", milestone.project_id)]["overdue_milestones"] == 1


def test_feed_page_builds_only_the_querysets_of_resources_on_it(korea, api_client_for, system_actor):
    client = api_client_for(TokenScope.READ, korea)
    member_services.delegate_create(actor=system_actor, member=korea, full_name="Lee Ji-woo")
    client.get("/api/v1/changes/")  # numbers the rows
    asked = []

    originals = {entry.label: entry for entry in registry.resources()}

    class Counting(registry.SyncResource):
        def visible_to(self, actor):
            asked.append(self.label)
            return super().visible_to(actor)

    try:
        for label, entry in originals.items():
            counted = Counting(*[getattr(entry, f) for f in entry.__dataclass_fields__])
            registry._by_label[label] = counted
            registry._by_resource[entry.resource] = counted
        body = client.get("/api/v1/changes/").json()
    finally:
        for label, entry in originals.items():
            registry._by_label[label] = entry
            registry._by_resource[entry.resource] = entry

    assert {c["resource"] for c in body["changes"]} == {"delegates"}
    # Built once: the same queryset answers "may list" and serves the page's objects.
    assert asked == ["members.delegate"]
