"""A user's own language: chosen on the settings page or with the switcher, kept on their
profile, used for their pages and for the reminder e-mails they receive."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from core.errors import Forbidden
from core.models import AuditEntry
from core.reminders import services as engine
from meetings import services as meeting_services
from meetings.choices import MeetingKind, MeetingStatus
from members import services
from members.choices import Capacity
from members.models import Membership
from tests.factories import DelegateFactory

UTC = datetime.UTC


def test_profile_language_saved_and_pages_follow_it(korea_client, korea_user):
    response = korea_client.post(reverse("members:profile"), {"language": "ko"})
    assert response.status_code == 302
    assert Membership.objects.get(user=korea_user).language == "ko"
    page = korea_client.get(reverse("members:profile"), HTTP_ACCEPT_LANGUAGE="en-GB")
    assert page.headers["Content-Language"] == "ko"
    assert "<h1>내 설정</h1>" in page.content.decode()


def test_profile_language_unknown_is_refused_naming_the_field(korea_client, korea_user):
    response = korea_client.post(reverse("members:profile"), {"language": "xx"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "language": ["Select a valid choice. xx is not one of the available choices."]
    }
    assert Membership.objects.get(user=korea_user).language == ""


def test_profile_saved_unchanged_writes_nothing(korea_client, korea_user):
    audited = AuditEntry.objects.count()
    response = korea_client.post(reverse("members:profile"), {})
    assert response.status_code == 302
    assert Membership.objects.get(user=korea_user).language == ""
    assert AuditEntry.objects.count() == audited


def test_switcher_saves_the_signed_in_users_choice(korea_client, korea_user):
    response = korea_client.post(reverse("set_language"), {"language": "ko", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "ko"
    assert Membership.objects.get(user=korea_user).language == "ko"


def test_language_chosen_by_another_user_is_refused(korea_actor, japan_user):
    with pytest.raises(Forbidden):
        services.user_language_set(actor=korea_actor, user=japan_user, language="ko")
    assert Membership.objects.get(user=japan_user).language == ""


def test_signing_in_again_brings_back_the_chosen_language(client, korea_user, korea_actor):
    services.user_language_set(actor=korea_actor, user=korea_user, language="ko")
    client.force_login(korea_user)
    page = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en-GB")
    assert page.headers["Content-Language"] == "ko"


def test_reminder_email_in_each_recipients_language(
    db, system_actor, korea, korea_user, korea_actor, japan, django_capture_on_commit_callbacks
):
    services.user_language_set(actor=korea_actor, user=korea_user, language="ko")
    DelegateFactory(member=korea, capacity=Capacity.FOCAL_POINT, email="fp@kr.example.org", user=korea_user)
    DelegateFactory(member=japan, capacity=Capacity.FOCAL_POINT, email="fp@jp.example.org")
    meeting = meeting_services.meeting_schedule(
        actor=system_actor,
        status=MeetingStatus.ANNOUNCED,
        kind=MeetingKind.SOM,
        title="SOM Seoul",
        venue_name="Seoul",
        venue_time_zone="Asia/Seoul",
        starts_at=datetime.datetime(2027, 4, 20, 0, tzinfo=UTC),
        ends_at=datetime.datetime(2027, 4, 20, 8, tzinfo=UTC),
        rsvp_deadline=datetime.datetime(2027, 4, 2, 8, tzinfo=UTC),
    )
    meeting_services.invitations_send(actor=system_actor, meeting=meeting, members=[korea, japan])
    with django_capture_on_commit_callbacks(execute=True):
        engine.reminder_dispatch(enqueue=lambda ids: [engine.reminder_send(reminder_id=i) for i in ids])
    by_recipient = {message.to[0]: message for message in mail.outbox}
    korean, english = by_recipient["fp@kr.example.org"], by_recipient["fp@jp.example.org"]
    assert korean.subject == "초청: SOM Seoul, 2027년 4월 20일"
    assert "귀 대표단을 다음 FORGE 회의에 초청합니다." in korean.body
    assert "2027년 4월 20일 (화요일) 09:00 ~ 17:00 (Asia/Seoul)" in korean.body
    assert "2027년 4월 2일 (금요일) 17:00까지 회신해 주십시오 (Asia/Seoul)." in korean.body
    assert '<html lang="ko">' in korean.alternatives[0][0]
    assert english.subject == "Invitation: SOM Seoul, 20 April 2027"
    assert "Your delegation is invited to the following FORGE meeting." in english.body
    assert "Tuesday 20 April 2027, 09:00 to 17:00" in english.body
