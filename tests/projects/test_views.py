"""Web pages: portfolio filters, CSV export, coverage page, and who may change what."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.choices import Confidentiality
from projects.models import Milestone, ProjectUpdate
from tests.factories import (
    FundingCommitmentFactory,
    JointProjectFactory,
    MemberFactory,
    MilestoneFactory,
    ParticipantFactory,
)
from tests.fixtures import WRITTEN_ON

YESTERDAY = WRITTEN_ON.date() - datetime.timedelta(days=1)
pytestmark = pytest.mark.usefixtures("pinned_clock")


@pytest.fixture
def portfolio(korea, japan, lithium, cobalt):
    us = MemberFactory(iso2="US", name="United States")
    a = JointProjectFactory(
        title="A lithium brine", minerals=[lithium], segment="extraction", host_country="AR", lead_member=us
    )
    ParticipantFactory(project=a, member=korea, role="financier")
    b = JointProjectFactory(
        title="B cobalt refinery",
        minerals=[cobalt],
        segment="processing",
        host_country="ZM",
        lead_member=japan,
        stage="construction",
    )
    MilestoneFactory(project=b, due_on=YESTERDAY)
    c = JointProjectFactory(
        title="C magnet recycling",
        minerals=[lithium, cobalt],
        segment="recycling",
        host_country="EE",
        lead_member=korea,
        stage="closed",
    )
    d = JointProjectFactory(
        title="D secret", minerals=[lithium], lead_member=japan, confidentiality=Confidentiality.SECRETARIAT
    )
    return {"a": a, "b": b, "c": c, "d": d}


def _titles(response):
    return [project.title for project in response.context["page"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["A lithium brine", "B cobalt refinery", "C magnet recycling"]),
        ("?mineral=lithium", ["A lithium brine", "C magnet recycling"]),
        ("?segment=processing", ["B cobalt refinery"]),
        ("?stage=closed", ["C magnet recycling"]),
        ("?member=kr", ["A lithium brine", "C magnet recycling"]),  # participant, and lead
        ("?host_country=zm", ["B cobalt refinery"]),
        ("?overdue=true", ["B cobalt refinery"]),
        ("?active=true&mineral=cobalt", ["B cobalt refinery"]),
        ("?mineral=unobtainium", []),
    ],
)
def test_portfolio_filters_for_a_delegation(korea_client, portfolio, query, expected):
    response = korea_client.get(f"/projects/{query}")
    assert response.status_code == 200
    assert _titles(response) == expected


def test_portfolio_bad_filter_shows_the_error_and_no_rows(korea_client, portfolio):
    response = korea_client.get("/projects/?segment=mining")
    assert response.status_code == 200
    assert list(response.context["filter"].errors) == ["segment"]
    assert _titles(response) == []


def test_portfolio_totals_per_currency_without_conversion(secretariat_client, portfolio, korea):
    from decimal import Decimal

    FundingCommitmentFactory(project=portfolio["a"], member=korea, amount=Decimal("10.00"), currency="USD")
    FundingCommitmentFactory(project=portfolio["a"], amount=Decimal("5.50"), currency="USD")
    FundingCommitmentFactory(project=portfolio["b"], amount=Decimal("700.00"), currency="JPY")
    response = secretariat_client.get("/projects/?mineral=lithium")
    funding = response.context["totals"].funding
    assert [(t.currency, t.pledged, t.total) for t in funding] == [
        ("USD", Decimal("15.50"), Decimal("15.50"))
    ]
    response = secretariat_client.get("/projects/")
    assert [(t.currency, t.total) for t in response.context["totals"].funding] == [
        ("JPY", Decimal("700.00")),
        ("USD", Decimal("15.50")),
    ]


def _csv(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_csv_export_is_exactly_what_the_filter_shows(korea_client, portfolio):
    rows = _csv(korea_client.get("/projects/export.csv?member=KR&sort=title"))
    assert [row[1] for row in rows[1:]] == ["A lithium brine", "C magnet recycling"]
    header, first = rows[0], rows[1]
    record = dict(zip(header, first, strict=True))
    assert {k: v for k, v in record.items() if k not in ("id", "updated_at_utc")} == {
        "title": "A lithium brine",
        "example": "no",
        "minerals": "Lithium",
        "segment": "Extraction",
        "stage": "Feasibility (bankable)",
        "host_country": "AR",
        "host_country_name": "Argentina",
        "lead_member": "US",
        "participants": "KR (financier)",
        "budget_amount": "",
        "budget_currency": "",
        "confidentiality": "All delegations",
        "overdue_milestones": "0",
        "last_update_utc": "",
    }


def test_csv_neutralises_formulas(secretariat_client, korea):
    JointProjectFactory(title="=HYPERLINK(1)", lead_member=korea)
    rows = _csv(secretariat_client.get("/projects/export.csv"))
    assert rows[1][1] == "'=HYPERLINK(1)"


def _grow(korea, japan, lithium, cobalt, n):
    for i in range(n):
        project = JointProjectFactory(minerals=[lithium, cobalt], lead_member=japan, segment="processing")
        ParticipantFactory(project=project, member=korea)
        MilestoneFactory(project=project, due_on=YESTERDAY)
        FundingCommitmentFactory(project=project, currency="EUR" if i % 2 else "USD")


def _count(client, url, *, stream=False):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
        if stream:
            b"".join(response.streaming_content)
    return len(captured)


@pytest.mark.parametrize(
    ("url", "stream"),
    [("/projects/", False), ("/projects/export.csv", True), ("/projects/coverage/", False), ("/", False)],
)
def test_pages_run_a_fixed_number_of_queries(korea_client, korea, japan, lithium, cobalt, url, stream):
    _grow(korea, japan, lithium, cobalt, 1)
    one = _count(korea_client, url, stream=stream)
    _grow(korea, japan, lithium, cobalt, 7)
    assert _count(korea_client, url, stream=stream) == one


def test_coverage_page_links_cells_to_the_portfolio(korea_client, portfolio):
    response = korea_client.get("/projects/coverage/")
    html = response.content.decode()
    assert 'href="/projects/?mineral=lithium&amp;segment=extraction&amp;active=true"' in html
    assert response.context["coverage"].active_projects == 2  # A and B; C closed, D hidden


# Who may change what -----------------------------------------------------------------


def test_delegation_cannot_edit_a_project_it_is_not_in(korea_client, portfolio, japanese_project):
    milestone = MilestoneFactory(project=japanese_project)
    hidden_milestone = MilestoneFactory(project=portfolio["d"])
    # Visible (members-level) but not Korea's: 403.
    assert korea_client.get(f"/projects/{japanese_project.pk}/edit/").status_code == 403
    assert (
        korea_client.post(
            f"/projects/{japanese_project.pk}/milestones/new/", {"title": "x", "due_on": "2027-01-01"}
        ).status_code
        == 403
    )
    assert korea_client.post(f"/projects/milestones/{milestone.pk}/done/").status_code == 403
    assert (
        korea_client.post(f"/projects/{japanese_project.pk}/updates/new/", {"text": "hi"}).status_code == 403
    )
    # Confidential and not Korea's: as if it did not exist.
    assert korea_client.get(f"/projects/{portfolio['d'].pk}/").status_code == 404
    assert korea_client.post(f"/projects/{portfolio['d'].pk}/updates/new/", {"text": "hi"}).status_code == 404
    assert korea_client.post(f"/projects/milestones/{hidden_milestone.pk}/done/").status_code == 404
    assert Milestone.objects.filter(done_on__isnull=False).count() == 0
    assert ProjectUpdate.objects.count() == 0
    assert Milestone.objects.count() == 3  # two here, one from the portfolio fixture


def test_delegation_works_on_a_project_it_takes_part_in(korea_client, joint_project):
    milestone = MilestoneFactory(project=joint_project, due_on=YESTERDAY)
    response = korea_client.post(f"/projects/milestones/{milestone.pk}/done/")
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on == timezone.localdate()
    response = korea_client.post(
        f"/projects/{joint_project.pk}/updates/new/", {"text": "Drilling done", "reported_stage": ""}
    )
    assert response.status_code == 302
    update = ProjectUpdate.objects.get()
    assert (update.text, update.author_label, update.author_member.iso2) == ("Drilling done", "korea", "KR")
    # ...but not the project record itself.
    assert korea_client.get(f"/projects/{joint_project.pk}/edit/").status_code == 403


def test_observer_sees_no_edit_controls_and_gets_403(observer_client, korean_project):
    page = observer_client.get(f"/projects/{korean_project.pk}/")
    assert page.status_code == 200 and page.context["can_work"] is False
    assert (
        observer_client.post(f"/projects/{korean_project.pk}/updates/new/", {"text": "x"}).status_code == 403
    )


def test_secretariat_registers_a_project(secretariat_client, korea, lithium):
    response = secretariat_client.post(
        "/projects/new/",
        {
            "title": "New refinery",
            "minerals": [lithium.pk],
            "segment": "processing",
            "host_country": "ZM",
            "lead_member": korea.pk,
            "stage": "prospect",
            "budget_amount": "1,5",
            "budget_currency": "usd",
            "confidentiality": "members",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "budget_amount": ["Not a number: give an amount such as 1250000.00."]
    }


def test_dashboard_card_and_member_page_link(korea_client, portfolio, korea):
    response = korea_client.get("/")
    glance = response.context["portfolio"]
    assert (glance.active_projects, glance.overdue_milestones) == (2, 1)
    page = korea_client.get("/members/KR/").content.decode()
    assert 'href="/projects/?member=KR"' in page


def test_minerals_page_says_crma_names_are_transcribed(korea_client, lithium):
    response = korea_client.get("/projects/minerals/")
    assert "The CRMA names are transcribed" in response.content.decode()


def test_project_page_speaks_korean_and_keeps_the_title_as_entered(korea_client, portfolio):
    korea_client.cookies["django_language"] = "ko"
    page = korea_client.get(f"/projects/{portfolio['c'].pk}/").content.decode()
    assert "C magnet recycling" in page
    assert "<h2>이정표</h2>" in page and "<h2>재원 약정</h2>" in page and "<h2>단계 이력</h2>" in page


def test_project_form_help_texts_speak_korean(secretariat_client):
    secretariat_client.cookies["django_language"] = "ko"
    page = secretariat_client.get("/projects/new/").content.decode()
    assert "ISO 4217 통화 코드 (예: USD, EUR, JPY)." in page and "소수점 이하 두 자리까지." in page
