"""Across every synced resource: another delegation's object (or one restricted to others) is
"not found" to a delegation's token, on read, on write and in the change feed."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.actors import Actor
from core.choices import Confidentiality
from core.sync import registry
from core.sync import services as sync_services
from core.tracking import touch
from decisions.choices import DecisionKind
from decisions.services import decision as decision_services
from decisions.services import procedure as procedure_services
from markets.references import reference_price_create
from meetings.models import ActionItem, AgendaItem, Document, Outcome, Registration
from members.choices import TokenScope
from tests.factories import (
    DelegateFactory,
    FundingCommitmentFactory,
    InvitationFactory,
    JointProjectFactory,
    MeetingFactory,
    MilestoneFactory,
    ParticipantFactory,
    ProductFactory,
    ProjectUpdateFactory,
    adopt,
)
from tests.factories.markets import AT


def _restricted_meeting(japan):
    meeting = MeetingFactory(confidentiality=Confidentiality.RESTRICTED)
    meeting.restricted_to.set([japan])
    return meeting


def _restricted_project(japan):
    return JointProjectFactory(
        lead_member=japan, confidentiality=Confidentiality.RESTRICTED, restricted_to=[japan]
    )


def _japan_invitation(japan):
    return InvitationFactory(meeting=MeetingFactory(), member=japan)


def _restricted_reference_price(japan):
    """A reference price adopted by a decision restricted to Japan."""
    actor = Actor.system()
    decision = adopt(actor, confidentiality=Confidentiality.RESTRICTED, restricted_to=[japan])
    return reference_price_create(
        actor=actor,
        product=ProductFactory(),
        amount="1",
        valid_from=datetime.date(2026, 1, 1),
        adopted_by=decision,
    )


def _restricted_procedure(japan):
    """A written procedure on a draft restricted to Japan, Japan alone concerned."""
    actor = Actor.system()
    decision = decision_services.decision_create(
        actor=actor,
        now=AT,
        title="Hidden",
        kind=DecisionKind.DECISION,
        text="Hidden text.",
        confidentiality=Confidentiality.RESTRICTED,
        restricted_to=[japan],
    )
    return procedure_services.procedure_open(
        actor=actor,
        decision=decision,
        deadline_local=datetime.datetime(2026, 2, 20, 18, 0),  # noqa: DTZ001 - wall clock in time_zone
        time_zone="Europe/Brussels",
        all_members=False,
        concerned=[japan],
        now=AT,
    )


def _japan_position(japan):
    procedure = _restricted_procedure(japan)
    return procedure_services.position_answer(
        actor=Actor.system(), procedure=procedure, member=japan, kind="support", now=AT
    )


# resource -> builder of an object the Korean delegation may not see (given japan).
HIDDEN = {
    "meetings": _restricted_meeting,
    "invitations": _japan_invitation,
    "registrations": lambda japan: Registration.objects.create(
        invitation=_japan_invitation(japan), delegate=DelegateFactory(member=japan)
    ),
    "agenda-items": lambda japan: AgendaItem.objects.create(
        meeting=_restricted_meeting(japan), position=1, title="Hidden"
    ),
    "documents": lambda japan: Document.objects.create(meeting=_restricted_meeting(japan), title="Hidden"),
    "outcomes": lambda japan: Outcome.objects.create(
        meeting=_restricted_meeting(japan), kind="decision", title="Hidden"
    ),
    "action-items": lambda japan: ActionItem.objects.create(
        meeting=_restricted_meeting(japan), owner=japan, description="Hidden"
    ),
    "projects": _restricted_project,
    "project-participants": lambda japan: ParticipantFactory(
        project=_restricted_project(japan), member=japan
    ),
    "milestones": lambda japan: MilestoneFactory(project=_restricted_project(japan)),
    "funding-commitments": lambda japan: FundingCommitmentFactory(project=_restricted_project(japan)),
    "project-updates": lambda japan: ProjectUpdateFactory(project=_restricted_project(japan)),
    "reference-prices": _restricted_reference_price,
    "decisions": lambda japan: adopt(
        Actor.system(), confidentiality=Confidentiality.RESTRICTED, restricted_to=[japan]
    ),
    "procedures": _restricted_procedure,
    "positions": _japan_position,
}
# Open to every delegation by design: the member list, the chair rotation, the minerals lists,
# and delegations' contact lists (their *writes* are checked below); the market picture
# (products, observed prices, world production) is shared by every reader.
OPEN = {
    "members",
    "chair-terms",
    "minerals",
    "delegates",
    "products",
    "price-observations",
    "production-figures",
}


def test_scoping_every_synced_resource_is_classified():
    assert {entry.resource for entry in registry.resources()} == set(HIDDEN) | OPEN


@pytest.mark.parametrize("resource", sorted(HIDDEN))
def test_scoping_other_delegations_object_is_not_found(resource, korea, japan, api_client_for):
    client = api_client_for(TokenScope.WRITE, korea)
    head = client.get("/api/v1/changes/head/").json()["cursor"]
    hidden = HIDDEN[resource](japan)
    touch(hidden)  # on the feed, as every write through a service puts it
    url = f"/api/v1/{resource}/{hidden.pk}/"

    listed = [item["id"] for item in client.get(f"/api/v1/{resource}/", {"page_size": 500}).json()["results"]]
    read = client.get(url)
    writes = {
        method: getattr(client, method)(url, {}, format="json") for method in ("put", "patch", "delete")
    }
    feed = client.get("/api/v1/changes/", {"cursor": head}).json()["changes"]

    assert hidden.pk not in listed
    assert read.status_code == 404
    assert read["Content-Type"] == "application/problem+json"
    for method, response in writes.items():
        # 405 where the resource has no such method at all (meetings and projects are never deleted).
        assert response.status_code in (404, 405), (method, response.status_code, response.content)
    assert not [c for c in feed if c["resource"] == resource and c["id"] == hidden.pk and c["op"] == "upsert"]


def test_scoping_other_delegations_delegate_cannot_be_written(korea, japan, api_client_for):
    client = api_client_for(TokenScope.WRITE, korea)
    theirs = DelegateFactory(member=japan)
    url = f"/api/v1/delegates/{theirs.pk}/"

    assert client.patch(url, {"full_name": "X"}, format="json").status_code == 404
    assert client.put(url, {"member": "JP", "full_name": "X"}, format="json").status_code == 404
    assert client.delete(url).status_code == 404
    assert (
        client.post("/api/v1/delegates/", {"member": "JP", "full_name": "X"}, format="json").status_code
        == 404
    )
    assert theirs.__class__.objects.get(pk=theirs.pk).full_name == theirs.full_name


def test_scoping_feed_page_queries_do_not_grow_with_resources_touched(korea, japan, api_client_for):
    client = api_client_for(TokenScope.READ, korea)
    head = client.get("/api/v1/changes/head/").json()["cursor"]

    def queries() -> int:
        sync_services.changes_sequence()
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/changes/", {"cursor": head}).status_code == 200
        return len(captured.captured_queries)

    for builder in HIDDEN.values():
        touch(builder(japan))
    MeetingFactory.create_batch(2)
    for meeting in MeetingFactory.create_batch(2):
        touch(meeting)
    one_each = queries()
    for _ in range(3):
        for builder in HIDDEN.values():
            touch(builder(japan))
    for meeting in MeetingFactory.create_batch(
        5, starts_at=datetime.datetime(2027, 5, 1, tzinfo=datetime.UTC)
    ):
        touch(meeting)

    assert queries() == one_each
