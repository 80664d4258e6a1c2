import datetime
import json

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import AuditEntry
from members.choices import TokenScope
from members.models import Delegate, Member, PartnerToken
from tests.factories import ChairTermFactory, DelegateFactory, MemberFactory

PROBLEM = "application/problem+json"


@pytest.fixture
def session_api(secretariat_user) -> APIClient:
    client = APIClient()
    client.force_authenticate(secretariat_user)
    return client


def _bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


# Tokens -----------------------------------------------------------------------------------


def test_no_token_is_401_with_bearer_challenge(db):
    response = APIClient().get("/api/v1/members/")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"] == 'Bearer realm="forge"'


def test_read_token_reads_but_gets_403_on_writes(korea, api_client_for):
    client = api_client_for(TokenScope.READ, korea)
    assert client.get("/api/v1/members/KR/").status_code == 200
    response = client.post("/api/v1/delegates/", {"member": "KR", "full_name": "New"}, format="json")
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert response.json()["detail"] == "This token or account may only read."
    assert Delegate.objects.count() == 0


def test_revoked_token_is_401(korea, make_token, system_actor):
    from members.services import partner_token_revoke

    raw = make_token(TokenScope.WRITE, korea, name="ministry")
    partner_token_revoke(actor=system_actor, token=PartnerToken.objects.get(name="ministry"))
    response = _bearer(raw).get("/api/v1/members/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Unknown, revoked or expired token."


def test_expired_token_is_401(korea, make_token):
    raw = make_token(TokenScope.READ, korea, name="old", expires_in_days=1)
    PartnerToken.objects.filter(name="old").update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert _bearer(raw).get("/api/v1/members/").status_code == 401


def test_unknown_and_malformed_tokens_are_401(db):
    assert _bearer("forge_nothing").get("/api/v1/members/").status_code == 401
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer two words")
    assert client.get("/api/v1/members/").status_code == 401


def test_token_secret_is_stored_only_as_hash(korea, make_token):
    raw = make_token(TokenScope.READ, korea, name="hashcheck")
    token = PartnerToken.objects.get(name="hashcheck")
    assert raw not in (token.key_hash, token.prefix)
    assert raw.startswith(f"forge_{token.prefix}_")


def test_create_partner_token_command_prints_token_once(korea, capsys):
    from django.core.management import call_command

    call_command(
        "create_partner_token", "--name", "dfi", "--member", "kr", "--scope", "write", "--expires-days", "30"
    )
    raw = capsys.readouterr().out.strip()
    token = PartnerToken.objects.get(name="dfi")
    assert (token.member, token.scope) == (korea, "write")
    assert _bearer(raw).get("/api/v1/members/KR/").status_code == 200


def test_create_partner_token_command_rejects_unknown_member(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="--member: no member with ISO code 'ZZ'"):
        call_command("create_partner_token", "--name", "x", "--member", "ZZ")
    assert PartnerToken.objects.count() == 0


# Delegation scope ------------------------------------------------------------------------


def test_member_bound_token_manages_its_own_delegates(korea, api_client_for):
    client = api_client_for(TokenScope.WRITE, korea)
    response = client.post("/api/v1/delegates/", {"member": "kr", "full_name": "Kim"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["member"] == "KR"
    assert response["ETag"]
    delegate = Delegate.objects.get()
    assert (
        AuditEntry.objects.filter(
            object_id=str(delegate.pk), channel="api", actor_label__startswith="token:"
        ).count()
        == 1
    )


def test_other_delegations_delegates_are_not_found_for_writes(korea, japan, api_client_for):
    japanese = DelegateFactory(member=japan, full_name="Sato")
    client = api_client_for(TokenScope.WRITE, korea)
    url = f"/api/v1/delegates/{japanese.pk}/"
    assert client.patch(url, {"full_name": "Changed"}, format="json").status_code == 404
    assert client.delete(url).status_code == 404
    assert (
        client.post(
            "/api/v1/delegates/", {"member": "JP", "full_name": "Intruder"}, format="json"
        ).status_code
        == 404
    )
    japanese.refresh_from_db()
    assert japanese.full_name == "Sato"
    assert Delegate.objects.count() == 1


def test_forum_wide_token_does_not_see_contact_details(korea, api_client_for):
    delegate = DelegateFactory(member=korea)
    client = api_client_for(TokenScope.READ, None)
    assert client.get("/api/v1/delegates/").json()["results"] == []
    assert client.get(f"/api/v1/delegates/{delegate.pk}/").status_code == 404


def test_delegation_cannot_move_a_delegate_to_another_member(korea, japan, api_client_for):
    delegate = DelegateFactory(member=korea)
    response = api_client_for(TokenScope.WRITE, korea).patch(
        f"/api/v1/delegates/{delegate.pk}/", {"member": "JP"}, format="json"
    )
    assert response.status_code == 403
    delegate.refresh_from_db()
    assert delegate.member == korea


# Bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        (
            {"iso2": "KR", "name": "X", "capital_time_zone": "Mars/Olympus"},
            "capital_time_zone",
            "“Mars/Olympus” is not an IANA time zone (for example Asia/Seoul).",
        ),
        (
            {"iso2": "k1", "name": "X", "capital_time_zone": "UTC"},
            "iso2",
            "Give a two-letter ISO 3166-1 code in capitals (EU for the European Commission).",
        ),
        (
            {"iso2": "QQ", "name": "N" * 121, "capital_time_zone": "UTC"},
            "name",
            "Ensure this field has no more than 120 characters.",
        ),
    ],
)
def test_bad_member_input_is_400_naming_the_field(session_api, payload, field, message):
    response = session_api.post("/api/v1/members/", payload, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["errors"][field] == [message]
    assert body["status"] == 400
    assert Member.objects.count() == 0


def test_delegate_end_before_start_is_400(korea, api_client_for):
    response = api_client_for(TokenScope.WRITE, korea).post(
        "/api/v1/delegates/",
        {"member": "KR", "full_name": "Kim", "active_from": "2026-05-01", "active_until": "2026-04-01"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"active_until": ["The end of activity cannot be before its start."]}
    assert Delegate.objects.count() == 0


def test_chair_term_end_before_start_is_400(session_api, korea):
    response = session_api.post(
        "/api/v1/chair-terms/",
        {"member": "KR", "starts_on": "2027-01-02", "ends_on": "2027-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"ends_on": ["A term cannot end before it starts."]}


def test_chair_term_overlap_is_400_naming_the_clash(session_api, korea):
    ChairTermFactory(member=korea)
    response = session_api.post(
        "/api/v1/chair-terms/", {"member": "KR", "starts_on": "2026-06-01", "role": "chair"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "starts_on": ["Overlaps an existing term: Republic of Korea, chair 2026-02-04 to 2026-06-30."]
    }


def test_malformed_json_is_400_problem(korea, api_client_for):
    client = api_client_for(TokenScope.WRITE, korea)
    response = client.generic(
        "POST", "/api/v1/delegates/", b'{"member": "KR",', content_type="application/json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["title"] == "Bad request"
    assert "JSON parse error" in response.json()["detail"]
    assert Delegate.objects.count() == 0


def test_bad_filters_and_cursor_are_400_naming_the_parameter(korea, api_client_for):
    client = api_client_for(TokenScope.READ, korea)
    assert client.get("/api/v1/members/?updated_since=yesterday").json()["errors"] == {
        "updated_since": ["Enter a valid date/time."]
    }
    assert (
        client.get("/api/v1/members/?status=ruling")
        .json()["errors"]["status"][0]
        .startswith("Select a valid")
    )
    assert client.get("/api/v1/members/?page_size=501").json()["errors"] == {
        "page_size": ["Give a whole number from 1 to 500."]
    }
    assert client.get("/api/v1/delegates/?cursor=%%%").json()["errors"] == {
        "cursor": ["Not a cursor this API issued."]
    }
    assert client.get("/api/v1/chair/?on=someday").status_code == 400


def test_unknown_api_path_is_problem_404(korea, api_client_for):
    response = api_client_for(TokenScope.READ, korea).get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


# Lists, pages, filters, ETags -------------------------------------------------------------


def test_cursor_pagination_walks_every_member_once_in_order(korea, api_client_for):
    for code in ["QA", "QB", "QC", "QD", "QE"]:
        MemberFactory(iso2=code)
    client = api_client_for(TokenScope.READ, korea)
    seen, url = [], "/api/v1/members/?page_size=2"
    while url:
        body = client.get(url).json()
        seen += [row["iso2"] for row in body["results"]]
        url = body["next"]
    assert seen == ["KR", "QA", "QB", "QC", "QD", "QE"]


def test_member_filter_by_status_kind_and_codes(korea, japan, api_client_for):
    MemberFactory(iso2="EU", kind="organisation", msp_partner=True)
    client = api_client_for(TokenScope.READ, korea)
    assert [m["iso2"] for m in client.get("/api/v1/members/?kind=organisation").json()["results"]] == ["EU"]
    assert [m["iso2"] for m in client.get("/api/v1/members/?iso2=jp,kr").json()["results"]] == ["KR", "JP"]
    assert [m["iso2"] for m in client.get("/api/v1/members/?msp_partner=true").json()["results"]] == ["EU"]


def test_delegates_filter_by_member_code(korea, japan, api_client_for):
    DelegateFactory(member=korea, full_name="Kim")
    DelegateFactory(member=japan, full_name="Sato")
    body = api_client_for(TokenScope.READ, korea).get("/api/v1/delegates/?member=jp").json()
    assert [d["full_name"] for d in body["results"]] == ["Sato"]


def test_updated_since_filters_changed_rows(korea, japan, api_client_for):
    Member.objects.filter(iso2="JP").update(updated_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    Member.objects.filter(iso2="KR").update(updated_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC))
    body = (
        api_client_for(TokenScope.READ, korea)
        .get("/api/v1/members/?updated_since=2026-02-01T00:00:00Z")
        .json()
    )
    assert [m["iso2"] for m in body["results"]] == ["KR"]


def test_etag_and_if_none_match_gives_304(korea, api_client_for):
    client = api_client_for(TokenScope.READ, korea)
    first = client.get("/api/v1/members/KR/")
    again = client.get("/api/v1/members/KR/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]


def test_stale_if_match_gives_412_and_changes_nothing(korea, api_client_for):
    delegate = DelegateFactory(member=korea, full_name="Kim")
    client = api_client_for(TokenScope.WRITE, korea)
    url = f"/api/v1/delegates/{delegate.pk}/"
    etag = client.get(url)["ETag"]
    assert client.patch(url, {"title": "Director"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    stale = client.patch(url, {"title": "Minister"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale["Content-Type"] == PROBLEM
    delegate.refresh_from_db()
    assert delegate.title == "Director"


def test_chair_endpoint_reports_gap_and_troika(korea, api_client_for):
    ChairTermFactory(member=korea)
    client = api_client_for(TokenScope.READ, None)
    during = client.get("/api/v1/chair/?on=2026-06-20").json()
    assert (during["current"]["member"], during["days_to_handover"], during["successor_designated"]) == (
        "KR",
        11,
        False,
    )
    after = client.get("/api/v1/chair/?on=2026-11-28").json()
    assert after["current"] is None
    assert after["gap"] == {"starts_on": "2026-07-01", "ends_on": None}
    assert after["previous"]["member"] == "KR"


@pytest.mark.parametrize("url", ["/api/v1/members/", "/api/v1/delegates/", "/api/v1/chair-terms/"])
def test_list_endpoints_run_the_same_queries_for_1_and_50_rows(
    url, korea, api_client_for, django_assert_num_queries
):
    client = api_client_for(TokenScope.READ, korea)
    ChairTermFactory(member=korea)
    DelegateFactory(member=korea)

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url + "?page_size=100").status_code == 200
        return len(ctx)

    count()  # the first request of a token also records its last use
    one = count()
    for index in range(50):
        member = MemberFactory(iso2=f"Q{chr(65 + index % 26)}" if index < 26 else f"W{chr(65 + index % 26)}")
        DelegateFactory(member=member)
        ChairTermFactory(
            member=member,
            starts_on=datetime.date(1950 + index, 1, 1),
            ends_on=datetime.date(1950 + index, 6, 1),
        )
    assert count() == one


def test_problem_json_never_leaks_a_stack_trace(korea, api_client_for):
    response = api_client_for(TokenScope.WRITE, korea).post(
        "/api/v1/delegates/", json.dumps({"member": ["not", "a", "code"]}), content_type="application/json"
    )
    assert response.status_code == 400
    assert "Traceback" not in response.content.decode()
