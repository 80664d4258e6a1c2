"""In a real browser: a delegation marks a milestone done and posts an update; the
secretariat then sees both on the project page and in the portfolio."""

import datetime

import pytest
from django.utils import timezone

from members.choices import Role
from tests.factories import (
    JointProjectFactory,
    MemberFactory,
    MilestoneFactory,
    MineralFactory,
    ParticipantFactory,
    user_with_role,
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_delegation_completes_a_milestone_and_the_secretariat_sees_it(live_server, signed_in):
    from playwright.sync_api import expect

    korea = MemberFactory(iso2="KR", name="Republic of Korea")
    japan = MemberFactory(iso2="JP", name="Japan")
    user_with_role(Role.DELEGATION, korea, username="korea")
    user_with_role(Role.SECRETARIAT_STAFF, username="staff")
    lithium = MineralFactory(name="Lithium", slug="lithium")
    project = JointProjectFactory(title="Andes lithium (example)", lead_member=japan, minerals=[lithium])
    ParticipantFactory(project=project, member=korea)
    milestone = MilestoneFactory(
        project=project, title="Offtake signed", due_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    base = live_server.url

    delegation = signed_in("korea")
    delegation.goto(f"{base}/projects/{project.pk}/")
    row = delegation.locator(f"tr[data-milestone='{milestone.pk}']")
    expect(row.locator(".badge")).to_have_text("Overdue")
    row.get_by_role("button", name="Mark done").click()
    expect(delegation.locator(".messages")).to_contain_text("Marked “Offtake signed” done")
    expect(row.locator(".badge")).to_have_text("Done")
    delegation.fill("textarea[name=text]", "Offtake agreement signed in Seoul.")
    delegation.get_by_role("button", name="Post the update").click()
    expect(delegation.locator(".messages")).to_contain_text("Posted the update.")

    secretariat = signed_in("staff")
    secretariat.goto(f"{base}/projects/{project.pk}/")
    expect(secretariat.locator(".update-text").first).to_have_text("Offtake agreement signed in Seoul.")
    expect(secretariat.locator(".update-meta").first).to_contain_text("korea (KR)")
    expect(secretariat.locator(f"tr[data-milestone='{milestone.pk}'] .badge")).to_have_text("Done")

    secretariat.goto(f"{base}/projects/?member=KR")
    portfolio_row = secretariat.locator(f"tr[data-project='{project.pk}']")
    expect(portfolio_row).to_contain_text("Andes lithium (example)")
    expect(portfolio_row.locator(".badge.bad")).to_have_count(0)  # no overdue milestone left
    expect(portfolio_row.locator(".last-update time")).to_have_text(
        timezone.localdate().strftime("%-d %b %Y")
    )
