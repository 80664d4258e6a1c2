"""Switching the interface to Korean: the choice is remembered (cookie and the user's profile)
and the pages a delegation uses speak Korean; data stays as entered."""

import pytest

from meetings.choices import InvitationStatus, MeetingStatus
from members.models import Membership
from tests.factories import InvitationFactory, MeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_delegation_switches_to_korean_and_sees_home_and_invitation_in_korean(
    live_server, sign_in, korea_user, korea
):
    meeting = MeetingFactory(title="SOM 9", status=MeetingStatus.ANNOUNCED)
    invitation = InvitationFactory(meeting=meeting, member=korea, status=InvitationStatus.PENDING)
    page = sign_in("korea")
    assert page.locator("h1").inner_text() == "Republic of Korea: what needs doing"

    page.select_option("#language-choice", "ko")
    page.click("form.language button[type=submit]")
    page.locator("html[lang=ko]").wait_for()
    assert page.locator("h1").inner_text() == "Republic of Korea: 할 일"
    assert page.locator("#to-answer-title").inner_text() == "답변을 기다리는 초청"
    assert Membership.objects.get(user=korea_user).language == "ko"

    page.goto(f"{live_server.url}/meetings/invitations/{invitation.pk}/")
    assert page.locator("h1").inner_text() == "Republic of Korea: SOM 9 초청"
    assert page.locator(".answer-form button[type=submit]").inner_text() == "답변 보내기"

    # Signed out and in again on a fresh browser: the profile brings Korean back.
    page.context.clear_cookies()
    sign_in("korea")
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.locator("#to-answer-title").inner_text() == "답변을 기다리는 초청"
