import datetime

import pytest

from members.models import ChairTerm
from tests.factories import ChairTermFactory, MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# "Today" for these tests: after Korea's term below and inside its successor's (the server runs in
# this process, so the pinned clock is the pages' clock; Chromium's own clock is not read).
TODAY = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC)


def test_secretariat_adds_overlap_sees_error_then_adds_successor(
    live_server, sign_in, secretariat_user, time_machine
):
    time_machine.move_to(TODAY, tick=True)
    # Today (after June 2026) falls in the gap left by Korea's term; the successor fills it.
    korea = MemberFactory(iso2="KR", name="Republic of Korea", capital_time_zone="Asia/Seoul")
    MemberFactory(iso2="JP", name="Japan", capital_time_zone="Asia/Tokyo")
    ChairTermFactory(member=korea, starts_on=datetime.date(2026, 2, 4), ends_on=datetime.date(2026, 6, 30))
    page = sign_in("secretariat")
    assert page.locator(".rotation .chair-now").inner_text() == "No chair is designated today."
    assert "No successor is designated." in page.content()

    page.goto(f"{live_server.url}/members/chair/new/")
    page.select_option("select[name=member]", label="Japan")
    page.fill("input[name=starts_on]", "2026-06-01")
    page.fill("input[name=ends_on]", "2027-06-30")
    page.click("main button[type=submit]")
    error = page.locator(".field.has-error .error").first.inner_text()
    assert error == "Overlaps an existing term: Republic of Korea, chair 2026-02-04 to 2026-06-30."
    assert ChairTerm.objects.count() == 1

    page.fill("input[name=starts_on]", "2026-07-01")
    page.fill("input[name=basis]", "example decision of the forum")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/members/chair/")
    assert page.locator("svg.timeline .term").count() == 2
    assert "JP · FORGE" in page.locator("svg.timeline").inner_html()

    page.goto(f"{live_server.url}/")
    chair_now = page.locator(".rotation .chair-now").inner_text()
    assert chair_now == "Chair: Japan until 30 June 2027"
    assert "No chair is designated today." not in page.content()
