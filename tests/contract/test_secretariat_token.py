"""A secretariat system's credential: a partner token acting as a secretariat account."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from core.models import AuditEntry
from members.models import Member, PartnerToken


def _create_token(*args: str) -> str:
    out = io.StringIO()
    call_command("create_partner_token", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def _client(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


NEW_MEMBER = {
    "iso2": "QQ",
    "name": "Test State",
    "kind": "state",
    "status": "participant",
    "capital_time_zone": "UTC",
}


def test_token_acting_as_a_secretariat_account_writes_as_the_secretariat(secretariat_user):
    raw = _create_token("--name", "secretariat system", "--user", "secretariat", "--scope", "write")

    response = _client(raw).post("/api/v1/members/", NEW_MEMBER, format="json")

    assert response.status_code == 201, response.content
    token = PartnerToken.objects.get(name="secretariat system")
    assert token.user == secretariat_user
    member = Member.objects.get(iso2="QQ")
    entry = AuditEntry.objects.filter(object_id=str(member.pk), object_repr=str(member)).get()
    assert (entry.actor_label, entry.actor_user_id, entry.channel) == (
        "token:secretariat system",
        secretariat_user.pk,
        "api",
    )


def test_read_token_acting_as_a_secretariat_account_reads_but_never_writes(secretariat_user):
    raw = _create_token("--name", "secretariat reader", "--user", "secretariat")

    assert _client(raw).get("/api/v1/members/").status_code == 200
    response = _client(raw).post("/api/v1/members/", NEW_MEMBER, format="json")

    assert response.status_code == 403
    assert not Member.objects.filter(iso2="QQ").exists()


def test_member_bound_write_token_may_not_add_members(korea, make_token):
    response = _client(make_token("write", korea)).post("/api/v1/members/", NEW_MEMBER, format="json")

    assert response.status_code == 403


def test_token_of_a_deactivated_account_is_refused(secretariat_user):
    raw = _create_token("--name", "secretariat system", "--user", "secretariat", "--scope", "write")
    secretariat_user.is_active = False
    secretariat_user.save(update_fields=["is_active"])

    response = _client(raw).get("/api/v1/members/")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_token_for_both_a_member_and_a_user_is_refused_naming_user(secretariat_user, korea):
    with pytest.raises(CommandError, match="--user: A token acts for a member or as a user, not both."):
        _create_token("--name", "both", "--user", "secretariat", "--member", "KR")
    assert not PartnerToken.objects.filter(name="both").exists()


def test_token_for_an_unknown_account_is_refused(db):
    with pytest.raises(CommandError, match="--user: no account named 'nobody'."):
        _create_token("--name", "ghost", "--user", "nobody")
