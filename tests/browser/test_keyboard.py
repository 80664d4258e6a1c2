"""The main flows by keyboard alone: every step is a Tab, Shift+Tab, Enter or Space (plus typing
into fields), focus is always visible, the skip link skips the header, and a form sent with
errors puts focus on its error summary."""

import datetime
import re

import pytest

from meetings.choices import InvitationStatus, MeetingStatus
from meetings.models import Meeting
from tests.factories import DelegateFactory, InvitationFactory, MeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# More stops than any page of ours has before what a test looks for.
MAX_TABS = 150


def _focused(page, selector: str) -> bool:
    return page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector)


def tab_to(page, selector: str, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches `selector`, each stop showing
    a visible focus indicator."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if _focused(page, selector):
            assert_focus_visible(page, selector)
            return
    raise AssertionError(f"{MAX_TABS} presses of Tab on {page.url} never reached {selector}")


def assert_focus_visible(page, what: str) -> None:
    style = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"""
    )
    assert style[0] != "none" and style[1] >= 2, f"no visible focus on {what} at {page.url}: {style}"


def sign_in_by_keyboard(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    tab_to(page, "input[name=username]")
    page.keyboard.type(username)
    tab_to(page, "input[name=password]")
    page.keyboard.type("pw")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")


def test_delegation_answers_an_invitation_and_registers_a_delegate_by_keyboard(
    live_server, page, korea_user, korea, time_machine
):
    # The factory's meeting (10 March 2027) must be ahead to be listed on the home page as
    # upcoming; the server runs in this process, so the pinned clock is the pages' clock.
    time_machine.move_to(datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC), tick=True)
    meeting = MeetingFactory(title="SOM 9", status=MeetingStatus.ANNOUNCED)
    invitation = InvitationFactory(meeting=meeting, member=korea, status=InvitationStatus.PENDING)
    DelegateFactory(member=korea, full_name="Kim Min-jun")
    sign_in_by_keyboard(page, live_server.url, "korea")

    # The first stop is the skip link, shown while focused; it takes focus past the header.
    page.keyboard.press("Tab")
    assert _focused(page, "a.skip-link"), "the first Tab stop is not the skip link"
    assert page.locator("a.skip-link").bounding_box()["y"] >= 0, "the focused skip link is off screen"
    page.keyboard.press("Enter")
    assert _focused(page, "main#main"), "the skip link did not move focus to the main content"
    page.keyboard.press("Tab")
    assert page.evaluate("() => !!document.activeElement.closest('main')"), (
        "Tab after the skip link left main"
    )

    tab_to(page, f'a[href="/meetings/invitations/{invitation.pk}/#answer"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/meetings/invitations/{invitation.pk}/#answer")
    tab_to(page, "input[name=status][value=accepted]")
    page.keyboard.press("Space")
    tab_to(page, ".answer-form button[type=submit]")
    page.keyboard.press("Space")
    page.locator("#invitation-status", has_text="Accepted").wait_for()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED

    tab_to(page, "select[name=delegate]")
    page.keyboard.type("Kim")
    tab_to(page, ".register-form button[type=submit]")
    page.keyboard.press("Enter")
    page.locator("#registrations td", has_text="Kim Min-jun").wait_for()
    assert [r.delegate.full_name for r in invitation.registrations.all()] == ["Kim Min-jun"]


def test_secretariat_schedules_a_meeting_at_a_fair_slot_by_keyboard(
    live_server, page, secretariat_user, korea, japan
):
    sign_in_by_keyboard(page, live_server.url, "secretariat")
    tab_to(page, 'header a[href="/meetings/"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/meetings/")
    tab_to(page, 'a[href="/meetings/slots/"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/meetings/slots/")

    # "All current members" is chosen already; one day of candidates, an hour long.
    tab_to(page, "input[name=date_from]")
    page.keyboard.type("03102027")
    tab_to(page, "input[name=date_to]")
    page.keyboard.type("03102027")
    tab_to(page, "input[name=duration_minutes]")
    page.keyboard.press("Control+A")
    page.keyboard.type("60")
    page.keyboard.press("Enter")
    page.locator("table.slots").wait_for()
    assert page.locator("svg.strips g.strip").count() == 2

    # Back up from the page's end to the best slot's "Schedule" link.
    page.keyboard.press("End")
    tab_to(page, 'a[href^="/meetings/new/?starts_at="]')
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/meetings/new/\?starts_at="))

    # Sent without a kind or title: focus lands on the error summary.
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.locator(".form-errors").wait_for()
    page.wait_for_function("() => document.activeElement.classList.contains('form-errors')")
    assert_focus_visible(page, "the error summary")
    assert Meeting.objects.count() == 0

    tab_to(page, "select[name=kind]")
    page.keyboard.type("Work")
    tab_to(page, "input[name=title]")
    page.keyboard.type("Working group on recycling")
    tab_to(page, "input[name=virtual_link]")
    page.keyboard.type("https://meet.example.org/wg-recycling")
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/meetings/\d+/$", page.url), page.locator(".form-errors").all_inner_texts()
    meeting = Meeting.objects.get()
    assert (meeting.title, meeting.kind, meeting.venue_time_zone) == (
        "Working group on recycling",
        "working_group",
        "UTC",
    )
    # Korea (UTC+9) and Japan (UTC+9) both work 23:00-11:00 UTC: the best slot is the first.
    assert meeting.starts_at == datetime.datetime(2027, 3, 10, 0, tzinfo=datetime.UTC)
    assert meeting.ends_at - meeting.starts_at == datetime.timedelta(hours=1)
