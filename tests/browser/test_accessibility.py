"""axe-core (through axe-playwright-python, which ships it) on every page each role reaches
from the navigation, and on the main forms with their errors showing: no WCAG 2.2 AA violation."""

import pytest

from meetings.choices import InvitationStatus
from members.choices import Role
from tests.factories import DelegateFactory, InvitationFactory, MeetingFactory, user_with_role

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Leave the app or sign out: not pages of ours to check here.
SKIP = ("/admin/", "/api/", "/logout/")


def _violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    return [
        f"{page.url}: {v['id']} ({v['impact']}) on {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


def _navigation_links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("header a[href]", "links => links.map(a => a.getAttribute('href'))")
    return sorted({href for href in hrefs if href.startswith("/") and not href.startswith(SKIP)})


def _check_every_page(page, base: str, extra: list[str]) -> list[str]:
    page.goto(f"{base}/")
    found = []
    for path in [*_navigation_links(page, base), *extra]:
        page.goto(f"{base}{path}")
        found += _violations(page)
    return found


@pytest.fixture
def data(korea):
    meeting = MeetingFactory(title="SOM 7", status="announced")
    invitation = InvitationFactory(meeting=meeting, member=korea, status=InvitationStatus.ACCEPTED)
    DelegateFactory(member=korea, full_name="Kim Min-jun")
    return {"meeting": meeting, "invitation": invitation}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", [Role.SECRETARIAT_ADMIN, Role.DELEGATION, Role.OBSERVER])
def test_every_navigation_page_has_no_wcag_aa_violation(role, korea, data, live_server, sign_in):
    user_with_role(role, korea if role == Role.DELEGATION else None, username=f"a11y-{role}")
    page = sign_in(f"a11y-{role}")
    meeting, invitation = data["meeting"], data["invitation"]
    extra = [f"/meetings/{meeting.pk}/", "/search/?q=som", "/meetings/calendar/"]
    if role != Role.OBSERVER:
        extra.append(f"/meetings/invitations/{invitation.pk}/")
    assert _check_every_page(page, live_server.url, extra) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_main_forms_with_errors_have_no_wcag_aa_violation(secretariat_user, live_server, sign_in):
    page = sign_in("secretariat")
    page.goto(f"{live_server.url}/meetings/new/")
    page.click("main button[type=submit]")  # nothing filled in: every required field complains
    page.wait_for_selector(".errorlist, [aria-invalid=true]")
    found = _violations(page)
    page.goto(f"{live_server.url}/members/chair/new/")
    page.click("main button[type=submit]")
    page.wait_for_selector(".errorlist, [aria-invalid=true]")
    assert found + _violations(page) == []


@pytest.mark.browser
def test_axe_reports_a_known_violation(page):
    """The check itself works: an image without a text alternative is reported."""
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main><img src="x.png"></main></body></html>'
    )
    assert [line.split(": ", 1)[1].split(" ")[0] for line in _violations(page)] == ["image-alt"]
