import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.api.pagination import decode_cursor
from core.models import Change
from core.sync import services
from members import services as member_services
from members.choices import TokenScope

CHANGES = "/api/v1/changes/"


def _delegate(actor, member, name="Lee Ji-woo"):
    return member_services.delegate_create(actor=actor, member=member, full_name=name)


def test_feed_upsert_carries_the_object_as_the_api_shows_it(korea, system_actor, api_client_for):
    client = api_client_for(TokenScope.READ, korea)
    delegate = _delegate(system_actor, korea)

    body = client.get(CHANGES).json()

    detail = client.get(f"/api/v1/delegates/{delegate.pk}/").json()
    entries = [c for c in body["changes"] if c["resource"] == "delegates"]
    assert entries == [
        {
            "seq": entries[0]["seq"],
            "resource": "delegates",
            "id": delegate.pk,
            "op": "upsert",
            "object": detail,
        }
    ]
    assert body["has_more"] is False


def test_feed_sends_only_the_last_state_per_object_in_a_page(korea, system_actor, api_client_for):
    client = api_client_for(TokenScope.READ, korea)
    head = client.get(f"{CHANGES}head/").json()["cursor"]
    delegate = _delegate(system_actor, korea)
    member_services.delegate_update(actor=system_actor, delegate=delegate, full_name="Second")
    member_services.delegate_update(actor=system_actor, delegate=delegate, full_name="Third")

    body = client.get(CHANGES, {"cursor": head}).json()

    assert [(c["resource"], c["id"], c["op"], c["object"]["full_name"]) for c in body["changes"]] == [
        ("delegates", delegate.pk, "upsert", "Third")
    ]


def test_feed_deletion_is_a_tombstone_without_data(korea, system_actor, api_client_for):
    client = api_client_for(TokenScope.READ, korea)
    delegate = _delegate(system_actor, korea)
    first = client.get(CHANGES).json()
    delegate_id = delegate.pk
    member_services.delegate_delete(actor=system_actor, delegate=delegate)

    body = client.get(CHANGES, {"cursor": first["next_cursor"]}).json()

    assert body["changes"] == [
        {
            "seq": body["changes"][0]["seq"],
            "resource": "delegates",
            "id": delegate_id,
            "op": "delete",
            "reason": "deleted",
        }
    ]


def test_feed_hides_resources_a_forum_wide_token_cannot_list(korea, system_actor, api_client_for):
    public = api_client_for(TokenScope.READ, None)
    head = public.get(f"{CHANGES}head/").json()["cursor"]
    delegate = _delegate(system_actor, korea)
    member_services.delegate_delete(actor=system_actor, delegate=delegate)

    body = public.get(CHANGES, {"cursor": head}).json()

    assert body["changes"] == []
    assert body["has_more"] is False
    assert decode_cursor(body["next_cursor"])["seq"] == Change.objects.order_by("-seq").first().seq


def test_feed_pages_follow_seq_with_has_more(korea, system_actor, api_client_for):
    client = api_client_for(TokenScope.READ, korea)
    head = client.get(f"{CHANGES}head/").json()["cursor"]
    created = [_delegate(system_actor, korea, f"Person {n}") for n in range(5)]

    first = client.get(CHANGES, {"cursor": head, "page_size": 3}).json()
    second = client.get(CHANGES, {"cursor": first["next_cursor"], "page_size": 3}).json()
    third = client.get(CHANGES, {"cursor": second["next_cursor"], "page_size": 3}).json()

    assert first["has_more"] is True and second["has_more"] is False
    assert [c["id"] for c in first["changes"] + second["changes"]] == [d.pk for d in created]
    assert third["changes"] == [] and third["next_cursor"] == second["next_cursor"]


def test_feed_from_now_gives_the_head_cursor(korea, system_actor, api_client_for):
    client = api_client_for(TokenScope.READ, korea)
    _delegate(system_actor, korea)

    body = client.get(CHANGES, {"from": "now"}).json()

    assert body["changes"] == [] and body["has_more"] is False
    assert body["next_cursor"] == client.get(f"{CHANGES}head/").json()["cursor"]
    assert client.get(CHANGES, {"cursor": body["next_cursor"]}).json()["changes"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "eyJzZXEiOiJ4In0"}, "cursor"),  # {"seq":"x"}
        ({"page_size": "501"}, "page_size"),
        ({"from": "yesterday"}, "from"),
    ],
)
def test_feed_bad_input_is_a_400_naming_the_field(korea, api_client_for, params, field):
    response = api_client_for(TokenScope.READ, korea).get(CHANGES, params)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == [field]


def test_feed_expired_cursor_answers_410(korea, system_actor, api_client_for):
    client = api_client_for(TokenScope.READ, korea)
    _delegate(system_actor, korea, "Old")
    old_cursor = client.get(CHANGES).json()["next_cursor"]
    for n in range(3):
        _delegate(system_actor, korea, f"New {n}")
    services.changes_sequence()
    Change.objects.update(at=timezone.now() - datetime.timedelta(days=31))

    pruned = services.changes_prune()
    response = client.get(CHANGES, {"cursor": old_cursor})

    assert pruned == 3  # the newest row stays, so numbering never restarts
    assert response.status_code == 410
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Gone"


def _queries_for(client, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(CHANGES, params).status_code == 200
    return len(captured.captured_queries)


def test_feed_page_runs_a_fixed_number_of_queries(korea, japan, system_actor, api_client_for):
    client = api_client_for(TokenScope.READ, korea)
    head = client.get(f"{CHANGES}head/").json()["cursor"]
    _delegate(system_actor, korea)
    member_services.chair_term_create(
        actor=system_actor,
        member=korea,
        starts_on=datetime.date(2030, 1, 1),
        ends_on=datetime.date(2030, 6, 30),
    )
    client.get(CHANGES, {"cursor": head})  # numbers the rows outside the measured request
    one = _queries_for(client, {"cursor": head})

    for n in range(20):
        _delegate(system_actor, japan if n % 2 else korea, f"P{n}")
    member_services.chair_term_create(
        actor=system_actor,
        member=japan,
        starts_on=datetime.date(2031, 1, 1),
        ends_on=datetime.date(2031, 6, 30),
    )
    client.get(CHANGES, {"cursor": head})
    many = _queries_for(client, {"cursor": head})

    assert one == many


def test_feed_head_cursor_of_an_empty_feed_expires_too(korea, system_actor, api_client_for):
    client = api_client_for(TokenScope.READ, korea)
    empty_head = client.get(f"{CHANGES}head/").json()["cursor"]
    for n in range(3):
        _delegate(system_actor, korea, f"P{n}")
    services.changes_sequence()
    Change.objects.update(at=timezone.now() - datetime.timedelta(days=31))
    services.changes_prune()

    assert client.get(CHANGES, {"cursor": empty_head}).status_code == 410
    assert client.get(CHANGES).status_code == 200  # no cursor: from the oldest retained change


def test_feed_object_that_leaves_the_readers_view_is_a_lost_access_tombstone(
    korea, japan, system_actor, api_client_for
):
    from core.choices import Confidentiality
    from projects import services as project_services
    from projects.choices import Segment
    from tests.factories import MineralFactory

    project = project_services.project_create(
        actor=system_actor,
        minerals=[MineralFactory(name="Lithium", slug="lithium")],
        title="Shared",
        segment=Segment.EXTRACTION,
        host_country="ZM",
        lead_member=japan,
        confidentiality=Confidentiality.MEMBERS,
    )
    client = api_client_for(TokenScope.READ, korea)
    cursor = client.get(CHANGES).json()["next_cursor"]
    project_services.project_update(
        actor=system_actor, project=project, confidentiality=Confidentiality.RESTRICTED, restricted_to=[japan]
    )

    changes = client.get(CHANGES, {"cursor": cursor}).json()["changes"]

    assert {"resource": "projects", "id": project.pk, "op": "delete", "reason": "lost_access"} in [
        {k: v for k, v in change.items() if k != "seq"} for change in changes
    ]
    assert client.get(f"/api/v1/projects/{project.pk}/").status_code == 404


def _restricted_project(system_actor, lead, title="Restricted"):
    from core.choices import Confidentiality
    from projects import services as project_services
    from projects.choices import Segment
    from projects.models import Mineral

    mineral = Mineral.objects.filter(slug="lithium").first()
    if mineral is None:
        from tests.factories import MineralFactory

        mineral = MineralFactory(name="Lithium", slug="lithium")
    return project_services.project_create(
        actor=system_actor,
        minerals=[mineral],
        title=title,
        segment=Segment.EXTRACTION,
        host_country="ZM",
        lead_member=lead,
        confidentiality=Confidentiality.RESTRICTED,
        restricted_to=[lead],
    )


def _milestone(system_actor, project, title):
    from projects import services as project_services

    return project_services.milestone_create(
        actor=system_actor, project=project, title=title, due_on=datetime.date(2030, 3, 1)
    )


def test_feed_tombstone_of_a_hidden_object_does_not_tell_whether_it_still_exists(
    korea, japan, system_actor, api_client_for
):
    from projects import services as project_services

    client = api_client_for(TokenScope.READ, korea)
    head = client.get(f"{CHANGES}head/").json()["cursor"]
    project = _restricted_project(system_actor, japan)
    kept = _milestone(system_actor, project, "Kept")
    removed = _milestone(system_actor, project, "Removed")
    removed_id = removed.pk
    project_services.milestone_delete(actor=system_actor, milestone=removed)
    services.changes_sequence()
    deletion = Change.objects.get(resource="projects.milestone", object_id=removed_id, op="delete")
    before_deletion = deletion.seq - decode_cursor(head)["seq"] - 1

    changes = client.get(CHANGES, {"cursor": head, "page_size": before_deletion}).json()["changes"]

    milestones = [
        {k: v for k, v in c.items() if k != "seq"} for c in changes if c["resource"] == "milestones"
    ]
    assert milestones == [
        {"resource": "milestones", "id": kept.pk, "op": "delete", "reason": "lost_access"},
        {"resource": "milestones", "id": removed_id, "op": "delete", "reason": "lost_access"},
    ]


def test_feed_object_deleted_after_its_page_row_is_lost_access_then_deleted(
    korea, system_actor, api_client_for
):
    client = api_client_for(TokenScope.READ, korea)
    head = client.get(f"{CHANGES}head/").json()["cursor"]
    first = _delegate(system_actor, korea, "First")
    first_id = first.pk
    second = _delegate(system_actor, korea, "Second")
    member_services.delegate_delete(actor=system_actor, delegate=first)

    page = client.get(CHANGES, {"cursor": head, "page_size": 1}).json()
    rest = client.get(CHANGES, {"cursor": page["next_cursor"]}).json()

    assert [(c["id"], c["op"], c.get("reason")) for c in page["changes"]] == [
        (first_id, "delete", "lost_access")
    ]
    assert [(c["id"], c["op"], c.get("reason")) for c in rest["changes"]] == [
        (second.pk, "upsert", None),
        (first_id, "delete", "deleted"),
    ]


def test_feed_page_with_hidden_objects_runs_no_more_queries_than_one_without(
    korea, japan, system_actor, api_client_for
):
    client = api_client_for(TokenScope.READ, korea)
    head = client.get(f"{CHANGES}head/").json()["cursor"]
    _milestone(system_actor, _restricted_project(system_actor, korea, "Theirs"), "Visible")
    client.get(CHANGES, {"cursor": head})  # numbers the rows outside the measured request
    only_visible = _queries_for(client, {"cursor": head})
    middle = client.get(f"{CHANGES}head/").json()["cursor"]

    hidden_project = _restricted_project(system_actor, japan, "Hidden")
    _milestone(system_actor, hidden_project, "Hidden")
    _milestone(system_actor, _restricted_project(system_actor, korea, "Also theirs"), "Visible too")
    client.get(CHANGES, {"cursor": middle})
    with_hidden = _queries_for(client, {"cursor": middle})

    hidden = [c for c in client.get(CHANGES, {"cursor": middle}).json()["changes"] if c["op"] == "delete"]
    assert {(c["resource"], c["reason"]) for c in hidden} == {
        ("projects", "lost_access"),
        ("milestones", "lost_access"),
    }
    assert with_hidden == only_visible
