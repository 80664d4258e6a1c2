"""Moving a meeting across a chair handover: the chair follows the rotation unless one was
chosen, and clearing the chair means "the rotation's chair", the same in every channel."""

import datetime

import pytest
from rest_framework.test import APIClient

from meetings import services
from meetings.models import Meeting
from tests.factories import ChairTermFactory, MemberFactory

pytestmark = pytest.mark.django_db

# Korea chairs until 30 June 2027 (tests/meetings/conftest.py), Japan from 1 July 2027.
AFTER_HANDOVER = datetime.datetime(2027, 7, 14, 0, 0, tzinfo=datetime.UTC)


@pytest.fixture
def japan_chair(japan, korea_chair):
    return ChairTermFactory(
        member=japan, starts_on=datetime.date(2027, 7, 1), ends_on=datetime.date(2028, 6, 30)
    )


@pytest.fixture
def mongolia():
    return MemberFactory(iso2="MN", name="Mongolia", capital_time_zone="Asia/Ulaanbaatar")


def _chair(meeting) -> str | None:
    chair = Meeting.objects.get(pk=meeting.pk).chaired_by
    return chair.iso2 if chair else None


# Web -------------------------------------------------------------------------------------------


def _web_form(client, meeting, **changes) -> dict:
    """What the browser sends back: every field of the edit form as shown, with `changes`."""
    form = client.get(f"/meetings/{meeting.pk}/edit/").context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, datetime.datetime):
            value = value.strftime("%Y-%m-%dT%H:%M")
        data[name] = "" if value is None else value
    return {**data, **changes}


def test_web_edit_moving_across_the_handover_takes_the_new_chair(secretariat_client, som, japan_chair):
    # 14 July 2027, 09:00-17:00 in Seoul.
    data = _web_form(secretariat_client, som, starts_at="2027-07-14T09:00", ends_at="2027-07-14T17:00")
    response = secretariat_client.post(f"/meetings/{som.pk}/edit/", data)
    assert response.status_code == 302
    assert (Meeting.objects.get(pk=som.pk).starts_at, _chair(som)) == (AFTER_HANDOVER, "JP")


def test_web_edit_moving_keeps_a_chair_chosen_in_the_same_change(
    secretariat_client, som, japan_chair, mongolia
):
    data = _web_form(
        secretariat_client,
        som,
        starts_at="2027-07-14T09:00",
        ends_at="2027-07-14T17:00",
        chaired_by=mongolia.pk,
    )
    assert secretariat_client.post(f"/meetings/{som.pk}/edit/", data).status_code == 302
    assert _chair(som) == "MN"


def test_web_edit_moving_keeps_a_chair_chosen_before(
    secretariat_client, system_actor, som, japan_chair, mongolia
):
    services.meeting_update(actor=system_actor, meeting=som, chaired_by=mongolia)
    data = _web_form(secretariat_client, som, starts_at="2027-07-14T09:00", ends_at="2027-07-14T17:00")
    assert secretariat_client.post(f"/meetings/{som.pk}/edit/", data).status_code == 302
    assert _chair(som) == "MN"


def test_web_edit_clearing_the_chair_takes_the_rotation_chair(
    secretariat_client, system_actor, som, japan_chair, mongolia
):
    services.meeting_update(actor=system_actor, meeting=som, chaired_by=mongolia)
    data = _web_form(secretariat_client, som, chaired_by="")
    assert secretariat_client.post(f"/meetings/{som.pk}/edit/", data).status_code == 302
    assert _chair(som) == "KR"


def test_web_edit_clearing_the_chair_while_moving_takes_the_new_dates_chair(
    secretariat_client, system_actor, som, japan_chair, mongolia
):
    services.meeting_update(actor=system_actor, meeting=som, chaired_by=mongolia)
    data = _web_form(
        secretariat_client, som, starts_at="2027-07-14T09:00", ends_at="2027-07-14T17:00", chaired_by=""
    )
    assert secretariat_client.post(f"/meetings/{som.pk}/edit/", data).status_code == 302
    assert _chair(som) == "JP"


def test_web_edit_of_another_field_leaves_the_chair_alone(secretariat_client, system_actor, som, mongolia):
    services.meeting_update(actor=system_actor, meeting=som, chaired_by=mongolia)
    data = _web_form(secretariat_client, som, title="SOM 1 (Seoul)")
    assert secretariat_client.post(f"/meetings/{som.pk}/edit/", data).status_code == 302
    assert (Meeting.objects.get(pk=som.pk).title, _chair(som)) == ("SOM 1 (Seoul)", "MN")


# API -------------------------------------------------------------------------------------------


@pytest.fixture
def secretariat_api(secretariat_user) -> APIClient:
    client = APIClient()
    client.force_authenticate(secretariat_user)
    return client


def test_api_patch_moving_across_the_handover_takes_the_new_chair(secretariat_api, som, japan_chair):
    response = secretariat_api.patch(
        f"/api/v1/meetings/{som.pk}/",
        {"starts_at": "2027-07-14T00:00:00Z", "ends_at": "2027-07-14T08:00:00Z"},
        format="json",
    )
    assert (response.status_code, response.json()["chaired_by"], _chair(som)) == (200, "JP", "JP")


def test_api_patch_moving_with_a_chosen_chair_keeps_it(secretariat_api, som, japan_chair, mongolia):
    response = secretariat_api.patch(
        f"/api/v1/meetings/{som.pk}/",
        {"starts_at": "2027-07-14T00:00:00Z", "ends_at": "2027-07-14T08:00:00Z", "chaired_by": "MN"},
        format="json",
    )
    assert (response.status_code, _chair(som)) == (200, "MN")


def test_api_patch_clearing_the_chair_takes_the_rotation_chair(
    secretariat_api, system_actor, som, japan_chair, mongolia
):
    services.meeting_update(actor=system_actor, meeting=som, chaired_by=mongolia)
    response = secretariat_api.patch(f"/api/v1/meetings/{som.pk}/", {"chaired_by": None}, format="json")
    assert (response.status_code, _chair(som)) == (200, "KR")


# Admin -----------------------------------------------------------------------------------------


def _admin_form(client, meeting, **changes) -> dict:
    """The admin change form as shown (split date and time widgets), with `changes`."""
    form = client.get(f"/admin/meetings/meeting/{meeting.pk}/change/").context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, datetime.datetime):
            data[f"{name}_0"], data[f"{name}_1"] = value.strftime("%Y-%m-%d"), value.strftime("%H:%M:%S")
        elif isinstance(value, list):
            data[name] = [getattr(item, "pk", item) for item in value]
        else:
            data[name] = "" if value is None else value
    return {**data, **changes}


def test_admin_moving_across_the_handover_takes_the_new_chair(secretariat_client, som, japan_chair):
    data = _admin_form(
        secretariat_client,
        som,
        starts_at_0="2027-07-14",
        starts_at_1="00:00:00",
        ends_at_0="2027-07-14",
        ends_at_1="08:00:00",
    )
    response = secretariat_client.post(f"/admin/meetings/meeting/{som.pk}/change/", data)
    assert response.status_code == 302
    assert (Meeting.objects.get(pk=som.pk).starts_at, _chair(som)) == (AFTER_HANDOVER, "JP")


def test_admin_clearing_the_chair_takes_the_rotation_chair(secretariat_client, system_actor, som, mongolia):
    services.meeting_update(actor=system_actor, meeting=som, chaired_by=mongolia)
    data = _admin_form(secretariat_client, som, chaired_by="")
    assert secretariat_client.post(f"/admin/meetings/meeting/{som.pk}/change/", data).status_code == 302
    assert _chair(som) == "KR"
