"""The projects API: lists in constant queries, filters, ETags, and per-endpoint permissions."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from core.choices import Confidentiality
from members.choices import TokenScope
from projects.models import FundingCommitment, JointProject, Milestone, ProjectUpdate
from tests.factories import (
    FundingCommitmentFactory,
    JointProjectFactory,
    MilestoneFactory,
    MineralFactory,
    ParticipantFactory,
    ProjectUpdateFactory,
)
from tests.fixtures import WRITTEN_ON

TODAY = WRITTEN_ON.date()
pytestmark = pytest.mark.usefixtures("pinned_clock")
ENDPOINTS = [
    "minerals",
    "projects",
    "project-participants",
    "milestones",
    "funding-commitments",
    "project-updates",
]


@pytest.fixture
def korea_writer(api_client_for, korea):
    return api_client_for(TokenScope.WRITE, korea)


@pytest.fixture
def korea_reader(api_client_for, korea):
    return api_client_for(TokenScope.READ, korea)


@pytest.fixture
def secretariat_api(secretariat_user):
    client = APIClient()
    client.force_login(secretariat_user)
    return client


def _grow(korea, japan, n):
    for i in range(n):
        project = JointProjectFactory(
            lead_member=japan,
            minerals=[
                MineralFactory(name=f"M{i}", slug=f"m{i}"),
                MineralFactory(name="Lithium", slug="lithium"),
            ],
        )
        ParticipantFactory(project=project, member=korea)
        MilestoneFactory(project=project)
        FundingCommitmentFactory(project=project)
        ProjectUpdateFactory(project=project)


def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), len(response.json()["results"])


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_each_list_runs_a_fixed_number_of_queries(korea_writer, korea, japan, endpoint):
    _grow(korea, japan, 1)
    korea_writer.get("/api/v1/minerals/")  # the token's first use records last_used_at: not a list query
    one, rows_one = _count(korea_writer, f"/api/v1/{endpoint}/")
    _grow(korea, japan, 6)
    many, rows_many = _count(korea_writer, f"/api/v1/{endpoint}/")
    assert rows_many > rows_one
    assert many == one


def test_project_shape(korea_writer, joint_project, korea):
    joint_project.budget_amount, joint_project.budget_currency = Decimal("1234.5"), "EUR"
    joint_project.save()
    data = korea_writer.get(f"/api/v1/projects/{joint_project.pk}/").json()
    assert {
        k: data[k] for k in ("minerals", "lead_member", "participants", "budget_amount", "budget_currency")
    } == {
        "minerals": ["lithium"],
        "lead_member": "JP",
        "participants": [{"id": joint_project.participants.get().pk, "member": "KR", "role": "participant"}],
        "budget_amount": "1234.50",
        "budget_currency": "EUR",
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("member=kr", ["Joint lithium", "Korean lithium"]),
        ("member=JP", ["Japanese lithium", "Joint lithium"]),
        ("mineral=lithium", ["Japanese lithium", "Joint lithium", "Korean lithium"]),
        ("segment=processing", ["Korean lithium"]),
        ("stage=feasibility", ["Japanese lithium", "Joint lithium", "Korean lithium"]),
        ("lead=KR", ["Korean lithium"]),
    ],
)
def test_project_filters(korea_writer, korean_project, japanese_project, joint_project, query, expected):
    response = korea_writer.get(f"/api/v1/projects/?{query}")
    assert sorted(p["title"] for p in response.json()["results"]) == expected


def test_updated_since_and_bad_filters(korea_writer, korean_project):
    later = (timezone.now() + datetime.timedelta(minutes=1)).isoformat()
    assert korea_writer.get("/api/v1/projects/", {"updated_since": later}).json()["results"] == []
    response = korea_writer.get("/api/v1/projects/?stage=mining")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["stage"]
    response = korea_writer.get("/api/v1/funding-commitments/?currency=XYZ")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["currency"]


def test_milestone_status_filter_and_field(korea_writer, korean_project):
    MilestoneFactory(project=korean_project, title="late", due_on=TODAY - datetime.timedelta(days=1))
    MilestoneFactory(project=korean_project, title="soon", due_on=TODAY)
    response = korea_writer.get("/api/v1/milestones/?status=overdue").json()["results"]
    assert [(m["title"], m["status"]) for m in response] == [("late", "overdue")]


def test_etag_and_if_match_on_milestones(korea_writer, korean_project):
    milestone = MilestoneFactory(project=korean_project)
    url = f"/api/v1/milestones/{milestone.pk}/"
    etag = korea_writer.get(url)["ETag"]
    assert korea_writer.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert korea_writer.patch(url, {"title": "New"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    stale = korea_writer.patch(url, {"title": "Newer"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    milestone.refresh_from_db()
    assert milestone.title == "New"


# Permissions per endpoint: another delegation's confidential project is 404 on read and
# write; a visible project Korea is not in is 403 on write; a read token is 403 on write.


@pytest.fixture
def hidden(japanese_secret, japan):
    return {
        "projects": japanese_secret,
        "project-participants": ParticipantFactory(project=japanese_secret),
        "milestones": MilestoneFactory(project=japanese_secret),
        "funding-commitments": FundingCommitmentFactory(project=japanese_secret, member=japan),
        "project-updates": ProjectUpdateFactory(project=japanese_secret),
    }


@pytest.mark.parametrize("endpoint", ENDPOINTS[1:])
def test_another_delegations_confidential_object_is_404_on_read_and_write(korea_writer, hidden, endpoint):
    url = f"/api/v1/{endpoint}/{hidden[endpoint].pk}/"
    assert korea_writer.get(url).status_code == 404
    method = korea_writer.post if endpoint == "project-updates" else korea_writer.patch
    if endpoint == "project-updates":
        response = korea_writer.delete(url)
    else:
        response = method(url, {"title": "x", "role": "offtaker", "note": "x"}, format="json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("endpoint", "body"),
    [
        ("project-participants", {"member": "US", "role": "financier"}),
        ("milestones", {"title": "FID", "due_on": "2027-01-01"}),
        ("funding-commitments", {"member": "KR", "amount": "1.00", "currency": "USD"}),
        ("project-updates", {"text": "hello"}),
    ],
)
def test_creating_under_a_hidden_project_is_404_and_under_a_foreign_one_403(
    korea_writer, japanese_secret, japanese_project, united_states, endpoint, body
):
    hidden = korea_writer.post(f"/api/v1/{endpoint}/", {"project": japanese_secret.pk, **body}, format="json")
    assert hidden.status_code == 404
    missing = korea_writer.post(f"/api/v1/{endpoint}/", {"project": 999999, **body}, format="json")
    assert missing.status_code == 404
    foreign = korea_writer.post(
        f"/api/v1/{endpoint}/", {"project": japanese_project.pk, **body}, format="json"
    )
    assert foreign.status_code == 403
    assert (Milestone.objects.count(), FundingCommitment.objects.count(), ProjectUpdate.objects.count()) == (
        0,
        0,
        0,
    )


def test_visible_foreign_project_and_its_parts_are_403_on_write(korea_writer, japanese_project, japan):
    milestone = MilestoneFactory(project=japanese_project)
    commitment = FundingCommitmentFactory(project=japanese_project, member=japan)
    assert (
        korea_writer.patch(
            f"/api/v1/projects/{japanese_project.pk}/", {"title": "x"}, format="json"
        ).status_code
        == 403
    )
    assert (
        korea_writer.patch(f"/api/v1/milestones/{milestone.pk}/", {"title": "x"}, format="json").status_code
        == 403
    )
    assert korea_writer.delete(f"/api/v1/milestones/{milestone.pk}/").status_code == 403
    response = korea_writer.patch(
        f"/api/v1/funding-commitments/{commitment.pk}/", {"status": "approved"}, format="json"
    )
    assert response.status_code == 403
    assert Milestone.objects.get().title == milestone.title


def test_read_token_is_403_on_every_write(korea_reader, korean_project):
    milestone = MilestoneFactory(project=korean_project)
    assert (
        korea_reader.post(
            "/api/v1/project-updates/", {"project": korean_project.pk, "text": "x"}, format="json"
        ).status_code
        == 403
    )
    assert (
        korea_reader.patch(f"/api/v1/milestones/{milestone.pk}/", {"title": "x"}, format="json").status_code
        == 403
    )
    assert (
        korea_reader.patch(
            f"/api/v1/projects/{korean_project.pk}/", {"stage": "permitting"}, format="json"
        ).status_code
        == 403
    )
    assert korea_reader.get(f"/api/v1/projects/{korean_project.pk}/").status_code == 200


def test_member_token_works_on_projects_it_takes_part_in(korea_writer, joint_project, japan):
    milestone = MilestoneFactory(project=joint_project, due_on=TODAY - datetime.timedelta(days=3))
    response = korea_writer.patch(
        f"/api/v1/milestones/{milestone.pk}/", {"done_on": TODAY.isoformat()}, format="json"
    )
    assert (response.status_code, response.json()["status"]) == (200, "done")
    response = korea_writer.post(
        "/api/v1/project-updates/", {"project": joint_project.pk, "text": "On track"}, format="json"
    )
    assert response.status_code == 201
    assert (response.json()["author_member"], response.json()["author_label"]) == ("KR", "token:token-1")
    response = korea_writer.post(
        "/api/v1/funding-commitments/",
        {"project": joint_project.pk, "member": "KR", "amount": 2500000, "currency": "krw"},
        format="json",
    )
    assert response.status_code == 201
    assert {k: response.json()[k] for k in ("amount", "currency", "status", "pledged_on")} == {
        "amount": "2500000.00",
        "currency": "KRW",
        "status": "pledged",
        "pledged_on": TODAY.isoformat(),
    }
    url = f"/api/v1/funding-commitments/{response.json()['id']}/"
    response = korea_writer.patch(url, {"status": "approved"}, format="json")
    assert (response.status_code, response.json()["approved_on"]) == (200, TODAY.isoformat())
    response = korea_writer.patch(url, {"member": "JP"}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["member"]
    # Committing for another member is refused.
    response = korea_writer.post(
        "/api/v1/funding-commitments/",
        {"project": joint_project.pk, "member": "JP", "amount": "1.00", "currency": "USD"},
        format="json",
    )
    assert response.status_code == 403
    # The update is not Korea's to delete: only the secretariat removes updates.
    update = ProjectUpdate.objects.get()
    assert korea_writer.delete(f"/api/v1/project-updates/{update.pk}/").status_code == 403


def test_lead_token_moves_the_stage_but_not_the_record(korea_writer, korean_project):
    url = f"/api/v1/projects/{korean_project.pk}/"
    response = korea_writer.patch(url, {"stage": "permitting"}, format="json")
    assert response.status_code == 200
    assert [(c["from_stage"], c["to_stage"]) for c in response.json()["stage_changes"]] == [
        ("feasibility", "permitting")
    ]
    assert korea_writer.patch(url, {"title": "Renamed"}, format="json").status_code == 403


def test_secretariat_registers_a_project_through_the_api(secretariat_api, korea, lithium):
    response = secretariat_api.post(
        "/api/v1/projects/",
        {
            "title": "API project",
            "minerals": ["lithium"],
            "segment": "recycling",
            "host_country": "de",
            "lead_member": "KR",
            "budget_amount": "0",
            "budget_currency": "EUR",
            "confidentiality": Confidentiality.RESTRICTED,
            "restricted_to": ["KR"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    project = JointProject.objects.get()
    assert (project.host_country, project.budget_amount, project.stage) == ("DE", Decimal("0.00"), "prospect")
    assert response.json()["stage_changes"][0]["to_stage"] == "prospect"
    bad = secretariat_api.post(
        "/api/v1/projects/",
        {
            "title": "x",
            "minerals": ["lithium"],
            "segment": "recycling",
            "host_country": "QQ",
            "lead_member": "KR",
        },
        format="json",
    )
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["host_country"]


def test_minerals_api_looks_up_by_slug(korea_reader, lithium):
    assert korea_reader.get("/api/v1/minerals/lithium/").json()["crma_strategic"] is True
    assert korea_reader.get("/api/v1/minerals/unobtainium/").status_code == 404
