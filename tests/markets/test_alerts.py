"""Price alerts: once per crossing, through the reminder engine; the webhook event on the feed."""

import datetime
from decimal import Decimal

import pytest

from core.models import Change
from core.reminders import services as engine
from core.reminders.models import Reminder, SentMail
from markets import references, services
from markets.models import ProductFollow
from markets.reminders import ALERT, BELOW_EVENT

NOW = datetime.datetime(2026, 3, 3, 9, 0, tzinfo=datetime.UTC)
DAY = datetime.date(2026, 3, 2)


@pytest.fixture
def send_due(django_capture_on_commit_callbacks):
    def run(now=NOW):
        with django_capture_on_commit_callbacks(execute=True):
            return engine.reminder_dispatch(
                now=now + datetime.timedelta(minutes=1),
                enqueue=lambda ids: [engine.reminder_send(reminder_id=pk) for pk in ids],
            )

    return run


@pytest.fixture
def reference(secretariat_actor, carbonate, decision):
    return references.reference_price_create(
        actor=secretariat_actor,
        product=carbonate,
        amount="12000",
        valid_from=datetime.date(2026, 1, 1),
        adopted_by=decision,
    )


@pytest.fixture
def follower(korea_user, carbonate):
    return ProductFollow.objects.create(product=carbonate, user=korea_user, margin_percent=Decimal("0"))


def _observe(actor, product, price, **fields):
    return services.observation_create(
        actor=actor,
        product=product,
        observed_on=fields.pop("observed_on", DAY),
        price=price,
        currency="USD",
        unit="t",
        source_name=fields.pop("source_name", "Exchange A"),
        **fields,
    )


def _alerts():
    return list(Reminder.objects.filter(kind=ALERT).values_list("recipient_email", "occurrence", "status"))


def test_below_reference_alerts_follower_exactly_once_also_after_edits(
    secretariat_actor, carbonate, reference, follower, korea_user, send_due, time_machine
):
    time_machine.move_to(NOW, tick=False)
    observation = _observe(secretariat_actor, carbonate, "11000")
    send_due()

    services.observation_update(actor=secretariat_actor, observation=observation, price="10500")
    services.observation_update(actor=secretariat_actor, observation=observation, note="Checked")
    send_due()

    assert _alerts() == [(korea_user.email, "v1", "sent")]
    assert list(SentMail.objects.values_list("to_email", flat=True)) == [korea_user.email]
    mail = SentMail.objects.get()
    assert mail.subject == "Below the reference price: Lithium carbonate on 2 March 2026"
    assert "11000.0000 USD/t" in mail.body_text and "12000.0000 USD/t" in mail.body_text


def test_edit_that_crosses_the_line_again_alerts_again(
    secretariat_actor, carbonate, reference, follower, korea_user, send_due, time_machine
):
    time_machine.move_to(NOW, tick=False)
    observation = _observe(secretariat_actor, carbonate, "11000")
    send_due()
    observation = services.observation_update(actor=secretariat_actor, observation=observation, price="12500")
    services.observation_update(actor=secretariat_actor, observation=observation, price="11900")
    send_due()

    assert _alerts() == [(korea_user.email, "v1", "sent"), (korea_user.email, "v3", "sent")]


def test_price_above_reference_does_not_alert(secretariat_actor, carbonate, reference, follower):
    _observe(secretariat_actor, carbonate, "12000")

    assert _alerts() == []
    assert not Change.objects.filter(event=BELOW_EVENT).exists()


def test_margin_alerts_near_the_reference(secretariat_actor, carbonate, reference, follower, korea_user):
    follower.margin_percent = Decimal("5")
    follower.save()

    _observe(secretariat_actor, carbonate, "12600")  # 5 % above 12,000 is 12,600: on the line
    _observe(secretariat_actor, carbonate, "12601", source_name="Exchange B")

    assert _alerts() == [(korea_user.email, "v1", "pending")]
    assert not Change.objects.filter(event=BELOW_EVENT).exists()


def test_alert_dropped_when_price_moves_back_above_before_sending(
    secretariat_actor, carbonate, reference, follower, send_due, time_machine
):
    time_machine.move_to(NOW, tick=False)
    observation = _observe(secretariat_actor, carbonate, "11000")
    services.observation_update(actor=secretariat_actor, observation=observation, price="12100")
    send_due()

    assert SentMail.objects.count() == 0


def test_below_reference_event_on_the_feed_once(secretariat_actor, carbonate, reference):
    observation = _observe(secretariat_actor, carbonate, "11000")
    services.observation_update(actor=secretariat_actor, observation=observation, price="10000")

    assert list(Change.objects.filter(event=BELOW_EVENT).values_list("object_id", flat=True)) == [
        observation.pk
    ]


def test_no_reference_no_alert(secretariat_actor, carbonate, follower):
    _observe(secretariat_actor, carbonate, "1")

    assert _alerts() == []
