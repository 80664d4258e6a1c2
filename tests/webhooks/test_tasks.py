"""The Celery tasks, run in-process: dispatch queues due deliveries on commit, deliver sends once."""

from __future__ import annotations

import pytest

from core.webhooks import limits, services, tasks
from core.webhooks.models import WebhookDelivery
from members import services as member_services
from members.permissions import actor_for_token


@pytest.mark.django_db
def test_dispatch_task_queues_new_deliveries_on_commit(
    korea, token_for, receiver, system_actor, sequenced, django_capture_on_commit_callbacks
):
    token, _ = token_for(member=korea)
    services.subscription_create(actor=actor_for_token(token), url=receiver.url, event_types=["*"])
    member_services.delegate_create(actor=system_actor, member=korea, full_name="Park", capacity="delegate")
    sequenced()
    # execute=False: the callbacks would put messages on the broker; here we only count them.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert tasks.dispatch_webhooks() >= 1
    delivery = WebhookDelivery.objects.get()
    assert len(callbacks) == 1
    assert callbacks[0].keywords == {"delivery_id": delivery.pk}
    assert delivery.queued_at is not None

    tasks.deliver_webhook(delivery_id=delivery.pk)
    tasks.deliver_webhook(delivery_id=delivery.pk)
    assert len(receiver.requests) == 1
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert tasks.send_due_webhooks() == 0
    assert callbacks == []


def test_deliver_task_is_keyword_only_and_acks_late():
    with pytest.raises(TypeError):
        tasks.deliver_webhook.run(1)
    assert tasks.deliver_webhook.acks_late is True
    assert tasks.deliver_webhook.time_limit == tasks.DELIVER_HARD_LIMIT
    assert limits.claim_lease().total_seconds() > tasks.DELIVER_HARD_LIMIT


@pytest.mark.django_db
def test_prune_forgets_old_finished_deliveries_only(korea, token_for, receiver, system_actor, sequenced):
    import datetime

    from django.utils import timezone

    token, _ = token_for(member=korea)
    services.subscription_create(actor=actor_for_token(token), url=receiver.url, event_types=["*"])
    for name in ("A", "B"):
        member_services.delegate_create(actor=system_actor, member=korea, full_name=name, capacity="delegate")
    sequenced()
    services.deliveries_dispatch()
    old, fresh = WebhookDelivery.objects.order_by("id")
    services.delivery_attempt(delivery_id=old.pk)
    later = timezone.now() + datetime.timedelta(days=31)
    assert services.deliveries_prune(now=later) == 2  # the delivery and its attempt
    assert list(WebhookDelivery.objects.values_list("pk", flat=True)) == [fresh.pk]  # still pending


@pytest.mark.django_db
def test_dispatch_queries_do_not_grow_with_changes(
    korea, token_for, receiver, system_actor, sequenced, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    token, _ = token_for(member=korea)
    services.subscription_create(actor=actor_for_token(token), url=receiver.url, event_types=["*"])

    def changes(n):
        for i in range(n):
            member_services.delegate_create(
                actor=system_actor, member=korea, full_name=f"D{i}", capacity="delegate"
            )
        sequenced()

    services.deliveries_dispatch()  # creates the cursor row
    changes(1)
    with CaptureQueriesContext(connection) as one:
        services.deliveries_dispatch()
    changes(20)
    with django_assert_num_queries(len(one.captured_queries)):
        services.deliveries_dispatch()
    assert WebhookDelivery.objects.count() == 21
