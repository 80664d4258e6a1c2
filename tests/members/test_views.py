import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import ChairTerm, Delegate
from tests.factories import ChairTermFactory, DelegateFactory, MemberFactory


def test_pages_need_a_session(client, db):
    response = client.get("/members/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/members/"


def test_dashboard_names_korea_until_june_and_warns_of_no_successor(secretariat_client, korea):
    ChairTermFactory(member=korea, starts_on=datetime.date(2026, 2, 4), ends_on=datetime.date(2026, 6, 30))
    page = secretariat_client.get("/").content.decode()
    assert "Republic of Korea" in page
    assert "30 June 2026" in page
    assert "No successor is designated." in page


def test_member_directory_filters_and_sorts(secretariat_client, korea, japan):
    MemberFactory(iso2="EU", name="European Commission", kind="organisation", msp_partner=True)
    page = secretariat_client.get("/members/?kind=organisation").content.decode()
    assert "European Commission" in page and "Japan" not in page
    page = secretariat_client.get("/members/?q=jap").content.decode()
    assert "Japan" in page and "Republic of Korea" not in page
    page = secretariat_client.get("/members/?sort=-name").content.decode()
    assert page.index("Republic of Korea") < page.index("Japan") < page.index("European Commission")


def test_delegation_user_adds_a_delegate_to_its_own_member(korea_client, korea):
    response = korea_client.post(
        "/members/KR/delegates/new/",
        {"full_name": "Kim Min-jun", "capacity": "head", "email": "kim@example.org"},
    )
    assert response.status_code == 302
    delegate = Delegate.objects.get()
    assert (delegate.member, delegate.full_name) == (korea, "Kim Min-jun")
    page = korea_client.get("/members/KR/").content.decode()
    assert "Kim Min-jun" in page and "History" in page and "korea" in page


def test_delegation_user_cannot_edit_another_members_delegates(korea_client, japan):
    sato = DelegateFactory(member=japan, full_name="Sato")
    assert korea_client.get(f"/members/delegates/{sato.pk}/edit/").status_code == 404
    assert (
        korea_client.post(
            f"/members/delegates/{sato.pk}/edit/", {"full_name": "X", "capacity": "head"}
        ).status_code
        == 404
    )
    assert korea_client.get("/members/JP/delegates/new/").status_code == 404
    assert (
        korea_client.post("/members/JP/delegates/new/", {"full_name": "X", "capacity": "head"}).status_code
        == 404
    )
    sato.refresh_from_db()
    assert sato.full_name == "Sato"
    assert Delegate.objects.count() == 1


def test_observer_reads_but_cannot_edit(observer_client, korea):
    assert observer_client.get("/members/KR/").status_code == 200
    assert observer_client.get("/members/KR/delegates/new/").status_code == 403


def test_delegate_form_shows_field_errors_and_saves_nothing(korea_client, korea):
    response = korea_client.post(
        "/members/KR/delegates/new/",
        {
            "full_name": "Kim",
            "capacity": "head",
            "active_from": "2026-05-01",
            "active_until": "2026-04-01",
            "phone": "call me",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["active_until"] == ["The end of activity cannot be before its start."]
    assert form.errors["phone"] == ["Give a phone number: digits, spaces, + ( ) - . /"]
    assert Delegate.objects.count() == 0


def test_overlapping_chair_term_form_shows_the_clash(secretariat_client, korea, japan):
    ChairTermFactory(member=korea)
    response = secretariat_client.post(
        "/members/chair/new/",
        {
            "forum": "FORGE",
            "member": japan.pk,
            "role": "chair",
            "starts_on": "2026-06-01",
            "ends_on": "2027-06-30",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["starts_on"] == [
        "Overlaps an existing term: Republic of Korea, chair 2026-02-04 to 2026-06-30."
    ]
    assert ChairTerm.objects.count() == 1


def test_only_the_secretariat_edits_the_rotation(korea_client, korea):
    assert korea_client.get("/members/chair/new/").status_code == 403


def test_chair_rotation_page_draws_the_timeline_with_the_gap(secretariat_client, korea):
    ChairTermFactory(member=korea)
    page = secretariat_client.get("/members/chair/").content.decode()
    assert "<svg" in page and "No chair designated" in page and "KR · FORGE" in page


def test_admin_writes_through_services_and_shows_overlap_errors(secretariat_client, korea, japan):
    ChairTermFactory(member=korea)
    response = secretariat_client.post(
        "/admin/members/chairterm/add/",
        {
            "forum": "FORGE",
            "member": japan.pk,
            "role": "chair",
            "starts_on": "2026-06-01",
            "ends_on": "",
            "basis": "",
        },
    )
    assert response.status_code == 200
    assert "Overlaps an existing term" in response.content.decode()
    assert ChairTerm.objects.count() == 1
    response = secretariat_client.post(
        "/admin/members/chairterm/add/",
        {
            "forum": "FORGE",
            "member": japan.pk,
            "role": "chair",
            "starts_on": "2026-07-01",
            "ends_on": "",
            "basis": "x",
        },
    )
    assert response.status_code == 302
    from core.models import AuditEntry

    assert AuditEntry.objects.filter(channel="admin", action="create").count() == 1


@pytest.mark.parametrize("url", ["/members/", "/members/KR/", "/members/chair/"])
def test_list_pages_run_the_same_queries_for_1_and_50_rows(url, secretariat_client, korea):
    ChairTermFactory(member=korea)
    DelegateFactory(member=korea)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert secretariat_client.get(url).status_code == 200
        return len(ctx)

    one = count()
    for index in range(50):
        member = MemberFactory(iso2=f"Q{chr(65 + index % 26)}" if index < 26 else f"W{chr(65 + index % 26)}")
        DelegateFactory(member=korea)
        ChairTermFactory(
            member=member,
            starts_on=datetime.date(1950 + index, 1, 1),
            ends_on=datetime.date(1950 + index, 6, 1),
        )
    assert count() == one


def test_healthz_reports_database_and_broker(client, db):
    body = client.get("/healthz").json()
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is True


def test_member_pages_and_rotation_speak_korean_and_keep_names_as_entered(korea_client, korea):
    ChairTermFactory(member=korea)
    korea_client.cookies["django_language"] = "ko"
    page = korea_client.get("/members/").content.decode()
    assert "<h1>회원</h1>" in page and "조건에 맞는 회원이 없습니다." not in page
    page = korea_client.get("/members/KR/").content.decode()
    assert "<h2>대표단</h2>" in page and "Republic of Korea" in page
    page = korea_client.get("/members/chair/").content.decode()
    assert "<h1>의장 순번</h1>" in page and "<h2>연표</h2>" in page
    assert '<title id="timeline-title">' in page and "오늘(" in page and "Republic of Korea" in page
