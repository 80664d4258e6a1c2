"""Refusals the route matrix found wrong: a read-only page answers POST with 405 (not the page
again), a read-only caller on a procedure it may see is refused (403, not "not found"), and a
write to a record the caller may read but not change is refused before its body is read."""

from __future__ import annotations

import datetime

import pytest

from core.actors import Actor
from core.choices import Confidentiality
from decisions.choices import DecisionKind
from decisions.services import decision as decision_services
from decisions.services import procedure as procedure_services
from members.choices import TokenScope
from members.models import Delegate, Member
from tests.factories import DelegateFactory
from tests.factories.markets import AT

pytestmark = pytest.mark.django_db

READ_PAGES = [
    "/members/",
    "/members/JP/",
    "/members/chair/",
    "/meetings/",
    "/meetings/calendar/",
    "/projects/",
    "/projects/coverage/",
    "/decisions/",
    "/decisions/positions/",
    "/decisions/positions/JP/",
    "/markets/",
]


@pytest.mark.parametrize("path", READ_PAGES)
def test_read_page_answers_post_with_405(secretariat_client, korea, japan, path):
    assert secretariat_client.get(path).status_code == 200
    refused = secretariat_client.post(path, {"anything": "x"})
    assert refused.status_code == 405
    assert refused["Allow"] == "GET, HEAD"


def _public_procedure():
    system = Actor.system()
    draft = decision_services.decision_create(
        actor=system,
        now=AT,
        title="Public statement",
        kind=DecisionKind.DECISION,
        text="Text.",
        confidentiality=Confidentiality.PUBLIC,
    )
    return procedure_services.procedure_open(
        actor=system,
        decision=draft,
        deadline_local=datetime.datetime(2026, 2, 20, 18, 0),  # noqa: DTZ001 - wall clock in time_zone
        time_zone="Europe/Brussels",
        all_members=True,
        now=AT,
    )


@pytest.mark.parametrize("page", ["answer", "withdraw-objection"])
def test_observer_on_a_procedure_it_may_see_is_refused_not_told_it_is_missing(observer_client, korea, page):
    procedure = _public_procedure()
    assert observer_client.get(f"/decisions/{procedure.decision_id}/").status_code == 200

    assert observer_client.get(f"/decisions/procedures/{procedure.pk}/{page}/").status_code == 403
    assert observer_client.post(f"/decisions/procedures/{procedure.pk}/{page}/", {}).status_code == 403
    assert observer_client.get(f"/decisions/procedures/999999999/{page}/").status_code == 404


def test_read_token_answering_a_procedure_over_the_api_is_refused(api_client_for, korea):
    procedure = _public_procedure()
    client = api_client_for(TokenScope.READ)
    assert client.get(f"/api/v1/procedures/{procedure.pk}/").status_code == 200
    answer = client.post(
        f"/api/v1/procedures/{procedure.pk}/answer/", {"member": "KR", "kind": "support"}, format="json"
    )
    assert answer.status_code == 403


@pytest.mark.parametrize("method", ["put", "patch"])
def test_another_members_record_is_refused_before_its_body_is_read(api_client_for, korea, japan, method):
    client = api_client_for(TokenScope.WRITE, member=korea)
    name = Member.objects.get(pk=japan.pk).name

    refused = getattr(client, method)("/api/v1/members/JP/", {}, format="json")

    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    assert Member.objects.get(pk=japan.pk).name == name
    assert getattr(client, method)("/api/v1/members/ZZ/", {}, format="json").status_code == 404


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_another_delegations_contact_answers_as_missing_before_its_body_is_read(
    api_client_for, korea, japan, method
):
    contact = DelegateFactory(member=japan, full_name="Sato Yuki")
    client = api_client_for(TokenScope.WRITE, member=korea)

    refused = getattr(client, method)(f"/api/v1/delegates/{contact.pk}/", {}, format="json")

    assert refused.status_code == 404
    assert Delegate.objects.get(pk=contact.pk).full_name == "Sato Yuki"
    assert getattr(client, method)("/api/v1/delegates/999999999/", {}, format="json").status_code == 404
