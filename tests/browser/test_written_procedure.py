"""A written procedure end to end in Chromium: the secretariat opens it, Korea breaks silence,
Japan supports, the deadline passes (the closing is driven through the service's `now`), the
secretariat sees the result and Korea finds it in its notifications."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from core.reminders import services as engine
from decisions import services
from decisions.choices import DecisionKind
from decisions.models import Position, WrittenProcedure
from members.choices import Capacity
from tests.factories import DelegateFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESULT = "Not adopted: silence broken by Republic of Korea"


def answer(page, base_url: str, decision_pk: int, kind_label: str, text: str = ""):
    page.goto(f"{base_url}/decisions/{decision_pk}/")
    page.click("main a:text-is('Answer')")
    page.check(f"label:has-text('{kind_label}') input[type=radio]")
    if text:
        page.fill("textarea[name=text]", text)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/decisions/{decision_pk}/")
    return page.locator(".messages").inner_text()


def test_silence_broken_by_korea_is_not_adopted(
    live_server, signed_in, secretariat_user, secretariat_actor, korea, japan, korea_user, japan_user
):
    DelegateFactory(member=korea, capacity=Capacity.FOCAL_POINT, email="kim@korea.example", user=korea_user)
    DelegateFactory(member=japan, capacity=Capacity.FOCAL_POINT, email="sato@japan.example", user=japan_user)
    decision = services.decision_create(
        actor=secretariat_actor,
        title="Joint statement on lithium supply",
        kind=DecisionKind.JOINT_STATEMENT,
        text="The members welcome the report.\n\nThey agree to share data.",
    )
    # A deadline three days ahead at 18:00 Brussels time, typed as a secretariat would.
    brussels = zoneinfo.ZoneInfo("Europe/Brussels")
    deadline_local = (timezone.now().astimezone(brussels) + datetime.timedelta(days=3)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )

    secretariat = signed_in("secretariat")
    secretariat.goto(f"{live_server.url}/decisions/{decision.pk}/")
    secretariat.click("text=Open a written procedure")
    secretariat.fill("input[name=deadline]", deadline_local.strftime("%Y-%m-%dT%H:%M"))
    secretariat.fill("input[name=time_zone]", "Europe/Brussels")
    secretariat.click("main button[type=submit]")
    secretariat.wait_for_url(f"{live_server.url}/decisions/{decision.pk}/")
    procedure = WrittenProcedure.objects.get(decision=decision)
    assert procedure.deadline == deadline_local.astimezone(datetime.UTC)
    assert secretariat.locator(".countdown").get_attribute("role") == "timer"

    korea_page = signed_in("korea")
    message = answer(
        korea_page, live_server.url, decision.pk, "Objection (silence broken)", "Paragraph 2 goes too far."
    )
    assert message == "Recorded for Republic of Korea: objection (silence broken)."
    japan_page = signed_in("japan")
    assert answer(japan_page, live_server.url, decision.pk, "Support") == "Recorded for Japan: support."
    assert sorted(Position.objects.values_list("member__iso2", "kind")) == [
        ("JP", "support"),
        ("KR", "objection"),
    ]

    # The deadline passes: the periodic closing runs at the deadline instant, then the
    # reminder engine sends what is due then (the result to every member concerned).
    assert services.procedures_close_due(now=procedure.deadline) == 1
    engine.reminder_dispatch(
        now=procedure.deadline, enqueue=lambda ids: [engine.reminder_send(reminder_id=pk) for pk in ids]
    )

    secretariat.goto(f"{live_server.url}/decisions/{decision.pk}/")
    assert secretariat.locator(f"#procedure-{procedure.pk} ~ .result").inner_text() == RESULT
    assert secretariat.locator(".decision-status strong").inner_text() == "Not adopted"

    korea_page.goto(f"{live_server.url}/reminders/notifications/")
    notes = korea_page.locator("main").inner_text()
    assert f"{RESULT}: Joint statement on lithium supply" in notes
