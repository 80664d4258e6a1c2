"""Price alerts: once per crossing, through the reminder engine; the webhook event on the feed."""

import datetime
from decimal import Decimal

import pytest

from core.choices import Confidentiality
from core.models import Change
from core.reminders import services as engine
from core.reminders.models import Reminder, SentMail
from decisions import services as decision_services
from markets import references, services
from markets.models import ProductFollow
from markets.reminders import ALERT, BELOW_EVENT
from tests.factories import adopt

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


# A new reference price re-evaluates the prices it covers -------------------------------------


def _adopt_reference(actor, product, amount, valid_from, decision):
    return references.reference_price_create(
        actor=actor, product=product, amount=amount, valid_from=valid_from, adopted_by=decision
    )


def test_new_reference_alerts_a_follower_whose_line_it_crosses_once(
    secretariat_actor, carbonate, reference, follower, korea_user, send_due, time_machine
):
    time_machine.move_to(NOW, tick=False)
    observation = _observe(secretariat_actor, carbonate, "11000")  # below 12,000: alerted (v1)
    send_due()
    lower = adopt(secretariat_actor, title="Lower reference")
    _adopt_reference(secretariat_actor, carbonate, "10000", datetime.date(2026, 2, 1), lower)  # out
    higher = adopt(secretariat_actor, title="Higher reference")
    new = _adopt_reference(
        secretariat_actor, carbonate, "11500", datetime.date(2026, 3, 1), higher
    )  # in again
    send_due()
    _adopt_reference(secretariat_actor, carbonate, "11800", datetime.date(2026, 3, 2), higher)  # stays in
    send_due()

    assert _alerts() == [
        (korea_user.email, "v1", "sent"),
        (korea_user.email, f"v1.r{new.pk}.11500", "sent"),
    ]
    assert [mail.subject for mail in SentMail.objects.order_by("pk")] == [
        "Below the reference price: Lithium carbonate on 2 March 2026"
    ] * 2
    assert "11500.0000 USD/t" in SentMail.objects.order_by("pk").last().body_text
    assert observation.pk == Reminder.objects.filter(kind=ALERT).last().subject_id


def test_reference_change_that_leaves_the_price_on_the_same_side_alerts_nobody(
    secretariat_actor, carbonate, reference, follower, korea_user
):
    _observe(secretariat_actor, carbonate, "13000")  # above 12,000

    references.reference_price_update(actor=secretariat_actor, reference=reference, amount="12500")

    assert _alerts() == []


def test_reference_raised_above_a_price_alerts_and_records_the_event(
    secretariat_actor, carbonate, reference, follower, korea_user
):
    observation = _observe(secretariat_actor, carbonate, "12500")

    references.reference_price_update(actor=secretariat_actor, reference=reference, amount="13000")
    references.reference_price_update(actor=secretariat_actor, reference=reference, note="Checked")

    assert _alerts() == [(korea_user.email, f"v1.r{reference.pk}.13000", "pending")]
    assert list(Change.objects.filter(event=BELOW_EVENT).values_list("object_id", flat=True)) == [
        observation.pk
    ]


def test_removed_reference_drops_the_pending_alert(
    secretariat_actor, carbonate, reference, follower, send_due, time_machine
):
    time_machine.move_to(NOW, tick=False)
    _observe(secretariat_actor, carbonate, "11000")

    references.reference_price_delete(actor=secretariat_actor, reference=reference)
    send_due()

    assert SentMail.objects.count() == 0


# Who may see the reference ---------------------------------------------------------------------


@pytest.fixture
def secret_reference(secretariat_actor, carbonate):
    """A reference adopted by a decision restricted to the secretariat."""
    hidden = adopt(secretariat_actor, title="Secretariat only", confidentiality=Confidentiality.SECRETARIAT)
    return _adopt_reference(secretariat_actor, carbonate, "12000", datetime.date(2026, 1, 1), hidden)


def test_follower_who_cannot_see_the_adopting_decision_gets_no_alert(
    secretariat_actor, carbonate, secret_reference, follower, secretariat_user, send_due, time_machine
):
    time_machine.move_to(NOW, tick=False)
    ProductFollow.objects.create(product=carbonate, user=secretariat_user, margin_percent=Decimal("0"))

    _observe(secretariat_actor, carbonate, "11000")
    send_due()

    # The secretariat follower sees the figure; Korea's follower hears nothing of it.
    assert [row[0] for row in _alerts()] == [secretariat_user.email]
    assert list(SentMail.objects.values_list("to_email", flat=True)) == [secretariat_user.email]
    assert "12000.0000 USD/t" in SentMail.objects.get().body_text


def test_alert_planned_while_visible_is_dropped_when_the_decision_is_restricted_before_sending(
    secretariat_actor, carbonate, reference, follower, korea_user, send_due, time_machine
):
    time_machine.move_to(NOW, tick=False)
    _observe(secretariat_actor, carbonate, "11000")
    decision_services.decision_update(
        actor=secretariat_actor, decision=reference.adopted_by, confidentiality=Confidentiality.SECRETARIAT
    )

    send_due()

    assert SentMail.objects.filter(to_email=korea_user.email).count() == 0
