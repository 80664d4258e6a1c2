import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.choices import Confidentiality
from meetings import services
from meetings.choices import MeetingKind
from meetings.models import Document, Invitation, Meeting, Registration
from members.choices import TokenScope
from tests.factories import DelegateFactory, MemberFactory
from tests.meetings.conftest import pdf, text_file

PROBLEM = "application/problem+json"
pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat_api(secretariat_user) -> APIClient:
    client = APIClient()
    client.force_authenticate(secretariat_user)
    return client


@pytest.fixture
def korea_writer(api_client_for, korea):
    return api_client_for(TokenScope.WRITE, korea)


@pytest.fixture
def korea_reader(api_client_for, korea):
    return api_client_for(TokenScope.READ, korea)


@pytest.fixture
def accepted(invited, system_actor):
    """Both invitations accepted (by the secretariat on the delegations' behalf)."""
    return {
        code: services.invitation_answer(actor=system_actor, invitation=inv, status="accepted")
        for code, inv in invited.items()
    }


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


def _meeting(actor, title, **extra):
    fields = {
        "status": "announced",
        "kind": MeetingKind.SOM,
        "title": title,
        "venue_name": "Venue",
        "starts_at": datetime.datetime(2027, 3, 1, 9, tzinfo=datetime.UTC),
        "ends_at": datetime.datetime(2027, 3, 1, 10, tzinfo=datetime.UTC),
    }
    return services.meeting_schedule(actor=actor, **{**fields, **extra})


# Meetings ------------------------------------------------------------------------------------


def test_meeting_create_by_secretariat(secretariat_api, korea_chair):
    body = {
        "kind": "som",
        "title": "SOM 2",
        "venue_name": "Seoul",
        "venue_time_zone": "Asia/Seoul",
        "starts_at": "2027-03-10T09:00:00+09:00",
        "ends_at": "2027-03-10T17:00:00+09:00",
        "restricted_to": ["kr"],
        "confidentiality": "restricted",
    }
    response = secretariat_api.post("/api/v1/meetings/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["starts_at"], data["chaired_by"], data["status"], data["restricted_to"]) == (
        "2027-03-10T00:00:00Z",
        "KR",
        "draft",
        ["KR"],
    )
    assert data["uid"] == f"meeting-{data['id']}@forge.invalid"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"venue_time_zone": "Mars/Olympus"},
            "venue_time_zone",
            "“Mars/Olympus” is not an IANA time zone (for example Asia/Seoul).",
        ),
        ({"ends_at": "2027-03-10T08:00:00+09:00"}, "ends_at", "A meeting must end after it starts."),
        ({"kind": "party"}, "kind", '"party" is not a valid choice.'),
        ({"starts_at": "tomorrow"}, "starts_at", None),
    ],
)
def test_meeting_create_bad_input_is_400_naming_the_field(secretariat_api, change, field, message):
    body = {
        "kind": "som",
        "title": "SOM 2",
        "venue_name": "Seoul",
        "starts_at": "2027-03-10T09:00:00+09:00",
        "ends_at": "2027-03-10T17:00:00+09:00",
        **change,
    }
    response = secretariat_api.post("/api/v1/meetings/", body, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    errors = response.json()["errors"]
    assert list(errors) == [field]
    if message:
        assert errors[field] == [message]
    assert Meeting.objects.count() == 0


def test_malformed_json_is_400_problem(secretariat_api):
    response = secretariat_api.post("/api/v1/meetings/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert Meeting.objects.count() == 0


def test_meeting_status_action_refuses_illegal_moves(secretariat_api, som):
    response = secretariat_api.post(f"/api/v1/meetings/{som.pk}/status/", {"status": "held"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "status": [
            "A meeting cannot go from announced to held; from here it can become: cancelled, confirmed."
        ]
    }
    response = secretariat_api.post(
        f"/api/v1/meetings/{som.pk}/status/", {"status": "confirmed"}, format="json"
    )
    assert (response.status_code, response.json()["status"], response.json()["ics_sequence"]) == (
        200,
        "confirmed",
        1,
    )


def test_meeting_writes_refused_for_delegation_tokens(korea_writer, korea_reader, som):
    body = {"title": "Mine now"}
    assert korea_reader.patch(f"/api/v1/meetings/{som.pk}/", body, format="json").status_code == 403
    response = korea_writer.patch(f"/api/v1/meetings/{som.pk}/", body, format="json")
    assert (response.status_code, response.json()["detail"]) == (
        403,
        "Only the secretariat manages meetings.",
    )
    assert Meeting.objects.get(pk=som.pk).title == "SOM 1"


def test_meeting_hidden_from_others_is_404(korea_writer, system_actor, japan):
    secret = _meeting(system_actor, "Secret", confidentiality=Confidentiality.SECRETARIAT)
    restricted = _meeting(
        system_actor, "JP only", confidentiality=Confidentiality.RESTRICTED, restricted_to=[japan]
    )
    draft = _meeting(system_actor, "Draft", status="draft")
    for meeting in (secret, restricted, draft):
        assert korea_writer.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
    assert korea_writer.get("/api/v1/meetings/").json()["results"] == []


def test_meeting_invite_action(secretariat_api, som, korea, japan):
    response = secretariat_api.post(
        f"/api/v1/meetings/{som.pk}/invite/", {"members": ["KR", "jp"]}, format="json"
    )
    assert response.status_code == 201
    assert sorted(row["member"] for row in response.json()) == ["JP", "KR"]
    again = secretariat_api.post(f"/api/v1/meetings/{som.pk}/invite/", {"all_members": True}, format="json")
    assert again.json() == []
    assert Invitation.objects.filter(meeting=som).count() == 2


def test_meeting_list_filters(secretariat_api, system_actor, invited, som):
    other = _meeting(system_actor, "Working group", kind=MeetingKind.WORKING_GROUP)
    assert [m["id"] for m in secretariat_api.get("/api/v1/meetings/?member=kr").json()["results"]] == [som.pk]
    assert [
        m["id"] for m in secretariat_api.get("/api/v1/meetings/?kind=working_group").json()["results"]
    ] == [other.pk]
    response = secretariat_api.get("/api/v1/meetings/?status=nonsense")
    assert (response.status_code, list(response.json()["errors"])) == (400, ["status"])


# Invitations --------------------------------------------------------------------------------


def test_delegation_token_answers_its_own_invitation(korea_writer, invited):
    response = korea_writer.patch(
        f"/api/v1/invitations/{invited['KR'].pk}/", {"status": "accepted"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["answered_on_behalf"]) == ("accepted", False)
    assert response.json()["answered_by_label"].startswith("token:")


def test_delegation_token_cannot_see_or_answer_another_members_invitation(korea_writer, invited):
    url = f"/api/v1/invitations/{invited['JP'].pk}/"
    assert korea_writer.get(url).status_code == 404
    response = korea_writer.patch(url, {"status": "declined"}, format="json")
    assert (response.status_code, response["Content-Type"]) == (404, PROBLEM)
    assert Invitation.objects.get(pk=invited["JP"].pk).status == "pending"
    assert [row["member"] for row in korea_writer.get("/api/v1/invitations/").json()["results"]] == ["KR"]


def test_read_token_cannot_answer(korea_reader, invited):
    response = korea_reader.patch(
        f"/api/v1/invitations/{invited['KR'].pk}/", {"status": "accepted"}, format="json"
    )
    assert response.status_code == 403
    assert Invitation.objects.get(pk=invited["KR"].pk).status == "pending"


def test_delegation_cannot_change_its_quota(korea_writer, invited):
    response = korea_writer.patch(
        f"/api/v1/invitations/{invited['KR'].pk}/", {"seats_quota": 9}, format="json"
    )
    assert response.status_code == 403
    assert Invitation.objects.get(pk=invited["KR"].pk).seats_quota == 3


def test_credentials_upload_and_download_only_by_own_delegation(korea_writer, api_client_for, japan, invited):
    url = f"/api/v1/invitations/{invited['KR'].pk}/credentials/"
    response = korea_writer.post(url, {"file": pdf()}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["credentials"] == url
    download = korea_writer.get(url)
    assert (download.status_code, download["Content-Type"]) == (200, "application/pdf")
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    japan_writer = api_client_for(TokenScope.WRITE, japan)
    assert japan_writer.get(url).status_code == 404
    assert japan_writer.post(url, {"file": pdf()}, format="multipart").status_code == 404


def test_credentials_bad_file_is_400_and_changes_nothing(korea_writer, invited, settings):
    url = f"/api/v1/invitations/{invited['KR'].pk}/credentials/"
    response = korea_writer.post(url, {"file": text_file(name="letter.txt")}, format="multipart")
    assert (response.status_code, response["Content-Type"]) == (400, PROBLEM)
    assert response.json()["errors"] == {
        "credentials": ["This type of file is not accepted here; upload PDF."]
    }
    settings.FORGE_MAX_UPLOAD_BYTES = 10
    response = korea_writer.post(url, {"file": pdf()}, format="multipart")
    # Stopped while it arrives (core/uploads.py): 413 naming the multipart field.
    assert (response.status_code, list(response.json()["errors"])) == (413, ["file"])
    assert not Invitation.objects.get(pk=invited["KR"].pk).credentials


# Registrations ------------------------------------------------------------------------------


def test_registration_quota_exceeded_is_400(korea_writer, accepted, korea, system_actor):
    services.invitation_update(actor=system_actor, invitation=accepted["KR"], seats_quota=1)
    first, second = DelegateFactory(member=korea), DelegateFactory(member=korea)
    url = "/api/v1/registrations/"
    ok = korea_writer.post(url, {"invitation": accepted["KR"].pk, "delegate": first.pk}, format="json")
    assert ok.status_code == 201, ok.content
    assert (ok.json()["member"], ok.json()["capacity"], ok.json()["status"]) == ("KR", "delegate", "active")
    response = korea_writer.post(url, {"invitation": accepted["KR"].pk, "delegate": second.pk}, format="json")
    assert (response.status_code, response["Content-Type"]) == (400, PROBLEM)
    assert response.json()["errors"] == {
        "delegate": ["All 1 seats of this delegation are taken; withdraw or substitute someone."]
    }
    assert Registration.objects.count() == 1


def test_registration_for_another_member_is_404(korea_writer, accepted, japan, system_actor):
    delegate = DelegateFactory(member=japan)
    response = korea_writer.post(
        "/api/v1/registrations/", {"invitation": accepted["JP"].pk, "delegate": delegate.pk}, format="json"
    )
    assert response.status_code == 404
    registration = services.registration_add(actor=system_actor, invitation=accepted["JP"], delegate=delegate)
    assert korea_writer.get(f"/api/v1/registrations/{registration.pk}/").status_code == 404
    response = korea_writer.post(f"/api/v1/registrations/{registration.pk}/withdraw/")
    assert response.status_code == 404
    assert Registration.objects.get(pk=registration.pk).status == "active"


def test_registration_substitute_keeps_history(korea_writer, accepted, korea):
    first, second = DelegateFactory(member=korea), DelegateFactory(member=korea)
    created = korea_writer.post(
        "/api/v1/registrations/", {"invitation": accepted["KR"].pk, "delegate": first.pk}, format="json"
    ).json()
    response = korea_writer.post(
        f"/api/v1/registrations/{created['id']}/substitute/", {"delegate": second.pk}, format="json"
    )
    assert response.status_code == 201
    rows = korea_writer.get(f"/api/v1/registrations/?meeting={accepted['KR'].meeting_id}").json()["results"]
    assert [(r["delegate"], r["status"], r["replaced_by"]) for r in rows] == [
        (first.pk, "replaced", response.json()["id"]),
        (second.pk, "active", None),
    ]


# Documents ----------------------------------------------------------------------------------


@pytest.fixture
def japan_document(system_actor, som, japan):
    return services.document_upload(
        actor=system_actor,
        meeting=som,
        title="Japan's note",
        file=text_file(content=b"For Japan\n"),
        confidentiality=Confidentiality.RESTRICTED,
        restricted_to=[japan],
    )


def test_restricted_document_is_invisible_to_members_not_named(
    korea_writer, api_client_for, japan, japan_document
):
    base = f"/api/v1/documents/{japan_document.pk}/"
    assert korea_writer.get(base).status_code == 404
    assert korea_writer.get(base + "download/").status_code == 404
    assert korea_writer.get("/api/v1/documents/").json()["results"] == []
    japan_reader = api_client_for(TokenScope.READ, japan)
    assert japan_reader.get(base).json()["versions"][0]["number"] == 1
    download = japan_reader.get(base + "download/?version=1")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"For Japan\n"
    assert japan_reader.get(base + "download/?version=7").status_code == 404


def test_document_create_and_new_version(secretariat_api, som):
    response = secretariat_api.post(
        "/api/v1/documents/",
        {"meeting": som.pk, "title": "Agenda", "file": text_file(name="agenda.csv", content=b"a,b\n1,2\n")},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    document = response.json()
    assert [(v["number"], v["content_type"], v["size"]) for v in document["versions"]] == [(1, "text/csv", 8)]
    version = secretariat_api.post(
        f"/api/v1/documents/{document['id']}/versions/",
        {"file": text_file(content=b"v2\n")},
        format="multipart",
    )
    assert (version.status_code, version.json()["number"]) == (201, 2)
    latest = secretariat_api.get(f"/api/v1/documents/{document['id']}/download/")
    assert b"".join(latest.streaming_content) == b"v2\n"


def test_document_bad_type_is_400_and_changes_nothing(secretariat_api, som):
    response = secretariat_api.post(
        "/api/v1/documents/",
        {"meeting": som.pk, "title": "Virus", "file": text_file(name="x.exe", content=b"MZ")},
        format="multipart",
    )
    assert (response.status_code, response["Content-Type"]) == (400, PROBLEM)
    assert list(response.json()["errors"]) == ["file"]
    assert Document.objects.count() == 0


# Agenda, outcomes, action items ------------------------------------------------------------------


def test_agenda_items_api_and_reorder(secretariat_api, som):
    ids = [
        secretariat_api.post("/api/v1/agenda-items/", {"meeting": som.pk, "title": t}, format="json").json()[
            "id"
        ]
        for t in ("A", "B")
    ]
    response = secretariat_api.post(
        f"/api/v1/meetings/{som.pk}/agenda-order/", {"order": ids[::-1]}, format="json"
    )
    assert [(row["title"], row["position"]) for row in response.json()] == [("B", 1), ("A", 2)]
    bad = secretariat_api.post(f"/api/v1/meetings/{som.pk}/agenda-order/", {"order": [ids[0]]}, format="json")
    assert (bad.status_code, list(bad.json()["errors"])) == (400, ["order"])


@pytest.mark.parametrize("endpoint", ["agenda-items", "outcomes", "action-items"])
def test_children_of_a_hidden_meeting_are_404_and_delegations_cannot_write(
    endpoint, korea_writer, korea_reader, system_actor, som, korea
):
    hidden = _meeting(system_actor, "Secret", confidentiality=Confidentiality.SECRETARIAT)
    body = {"meeting": hidden.pk, "title": "x", "kind": "decision", "description": "x", "owner": "KR"}
    response = korea_writer.post(f"/api/v1/{endpoint}/", body, format="json")
    assert response.status_code == 404
    response = korea_writer.post(f"/api/v1/{endpoint}/", {**body, "meeting": som.pk}, format="json")
    assert response.status_code == 403
    assert (
        korea_reader.post(f"/api/v1/{endpoint}/", {**body, "meeting": som.pk}, format="json").status_code
        == 403
    )


def test_action_item_owner_may_update_status_only(korea_writer, system_actor, som, korea, japan):
    mine = services.action_item_create(actor=system_actor, meeting=som, owner=korea, description="Do it")
    theirs = services.action_item_create(actor=system_actor, meeting=som, owner=japan, description="Theirs")
    ok = korea_writer.patch(f"/api/v1/action-items/{mine.pk}/", {"status": "done"}, format="json")
    assert (ok.status_code, ok.json()["status"]) == (200, "done")
    refused = korea_writer.patch(
        f"/api/v1/action-items/{mine.pk}/", {"description": "Changed"}, format="json"
    )
    assert (refused.status_code, list(refused.json()["errors"])) == (400, ["description"])
    assert (
        korea_writer.patch(
            f"/api/v1/action-items/{theirs.pk}/", {"status": "done"}, format="json"
        ).status_code
        == 403
    )


# Query counts: one row and many rows cost the same ------------------------------------------------


def _grow(system_actor, som, n):
    """n more meetings with invitations, agenda items, documents, outcomes, action items."""
    for index in range(n):
        member = MemberFactory()
        meeting = _meeting(system_actor, f"Extra {index}", restricted_to=[member])
        services.invitations_send(actor=system_actor, meeting=meeting, members=[member])
        invitation = meeting.invitations.get()
        services.invitation_answer(actor=system_actor, invitation=invitation, status="accepted")
        services.registration_add(
            actor=system_actor, invitation=invitation, delegate=DelegateFactory(member=member)
        )
        document = services.document_upload(
            actor=system_actor, meeting=meeting, title="D", file=text_file(), restricted_to=[member]
        )
        services.agenda_item_create(
            actor=system_actor, meeting=meeting, title="I", presenter=member, documents=[document]
        )
        outcome = services.outcome_create(
            actor=system_actor, meeting=meeting, kind="decision", title="O", document=document
        )
        services.action_item_create(
            actor=system_actor, meeting=meeting, outcome=outcome, owner=member, description="A"
        )


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/meetings/",
        "/api/v1/invitations/",
        "/api/v1/registrations/",
        "/api/v1/agenda-items/",
        "/api/v1/documents/",
        "/api/v1/outcomes/",
        "/api/v1/action-items/",
    ],
)
def test_api_lists_run_constant_queries(url, secretariat_api, system_actor, som):
    _grow(system_actor, som, 1)
    one = _queries(secretariat_api, url)
    _grow(system_actor, som, 4)
    assert len(secretariat_api.get(url).json()["results"]) >= 5
    assert _queries(secretariat_api, url) == one
