"""End to end on Chromium: schedule, invite, answer, register, and see it in the grid."""

import datetime
import re

import pytest

from meetings.models import Meeting
from members.choices import Capacity
from tests.factories import ChairTermFactory, DelegateFactory, MemberFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_schedule_invite_accept_register_and_see_it_in_the_grid(
    signed_in,
    live_server,
    secretariat_user,
    korea_user,
    korea,
    japan,
):
    MemberFactory(iso2="DE", name="Germany")
    ChairTermFactory(member=korea, starts_on=datetime.date(2026, 2, 4), ends_on=datetime.date(2027, 6, 30))
    DelegateFactory(member=korea, full_name="Kim Min-jun", capacity=Capacity.HEAD)
    DelegateFactory(member=korea, full_name="Lee Seo-yeon")

    # The secretariat schedules a senior officials' meeting and invites all members.
    page = signed_in("secretariat")
    page.goto(f"{live_server.url}/meetings/new/")
    page.select_option("select[name=kind]", "som")
    page.fill("input[name=title]", "Senior Officials' Meeting 7")
    page.fill("input[name=venue_name]", "Seoul")
    page.fill("input[name=venue_time_zone]", "Asia/Seoul")
    page.fill("input[name=starts_at]", "2027-03-10T09:00")
    page.fill("input[name=ends_at]", "2027-03-10T17:00")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/meetings/\d+/$"))
    meeting = Meeting.objects.get(title="Senior Officials' Meeting 7")
    assert (meeting.status, meeting.chaired_by_id) == ("announced", korea.pk)
    page.get_by_role("link", name="Invite").click()
    page.get_by_role("button", name="Send invitations").click()
    page.wait_for_url(re.compile(r"/rsvp/$"))
    assert page.locator("tbody tr").count() == 3

    # A Korean delegation user accepts and registers two delegates.
    korea_page = signed_in("korea")
    korea_page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    korea_page.get_by_role("link", name="Answer and register delegates").click()
    korea_page.check("input[name=status][value=accepted]")
    korea_page.get_by_role("button", name="Send answer").click()
    korea_page.wait_for_selector("#invitation-status:has-text('Accepted')")
    for name in ("Kim Min-jun", "Lee Seo-yeon"):
        korea_page.select_option("select[name=delegate]", label=f"{name} (KR)")
        korea_page.get_by_role("button", name="Register").click()
        korea_page.wait_for_selector(f"#registrations td:has-text('{name}')")
    assert korea_page.locator("#registrations tr.registration-active").count() == 2

    # The secretariat sees it in the grid.
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/rsvp/")
    row = page.locator("#rsvp-KR")
    assert row.locator(".rsvp-accepted").count() == 1
    assert "2 / 3" in row.inner_text()
    assert "korea" in row.inner_text()
    assert page.locator("th[data-status=accepted]").inner_text() == "1"
    assert page.locator("th[data-status=pending]").inner_text() == "2"
